"""The application factory: database, live search, the bot with the citizen routers, the
`/wechat` webhook, the public web pages and the JSON API — one FastAPI app."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.client import WeChatClient
from bot.dispatcher import Dispatcher
from bot.storage import BaseStorage
from bot.webhook import METHODS as LANE_METHODS
from bot.webhook import Webhook
from bot.wire import WeChatEnvelope
from handlers import observability  # issue 7
from handlers.audit_trail import AuditCheckpointer, enforce_audit_grants
from handlers.changes import ChangeWatcher  # issue 7
from handlers.citizen import citizen_router
from handlers.database import open_database
from handlers.message_logs import MessageLogWriter  # issue 7
from handlers.observability.metrics import instrument_search  # issue 7
from handlers.observability.middleware import HttpMetricsMiddleware  # issue 7
from handlers.outbox import Outbox  # issue 7
from handlers.protection import protect, resilient_storage  # issue 7
from handlers.public_items import PublicItems  # issue 7
from handlers.search_cache import cache_search  # issue 7
from handlers.search_service import IndexFollower, SynonymWatcher, build_index
from handlers.settings import Settings, get_settings
from handlers.staff import bound_staff_router  # issue 6
from handlers.web import install_web
from handlers.wecom import mount_wecom  # issue 6

APP_FACTORY = "handlers.app:create_app"  # for `uvicorn --factory` and `zwbot serve --workers`


class ZwbotApp(FastAPI):
    """FastAPI with fast lanes: the callback paths of WeChat and WeCom skip the middleware stack.

    A request to a lane's exact path with a method its webhook answers goes straight to the
    webhook (an ASGI app timed by its own metrics wrapper); everything else, lifespan included,
    takes FastAPI's usual way. Issue 7: the stack and the router cost each message noticeable CPU.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.lanes: dict[str, ASGIApp] = {}

    def add_lane(self, webhook: Webhook) -> None:
        """Answer `webhook.path` with `webhook` before any middleware (metrics kept)."""
        self.lanes[webhook.path] = HttpMetricsMiddleware(webhook, route=webhook.path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in LANE_METHODS:
            lane = self.lanes.get(scope["path"])
            if lane is not None:
                await lane(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _storage(settings: Settings) -> BaseStorage:
    return resilient_storage(settings)  # issue 7: Redis, process memory while Redis is down


def _wechat_client(settings: Settings) -> WeChatClient | None:
    secret = settings.wechat_app_secret.get_secret_value()
    if not settings.wechat_app_id or not secret:
        return None
    # issue 7: one attempt per call; the outbox retries sends, and only those that surely failed
    # (a timed-out send may have arrived: repeating it could deliver it twice).
    return WeChatClient(
        settings.wechat_app_id, secret, base_url=settings.wechat_api_base, attempts=1
    )


def _envelope(settings: Settings) -> WeChatEnvelope:
    return WeChatEnvelope(
        settings.wechat_token.get_secret_value(),
        settings.wechat_app_id,
        settings.wechat_aes_key.get_secret_value(),
    )


def create_app(settings: Settings | None = None) -> ZwbotApp:
    """A complete app; nothing touches the database until the lifespan starts."""
    settings = settings or get_settings()
    storage = _storage(settings)
    wechat = _wechat_client(settings)
    dispatcher = Dispatcher(storage=storage, settings=settings, wechat=wechat)
    protect(dispatcher, settings)  # issue 7: update metrics, rate limit, "系统繁忙" on DB outage
    dispatcher.include_router(bound_staff_router(settings))  # issue 6: bound staff first
    dispatcher.include_router(citizen_router())
    outbox = Outbox(wechat.send_reply) if wechat is not None else None  # issue 7: retry queue
    webhook = Webhook(
        dispatcher,
        _envelope(settings),
        path="/wechat",
        sender=outbox.send if outbox is not None else None,  # issue 7
        deadline=settings.reply_deadline_seconds,
        max_body_bytes=settings.max_body_bytes,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_database(settings) as (engine, sessions):
            await enforce_audit_grants(engine, settings)  # production: audit rows append-only
            # issue 7: recent results kept per worker (emptied by any index change), timed
            index = instrument_search(
                cache_search(await build_index(sessions), settings.search_cache_size)
            )
            app.state.engine = engine
            app.state.sessions = sessions
            app.state.search = index
            dispatcher["sessions"] = sessions
            dispatcher["search"] = index
            synonyms = SynonymWatcher(index, sessions)  # staff synonyms work without a restart
            synonyms.start()
            follower = IndexFollower(index, sessions)  # other workers' and CLI item changes
            follower.start()
            # issue 7: per-process caches kept fresh by change signals, batched message logs
            watcher = ChangeWatcher(sessions)
            watcher.start()
            public_items = PublicItems(sessions)
            await public_items.preload()
            dispatcher["public_items"] = app.state.public_items = public_items
            message_logs = MessageLogWriter(sessions)
            dispatcher["message_logs"] = app.state.message_logs = message_logs
            message_logs.start()
            mount = getattr(app.state, "wecom", None)
            client = mount.client if mount is not None else None
            checkpoints = AuditCheckpointer(
                sessions, settings, client.send_text if client is not None else None
            )
            checkpoints.start()  # the chain head leaves the database at least daily
            if settings.environment == "production":
                # issue 7: the index and the other startup objects (some 400,000) leave the
                # cyclic collector's scans; a full collection over them stalled every
                # answer in the worker for ~160 ms. (Not in tests: apps come and go there.)
                gc.collect()
                gc.freeze()
            try:
                yield
            finally:
                await checkpoints.stop()
                await synonyms.stop()
                await follower.stop()
                await webhook.close()
                await message_logs.close()  # after the late answers: their rows too
                await watcher.stop()
                if outbox is not None:  # issue 7: send what is queued before closing
                    await outbox.close()
                if wechat is not None:
                    await wechat.aclose()
                await storage.close()

    app = ZwbotApp(
        title="天祝县政务服务 公开数据接口",
        description="已发布事项、财政专项资金清单、扶贫资金和项目的只读接口（仅公开、非涉密数据）。",
        version="1",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.dispatcher = dispatcher
    app.state.webhook = webhook
    app.state.wechat = wechat
    app.include_router(webhook.router)  # issue 7: the lane answers it; the route stays a fallback
    app.add_lane(webhook)
    install_web(app)
    observability.install(app, settings)  # issue 7: JSON logs, /healthz, /readyz, /metrics
    # Further mounts go here, one line each (staff `/wecom`, observability …).
    wecom = mount_wecom(app, settings, storage)  # issue 6: the staff WeCom app at /wecom
    if wecom is not None:
        app.add_lane(wecom.webhook)  # issue 7
    return app
