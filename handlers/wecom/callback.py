"""The `/wecom` callback of the staff's WeCom (企业微信 / 政务微信) self-built app: verified and
decrypted by the bot's WeCom envelope (wechatpy crypto), staff identified by their UserID."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import Dispatcher
from bot.events import Event
from bot.router import Router
from bot.storage import BaseStorage
from bot.types import Data, NextHandler
from bot.webhook import Webhook
from bot.wire import WeComEnvelope
from catalogue.workflow import runner
from handlers.delivery.staff_messages import StaffMessages
from handlers.guards.outage import STAFF_BUSY_TEXT, OutageGuard
from handlers.settings import Settings, wecom_half_configured
from handlers.staff import by_wecom_user, staff_router
from handlers.staff.texts import STRANGER
from handlers.wecom.api import DEFAULT_BASE, WeComClient

log = logging.getLogger("handlers.wecom.callback")


def stranger_router() -> Router:
    """Anyone who is not active staff: a polite refusal, and an audited access denial."""
    router = Router(name="wecom-stranger")

    async def refuse(event: Event, sessions: async_sessionmaker[AsyncSession]) -> str:
        await runner.record_event(
            sessions,
            actor=event.from_user[:64],
            role="",
            action="auth.denied",
            result="not registered or disabled staff",
            command=event.msg_type,
        )
        return STRANGER

    for observer in (router.text, router.voice, router.image, router.link, router.unknown):
        observer.register(refuse)
    return router


def wecom_dispatcher(
    storage: BaseStorage, *, client: WeComClient | None = None, **data: Any
) -> Dispatcher:
    """The staff dispatcher: the staff router for members, a refusal for everyone else."""
    dispatcher = Dispatcher(storage=storage, name="wecom", wecom=client, **data)
    dispatcher.include_router(staff_router(by_wecom_user, channel="wecom"))
    dispatcher.include_router(stranger_router())
    return dispatcher


@dataclass
class WeComMount:
    """What `mount_wecom` added to the app."""

    dispatcher: Dispatcher
    webhook: Webhook
    client: WeComClient | None
    # messages to staff sent later (late replies, alerts), on the durable job queue
    messages: StaffMessages

    async def close(self) -> None:
        """Let late replies finish and close the API client."""
        await self.webhook.close()
        if self.client is not None:
            await self.client.aclose()


def _from_app(app: FastAPI) -> Callable[[NextHandler, Event, Data], Any]:
    # The database and live index exist once the app's lifespan started: read them per event.
    async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
        extra = {
            name: getattr(app.state, name)
            for name in ("sessions", "search", "citizen_post")
            if getattr(app.state, name, None) is not None and name not in data
        }
        return await handler(event, {**data, **extra})

    return middleware


def mount_wecom(
    app: FastAPI,
    settings: Settings,
    storage: BaseStorage,
    *,
    api_base: str | None = None,
    client: WeComClient | None = None,
) -> WeComMount | None:
    """Add `/wecom` when the WeCom app is configured (corp id, token, AES key); else None."""
    token = settings.wecom_token.get_secret_value()
    aes_key = settings.wecom_aes_key.get_secret_value()
    if not (settings.wecom_corp_id and token and aes_key):
        half = wecom_half_configured(settings)
        if half:  # production refuses this at start; elsewhere say it loudly
            log.warning("/wecom is NOT mounted: %s", half[0])
        else:
            log.info("WeCom staff app not configured: /wecom is not mounted")
        return None
    secret = settings.wecom_secret.get_secret_value()
    if client is None and secret:
        client = WeComClient(
            settings.wecom_corp_id,
            secret,
            settings.wecom_agent_id,
            base_url=api_base or settings.wecom_api_base or DEFAULT_BASE,
        )
    dispatcher = wecom_dispatcher(storage, client=client, settings=settings)
    dispatcher.outer_middleware(_from_app(app))
    dispatcher.outer_middleware(OutageGuard(STAFF_BUSY_TEXT))  # DB down → 系统繁忙
    # Replies past the deadline are queued (bound to the job queue in the app's lifespan)
    # and sent by the queue's workers with the client.
    messages = StaffMessages()
    webhook = Webhook(
        dispatcher,
        WeComEnvelope(token, settings.wecom_corp_id, aes_key),
        path="/wecom",
        sender=messages.send_reply if client is not None else None,
        deadline=settings.reply_deadline_seconds,
        max_body_bytes=settings.max_body_bytes,
        name="wecom",
    )
    app.include_router(webhook.router)
    mount = WeComMount(dispatcher, webhook, client, messages)
    app.state.wecom = mount
    return mount
