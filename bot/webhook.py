"""The WeChat callback as a raw ASGI app: checks every request, then hands the event to the
responder. No framework request object, router or middleware stack is needed per message."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from fastapi import APIRouter
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from bot.dispatcher import Dispatcher
from bot.errors import BadCallback, BodyTooLarge, ReplayedNonce, StaleTimestamp, WrongReceiver
from bot.events import event_from_fields
from bot.responder import DEFAULT_DEADLINE, DEFAULT_DEDUP_TTL, SUCCESS, Responder
from bot.types import Sender
from bot.wire import Envelope

log = logging.getLogger("bot.webhook")

TIMESTAMP_TOLERANCE = 300
MAX_BODY_BYTES = 64 * 1024
METHODS = ("GET", "HEAD", "POST")  # HEAD is answered as a POST without a body (refused)

_TEXT = (b"content-type", b"text/plain; charset=utf-8")
_XML = (b"content-type", b"application/xml")
_SUCCESS = SUCCESS.encode()
_BAD_REQUEST = b"bad request"


def parse_query(raw: bytes) -> dict[str, str]:
    """A query string as a dict (the last value of a repeated name wins, blanks kept).

    The same result as `dict(starlette.datastructures.QueryParams(raw))`; WeChat's plain
    `name=value&...` strings skip `parse_qsl`'s unquoting.
    """
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    query: dict[str, str] = {}
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            query[name] = value
    return query


async def _answer(
    send: Send,
    scope: Scope,
    status: int,
    body: bytes,
    content_type: tuple[bytes, bytes] = _TEXT,
    *extra: tuple[bytes, bytes],
) -> None:
    headers = [(b"content-length", str(len(body)).encode()), content_type, *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


class Webhook:
    """A raw ASGI app for one callback path: `Webhook(dp, WeChatEnvelope(...), sender=...)`.

    Mount it with `app.include_router(webhook.router)` (a plain route calling the webhook), or
    call it straight from the app's `__call__` for its path, before any middleware (as
    `handlers.app` does). `name` keeps one webhook's nonces apart from another's; with
    `receiver` only messages to that account are taken. GET answers URL verification; POST
    verifies, decrypts, dedups and answers within the deadline, then pushes the follow-up
    parts. Every refused request gets a 4xx and one warning line; nothing answers 500.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        envelope: Envelope,
        *,
        path: str = "/wechat",
        sender: Sender | None = None,
        deadline: float = DEFAULT_DEADLINE,
        max_body_bytes: int = MAX_BODY_BYTES,
        timestamp_tolerance: int = TIMESTAMP_TOLERANCE,
        dedup_ttl: float = DEFAULT_DEDUP_TTL,
        clock: Callable[[], float] = time.time,
        name: str = "wechat",
        receiver: str | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.envelope = envelope
        self.responder = Responder(
            dispatcher, sender=sender, deadline=deadline, dedup_ttl=dedup_ttl
        )
        self.path = path
        self.max_body_bytes = max_body_bytes
        self.timestamp_tolerance = timestamp_tolerance
        self.clock = clock
        self.name = name
        # The account's original id (gh_…) when known: a message addressed to any other
        # account is refused, so one account's traffic never runs in another's state.
        self.receiver = receiver
        self.router = APIRouter()
        # A plain route whose endpoint is this ASGI app: no request object, dependency
        # injection or body validation, which would cost every message a share of its CPU.
        self._route = Route(path, self, methods=METHODS, include_in_schema=False)
        self.router.routes.append(self._route)

    async def close(self) -> None:
        """Let late deliveries finish (call from the app's lifespan shutdown)."""
        await self.responder.drain()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Name the route in the scope as routed requests have it (metrics label by it).
        scope.setdefault("route", self._route)
        method = scope["method"]
        if method == "GET":
            status, body = await self._verify(scope)
            await _answer(send, scope, status, body)
        elif method == "POST" or method == "HEAD":
            await self._receive(scope, receive, send)
        else:  # only reached when called straight, not through the route
            allow = (b"allow", ", ".join(METHODS).encode())
            await _answer(send, scope, 405, b"Method Not Allowed", _TEXT, allow)

    def _refuse(self, scope: Scope, error: BadCallback) -> tuple[int, bytes]:
        client = scope.get("client")
        log.warning(
            "%s callback refused: %s %s %s from %s",
            self.name,
            error.status_code,
            scope["method"],
            error.reason,
            client[0] if client else "-",
        )
        return error.status_code, _BAD_REQUEST

    def _check_time(self, query: dict[str, str]) -> None:
        raw = query.get("timestamp", "")
        if not raw.isdigit() or len(raw) > 12:
            raise StaleTimestamp("missing or non-numeric timestamp")
        if abs(self.clock() - int(raw)) > self.timestamp_tolerance:
            raise StaleTimestamp(f"timestamp {raw} outside ±{self.timestamp_tolerance} s")

    def _nonce(self, query: dict[str, str]) -> tuple[str, float]:
        """The name under which a request's nonce is remembered, and for how long."""
        nonce = f"{self.name}:{query.get('timestamp', '')}:{query.get('nonce', '')}"
        return nonce, 2 * self.timestamp_tolerance + 60

    async def _check_nonce(self, query: dict[str, str]) -> None:
        nonce, ttl = self._nonce(query)
        if not await self.dispatcher.storage.remember_nonce(nonce, ttl):
            raise ReplayedNonce(f"nonce {query.get('nonce', '')!r} already used")

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        for name, value in scope["headers"]:
            if name == b"content-length":
                if value.isdigit() and int(value) > self.max_body_bytes:
                    raise BodyTooLarge(f"declared body of {value.decode()} bytes")
                break
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":  # http.disconnect: nobody waits for an answer
                raise BadCallback("client disconnected before the body was read")
            chunk = message.get("body", b"")
            if chunk:
                if len(body) + len(chunk) > self.max_body_bytes:
                    raise BodyTooLarge(f"body over {self.max_body_bytes} bytes")
                body += chunk
            if not message.get("more_body", False):
                return body

    async def _verify(self, scope: Scope) -> tuple[int, bytes]:
        query = parse_query(scope["query_string"])
        try:
            self._check_time(query)
            echo = self.envelope.verify_url(query)
            await self._check_nonce(query)
        except BadCallback as error:
            return self._refuse(scope, error)
        except Exception:
            log.exception("%s callback refused: unexpected error while verifying", self.name)
            return 400, _BAD_REQUEST
        return 200, echo.encode()

    async def _receive(self, scope: Scope, receive: Receive, send: Send) -> None:
        received_at = time.monotonic()
        query = parse_query(scope["query_string"])
        try:
            body = await self._read_body(scope, receive)
            self._check_time(query)
            opened = self.envelope.open(query, body)
        except BadCallback as error:
            await _answer(send, scope, *self._refuse(scope, error))
            return
        except Exception:
            # Whatever slipped past the specific checks is still the request's fault or ours,
            # never a 500 for WeChat: refuse it and keep the traceback in the log.
            log.exception("%s callback refused: unexpected error while checking it", self.name)
            await _answer(send, scope, 400, _BAD_REQUEST)
            return
        event = event_from_fields(opened.fields)
        if self.receiver is not None and event.to_user != self.receiver:
            wrong = WrongReceiver(f"message for {event.to_user!r}, not {self.receiver!r}")
            await _answer(send, scope, *self._refuse(scope, wrong))
            return
        try:
            # The nonce is remembered with the delivery's claim, in one round trip.
            response = await self.responder.respond(
                event,
                lambda xml: self.envelope.seal(xml, opened),
                received_at=received_at,
                nonce=self._nonce(query),
            )
        except ReplayedNonce as error:
            await _answer(send, scope, *self._refuse(scope, error))
            return
        except Exception:
            # Storage or rendering trouble: WeChat must still get an answer, not a 500.
            log.exception("%s callback failed while responding", self.name)
            await _answer(send, scope, 200, _SUCCESS)
            return
        if response.body == SUCCESS:
            await _answer(send, scope, 200, _SUCCESS)
        else:
            await _answer(send, scope, 200, response.body.encode(), _XML)
        if response.followups:  # after the answer, as a background task would
            try:
                await self.responder.push(event, response.followups)
            except Exception:  # the answer is out: nothing left to tell WeChat, only the log
                log.exception("%s callback: pushing the follow-up replies failed", self.name)
