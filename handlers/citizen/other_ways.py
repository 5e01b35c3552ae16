"""The same thing going another way of its life: 个体工商户设立登记 → its 注销登记, 教师资格认定 →
its 补发、换发. Used after a card (「证丢了要补的那个」) and for a situation told beside a life
event that goes another way (「他开的小卖部要关掉」)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Item
from handlers.citizen.guide_notes import name_run_of
from handlers.citizen.searching import Searcher, find
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems
from search import normalise
from search.direction import direction_of, same_thing

SHARED_THING = 4  # characters of a name in a row that another name holds: the same thing


async def going_that_way(
    item: Item,
    wish: frozenset[str] | set[str],
    search: Searcher,
    session: AsyncSession,
    public_items: PublicItems | None,
) -> Item | None:
    """The one published item of `item`'s thing whose name goes a way of `wish` (None when
    there is none, or several)."""
    name = fold(item.name)
    going = [
        f.item
        for f in await find(search, session, item.name, public_items)
        if f.item.code != item.code
        and wish & direction_of(normalise(f.item.name))
        and (
            same_thing(item.name, f.item.name)
            or len(name_run_of(name, fold(f.item.name))) >= SHARED_THING
        )
    ]
    # the same thing's own first (农药经营许可证延续 beside 乡村建设规划许可证…延期, which shares
    # only 许可证核发 with 农药经营许可证核发)
    own = [other for other in going if same_thing(item.name, other.name)]
    going = own or going
    return going[0] if len(going) == 1 else None
