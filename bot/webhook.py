"""The FastAPI callback router: checks every request, then hands the event to the responder."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.background import BackgroundTask
from starlette.routing import Route

from bot.dispatcher import Dispatcher
from bot.errors import BadCallback, BodyTooLarge, ReplayedNonce, StaleTimestamp
from bot.events import event_from_fields
from bot.responder import DEFAULT_DEADLINE, DEFAULT_DEDUP_TTL, SUCCESS, Responder
from bot.types import Sender
from bot.wire import Envelope

log = logging.getLogger("bot.webhook")

TIMESTAMP_TOLERANCE = 300
MAX_BODY_BYTES = 64 * 1024


class Webhook:
    """`app.include_router(Webhook(dp, WeChatEnvelope(...), sender=...).router)`.

    GET answers URL verification; POST verifies, decrypts, dedups and answers within the
    deadline. Every refused request gets a 4xx and one warning line; nothing answers 500.
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
    ) -> None:
        self.dispatcher = dispatcher
        self.envelope = envelope
        self.responder = Responder(
            dispatcher, sender=sender, deadline=deadline, dedup_ttl=dedup_ttl
        )
        self.max_body_bytes = max_body_bytes
        self.timestamp_tolerance = timestamp_tolerance
        self.clock = clock
        self.name = name
        self.router = APIRouter()
        # Plain routes: WeChat's callbacks need no dependency injection or body validation,
        # which would cost every message a noticeable share of its CPU.
        self._route = Route(path, self.receive, methods=["GET", "POST"], include_in_schema=False)
        self.router.add_route(
            path, self._endpoint, methods=["GET", "POST"], include_in_schema=False
        )

    async def close(self) -> None:
        """Let late deliveries finish (call from the app's lifespan shutdown)."""
        await self.responder.drain()

    def _refuse(self, request: Request, error: BadCallback) -> Response:
        client = request.client.host if request.client else "-"
        log.warning(
            "%s callback refused: %s %s %s from %s",
            self.name,
            error.status_code,
            request.method,
            error.reason,
            client,
        )
        return PlainTextResponse("bad request", status_code=error.status_code)

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
        if not await self.dispatcher.delivery_log.remember_nonce(nonce, ttl):
            raise ReplayedNonce(f"nonce {query.get('nonce', '')!r} already used")

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise BodyTooLarge(f"declared body of {declared} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge(f"body over {self.max_body_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _endpoint(self, request: Request) -> Response:
        # Name the route in the scope as FastAPI's own routes do (metrics label by it).
        request.scope.setdefault("route", self._route)
        if request.method == "GET":
            return await self.verify(request)
        return await self.receive(request)

    async def verify(self, request: Request) -> Response:
        query = dict(request.query_params)
        try:
            self._check_time(query)
            echo = self.envelope.verify_url(query)
            await self._check_nonce(query)
        except BadCallback as error:
            return self._refuse(request, error)
        except Exception:
            log.exception("%s callback refused: unexpected error while verifying", self.name)
            return PlainTextResponse("bad request", status_code=400)
        return PlainTextResponse(echo)

    async def receive(self, request: Request) -> Response:
        received_at = time.monotonic()
        query = dict(request.query_params)
        try:
            body = await self._read_body(request)
            self._check_time(query)
            opened = self.envelope.open(query, body)
        except BadCallback as error:
            return self._refuse(request, error)
        except Exception:
            # Whatever slipped past the specific checks is still the request's fault or ours,
            # never a 500 for WeChat: refuse it and keep the traceback in the log.
            log.exception("%s callback refused: unexpected error while checking it", self.name)
            return PlainTextResponse("bad request", status_code=400)
        event = event_from_fields(opened.fields)
        try:
            # The nonce is remembered with the delivery's claim, in one round trip.
            response = await self.responder.respond(
                event,
                lambda xml: self.envelope.seal(xml, opened),
                received_at=received_at,
                nonce=self._nonce(query),
            )
        except ReplayedNonce as error:
            return self._refuse(request, error)
        except Exception:
            # Storage or rendering trouble: WeChat must still get an answer, not a 500.
            log.exception("%s callback failed while responding", self.name)
            return PlainTextResponse(SUCCESS)
        pushed = (
            BackgroundTask(self.responder.push, event, response.followups)
            if response.followups
            else None
        )
        media = "application/xml" if response.body != SUCCESS else "text/plain"
        return Response(response.body, media_type=media, background=pushed)
