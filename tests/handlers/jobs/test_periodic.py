"""A background loop outlives a round that fails with an error its tick did not handle."""

from __future__ import annotations

import asyncio

from handlers.jobs.periodic import Periodic


class Flaky(Periodic):
    interval = 0.0

    def __init__(self) -> None:
        self.rounds = 0

    async def tick(self) -> None:
        self.rounds += 1
        if self.rounds == 1:
            raise ConnectionResetError(104, "Connection reset by peer")


async def test_a_failed_round_neither_ends_the_loop_nor_the_stop() -> None:
    job = Flaky()
    job.start()
    for _ in range(100):
        await asyncio.sleep(0.01)
        if job.rounds >= 3:
            break
    await job.stop()  # no error: the reset was logged and the loop went on
    assert job.rounds >= 3
