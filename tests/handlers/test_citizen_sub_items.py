"""A main item's sub-items: found for the main items that have any, and no query for a card
of any other item once the main items are kept (`handlers/citizen/sub_items.py`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.models import Item
from handlers.citizen.sub_items import sub_items
from tests.kits.statements import statements_run


async def _item(sessions: async_sessionmaker[AsyncSession], name: str) -> Item:
    async with sessions() as session:
        item = await session.scalar(select(Item).where(Item.name == name).order_by(Item.code))
        assert item is not None
        return item


async def test_only_a_main_item_with_sub_items_costs_a_query(
    demo_database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    engine, sessions = demo_database
    main = await _item(sessions, "乡村建设规划许可")
    other = await _item(sessions, "居民身份证办理（包括临时）")
    async with sessions() as session:
        subs = await sub_items(session, main)
        assert await sub_items(session, other) == []
    names = [sub.name for sub in subs]
    assert names[0] == "乡村建设规划许可证核发" and len(names) == 4, names
    assert subs[0].region_code == "620623"  # the county's own entry before the towns'
    with statements_run(engine) as statements:
        async with sessions() as session:
            assert await sub_items(session, other) == []
    assert statements == []  # kept: a card of another item asks nothing more
    # a sub-item unpublished: its main item has one sub-item fewer at once
    async with sessions() as session:
        gone = await session.scalar(
            select(Item).where(Item.parent_name == "乡村建设规划许可", Item.sub_no == 2)
        )
        assert gone is not None
        gone.status = "draft"
        await session.commit()
    async with sessions() as session:
        assert len(await sub_items(session, main)) == 3
