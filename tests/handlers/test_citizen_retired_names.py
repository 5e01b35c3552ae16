"""The per-worker cache of the retired items' names: the same as reading them anew, no query
once kept, and a retirement (which changes the item's row) seen at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.models import Item, RetiredCode
from handlers.citizen.retired_names import retired_names
from tests.kits.statements import statements_run


async def test_kept_names_cost_no_query_and_a_retirement_is_seen_at_once(
    demo_database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    engine, sessions = demo_database
    async with sessions() as session:
        names = await retired_names(session)
    assert [name for _, name in names] == ["内资设立互联网上网服务营业场所筹建审批"]
    with statements_run(engine) as statements:
        async with sessions() as session:
            assert await retired_names(session) == names
    assert statements == []
    # another item abolished: its row changes with its retired code, in one transaction
    async with sessions() as session:
        item = await session.scalar(select(Item).where(Item.name == "犬类准养证核发"))
        assert item is not None
        item.status = "abolished"
        session.add(
            RetiredCode(
                code=item.code,
                basic_code=item.code[-10:],
                name=item.name,
                reason="abolished",
                item_id=item.id,
            )
        )
        await session.commit()
    async with sessions() as session:
        again = [name for _, name in await retired_names(session)]
    assert "犬类准养证核发" in again and len(again) == 2
