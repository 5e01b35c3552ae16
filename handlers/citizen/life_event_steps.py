"""The resolved steps of a life event, kept per worker until the catalogue changes.

`catalogue.life_events.resolve` finds each step's item with one query per name and term, in
sequence: for every message that names a life event, several round trips for an answer that
depends only on the published catalogue. `resolved_steps` has the same result, remembered per
database, region scope and event, and forgotten as soon as the items or departments change
(`handlers.db.changes`: at once for a change made in this process, within a poll for one made
by another worker or a CLI command). The items kept are loaded with every attribute the
answer reads (sessions keep loaded attributes after commit), and are only read.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.life_events import LifeEvent, ResolvedStep, resolve
from catalogue.scope import RegionScope, scope_of
from handlers.db.changes import CHANGES, Changes

# The tables a resolution reads (departments: a step's item shows its department).
TABLES = ("items", "departments")
MAX_KEPT = 512  # events × scopes kept per database; emptied when full (events are few)


class StepCache:
    """Resolutions of one database, valid for one generation of `TABLES`."""

    def __init__(self, changes: Changes = CHANGES) -> None:
        self.changes = changes
        self.generation = -1
        self.kept: dict[tuple[RegionScope, LifeEvent], tuple[ResolvedStep, ...]] = {}

    async def get(self, session: AsyncSession, event: LifeEvent) -> list[ResolvedStep]:
        generation = self.changes.generation(*TABLES)
        if generation != self.generation:
            self.kept, self.generation = {}, generation
        key = (scope_of(session), event)
        found = self.kept.get(key)
        if found is not None:
            return list(found)
        steps = await resolve(session, event)
        # Kept only if nothing changed while resolving (else the next message resolves anew).
        if self.changes.generation(*TABLES) == generation:
            if len(self.kept) >= MAX_KEPT:
                self.kept = {}
            self.kept[key] = tuple(steps)
        return steps


_CACHES: weakref.WeakKeyDictionary[Any, StepCache] = weakref.WeakKeyDictionary()


async def resolved_steps(session: AsyncSession, event: LifeEvent) -> list[ResolvedStep]:
    """`catalogue.life_events.resolve(session, event)`, from this worker's cache when the
    catalogue has not changed since (cached per database engine)."""
    engine = session.bind.sync_engine if session.bind is not None else None
    if engine is None:
        return await resolve(session, event)
    cache = _CACHES.get(engine)
    if cache is None:
        cache = _CACHES[engine] = StepCache()
    return await cache.get(session, event)
