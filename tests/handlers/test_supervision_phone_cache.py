"""The county's supervision phone is counted over every item once per worker, then kept
until the items change."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.models import Item
from handlers.citizen.conversation import _count_supervision_phone, supervision_phone
from tests.kits import public_catalogue as seed
from tests.kits.statements import statements_run


async def test_the_phone_is_kept_until_the_items_change(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        await seed.seed_public_catalogue(session)
    async with sessions() as session:
        counted = await _count_supervision_phone(session)
        assert counted and await supervision_phone(session) == counted
    with statements_run(engine) as statements:
        async with sessions() as session:
            assert await supervision_phone(session) == counted
    assert statements == []
    async with sessions() as session:
        codes = list(await session.scalars(select(Item.code)))
        await session.execute(
            update(Item).where(Item.code.in_(codes)).values(supervision_phone="0935-1234567")
        )
        await session.commit()
    async with sessions() as session:
        assert await supervision_phone(session) == "0935-1234567"
