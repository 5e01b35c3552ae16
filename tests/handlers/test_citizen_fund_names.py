"""The per-worker cache of the published funds' names and details: the same as reading them
anew, no query once kept, and a fund published in this process seen at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.models import FundItem
from handlers.citizen.fund_names import fund_names
from tests.kits.statements import statements_run


async def test_kept_names_cost_no_query_and_a_change_is_seen_at_once(
    demo_database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    engine, sessions = demo_database
    async with sessions() as session:
        names = dict(await fund_names(session))
    assert "guide" in names["牦牛藏羊产业发展专项资金"]
    assert "guide" not in names["城乡居民最低生活保障资金"]
    with statements_run(engine) as statements:
        async with sessions() as session:
            assert dict(await fund_names(session)) == names
    assert statements == []
    async with sessions() as session:
        rows = await session.scalars(
            select(FundItem).where(FundItem.project_name == "城乡居民最低生活保障资金")
        )
        for row in rows:
            row.application_guide = "申报指南（测试）"
        await session.commit()
    async with sessions() as session:
        assert "guide" in dict(await fund_names(session))["城乡居民最低生活保障资金"]
