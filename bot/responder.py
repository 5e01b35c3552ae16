"""Turns one delivery into one response body: dedup, the deadline, and late delivery."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.continuation import keep_rest
from bot.dispatcher import Dispatcher, Turn
from bot.errors import ReplayedNonce, WeChatApiError
from bot.events import Event
from bot.replies import NewsReply, Reply, TextReply, split_for_more, split_text
from bot.types import Sender
from bot.wire import render_reply

log = logging.getLogger("bot.responder")

SUCCESS = "success"
FAILURE_TEXT = "抱歉，系统暂时出了点问题，请稍后再试。"
DEFAULT_DEADLINE = 4.5
# WeChat retries three times within about 15 s; keeping results longer costs little.
DEFAULT_DEDUP_TTL = 600.0


@dataclass(frozen=True, slots=True)
class Response:
    """The body to answer with and replies to push right after it was sent."""

    body: str
    followups: list[Reply] = field(default_factory=list)


class Responder:
    """Runs the dispatcher once per message, however many times WeChat delivers it.

    The first delivery claims the message in the delivery log and waits for the handler until
    the deadline; a retry waits for the first one's body (never running the handler again).
    Past the deadline the answer is "success" and the reply goes out through `sender`.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        sender: Sender | None = None,
        deadline: float = DEFAULT_DEADLINE,
        dedup_ttl: float = DEFAULT_DEDUP_TTL,
    ) -> None:
        self.dispatcher = dispatcher
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
        turn = await self.dispatcher.open_turn(event, key, self.dedup_ttl, nonce=nonce)
        if turn is None:
            raise ReplayedNonce(f"nonce {nonce[0] if nonce else ''!r} already used")
        if not turn.claimed:
            body = await self.dispatcher.delivery_log.result(key, give_up - time.monotonic())
            log.info("retry of %s answered from the first delivery (%s)", key, bool(body))
            return Response(body if body is not None else SUCCESS)
        task = asyncio.create_task(self._handle(turn))
        handed_over = False
        try:
            done, _ = await asyncio.wait({task}, timeout=max(give_up - time.monotonic(), 0.0))
            if not done:
                await self.dispatcher.delivery_log.finish(key, SUCCESS, self.dedup_ttl)
                log.warning("%s missed the %.1f s deadline; answering later", key, self.deadline)
                self._track(asyncio.create_task(self._deliver_late(turn, task)))
                handed_over = True
                return Response(SUCCESS)
            body, followups = await self._render(turn, task.result(), seal)
            await self.dispatcher.close_turn(turn, body, self.dedup_ttl)
            return Response(body, followups)
        finally:
            if not turn.closed and not handed_over:
                # Cancelled or failed before the end: still write the FSM and free the lock.
                self._track(asyncio.create_task(self._close_after(turn, task)))

    async def _handle(self, turn: Turn) -> Reply | None:
        try:
            return await self.dispatcher.feed_turn(turn)
        except Exception:
            # The user gets a polite message; the error is loud in the log.
            log.exception("handler failed for %s %s", turn.event.kind, turn.event.dedup_key)
            return TextReply(FAILURE_TEXT)

    async def _close_after(self, turn: Turn, task: asyncio.Task[Reply | None]) -> None:
        await asyncio.wait({task})
        try:
            await self.dispatcher.close_turn(turn, None, self.dedup_ttl)
        except Exception:
            log.exception("could not close the turn of %s", turn.delivery)

    async def _render(
        self, turn: Turn, reply: Reply | None, seal: Callable[[str], str]
    ) -> tuple[str, list[Reply]]:
        if reply is None:
            return SUCCESS, []
        event = turn.event
        followups: list[Reply] = []
        if isinstance(reply, TextReply):
            if self.sender is not None:
                parts = split_text(reply.content)
                followups = [TextReply(part) for part in parts[1:]]
            else:
                parts = split_for_more(reply.content)
                if len(parts) > 1:
                    # Still under the turn's lock when it has one: written when it closes.
                    context = turn.context if turn.token else self.dispatcher.fsm_context(event)
                    await keep_rest(context, parts[1:])
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

    async def _deliver_late(self, turn: Turn, task: asyncio.Task[Reply | None]) -> None:
        reply = await task
        # Write the FSM and free the lock first: pushing may take a while.
        await self._close_after(turn, task)
        if reply is None:
            return
        if self.sender is not None:
            await self.push(turn.event, [reply])
            return
        await self._keep_for_more(turn.event, [reply])
        log.warning("late reply kept for 更多: no customer-service sender configured")

    def _track(self, task: asyncio.Task[None]) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for late deliveries (at shutdown, and in tests)."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout)
