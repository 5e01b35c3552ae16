"""The names of the deployment's abolished and merged items, kept per worker until the items
change.

A citizen may name an item that no longer exists (「听说还有个筹建审批」); the bot then says it
was abolished (`items._retired_named`). That check runs for every message search is unsure of,
so the names are read once per database and region scope and kept while the items table's
generation (`handlers.db.changes`) stays: an item is retired in the same transaction that
changes its row, so a retirement moves that generation too.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import queries
from catalogue.scope import RegionScope, scope_of
from handlers.citizen.understanding.scorer import fold
from handlers.db.changes import CHANGES, Changes

TABLES = ("items",)


class RetiredNames:
    """(code, folded name) of the retired items of one database, per region scope, valid for
    one generation of `TABLES`."""

    def __init__(self, changes: Changes = CHANGES) -> None:
        self.changes = changes
        self.generation = -1
        self.kept: dict[RegionScope, tuple[tuple[str, str], ...]] = {}

    async def get(self, session: AsyncSession) -> tuple[tuple[str, str], ...]:
        generation = self.changes.generation(*TABLES)
        if generation != self.generation:
            self.kept, self.generation = {}, generation
        scope = scope_of(session)
        found = self.kept.get(scope)
        if found is not None:
            return found
        rows = await queries.retired_items(session=session)
        names = tuple((row.code, fold(row.name)) for row in rows)
        if self.changes.generation(*TABLES) == generation:
            self.kept[scope] = names
        return names


_CACHES: weakref.WeakKeyDictionary[Any, RetiredNames] = weakref.WeakKeyDictionary()


async def retired_names(session: AsyncSession) -> tuple[tuple[str, str], ...]:
    """(code, folded name) of the deployment's abolished and merged items, newest first, from
    this worker's cache when the items have not changed since (cached per database engine)."""
    engine = session.bind.sync_engine if session.bind is not None else None
    if engine is None:
        rows = await queries.retired_items(session=session)
        return tuple((row.code, fold(row.name)) for row in rows)
    cache = _CACHES.get(engine)
    if cache is None:
        cache = _CACHES[engine] = RetiredNames()
    return await cache.get(session)
