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

from bot.storage import BaseStorage
from bot.webhook import METHODS as LANE_METHODS
from bot.webhook import Webhook
from handlers import observability
from handlers.accounts import AccountHost, RegionViews, build_bot
from handlers.accounts.regions import open_view
from handlers.accounts.web import HostedSite, SitesByHost
from handlers.accounts.wording import home_wording
from handlers.citizen.texts import TIANZHU
from handlers.db.changes import ChangeWatcher
from handlers.db.database import open_database
from handlers.delivery import sending
from handlers.delivery.mailbox import Mailbox
from handlers.delivery.message_logs import MessageLogWriter
from handlers.delivery.notices import NoticeSender
from handlers.delivery.outbox import REPLY, JobFeed, ReplyRoute, ReplySender
from handlers.delivery.queue import JobQueue
from handlers.delivery.queue_worker import JobHandler, QueueWorker
from handlers.delivery.staff_messages import STAFF, StaffSender
from handlers.guards.protection import attach_database, redis_client, resilient_storage
from handlers.jobs.audit_trail import AuditCheckpointer, enforce_audit_grants
from handlers.jobs.place_notices import NOTICE, PlaceNotices
from handlers.observability.middleware import HttpMetricsMiddleware
from handlers.settings import Settings, get_settings
from handlers.web import install_web
from handlers.web.console import install_console
from handlers.wecom.alerts import StaffAlerts
from handlers.wecom.callback import WeComMount, mount_wecom

APP_FACTORY = "handlers.app:create_app"  # for `uvicorn --factory`


# The cyclic collector's first threshold in production (allocations less deallocations).
YOUNG_OBJECTS = 10_000


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

    def remove_lane(self, path: str) -> None:
        """Stop answering `path` (an account no longer served: its path answers 404)."""
        self.lanes.pop(path, None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in LANE_METHODS:
            lane = self.lanes.get(scope["path"])
            if lane is not None:
                await lane(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _storage(settings: Settings) -> BaseStorage:
    return resilient_storage(settings)  # Redis, process memory while Redis is down


def create_served_app() -> ZwbotApp:
    """The app of a `zwbot serve` process: that command migrated the database before starting
    its workers, so they skip it (and Alembic's imports) and never race each other to do it."""
    return create_app(migrate=False)


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> ZwbotApp:
    """A complete app; nothing touches the database until the lifespan starts, which first
    migrates it to the code's schema unless `migrate` is false."""
    settings = settings or get_settings()
    storage = _storage(settings)
    # The account of the WECHAT_* settings at `/wechat`; accounts stored as data join in
    # the lifespan (`handlers.accounts`), each at `/wechat/<name>`.
    # One Redis client per worker for every account's access token (one stable_token owner
    # per appid across workers and machines) and rate-limit counts; closed with the lifespan.
    redis = redis_client(settings.redis_url) if settings.redis_url else None
    default = build_bot(settings, storage, redis=redis)
    dispatcher, wechat, post, webhook = (
        default.dispatcher,
        default.wechat,
        default.post,
        default.webhook,
    )

    wecom: WeComMount | None = None
    sites: dict[str, HostedSite] = {}  # host name → a stored account's pages (lifespan fills)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        assert isinstance(app, ZwbotApp)
        # Everything started registers its stop at once: it is stopped (in reverse order)
        # however far the start got.
        async with AsyncExitStack() as stack:
            stack.push_async_callback(storage.close)
            engine, sessions = await stack.enter_async_context(
                open_database(settings, upgrade=migrate)
            )
            await enforce_audit_grants(engine, settings)  # production: audit rows append-only
            attach_database(storage, sessions)
            # Per-process caches kept fresh by change signals.
            changes = ChangeWatcher(sessions)
            changes.start()
            stack.push_async_callback(changes.stop)
            # The home region's index (with its result cache) and public items.
            view = await open_view(sessions, settings, stack)
            async with sessions() as session:  # its fixed sentences name its home region
                wording = await home_wording(session, settings.home_region)
            dispatcher["wording"] = wording
            if wording is not TIANZHU:  # its ticket answers too (else ——天祝县政务服务)
                post.signature = f"{wording.place}政务服务"
            app.state.engine = engine
            app.state.sessions = sessions
            app.state.search = view.search
            app.state.public_items = view.public_items
            message_logs = MessageLogWriter(sessions)
            app.state.message_logs = message_logs
            message_logs.start()
            stack.push_async_callback(message_logs.close)  # after the late answers: their rows
            if redis is not None:  # the accounts' shared Redis client (see above)
                stack.push_async_callback(redis.aclose)
            views = RegionViews(engine, sessions, settings, stack)
            views.add(view)
            accounts = AccountHost(
                settings,
                storage,
                views,
                message_logs,
                add_lane=app.add_lane,
                remove_lane=app.remove_lane,
                redis=redis,
                sites=sites,
            )
            stack.push_async_callback(accounts.close)
            # Everything sent later (late replies and long answers' parts, notices to
            # followers, staff messages in WeCom) goes through the durable job queue; this
            # process's worker sends the kinds it has a client for.
            client = wecom.client if wecom is not None else None
            handlers: dict[str, JobHandler] = {}
            if wechat is not None or accounts.has_key:
                # each through its account (the default's client, or a stored account's)
                handlers[NOTICE] = NoticeSender(
                    wechat, settings.notice_template_id, routes=accounts.notice_route
                )

                def reply_route(name: str) -> ReplyRoute | None:
                    return default.reply_route if name == "" else accounts.reply_route(name)

                handlers[REPLY] = ReplySender(reply_route)
            if client is not None:
                handlers[STAFF] = StaffSender(client.send_text)
            jobs = QueueWorker(
                JobQueue(sessions),
                handlers,
                rate=settings.notify_rate,
                classify={STAFF: sending.classify_wecom},
            )
            feed = JobFeed(jobs.queue, jobs.wake)
            accounts.feed = feed
            if wecom is not None:
                wecom.messages.bind(feed)
            # The default account's mail is what no stored account claims; a ticket of a
            # stored account answered through the staff channel goes out with its client.
            post.mailbox = Mailbox(others=accounts.receivers)
            post.forward = accounts.post_of
            default.start(view, message_logs, stack, feed)
            app.state.citizen_post = post
            await accounts.sync()  # the accounts stored as data, each at /wechat/<name>
            accounts.start()
            app.state.accounts = accounts
            alerts = None
            if wecom is not None and client is not None:  # staff told in WeCom, queued
                alerts = StaffAlerts(
                    sessions, wecom.messages.send_text, settings, messages=wecom.messages
                )
                alerts.start()
                stack.push_async_callback(alerts.stop)
            app.state.staff_alerts = alerts
            if wecom is not None:
                stack.push_async_callback(wecom.close)
            # Sent at once, not queued: the checkpoint reports the administrators it missed.
            checkpoints = AuditCheckpointer(
                sessions, settings, client.send_text if client is not None else None
            )
            checkpoints.start()  # the chain head leaves the database at least daily
            stack.push_async_callback(checkpoints.stop)
            if handlers:
                jobs.start(keep=timedelta(days=settings.message_log_days))  # jobs hold openids
                # stopped first: it finishes the sends under way before the clients close
                stack.push_async_callback(jobs.stop)
            app.state.job_worker = jobs
            if NOTICE in handlers:
                notices = PlaceNotices(
                    sessions, settings.public_base_url, home_region=settings.home_region
                )
                notices.start()
                stack.push_async_callback(notices.stop)
                app.state.place_notices = notices
            if settings.environment == "production":
                # Redis connections opened now, not by the first burst of messages (a connect
                # then can wait past its timeout and trip the storage's breaker).
                await storage.warm()
                # The index and the other startup objects (some 400,000) leave the cyclic
                # collector's scans; a full collection over them stalled every answer in the
                # worker for ~160 ms. (Not in tests: apps come and go there.)
                gc.collect()
                gc.freeze()
                # Each message allocates and frees thousands of objects; with 700 (Python's
                # default) the youngest generation was collected ~40 times a second per busy
                # worker, promoting what the messages in flight held. 10,000 cut the
                # collector's CPU from ~0.06 to ~0.015 ms a message (docs/operations.md §10).
                gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
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
    app.add_middleware(SitesByHost, sites=sites)  # each account's pages on its own host
    install_console(app)  # the staff console at /console
    observability.install(app, settings)  # JSON logs, /healthz, /readyz, /metrics
    # Further mounts go here, one line each (staff `/wecom`, observability …).
    wecom = mount_wecom(app, settings, storage)  # the staff WeCom app at /wecom
    if wecom is not None:
        app.add_lane(wecom.webhook)
    return app
