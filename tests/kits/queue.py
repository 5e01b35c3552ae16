"""Customer-service sends as the app wires them, for tests: an account's `Outbox` feeding
the durable job queue, and queue workers sending its `reply` jobs through one client."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from bot.replies import Reply
from handlers.delivery.outbox import REPLY, HoldFunction, JobFeed, Outbox, ReplyRoute, ReplySender
from handlers.delivery.queue import CLAIMED, QUEUED, SENDING, JobQueue
from handlers.delivery.queue_worker import QueueWorker


class Pipe:
    """`pipe = Pipe(sessions, client, hold=held.hold)`; `await pipe.send(openid, reply)`;
    `await pipe.drain()`; then the workers' figures (`delivered`, `failed`, `held`)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: WeChatClient,
        *,
        hold: HoldFunction | None = None,
        attempts: int = 6,
        backoff: float = 0.01,
        workers: int = 1,
    ) -> None:
        self.queue = JobQueue(sessions)
        self.outbox = Outbox()
        self.outbox.bind(JobFeed(self.queue))
        route = ReplyRoute(client, hold)
        self.workers = [
            QueueWorker(
                self.queue,
                {REPLY: ReplySender(lambda _name: route)},
                name=f"w{n}",
                rate=1000,
                attempts=attempts,
                backoff=backoff,
                max_backoff=backoff * 8,
                poll=0.01,
            )
            for n in range(workers)
        ]

    async def send(self, openid: str, reply: Reply) -> None:
        await self.outbox.send(openid, reply)

    async def waiting(self) -> int:
        counts = await self.queue.counts()
        return counts[QUEUED] + counts[CLAIMED] + counts[SENDING]

    async def drain(self, timeout: float = 10.0) -> bool:
        """Run the workers until nothing waits; False on timeout."""

        async def work(worker: QueueWorker) -> None:
            while await worker.run_once() or await self.waiting():
                await asyncio.sleep(0.005)

        try:
            async with asyncio.timeout(timeout):
                await asyncio.gather(*(work(worker) for worker in self.workers))
        except TimeoutError:
            return False
        return True

    @property
    def delivered(self) -> int:
        return sum(worker.sent for worker in self.workers)

    @property
    def failed(self) -> int:
        """Given up (dead) or not reachable."""
        return sum(worker.given_up + worker.unreached for worker in self.workers)

    @property
    def held(self) -> int:
        return sum(worker.held for worker in self.workers)
