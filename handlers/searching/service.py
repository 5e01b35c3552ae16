"""Glue between the catalogue and search: items as documents, the live index, staff synonyms."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.models import Item, PublicationStatus, Synonym
from catalogue.models.base import utcnow
from catalogue.queries.visibility import item_is_public, public_item
from catalogue.scope import COUNTY_SCOPE, RegionScope, scope_of
from catalogue.workflow.outcome import Outcome
from handlers.jobs.periodic import Periodic
from handlers.searching.cache import LiveIndex
from search import Document, SearchIndex

log = logging.getLogger("handlers.searching.service")
SYNONYM_POLL_SECONDS = 30.0
ITEM_POLL_SECONDS = 1.0
# A transaction may commit a little after it stamped `updated_at`: look back this far on every
# poll so such rows are not skipped (re-applying an unchanged item is harmless).
ITEM_LOOKBACK = timedelta(seconds=15)


def document_of(item: Item, scope: RegionScope = COUNTY_SCOPE) -> Document:
    """What search knows of one item (department loaded eagerly by the model)."""
    extra = tuple(
        code for code in (item.national_item_code, item.national_implementation_code) if code
    )
    return Document(
        code=item.code,
        name=item.name,
        kind=item.kind,
        category=item.category,
        parent_name=item.parent_name or "",
        sub_name=item.sub_name or "",
        department=item.department.name if item.department is not None else "",
        aliases=tuple(item.aliases or ()),
        keywords=tuple(item.keywords or ()),
        extra_codes=extra,
        published=item_is_public(item, scope),
        suspended=item.status == PublicationStatus.SUSPENDED.value,
    )


async def load_documents(session: AsyncSession, *, public_only: bool = True) -> list[Document]:
    """Every public item (or, for staff tools, every item of the deployment's regions but
    classified ones) as documents; another region's items are never indexed."""
    scope = scope_of(session)
    query = select(Item).order_by(Item.code)
    if public_only:
        query = query.where(public_item(scope))
    else:
        query = query.where(Item.classified.is_(False), scope.condition(Item.region_code))
    return [document_of(item, scope) for item in await session.scalars(query)]


async def load_synonyms(session: AsyncSession) -> list[tuple[str, str]]:
    """The staff-maintained synonyms (colloquial → formal) of the `synonyms` table."""
    rows = await session.execute(select(Synonym.colloquial, Synonym.formal).order_by(Synonym.id))
    return [(colloquial, formal) for colloquial, formal in rows]


async def build_index(
    sessions: async_sessionmaker[AsyncSession], *, public_only: bool = True
) -> SearchIndex:
    """The index of the catalogue with the staff synonyms; built off the event loop."""
    async with sessions() as session:
        documents = await load_documents(session, public_only=public_only)
        synonyms = await load_synonyms(session)
    index = await asyncio.to_thread(SearchIndex.build, documents)
    index.set_extra_synonyms(synonyms)
    return index


async def sync_outcome(
    index: LiveIndex | None, sessions: async_sessionmaker[AsyncSession], outcome: Outcome
) -> None:
    """Bring the live index in step with what a workflow command changed (`reindex` ids,
    `unindex` codes), at once; every channel that runs commands calls it."""
    if index is None or not (outcome.reindex or outcome.unindex):
        return
    async with sessions() as session:
        codes = list(outcome.unindex)
        if outcome.reindex:
            found = await session.scalars(select(Item.code).where(Item.id.in_(outcome.reindex)))
            codes += list(found)
        await sync_items(index, session, codes)


async def sync_items(index: LiveIndex, session: AsyncSession, codes: Iterable[str]) -> None:
    """Bring the live index in step with the database for `codes` after a workflow change:
    published or suspended items are upserted; abolished, merged-away, classified, draft or
    deleted ones are removed. Queries running meanwhile see the old or the new state."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return
    found = {
        item.code: item for item in await session.scalars(select(Item).where(Item.code.in_(wanted)))
    }
    scope = scope_of(session)
    for code in wanted:
        item = found.get(code)
        if item is not None and item_is_public(item, scope):
            index.upsert(document_of(item, scope))
        else:
            index.remove(code)


async def reload_synonyms(index: LiveIndex, session: AsyncSession) -> int:
    """Re-read the staff synonyms into the live index (effective for the next query)."""
    pairs = await load_synonyms(session)
    index.set_extra_synonyms(pairs)
    return len(pairs)


async def synonym_stamp(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many staff synonyms there are and when the newest changed: a change detector."""
    row = (
        await session.execute(select(func.count(Synonym.id), func.max(Synonym.updated_at)))
    ).one()
    return int(row[0]), row[1]


class SynonymWatcher(Periodic):
    """Keeps the live index's staff synonyms in step with the `synonyms` table, however they
    were changed (staff channel, `zwbot synonyms`, another worker): polls a cheap stamp and
    reloads when it moves, so a new word works within `interval` seconds, without a restart."""

    def __init__(
        self,
        index: LiveIndex,
        sessions: async_sessionmaker[AsyncSession],
        interval: float = SYNONYM_POLL_SECONDS,
    ) -> None:
        self.index = index
        self.sessions = sessions
        self.interval = interval
        self._stamp: tuple[int, datetime | None] | None = None

    async def check(self) -> bool:
        """Reload if the table changed since the last check; whether it reloaded."""
        async with self.sessions() as session:
            stamp = await synonym_stamp(session)
            if stamp == self._stamp:
                return False
            count = await reload_synonyms(self.index, session)
        self._stamp = stamp
        log.info("staff synonyms reloaded: %d pairs", count)
        return True

    async def tick(self) -> None:
        """One check; a database error waits a round."""
        try:
            await self.check()
        except SQLAlchemyError as error:
            log.warning("staff synonyms not reloaded: %s", error)


class IndexFollower(Periodic):
    """Keeps the live index in step with item changes made by OTHER processes (another
    worker's staff command, `zwbot import --publish`, `zwbot demo --reset`): polls the items
    changed recently and re-syncs them, and reconciles the whole set when rows disappear.
    The process that made a change syncs at once itself (`sync_items`); others follow
    within about `interval` seconds.

    Each poll reads the rows stamped from `ITEM_LOOKBACK` before the newest stamp, as long
    as a transaction stamped before the newest may still be committing. Once the newest
    stamp has stood still for longer than that (on this process's clock, or it was stamped
    that long before by the wall clock) and one more poll read the look-back window, every
    row stamped up to it is known to be applied: polls then read only rows stamped after
    it, not the whole last import again every second."""

    def __init__(
        self,
        index: LiveIndex,
        sessions: async_sessionmaker[AsyncSession],
        interval: float = ITEM_POLL_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self.index = index
        self.sessions = sessions
        self.interval = interval
        self.clock = clock
        self.wall = wall
        self._mark: datetime | None = None
        self._mark_seen = 0.0  # when (self.clock) the newest stamp was first seen
        self._settled = False  # every row stamped up to `_mark` is applied
        self._count: int | None = None
        self._applied: dict[str, tuple[int, str, bool]] = {}
        self.rows_read = 0  # rows of the last poll's window (a cheap poll reads none)

    def _move_mark(self, newest: datetime | None, now: float) -> None:
        if newest != self._mark:
            self._mark, self._mark_seen, self._settled = newest, now, False
            if newest is not None:
                # A stamp already older than twice the look-back on the wall clock (machines'
                # clocks may differ a little) counts as seen that long ago: a worker started
                # long after the last import settles at its next poll, not 15 s later.
                stamped = newest if newest.tzinfo is not None else newest.replace(tzinfo=UTC)
                age = (self.wall() - stamped).total_seconds()
                if age > 2 * ITEM_LOOKBACK.total_seconds():
                    self._mark_seen = now - age

    async def check(self) -> int:
        """One poll; how many codes were re-synced."""
        now = self.clock()
        async with self.sessions() as session:
            count, newest = (
                await session.execute(select(func.count(Item.id), func.max(Item.updated_at)))
            ).one()
            if self._count is None:  # first reading: the index was just built from this state
                self._count = int(count)
                self._move_mark(newest, now)
                return 0
            self.rows_read = 0
            if self._settled and newest == self._mark and int(count) == self._count:
                return 0  # nothing stamped after the settled mark, nothing deleted
            changed: list[str] = []
            if self._mark is not None:
                # Settling needs a poll begun after every transaction stamped up to the
                # mark must have committed; that poll still reads the look-back window.
                settling = now - self._mark_seen > ITEM_LOOKBACK.total_seconds()
                window = (
                    Item.updated_at > self._mark
                    if self._settled
                    else Item.updated_at >= self._mark - ITEM_LOOKBACK
                )
                rows = await session.execute(
                    select(Item.code, Item.version, Item.status, Item.classified).where(window)
                )
                for code, version, status, classified in rows:
                    self.rows_read += 1
                    seen = (int(version), str(status), bool(classified))
                    if self._applied.get(code) != seen:
                        self._applied[code] = seen
                        changed.append(code)
                if settling:
                    self._settled = True
            elif newest is not None:  # the table was empty at start and has rows now
                changed = list(await session.scalars(select(Item.code)))
            await sync_items(self.index, session, changed)
            if int(count) < self._count:  # rows were deleted: drop what no longer exists
                public = set(
                    await session.scalars(select(Item.code).where(public_item(scope_of(session))))
                )
                for code in self.index.codes() - public:
                    self.index.remove(code)
            self._count = int(count)
            if newest is not None:
                self._move_mark(newest, now)
        if changed:
            log.info("search index followed %d changed items", len(changed))
        return len(changed)

    async def tick(self) -> None:
        """One poll; a database error waits a round."""
        try:
            await self.check()
        except (SQLAlchemyError, OSError) as error:
            log.warning("search index not followed this round: %s", error)
