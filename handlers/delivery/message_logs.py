"""Citizens' message logs written in batches: queued in memory, one INSERT per batch.

One INSERT and COMMIT per message cost a database round trip on every answer; the writer
takes the row off the answer's path. Rows are written within `interval` seconds, all of
them on `close()` (the app's shutdown); while the database is down they wait in memory (at
most `max_queued`, the oldest dropped first, with a warning) and go in when it returns.
A killed process loses at most the last `interval` seconds of logs (never audit entries)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.models import MessageLog
from catalogue.models.base import utcnow
from handlers.jobs.periodic import Periodic
from handlers.observability.logs import get_logger

FLUSH_SECONDS = 0.5
BATCH_ROWS = 1000
MAX_QUEUED = 50_000
# Every row carries every column (a batch is one executemany: the same keys in each row).
MESSAGE_LOGS: Table = MessageLog.__table__  # type: ignore[assignment]  # Core rows, no ORM
ROW_DEFAULTS = {"openid_hash": "", "kind": "", "text": "", "answer_kind": "", "item_code": ""}
log = get_logger(__name__)


class MessageLogWriter(Periodic):
    """`writer.add(openid_hash=…, kind=…, text=…, answer_kind=…, item_code=…)`; `start()`
    in the app's lifespan, `await close()` at its end."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        interval: float = FLUSH_SECONDS,
        batch: int = BATCH_ROWS,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        self.sessions = sessions
        self.interval = interval
        self.batch = batch
        self.max_queued = max_queued
        self._rows: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()
        self.written = 0
        self.dropped = 0

    @property
    def queued(self) -> int:
        return len(self._rows)

    def add(self, **row: Any) -> None:
        """Queue one row (its time is now, not when it is written)."""
        self._rows.append({**ROW_DEFAULTS, "at": utcnow(), **row})
        if len(self._rows) > self.max_queued:
            extra = len(self._rows) - self.max_queued
            del self._rows[:extra]
            self.dropped += extra
            log.warning("message logs dropped: queue full", dropped=extra)

    async def flush(self) -> int:
        """Write everything queued now; how many rows were written. Raises on database errors
        (the rows stay queued)."""
        written = 0
        async with self._lock:
            while self._rows:
                rows = self._rows[: self.batch]
                async with self.sessions() as session:
                    # A Core executemany: every row has the same keys (`add`), no ORM work.
                    await session.execute(insert(MESSAGE_LOGS), rows)
                    await session.commit()
                del self._rows[: len(rows)]
                written += len(rows)
        self.written += written
        return written

    async def tick(self) -> None:
        """Flush what is queued; a database error waits a round (the rows stay queued)."""
        try:
            await self.flush()
        except (SQLAlchemyError, OSError) as error:
            log.warning("message logs not written yet", queued=self.queued, error=str(error))

    async def close(self) -> None:
        """Stop the background task and write what is left."""
        await self.stop()
        try:
            await self.flush()
        except (SQLAlchemyError, OSError) as error:
            log.error("message logs lost at shutdown", rows=self.queued, error=str(error))
