"""A worker of the durable job queue: claims due jobs, sends them at the account's rate, and
settles each by what WeChat said (`handlers.delivery.sending.classify`).

* sent → done;
* surely not delivered (-1 busy, 5xx, refused connection) → queued again after a back-off
  (`backoff · 2^(attempt-1)`, at most `max_backoff`), up to `attempts` sends, then dead;
* may have arrived (timed out after sending) → dead, reason "ambiguous", never repeated;
* 45009 (the account's daily quota) → queued again for the quota's reset, and this worker
  claims nothing more until then;
* 45015 / 45047 (the user's 48-hour window or count) → `Unreachable` from the handler when
  it has no other way (template message) either: settled `unreached`, counted for staff;
* anything else → dead with its errcode.

The rate is a leaky bucket per account in this process (aiolimiter): with several worker
processes, set `ZWBOT_NOTIFY_RATE` to the account's rate divided by their number.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from aiolimiter import AsyncLimiter

from bot.errors import WeChatApiError
from handlers.delivery import sending
from handlers.delivery.queue import UNREACHED, Job, JobQueue
from handlers.delivery.sending import Verdict
from handlers.observability import metrics
from handlers.observability.logs import get_logger

log = get_logger(__name__)

#: Sends one job's payload; raises `WeChatApiError` (or `Unreachable`) when it did not go.
JobHandler = Callable[[Job], Awaitable[None]]


class Unreachable(Exception):
    """WeChat refused the message for the user's window or count, and no other way is set."""


class QueueWorker:
    """`worker = QueueWorker(queue, {"notice": send_notice})`; `worker.start()`; `await
    worker.stop()`. `run_once()` does one claim-and-send round (tests, benchmarks)."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, JobHandler],
        *,
        name: str | None = None,
        rate: float = 20.0,
        concurrency: int = 8,
        batch: int = 50,
        attempts: int = 6,
        backoff: float = 2.0,
        max_backoff: float = 600.0,
        poll: float = 1.0,
        quota_reset: Callable[[datetime], datetime] = sending.quota_reset,
    ) -> None:
        if rate <= 0 or concurrency < 1 or batch < 1 or attempts < 1:
            raise ValueError("rate, concurrency, batch and attempts must be positive")
        self.queue = queue
        self.handlers = dict(handlers)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.rate = rate
        self.concurrency = concurrency
        self.batch = batch
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.poll = poll
        self.quota_reset = quota_reset
        self._limiters: dict[str, AsyncLimiter] = {}
        self._paused_until: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self.retried = 0
        self.given_up = 0
        self.unreached = 0

    def _limiter(self, account: str) -> AsyncLimiter:
        limiter = self._limiters.get(account)
        if limiter is None:
            # A bucket of one second's sends: smooth, at most `rate` a second on average.
            limiter = AsyncLimiter(max(1.0, self.rate), 1.0)
            self._limiters[account] = limiter
        return limiter

    @property
    def paused(self) -> bool:
        """The account's daily quota is used up: nothing is claimed until its reset."""
        return self._paused_until is not None and self.queue.clock() < self._paused_until

    async def run_once(self) -> int:
        """Claim one batch of due jobs and settle each; how many were claimed.

        The batch goes out `concurrency` jobs at a time: each group is marked `sending` in one
        commit, sent at once within the rate, and the sent ones marked done in one commit."""
        if self.paused:
            return 0
        jobs = await self.queue.claim(self.name, self.batch, kinds=list(self.handlers))
        if not jobs:
            return 0
        waiting = list(jobs)
        try:
            while waiting and not self.paused:
                group, waiting = waiting[: self.concurrency], waiting[self.concurrency :]
                for job in group:
                    await self._limiter(job.account).acquire()
                begun = await self.queue.begin(group, self.name)
                outcomes = await asyncio.gather(*(self._send(job) for job in begun))
                await self.queue.done(
                    [job for job, sent in zip(begun, outcomes, strict=True) if sent]
                )
        finally:
            # Not begun (quota pause, or this worker stopping): back to the queue at once.
            await asyncio.shield(self.queue.release(waiting, self.name))
        return len(jobs)

    async def _send(self, job: Job) -> bool:
        """Send one begun job; True when sent (the caller marks it done), else settled here."""
        attempt = job.attempts + 1
        try:
            await self.handlers[job.kind](job)
        except Unreachable as refusal:
            self.unreached += 1
            metrics.record_give_up("unreached")
            await self.queue.dead(job, f"unreached: {refusal}", state=UNREACHED)
        except WeChatApiError as error:
            await self._failed(job, attempt, error)
        except Exception as error:  # a bug or bad payload: never retried blindly
            log.exception("queued job failed", job=job.id, kind=job.kind)
            self.given_up += 1
            metrics.record_give_up("error")
            await self.queue.dead(job, f"error: {type(error).__name__}: {error}"[:500])
        else:
            self.sent += 1
            return True
        return False

    async def _failed(self, job: Job, attempt: int, error: WeChatApiError) -> None:
        verdict = sending.classify(error)
        now = self.queue.clock()
        if verdict is Verdict.HOLD_UNTIL_RESET:
            reset = self.quota_reset(now)
            self._paused_until = reset
            metrics.record_held(sending.reason_of(error))
            log.warning("daily API quota used up: queue paused", until=reset.isoformat())
            await self.queue.retry(job, reset, str(error))
            return
        if verdict is Verdict.RETRY and attempt < self.attempts:
            self.retried += 1
            delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
            await self.queue.retry(job, self.queue.due_in(delay), str(error))
            return
        reason = sending.reason_of(error) if verdict is not Verdict.RETRY else "attempts"
        if verdict is Verdict.HOLD_UNTIL_MESSAGE:
            self.unreached += 1
            metrics.record_give_up("unreached")
            await self.queue.dead(job, f"unreached: {error}", state=UNREACHED)
            return
        self.given_up += 1
        metrics.record_give_up(reason)
        log.error("queued job given up", job=job.id, kind=job.kind, reason=reason)
        await self.queue.dead(job, f"{reason}: {error}"[:500])

    async def run(self, *, recover_every: float = 30.0, keep: timedelta | None = None) -> None:
        """Claim and send until cancelled; take back dead workers' jobs every so often, and
        (with `keep`) delete finished jobs older than that every hour: they hold openids."""
        loop = asyncio.get_running_loop()
        next_recovery = next_purge = 0.0
        while True:
            try:
                if loop.time() >= next_recovery:
                    await self.queue.recover()
                    next_recovery = loop.time() + recover_every
                if keep is not None and loop.time() >= next_purge:
                    await self.queue.purge(self.queue.clock() - keep)
                    next_purge = loop.time() + 3600
                if await self.run_once():
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away for a moment: try again after a pause
                log.exception("job queue round failed")
            await asyncio.sleep(self.poll)

    def start(self, *, keep: timedelta | None = None) -> None:
        """Run in the background of the current event loop (once)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(keep=keep))

    async def stop(self) -> None:
        """Stop claiming; jobs claimed and not begun go back to the queue."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def figures(self) -> dict[str, Any]:
        """What this worker did."""
        return {
            "sent": self.sent,
            "retried": self.retried,
            "given_up": self.given_up,
            "unreached": self.unreached,
        }
