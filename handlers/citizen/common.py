"""Helpers shared by the citizen routers: registering on text and voice, the message trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.events import Event
from bot.filters import FilterLike
from bot.fsm import FSMContext
from bot.router import Router
from bot.types import Data, NextHandler
from catalogue.models import MessageLog
from handlers.citizen.memory import ONE_MESSAGE
from handlers.delivery.message_logs import MessageLogWriter
from handlers.guards.privacy import keyed_hash
from handlers.settings import Settings

CallbackT = TypeVar("CallbackT", bound=Callable[..., Any])


def on_said(router: Router, *filters: FilterLike) -> Callable[[CallbackT], CallbackT]:
    """Register a handler for text messages and recognised voice alike."""

    def decorator(callback: CallbackT) -> CallbackT:
        router.text.register(callback, *filters)
        router.voice.register(callback, *filters)
        return callback

    return decorator


async def one_message_states(handler: NextHandler, event: Event, data: Data) -> Any:
    """Inner middleware: a state of `memory.ONE_MESSAGE` set by one message holds for the
    next message only (cleared after it unless its handler set a state)."""
    state = data.get("state")
    if not isinstance(state, FSMContext):
        return await handler(event, data)
    before = await state.get_state()
    result = await handler(event, data)
    if before in ONE_MESSAGE and await state.get_state() == before:
        await state.set_state(None)
    return result


def settings_of(data: Data) -> Settings:
    """The settings put in the dispatcher's workflow data by the app factory."""
    settings = data.get("settings")
    if not isinstance(settings, Settings):
        raise RuntimeError("no settings: put `settings` in the dispatcher's workflow data")
    return settings


async def message_log(handler: NextHandler, event: Event, data: Data) -> Any:
    """Inner middleware: one `MessageLog` row per citizen message, with what was answered.

    Handlers fill the `trace` dict they receive (`answer`, `code`); the text is kept only as
    long as `ZWBOT_MESSAGE_LOG_DAYS` (purged by the retention job). With the app's
    `message_logs` writer in the workflow data the row is written in a batch, else in the
    handler's own transaction."""
    trace: dict[str, str] = {}
    result = await handler(event, {**data, "trace": trace})
    session = data.get("session")
    if session is not None and event.msg_type != "event":
        settings = settings_of(data)
        text = str(event.raw.get("Content") or event.raw.get("Recognition") or "")
        row = {
            "openid_hash": keyed_hash(event.user_id, settings.hash_key.get_secret_value()),
            "kind": event.kind.value,
            "text": text[:500],
            "answer_kind": trace.get("answer", "")[:30],
            "item_code": trace.get("code", "")[:33],
        }
        writer = data.get("message_logs")
        if isinstance(writer, MessageLogWriter):  # the app's batch writer
            writer.add(**row)
        else:
            session.add(MessageLog(**row))
    return result
