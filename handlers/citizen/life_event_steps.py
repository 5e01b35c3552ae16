"""The resolved steps of a life event, kept per worker until the catalogue changes.

`catalogue.life_events.resolve` finds each step's item with one query per name and term, in
sequence: for every message that names a life event, several round trips for an answer that
depends only on the published catalogue. `resolved_steps` has the same result, remembered per
database, region scope and event, and forgotten as soon as the items or departments change
(`handlers.db.kept`: at once for a change made in this process, within a poll for one made
by another worker or a CLI command). The items kept are loaded with every attribute the
answer reads (sessions keep loaded attributes after commit), and are only read.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.life_events import LifeEvent, ResolvedStep, resolve
from catalogue.scope import RegionScope, scope_of
from handlers.db.kept import KeptUntilChanged

Key = tuple[RegionScope, LifeEvent]


async def _read(session: AsyncSession, key: Key) -> tuple[ResolvedStep, ...]:
    return tuple(await resolve(session, key[1]))


# The tables a resolution reads (departments: a step's item shows its department).
_KEPT: KeptUntilChanged[Key, tuple[ResolvedStep, ...]] = KeptUntilChanged(
    ("items", "departments"), _read
)


async def resolved_steps(session: AsyncSession, event: LifeEvent) -> list[ResolvedStep]:
    """`catalogue.life_events.resolve(session, event)`, from this worker's cache when the
    catalogue has not changed since."""
    return list(await _KEPT.get(session, (scope_of(session), event)))
