"""A bounded retry queue for customer-service sends: nothing lost, nothing sent twice.

Replies that miss the passive-reply deadline, and the later parts of long answers, go out
through the WeChat customer-service API. The API fails now and then (-1 "system busy",
5xx, network trouble) and is sometimes slow. `Outbox.send` is the responder's `Sender`:
it only queues; shard tasks send in order per user and retry with back-off.

* Nothing lost: a send that failed for certain (refused connection, 5xx, -1) is tried again,
  up to `attempts` times over about two minutes; what still fails is logged with its reason.
* Kept when WeChat says "not now": the 48-hour window closed (45015), the citizen's count of
  messages used up (45047) or the daily quota used up (45009) hand the reply to `hold`
  (the database, `handlers.delivery.held_replies`): sent when the citizen writes again or the quota
  resets.
* Nothing sent twice: a send whose request may have reached WeChat (the answer timed out)
  is not repeated — WeChat has no idempotency key, and a duplicate answer is worse for a
  citizen than the rare lost one, which is logged. The client waits WeChat's documented
  10 s (`WECHAT_API_TIMEOUT`) so a slow API is not mistaken for a lost answer.
* Bounded: at most `capacity` replies wait; past that `send` refuses and logs.

Every give-up is counted in `zwbot_sends_given_up_total` with its reason (see
`handlers.delivery.sending`).
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.errors import WeChatApiError
from bot.replies import Reply, TextReply, split_text
from handlers.delivery import sending
from handlers.delivery.sending import Verdict
from handlers.observability import metrics
from handlers.observability.logs import get_logger

log = get_logger(__name__)

SendFunction = Callable[[str, Reply], Awaitable[None]]
#: Keeps a reply WeChat refused for now; False when the refusal is not one that passes.
HoldFunction = Callable[[str, Reply, WeChatApiError], Awaitable[bool]]


class OutboxFull(Exception):
    """More replies are waiting than the outbox holds."""


@dataclass(slots=True)
class _Pending:
    openid: str
    reply: Reply
    attempt: int = 0


class Outbox:
    """`outbox = Outbox(client.send_reply)`; `await outbox.start()`; `sender=outbox.send`."""

    def __init__(
        self,
        deliver: SendFunction,
        *,
        capacity: int = 10_000,
        shards: int = 4,
        attempts: int = 6,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        hold: HoldFunction | None = None,
    ) -> None:
        self._deliver = deliver
        self._hold = hold
        self.capacity = capacity
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._queues: list[asyncio.Queue[_Pending]] = [asyncio.Queue() for _ in range(shards)]
        self._tasks: list[asyncio.Task[None]] = []
        self.delivered = 0
        self.failed = 0
        self.held = 0

    def _pending(self) -> int:
        """Replies waiting for their first attempt."""
        return sum(queue.qsize() for queue in self._queues)

    async def start(self) -> None:
        """Start the shard tasks (in the app's lifespan)."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._run(queue)) for queue in self._queues]

    async def send(self, openid: str, reply: Reply) -> None:
        """Queue one reply for `openid`; raises `OutboxFull` past the capacity."""
        if self._pending() >= self.capacity:
            metrics.record_error("outbox_full")
            metrics.record_give_up("outbox_full")
            log.error("outbox full: reply dropped", openid=openid, capacity=self.capacity)
            raise OutboxFull(f"{self.capacity} replies already waiting")
        # One shard per user keeps a user's replies in order. A long text goes as its
        # 2048-byte parts, each on its own: a part refused or held is never sent with the
        # parts that already arrived.
        shard = zlib.crc32(openid.encode("utf-8")) % len(self._queues)
        parts: list[Reply] = [reply]
        if isinstance(reply, TextReply):
            parts = [TextReply(part) for part in split_text(reply.content)] or [reply]
        for part in parts:
            self._queues[shard].put_nowait(_Pending(openid, part))
        if not self._tasks:
            await self.start()

    async def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every queued reply was sent or given up; False on timeout."""
        try:
            async with asyncio.timeout(timeout):
                for queue in self._queues:
                    await queue.join()
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float = 30.0) -> None:
        """Send what is queued (up to `timeout`), then stop (in the app's lifespan)."""
        if not await self.drain(timeout):
            log.error("outbox closed with replies unsent", waiting=self._pending())
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _run(self, queue: asyncio.Queue[_Pending]) -> None:
        while True:
            item = await queue.get()
            try:
                await self._send_with_retries(item)
            finally:
                queue.task_done()

    async def _send_with_retries(self, item: _Pending) -> None:
        while True:
            item.attempt += 1
            try:
                await self._deliver(item.openid, item.reply)
            except WeChatApiError as error:
                if await self._kept(item, error):
                    return
                if not self._retry(item, error):
                    self.failed += 1
                    metrics.record_error("push")
                    return
                delay = min(self.backoff * 2 ** (item.attempt - 1), self.max_backoff)
                log.warning(
                    "customer-service send failed; retrying",
                    openid=item.openid,
                    attempt=item.attempt,
                    delay=delay,
                    error=str(error),
                )
                await asyncio.sleep(delay)
            else:
                self.delivered += 1
                return

    async def _kept(self, item: _Pending, error: WeChatApiError) -> bool:
        """Hand a reply refused for the window or a quota to `hold`; True when kept."""
        verdict = sending.classify(error)
        if self._hold is None or verdict not in sending.HOLDS:
            return False
        try:
            kept = await self._hold(item.openid, item.reply, error)
        except Exception:  # the database is down too: the reply is given up, loudly
            log.exception("customer-service reply could not be held", openid=item.openid)
            return False
        if kept:
            self.held += 1
        return kept

    def _retry(self, item: _Pending, error: WeChatApiError) -> bool:
        verdict = sending.classify(error)
        if verdict is not Verdict.RETRY or item.attempt >= self.attempts:
            ambiguous = verdict is Verdict.AMBIGUOUS
            reason = "may have been delivered" if ambiguous else "cannot be delivered"
            label = sending.reason_of(error)
            if verdict is Verdict.RETRY:
                label = "attempts"
            metrics.record_give_up(label)
            log.error(
                f"customer-service send given up: {reason}",
                openid=item.openid,
                attempt=item.attempt,
                error=str(error),
                reason=label,
            )
            return False
        return True
