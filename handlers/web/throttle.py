"""Per-client rate limit of the pages, downloads and API: 429 with Retry-After past the limit.

The counts are the citizens' message limiter's (`handlers.guards.ratelimit.RateLimiter`): a minute
window per client address, shared by every worker through Redis when `REDIS_URL` is set,
counted in the process while Redis is unreachable. The address is uvicorn's client address,
which `--proxy-headers` takes from `X-Forwarded-For` when the request comes through a trusted
local proxy. The webhooks, health probes, metrics and static files are not counted.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from handlers.guards.ratelimit import RateLimiter
from handlers.web.errors import error_page

EXEMPT_PREFIXES = ("/static/", "/healthz", "/readyz", "/metrics", "/wechat", "/wecom")


class ClientThrottle:
    """ASGI middleware: at most `limiter.limit` requests a minute per client address."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.limiter.limit <= 0
            or scope["path"].startswith(EXEMPT_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        if await self.limiter.count(f"web:{address}") <= self.limiter.limit:
            await self.app(scope, receive, send)
            return
        response = error_page(Request(scope), 429)
        response.headers["Retry-After"] = str(self.limiter.seconds_left())
        await response(scope, receive, send)
