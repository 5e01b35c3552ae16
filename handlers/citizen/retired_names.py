"""The names of the deployment's abolished and merged items, kept per worker until the items
change.

A citizen may name an item that no longer exists (「听说还有个筹建审批」); the bot then says it
was abolished (`items._retired_named`). That check runs for every message search is unsure of,
so the names are read once per database and region scope and kept while the items table's
generation stays (`handlers.db.kept`): an item is retired in the same transaction that changes
its row, so a retirement moves that generation too.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import queries
from catalogue.scope import RegionScope, scope_of
from handlers.citizen.understanding.scorer import fold
from handlers.db.kept import KeptUntilChanged

Names = tuple[tuple[str, str], ...]


async def _read(session: AsyncSession, scope: RegionScope) -> Names:
    rows = await queries.retired_items(session=session)
    return tuple((row.code, fold(row.name)) for row in rows)


_KEPT: KeptUntilChanged[RegionScope, Names] = KeptUntilChanged(("items",), _read)


async def retired_names(session: AsyncSession) -> Names:
    """(code, folded name) of the deployment's abolished and merged items, newest first, from
    this worker's cache when the items have not changed since."""
    return await _KEPT.get(session, scope_of(session))
