"""What every page and download carries for the browser's protection, and requests refused
before any route sees them.

- Security headers (OWASP Secure Headers): a Content-Security-Policy that allows only the
  site's own scripts, styles and images and no framing, `X-Content-Type-Options: nosniff`,
  `Referrer-Policy` and `X-Frame-Options` for old browsers.
- NUL bytes never reach a route (`NulBytes`).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handlers.web.errors import error_page

# Pages use only /static files and data: icons; no inline script anywhere. The API docs page
# is FastAPI's Swagger UI, whose start-up is one inline script: it alone may run inline code.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
DOCS_PATHS = frozenset({"/api/docs", "/api/docs/oauth2-redirect"})

HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
)


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope["path"] in DOCS_PATHS else PAGE_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class NulBytes:
    """ASGI middleware: NUL bytes never reach a route. PostgreSQL cannot store or compare a
    NUL in text, so a route would fail in the database driver on one.

    Nothing published has a NUL in its address, so such a path is "not found" (404); in a
    query string a NUL can match nothing either, so it is dropped (`?q=网吧%00` is `?q=网吧`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"]:
            await error_page(Request(scope), 404)(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            cleaned = query.replace(b"\x00", b"").replace(b"%00", b"")
            scope = {**scope, "query_string": cleaned}
        await self.app(scope, receive, send)
