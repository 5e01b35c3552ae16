"""A background loop of the app's lifespan: `tick()` every `interval` seconds until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger("handlers.jobs.periodic")


class Periodic:
    """Base of the per-process pollers and writers (change stamps, the index follower, the
    synonym watcher, batched message logs). A subclass sets `interval` and defines `tick`,
    which handles its own errors: one failed round must never end the loop."""

    interval: float
    _task: asyncio.Task[None] | None = None

    async def tick(self) -> None:
        """One round of work."""
        raise NotImplementedError

    async def run(self) -> None:
        """Tick, then wait `interval` seconds, until cancelled. An error a tick let through
        (a connection reset while connecting is an OSError, not the database library's own)
        is logged and the loop goes on: it must not end the loop, nor the app's shutdown."""
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("%s: a round failed", type(self).__name__)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        """Run in the background of the current event loop (once)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self) -> None:
        """Cancel the background loop and wait for it to end."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
