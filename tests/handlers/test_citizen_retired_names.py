"""The per-worker cache of the retired items' names: the same as reading them anew, no query
once kept, and a retirement (which changes the item's row) seen at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.models import Item, RetiredCode
from handlers.citizen.retired_names import retired_names


async def test_kept_names_cost_no_query_and_a_retirement_is_seen_at_once(
    demo_database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    engine, sessions = demo_database
    async with sessions() as session:
        names = await retired_names(session)
    assert [name for _, name in names] == ["内资设立互联网上网服务营业场所筹建审批"]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    async with sessions() as session:
        assert await retired_names(session) == names
    assert statements == []
    event.remove(engine.sync_engine, "before_cursor_execute", count)
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
