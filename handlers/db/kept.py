"""Values read from the database, kept per worker until the tables they come from change.

Several answers depend only on the published catalogue (a life event's resolved steps, the
retired items' names, the county's supervision phone) yet would cost queries on every message.
`KeptUntilChanged` remembers such a value per database engine and key, and forgets every value
of an engine as soon as the generation of its tables moves (`handlers.db.changes`: at once for
a change committed in this process, within a poll for one made by another worker or a CLI
command). A value read while the tables changed is returned but not kept, so the next message
reads it anew. Kept values are shared between messages: they must be immutable (tuples, frozen
dataclasses) or only read.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.db.changes import CHANGES, Changes

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_KEPT = 512  # values kept per engine; emptied when full (keys are few: scopes, events)


@dataclass
class _Generation(Generic[K, V]):
    """The values of one engine read at one generation of the tables."""

    number: int
    values: dict[K, V] = field(default_factory=dict)


class KeptUntilChanged(Generic[K, V]):
    """`read(session, key)`, kept per engine and key while `tables` have not changed."""

    def __init__(
        self,
        tables: tuple[str, ...],
        read: Callable[[AsyncSession, K], Awaitable[V]],
        *,
        max_kept: int = MAX_KEPT,
        changes: Changes = CHANGES,
    ) -> None:
        self.tables = tables
        self.read = read
        self.max_kept = max_kept
        self.changes = changes
        self._engines: weakref.WeakKeyDictionary[Any, _Generation[K, V]] = (
            weakref.WeakKeyDictionary()
        )

    async def get(self, session: AsyncSession, key: K) -> V:
        """The value for `key` in the session's database: kept, or read now (and kept if
        nothing changed meanwhile). A session bound to no engine always reads."""
        engine = session.bind.sync_engine if session.bind is not None else None
        if engine is None:
            return await self.read(session, key)
        number = self.changes.generation(*self.tables)
        kept = self._engines.get(engine)
        if kept is None or kept.number != number:
            kept = self._engines[engine] = _Generation(number)
        if key in kept.values:
            return kept.values[key]
        value = await self.read(session, key)
        if self.changes.generation(*self.tables) == number:
            if len(kept.values) >= self.max_kept:
                kept.values.clear()
            kept.values[key] = value
        return value
