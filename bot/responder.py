"""Turns one delivery into one response body: dedup, the deadline, and late delivery."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.continuation import keep_rest
from bot.dispatcher import Dispatcher
from bot.errors import ReplayedNonce, WeChatApiError
from bot.events import Event
from bot.replies import NewsReply, Reply, TextReply, split_for_more, split_text
from bot.storage.base import Delivery, Turn
from bot.types import Sender
from bot.wire import render_reply

log = logging.getLogger("bot.responder")

SUCCESS = "success"
FAILURE_TEXT = "抱歉，系统暂时出了点问题，请稍后再试。"
BUSY_TEXT = "系统繁忙，请稍后再发。"
DEFAULT_DEADLINE = 4.5
# WeChat retries three times within about 15 s; keeping results longer costs little.
DEFAULT_DEDUP_TTL = 600.0
# A claim unanswered this long past the deadline belongs to a worker that died (the deadline
# path records "success" at the deadline): the margin covers a slow round trip or a stall.
LEASE_MARGIN = 3.0


@dataclass(frozen=True, slots=True)
class Response:
    """The body to answer with and replies to push right after it was sent."""

    body: str
    followups: list[Reply] = field(default_factory=list)


class Responder:
    """Runs the dispatcher once per message, however many times WeChat delivers it.

    The first delivery claims the message in its turn and waits for the handler until the
    deadline; a retry waits for the first one's answer (never running the handler again).
    Past the deadline the answer is "success" and the reply goes out through `sender`.
    A claim lives `deadline + lease_margin` seconds unanswered: a retry finding it lapsed
    (its worker died) handles the message itself. When the storage and its fallback are
    both unreachable the message is not handled: every delivery is answered `BUSY_TEXT`.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        sender: Sender | None = None,
        deadline: float = DEFAULT_DEADLINE,
        dedup_ttl: float = DEFAULT_DEDUP_TTL,
        lease_margin: float = LEASE_MARGIN,
    ) -> None:
        self.dispatcher = dispatcher
        self.lease_margin = lease_margin
        self.sender = sender
        self.deadline = deadline
        self.dedup_ttl = dedup_ttl
        self._background: set[asyncio.Task[None]] = set()

    async def respond(
        self,
        event: Event,
        seal: Callable[[str], str],
        *,
        received_at: float | None = None,
        nonce: tuple[str, float] | None = None,
    ) -> Response:
        """The response to one delivery of `event`; `seal` encrypts rendered XML if needed.

        With `nonce` (name, ttl) the delivery's nonce is remembered together with the claim
        (one round trip); a replayed nonce raises `ReplayedNonce` and claims nothing.
        """
        started = time.monotonic() if received_at is None else received_at
        give_up = started + self.deadline
        key = f"{event.to_user}:{event.dedup_key}"
        delivery = Delivery(key, self.dedup_ttl, self.deadline + self.lease_margin, nonce)
        turn = await self._open(event, delivery)
        if turn is None:
            return Response(self._busy(event, seal))
        if turn.replayed:
            raise ReplayedNonce(f"nonce {nonce[0] if nonce else ''!r} already used")
        if not turn.claimed:
            storage = self.dispatcher.storage
            body = await storage.answer_of(key, give_up - time.monotonic())
            if body is not None:
                log.info("retry of %s answered from the first delivery (%s)", key, True)
                return Response(body)
            # Unanswered: the first delivery is still running, or its claim lapsed because
            # its worker died. Only in the second case does claiming again succeed.
            turn = await self._open(event, replace(delivery, nonce=None))
            if turn is None:
                return Response(self._busy(event, seal))
            if not turn.claimed:
                log.info("retry of %s answered from the first delivery (%s)", key, False)
                return Response(SUCCESS)
            log.warning("%s: the first delivery's claim lapsed unanswered; handling it", key)
        task = asyncio.create_task(self._handle(event, turn))
        handed_over = False
        try:
            done, _ = await asyncio.wait({task}, timeout=max(give_up - time.monotonic(), 0.0))
            if not done:
                await turn.answer_now(SUCCESS)
                log.warning("%s missed the %.1f s deadline; answering later", key, self.deadline)
                self._track(asyncio.create_task(self._deliver_late(event, turn, task)))
                handed_over = True
                return Response(SUCCESS)
            body, followups = await self._render(event, turn, task.result(), seal)
            turn.answer(body)
            await turn.close()
            return Response(body, followups)
        finally:
            if not turn.closed and not handed_over:
                # Cancelled or failed before the end (the client went away): the message is
                # still handled once, its FSM writes kept, the lock freed, the reply pushed.
                self._track(asyncio.create_task(self._deliver_late(event, turn, task)))

    async def _open(self, event: Event, delivery: Delivery) -> Turn | None:
        """The turn of `delivery`, claimed (a busy lock is waited for by `_handle`, within
        the deadline); None when no storage could be reached."""
        try:
            return await self.dispatcher.turn(event, delivery).claim()
        except Exception:
            log.exception("no storage reachable: %s answered busy", delivery.key)
            return None

    def _busy(self, event: Event, seal: Callable[[str], str]) -> str:
        xml = render_reply(
            TextReply(BUSY_TEXT),
            to_user=event.from_user,
            from_user=event.to_user,
            create_time=int(time.time()),
        )
        return seal(xml)

    async def _handle(self, event: Event, turn: Turn) -> Reply | None:
        try:
            await turn.open()  # the user's previous message may still hold the lock
            return await self.dispatcher.feed(event, turn)
        except Exception:
            # The user gets a polite message; the error is loud in the log.
            log.exception("handler failed for %s %s", event.kind, event.dedup_key)
            return TextReply(FAILURE_TEXT)

    async def _close(self, turn: Turn) -> None:
        try:
            await turn.close()
        except Exception:
            log.exception("could not close the turn of %s", turn.delivery)

    async def _render(
        self, event: Event, turn: Turn, reply: Reply | None, seal: Callable[[str], str]
    ) -> tuple[str, list[Reply]]:
        if reply is None:
            return SUCCESS, []
        followups: list[Reply] = []
        if isinstance(reply, TextReply):
            if self.sender is not None:
                parts = split_text(reply.content)
                followups = [TextReply(part) for part in parts[1:]]
            else:
                parts = split_for_more(reply.content)
                if len(parts) > 1:
                    # Still under the turn's lock: written when it closes.
                    await keep_rest(turn.context, parts[1:])
            reply = TextReply(parts[0])
        xml = render_reply(
            reply, to_user=event.from_user, from_user=event.to_user, create_time=int(time.time())
        )
        return seal(xml), followups

    async def push(self, event: Event, replies: list[Reply]) -> None:
        """Send replies in order through `sender`; failures are logged, never raised.

        What could not be sent (e.g. 45015, 45047) is kept for the user's next "更多".
        """
        for index, reply in enumerate(replies):
            try:
                if self.sender is None:
                    await self._keep_for_more(event, replies)
                    return
                await self.sender(event.from_user, reply)
            except WeChatApiError as exc:
                log.warning("could not push a reply (%s); keeping it for 更多", exc)
            except Exception:
                # A failed push must not crash the worker; the error still shows in the log.
                log.exception("could not push a reply; keeping it for 更多")
            else:
                continue
            await self._keep_for_more(event, replies[index:])
            return

    async def _keep_for_more(self, event: Event, replies: list[Reply]) -> None:
        parts: list[str] = []
        for reply in replies:
            if isinstance(reply, NewsReply):
                article = reply.article
                parts.append(f"{article.title}\n{article.description}\n{article.url}".strip())
            else:
                parts.append(reply.content)
        await keep_rest(self.dispatcher.fsm_context(event), split_for_more("\n".join(parts)))

    async def _deliver_late(
        self, event: Event, turn: Turn, task: asyncio.Task[Reply | None]
    ) -> None:
        await asyncio.wait({task})
        reply = task.result()
        try:
            await turn.answer_now(SUCCESS)  # retries get "success": the reply is pushed
        except Exception:
            log.exception("could not record the answer of %s", turn.delivery)
        # Write the FSM and free the lock first: pushing may take a while.
        await self._close(turn)
        if reply is None:
            return
        if self.sender is not None:
            await self.push(event, [reply])
            return
        await self._keep_for_more(event, [reply])
        log.warning("late reply kept for 更多: no customer-service sender configured")

    def _track(self, task: asyncio.Task[None]) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for late deliveries (at shutdown, and in tests)."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout)
