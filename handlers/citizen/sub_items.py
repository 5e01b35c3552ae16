"""A main item's sub-items (子项), read only for the main items that have any.

Every card shown asks whether its item is a main item done by sub-items (`items._card`); the
main items that have public sub-items are read once per database and region scope and kept
while the items table's generation stays (`handlers.db.kept`), so a card of any other item
costs no query.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import queries
from catalogue.models import Item
from catalogue.scope import RegionScope, scope_of
from handlers.db.kept import KeptUntilChanged

Parents = frozenset[tuple[str, int, str]]


async def _read(session: AsyncSession, scope: RegionScope) -> Parents:
    return await queries.main_items_with_subs(session=session)


_KEPT: KeptUntilChanged[RegionScope, Parents] = KeptUntilChanged(("items",), _read)


async def sub_items(session: AsyncSession, item: Item) -> list[Item]:
    """The public sub-items of a main item (none for any other item, without a query)."""
    if item.sub_no or (item.category, item.main_no, item.name) not in await _KEPT.get(
        session, scope_of(session)
    ):
        return []
    return await queries.sub_items(session=session, item=item)
