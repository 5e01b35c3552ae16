"""The application factory: database, live search, the bot with the citizen routers, the
`/wechat` webhook, the public web pages and the JSON API — one FastAPI app."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.client import WeChatClient
from bot.dispatcher import Dispatcher
from bot.storage import BaseStorage
from bot.webhook import METHODS as LANE_METHODS
from bot.webhook import Webhook
from bot.wire import WeChatEnvelope
from handlers import observability
from handlers.citizen import citizen_router
from handlers.db.changes import ChangeWatcher
from handlers.db.database import open_database
from handlers.delivery.citizen_post import CitizenPost
from handlers.delivery.message_logs import MessageLogWriter
from handlers.delivery.notices import NoticeSender
from handlers.delivery.outbox import Outbox
from handlers.delivery.queue import JobQueue
from handlers.delivery.queue_worker import QueueWorker
from handlers.guards.protection import attach_database, protect, resilient_storage
from handlers.jobs.audit_trail import AuditCheckpointer, enforce_audit_grants
from handlers.jobs.place_notices import NOTICE, PlaceNotices
from handlers.observability.metrics import TimedSearch
from handlers.observability.middleware import HttpMetricsMiddleware
from handlers.searching.cache import cache_search
from handlers.searching.public_items import PublicItems
from handlers.searching.service import IndexFollower, SynonymWatcher, build_index
from handlers.settings import Settings, get_settings
from handlers.staff import bound_staff_router
from handlers.web import install_web
from handlers.web.console import install_console
from handlers.wecom.alerts import StaffAlerts
from handlers.wecom.callback import WeComMount, mount_wecom

APP_FACTORY = "handlers.app:create_app"  # for `uvicorn --factory` and `zwbot serve --workers`


class ZwbotApp(FastAPI):
    """FastAPI with fast lanes: the callback paths of WeChat and WeCom skip the middleware stack.

    A request to a lane's exact path with a method its webhook answers goes straight to the
    webhook (an ASGI app timed by its own metrics wrapper); everything else, lifespan included,
    takes FastAPI's usual way. The stack and the router cost each message noticeable CPU.
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
    return resilient_storage(settings)  # Redis, process memory while Redis is down


def _wechat_client(settings: Settings) -> WeChatClient | None:
    secret = settings.wechat_app_secret.get_secret_value()
    if not settings.wechat_app_id or not secret:
        return None
    # one attempt per call; the outbox retries sends, and only those that surely failed
    # (a timed-out send may have arrived: repeating it could deliver it twice).
    return WeChatClient(
        settings.wechat_app_id,
        secret,
        base_url=settings.wechat_api_base,
        attempts=1,
        timeout=settings.wechat_api_timeout,
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
    protect(dispatcher, settings)  # update metrics, rate limit, "系统繁忙" on DB outage
    dispatcher.include_router(bound_staff_router(settings))  # bound staff first
    dispatcher.include_router(citizen_router())
    # Ticket answers and replies refused for the 48-hour window or a quota: sent when the
    # citizen writes again (this middleware) or after the quota resets.
    post = CitizenPost(settings, wechat, storage)
    dispatcher.outer_middleware(post)
    dispatcher["citizen_post"] = post
    outbox = Outbox(wechat.send_reply, hold=post.hold) if wechat is not None else None
    webhook = Webhook(
        dispatcher,
        _envelope(settings),
        path="/wechat",
        sender=outbox.send if outbox is not None else None,
        deadline=settings.reply_deadline_seconds,
        max_body_bytes=settings.max_body_bytes,
    )

    wecom: WeComMount | None = None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Everything started registers its stop at once: it is stopped (in reverse order)
        # however far the start got.
        async with AsyncExitStack() as stack:
            stack.push_async_callback(storage.close)
            if wechat is not None:
                stack.push_async_callback(wechat.aclose)
            if outbox is not None:  # sends what is queued before the client closes
                stack.push_async_callback(outbox.close)
            engine, sessions = await stack.enter_async_context(open_database(settings))
            await enforce_audit_grants(engine, settings)  # production: audit rows append-only
            attach_database(storage, sessions)
            # Recent results kept per worker (emptied by any index change), timed.
            index = TimedSearch(
                cache_search(await build_index(sessions), settings.search_cache_size)
            )
            app.state.engine = engine
            app.state.sessions = sessions
            app.state.search = index
            dispatcher["sessions"] = sessions
            dispatcher["search"] = index
            # Staff synonyms work without a restart; other workers' and CLI item changes;
            # per-process caches kept fresh by change signals.
            for periodic in (
                SynonymWatcher(index, sessions),
                IndexFollower(index, sessions),
                ChangeWatcher(sessions),
            ):
                periodic.start()
                stack.push_async_callback(periodic.stop)
            public_items = PublicItems(sessions)
            await public_items.preload()
            dispatcher["public_items"] = app.state.public_items = public_items
            message_logs = MessageLogWriter(sessions)
            dispatcher["message_logs"] = app.state.message_logs = message_logs
            message_logs.start()
            stack.push_async_callback(message_logs.close)  # after the late answers: their rows
            post.bind(sessions)
            app.state.citizen_post = post
            post.start()
            stack.push_async_callback(post.close)
            alerts = None
            if wecom is not None and wecom.client is not None:  # staff told in WeCom
                alerts = StaffAlerts(sessions, wecom.client.send_text, settings)
                alerts.start()
                stack.push_async_callback(alerts.stop)
            app.state.staff_alerts = alerts
            stack.push_async_callback(webhook.close)
            if wecom is not None:
                stack.push_async_callback(wecom.close)
            client = wecom.client if wecom is not None else None
            checkpoints = AuditCheckpointer(
                sessions, settings, client.send_text if client is not None else None
            )
            checkpoints.start()  # the chain head leaves the database at least daily
            stack.push_async_callback(checkpoints.stop)
            if wechat is not None:  # notices to followers of places, on the durable job queue
                jobs = QueueWorker(
                    JobQueue(sessions),
                    {NOTICE: NoticeSender(wechat, settings.notice_template_id)},
                    rate=settings.notify_rate,
                )
                notices = PlaceNotices(sessions, settings.public_base_url)
                jobs.start(keep=timedelta(days=settings.message_log_days))  # jobs hold openids
                notices.start()
                for background in (jobs, notices):
                    stack.push_async_callback(background.stop)
                app.state.job_worker, app.state.place_notices = jobs, notices
            if settings.environment == "production":
                # The index and the other startup objects (some 400,000) leave the cyclic
                # collector's scans; a full collection over them stalled every answer in the
                # worker for ~160 ms. (Not in tests: apps come and go there.)
                gc.collect()
                gc.freeze()
            yield

    app = ZwbotApp(
        title="天祝县政务服务 公开数据接口",
        description="已发布事项、财政专项资金清单、扶贫资金和项目的只读接口（仅公开、非涉密数据）。",
        version="1",
        lifespan=lifespan,
        docs_url=None,  # served offline by handlers.web.docs
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.dispatcher = dispatcher
    app.state.webhook = webhook
    app.state.wechat = wechat
    app.include_router(webhook.router)  # the lane answers it; the route stays a fallback
    app.add_lane(webhook)
    install_web(app, settings)
    install_console(app)  # the staff console at /console
    observability.install(app, settings)  # JSON logs, /healthz, /readyz, /metrics
    # Further mounts go here, one line each (staff `/wecom`, observability …).
    wecom = mount_wecom(app, settings, storage)  # the staff WeCom app at /wecom
    if wecom is not None:
        app.add_lane(wecom.webhook)
    return app
