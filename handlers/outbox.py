"""A bounded retry queue for customer-service sends: nothing lost, nothing sent twice.

Replies that miss the passive-reply deadline, and the later parts of long answers, go out
through the WeChat customer-service API. The API fails now and then (-1 "system busy",
5xx, network trouble) and is sometimes slow. `Outbox.send` is the responder's `Sender`:
it only queues; shard tasks send in order per user and retry with back-off.

* Nothing lost: a send that failed for certain (refused connection, 5xx, -1) is tried again,
  up to `attempts` times over about two minutes; what still fails is logged with its reason.
* Nothing sent twice: a send whose request may have reached WeChat (the answer timed out)
  is not repeated — WeChat has no idempotency key, and a duplicate answer is worse for a
  citizen than the rare lost one, which is logged. Give the client a timeout well above
  WeChat's slow answers (10 s) so a slow API is not mistaken for a lost answer.
* Bounded: at most `capacity` replies wait; past that `send` refuses and logs.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.errors import WeChatApiError
from bot.replies import Reply
from handlers.observability import metrics
from handlers.observability.logs import get_logger

# errcode -1: system busy; -2: the bot client's code for network and HTTP 5xx failures.
RETRYABLE_CODES = frozenset({-1, -2})
# Network failures after the request may have been delivered: never repeated.
AMBIGUOUS = ("ReadTimeout", "RemoteProtocolError", "ReadError")
log = get_logger(__name__)

SendFunction = Callable[[str, Reply], Awaitable[None]]


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
    ) -> None:
        self._deliver = deliver
        self.capacity = capacity
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._queues: list[asyncio.Queue[_Pending]] = [asyncio.Queue() for _ in range(shards)]
        self._tasks: list[asyncio.Task[None]] = []
        self.delivered = 0
        self.failed = 0

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
            log.error("outbox full: reply dropped", openid=openid, capacity=self.capacity)
            raise OutboxFull(f"{self.capacity} replies already waiting")
        # One shard per user keeps a user's replies in order.
        shard = zlib.crc32(openid.encode("utf-8")) % len(self._queues)
        self._queues[shard].put_nowait(_Pending(openid, reply))
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

    def _retry(self, item: _Pending, error: WeChatApiError) -> bool:
        ambiguous = error.code == -2 and error.message.startswith(AMBIGUOUS)
        if error.code not in RETRYABLE_CODES or ambiguous or item.attempt >= self.attempts:
            reason = "may have been delivered" if ambiguous else "cannot be delivered"
            log.error(
                f"customer-service send given up: {reason}",
                openid=item.openid,
                attempt=item.attempt,
                error=str(error),
            )
            return False
        return True
