"""Metrics middlewares: one for HTTP requests (ASGI), one for bot updates (dispatcher)."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.events import Event
from bot.types import UNHANDLED, Data, NextHandler
from handlers.observability import metrics
from handlers.observability.logs import get_logger

log = get_logger(__name__)


class HttpMetricsMiddleware:
    """Counts requests and times them, labelled by route template (`/api/items/{code}`).

    With `route`, every request is labelled by it (a webhook answered outside the router).
    """

    def __init__(self, app: ASGIApp, route: str | None = None) -> None:
        self.app = app
        self.route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            template = self.route or getattr(scope.get("route"), "path", None) or "unmatched"
            metrics.observe_http(scope["method"], template, status, time.perf_counter() - started)


async def update_metrics_middleware(handler: NextHandler, event: Event, data: Data) -> Any:
    """Bot outer middleware: counts and times each update by kind and outcome."""
    started = time.perf_counter()
    outcome = "error"
    try:
        result = await handler(event, data)
        outcome = "unhandled" if result is UNHANDLED else "handled"
        return result
    finally:
        metrics.observe_update(str(event.kind), outcome, time.perf_counter() - started)
        if outcome == "error":
            metrics.record_error("handler")
