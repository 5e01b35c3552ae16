"""Change signals for per-process caches: a commit in this process moves them at once, a
change made by another process (worker, CLI) is noticed by a polled stamp within seconds.

`CHANGES.generation("items")` is a number that grows whenever a committed transaction of
this process wrote the table (ORM flushes and `insert`/`update`/`delete` statements run
through a session), and whenever `ChangeWatcher` sees the table's stamp (row count, newest
`updated_at` or id) move. A cache remembers the generation it was filled at and empties
itself when the number differs."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session

from handlers.jobs.periodic import Periodic

log = logging.getLogger("handlers.db.changes")

# Tables whose rows show in cached answers, and the column of each whose maximum, with the
# row count, makes its cheap stamp (another process's change moves the row count, the newest
# `updated_at`, or — for responsibilities, which are replaced rather than edited — the
# newest id).
STAMPS = {
    "items": "updated_at",
    "departments": "updated_at",
    "responsibilities": "id",
    "staff_members": "updated_at",
    # a fund row changed in place is published again: its publication time moves
    "fund_items": "published_at",
    # regions have no `updated_at`: another process's rename is seen by `regions_version`
    "regions": "code",
}
WATCHED = frozenset(STAMPS)
POLL_SECONDS = 1.0  # how long another process's change may stay unseen (plus one query)
# How long another process's renaming of a town or village may stay unseen (the regions'
# stamp moves when rows are added or removed, not when one is renamed).
REGIONS_REFRESH_SECONDS = 10.0
_PENDING = "zwbot_changed_tables"


class Changes:
    """Generations of the watched tables in this process."""

    def __init__(self) -> None:
        self._generations = dict.fromkeys(WATCHED, 0)

    def generation(self, *tables: str) -> int:
        """One number that moves whenever any of `tables` changed."""
        generations = self._generations
        total = 0
        for table in tables:
            total += generations[table]
        return total

    def bump(self, tables: Iterable[str]) -> None:
        """Mark `tables` as changed (caches built on them empty themselves)."""
        for table in tables:
            if table in self._generations:
                self._generations[table] += 1


CHANGES = Changes()


def regions_version() -> tuple[int, int]:
    """A value that moves when the regions changed in this process or their stamp moved, and
    at least every REGIONS_REFRESH_SECONDS (`catalogue.db.PLACES_VERSION`)."""
    return CHANGES.generation("regions"), int(time.monotonic() // REGIONS_REFRESH_SECONDS)


def _tables_of(objects: Iterable[Any]) -> set[str]:
    names: set[str] = set()
    for obj in objects:
        mapper = inspect(obj, raiseerr=False)
        if mapper is not None:
            names.update(table.name for table in mapper.mapper.tables)
    return names & WATCHED


def _note(session: Session, tables: set[str]) -> None:
    if tables:
        session.info.setdefault(_PENDING, set()).update(tables)


@event.listens_for(Session, "before_flush")
def _on_flush(session: Session, _context: Any, _instances: Any) -> None:
    _note(session, _tables_of([*session.new, *session.dirty, *session.deleted]))


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name in WATCHED:
            _note(state.session, {str(name)})


@event.listens_for(Session, "after_commit")
def _on_commit(session: Session) -> None:
    tables = session.info.pop(_PENDING, None)
    if tables:
        CHANGES.bump(tables)


@event.listens_for(Session, "after_rollback")
def _on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


# Every stamp in one round trip: a count and a maximum per watched table, in STAMPS order.
_ALL_STAMPS = text(
    "SELECT "
    + ", ".join(
        f"(SELECT count(*) FROM {table}), (SELECT max({column}) FROM {table})"
        for table, column in STAMPS.items()
    )
)


async def stamps(session: AsyncSession) -> dict[str, tuple[Any, ...]]:
    """The current stamp of every watched table (one cheap query for all)."""
    row = (await session.execute(_ALL_STAMPS)).one()
    return {table: (row[2 * n], row[2 * n + 1]) for n, table in enumerate(STAMPS)}


class ChangeWatcher(Periodic):
    """Polls the stamps every `interval` seconds and bumps the tables whose stamp moved, so
    a change made by another worker or a CLI command reaches this process's caches."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        changes: Changes = CHANGES,
        interval: float = POLL_SECONDS,
    ) -> None:
        self.sessions = sessions
        self.changes = changes
        self.interval = interval
        self._last: dict[str, tuple[Any, ...]] | None = None

    async def check(self) -> set[str]:
        """Compare the stamps with the last ones; the tables found changed (bumped)."""
        async with self.sessions() as session:
            current = await stamps(session)
        last = self._last
        # The first reading (and the first after an error) cannot tell what changed: all did.
        changed = (
            set(WATCHED)
            if last is None
            else {table for table, stamp in current.items() if last.get(table) != stamp}
        )
        self._last = current
        self.changes.bump(changed)
        return changed

    async def poll(self) -> None:
        """One check; a failed reading (database unreachable) empties every cache, so
        nothing is answered from memory longer than `interval` after the database went."""
        try:
            await self.check()
        except (SQLAlchemyError, OSError) as error:
            # Unknown whether anything changed: nothing cached may be trusted any more.
            log.warning("change stamps not read (caches emptied): %s", error)
            self._last = None
            self.changes.bump(WATCHED)

    async def tick(self) -> None:
        """The background loop polls."""
        await self.poll()
