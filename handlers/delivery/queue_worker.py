"""A worker of the durable job queue: claims due jobs, sends them at the account's rate, and
settles each by what WeChat said (`handlers.delivery.sending.classify`).

* sent → done;
* surely not delivered (-1 busy, 5xx, refused connection) → queued again after a back-off
  (`backoff · 2^(attempt-1)`, at most `max_backoff`), up to `attempts` sends, then dead;
* may have arrived (timed out after sending) → dead, reason "ambiguous", never repeated;
* 45009 (the account's daily quota) → queued again for the quota's reset, and this worker
  claims nothing more of that account until then;
* 45015 / 45047 (the user's 48-hour window or count) → `Unreachable` from the handler when
  it has no other way (template message) either: settled `unreached`, counted for staff;
* `Held` from the handler (a reply kept in `held_replies` for the window or the quota) →
  settled `held`;
* anything else → dead with its errcode.

What an error means is the kind's `classify` (WeChat's errcodes by default; WeCom's for
staff messages, `handlers.delivery.sending.classify_wecom`).

The rate is a leaky bucket per account in this process (aiolimiter): with several worker
processes, set `ZWBOT_NOTIFY_RATE` to the account's rate divided by their number. `wake()`
ends the idle wait at once (a reply queued in this process goes out without polling delay).
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
from handlers.delivery.queue import HELD, UNREACHED, Job, JobQueue
from handlers.delivery.sending import Verdict
from handlers.observability import metrics
from handlers.observability.logs import get_logger

log = get_logger(__name__)

#: Sends one job's payload; raises `WeChatApiError` (or `Unreachable`, `Held`) when it did
#: not go.
JobHandler = Callable[[Job], Awaitable[None]]
#: What a failed send of a kind means.
Classify = Callable[[WeChatApiError], Verdict]


class Unreachable(Exception):
    """WeChat refused the message for the user's window or count, and no other way is set."""


class Held(Exception):
    """WeChat refused the reply for now and it was kept elsewhere (`held_replies`)."""

    def __init__(self, error: WeChatApiError) -> None:
        super().__init__(str(error))
        self.error = error


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
        classify: Mapping[str, Classify] | None = None,
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
        self.classify = dict(classify or {})
        self._limiters: dict[str, AsyncLimiter] = {}
        self._paused_until: dict[str, datetime] = {}  # account → its quota's reset
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self.sent = 0
        self.retried = 0
        self.given_up = 0
        self.unreached = 0
        self.held = 0

    def _limiter(self, account: str) -> AsyncLimiter:
        limiter = self._limiters.get(account)
        if limiter is None:
            # A bucket of one second's sends: smooth, at most `rate` a second on average.
            limiter = AsyncLimiter(max(1.0, self.rate), 1.0)
            self._limiters[account] = limiter
        return limiter

    def paused_accounts(self) -> list[str]:
        """Accounts whose daily quota is used up: none of their jobs is claimed until the
        reset."""
        now = self.queue.clock()
        return [account for account, until in self._paused_until.items() if now < until]

    @property
    def paused(self) -> bool:
        """Some account's daily quota is used up (its jobs wait for the reset)."""
        return bool(self.paused_accounts())

    def wake(self) -> None:
        """Look for due jobs now (something was just queued)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim one batch of due jobs and settle each; how many were claimed.

        The batch goes out `concurrency` jobs at a time: each group is marked `sending` in one
        commit, sent at once within the rate, and the sent ones marked done in one commit.
        Jobs of an account paused meanwhile go back to the queue unsent."""
        jobs = await self.queue.claim(
            self.name, self.batch, kinds=list(self.handlers), paused=self.paused_accounts()
        )
        if not jobs:
            return 0
        waiting = list(jobs)
        try:
            while waiting and not self._stopping:
                paused = set(self.paused_accounts())
                if paused:
                    later = [job for job in waiting if job.account in paused]
                    waiting = [job for job in waiting if job.account not in paused]
                    await self.queue.release(later, self.name)
                    if not waiting:
                        break
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
        except Held as kept:
            # Not a pause of the account even for 45009: the recipient's later parts are
            # tried (and held after it) in order, released in order by `held_replies`.
            self.held += 1
            await self.queue.dead(job, f"held: {kept}"[:500], state=HELD)
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

    def _verdict(self, job: Job, error: WeChatApiError) -> Verdict:
        return self.classify.get(job.kind, sending.classify)(error)

    def pause(self, account: str) -> datetime:
        """Claim nothing of `account` until its quota resets (a 45009); the reset."""
        reset = self.quota_reset(self.queue.clock())
        self._paused_until[account] = reset
        log.warning("daily API quota used up: account paused", account=account, until=str(reset))
        return reset

    async def _failed(self, job: Job, attempt: int, error: WeChatApiError) -> None:
        verdict = self._verdict(job, error)
        if verdict is Verdict.HOLD_UNTIL_RESET:
            reset = self.pause(job.account)
            metrics.record_held(sending.reason_of(error))
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
        while not self._stopping:
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
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll):
                    await self._wake.wait()
            self._wake.clear()

    def start(self, *, keep: timedelta | None = None) -> None:
        """Run in the background of the current event loop (once)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(keep=keep))

    async def stop(self, timeout: float = 15.0) -> None:
        """Stop claiming; the sends under way finish (for at most `timeout`: then they are
        cancelled, and being possibly out, settle as ambiguous after the lease); jobs claimed
        and not begun go back to the queue at once."""
        if self._task is not None:
            self._stopping = True
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
            self._stopping = False

    def figures(self) -> dict[str, Any]:
        """What this worker did."""
        return {
            "sent": self.sent,
            "retried": self.retried,
            "given_up": self.given_up,
            "unreached": self.unreached,
            "held": self.held,
        }
