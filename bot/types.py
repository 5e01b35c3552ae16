"""Shared type aliases: handlers, middlewares and the data dict they pass along."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.events import Event
from bot.replies import Reply

Data = dict[str, Any]
#: The next step of a middleware chain: the handler itself, or the next middleware.
NextHandler = Callable[[Event, Data], Awaitable[Any]]
#: One signature for outer and inner middlewares: `async def mw(handler, event, data)`.
Middleware = Callable[[NextHandler, Event, Data], Awaitable[Any]]
#: Pushes a reply to a user outside the passive reply (customer-service message, WeCom send).
Sender = Callable[[str, Reply], Awaitable[None]]


class _Unhandled:
    """No handler matched (distinct from a handler that returned None)."""

    def __repr__(self) -> str:
        return "UNHANDLED"


UNHANDLED = _Unhandled()


class SkipHandler(Exception):
    """Raise inside a handler to let the next matching handler take the event."""
