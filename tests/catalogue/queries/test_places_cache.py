"""Towns and villages kept per worker when the sessions carry a version: the same answers as
reading them, no query while the version holds, a rename seen once it moves (what names
matched outlives a move that read the same places); the server's version moves at once on a
commit that changed a region."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue import queries
from catalogue.db import session_factory
from catalogue.models import Region
from catalogue.queries import regions
from handlers.db.changes import regions_version
from tests.kits import public_catalogue as seed
from tests.kits.statements import statements_run

TYPED = ("红大村", "华藏寺镇红大村", "华藏寺", "大湾村", "红达村", "不存在的地方")


async def _found(sessions: async_sessionmaker[AsyncSession], typed: str) -> list[str]:
    async with sessions() as session:
        return [p.code for p in (await queries.find_regions(session=session, name=typed)).places]


async def test_kept_places_answer_alike_without_a_query(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], seeded: Any
) -> None:
    version = [0]
    kept = session_factory(engine, places_version=lambda: version[0])
    expected = {typed: await _found(sessions, typed) for typed in TYPED}
    assert expected["华藏寺镇红大村"] == [seed.HONGDA] and len(expected["大湾村"]) == 2
    assert {typed: await _found(kept, typed) for typed in TYPED} == expected
    with statements_run(engine) as statements:
        assert {typed: await _found(kept, typed) for typed in TYPED} == expected
        async with kept() as session:
            town = await queries.region_by_code(session=session, code=seed.HUACANGSI_TOWN)
            assert town is not None and town.level == "town"
            assert [p.code for p in await queries.places(session=session)] == sorted(
                p.code for p in await queries.places(session=session)
            )
    assert statements == []

    async with sessions() as session:
        hongda = await session.scalar(select(Region).where(Region.code == seed.HONGDA))
        assert hongda is not None
        hongda.name, hongda.short_name = "新红村", "新红"
        await session.commit()
    assert await _found(kept, "新红村") == []  # the version held: still the kept names
    version[0] += 1
    with statements_run(engine) as statements:
        assert await _found(kept, "新红村") == [seed.HONGDA]
    assert statements  # read anew


async def test_matches_outlive_a_version_that_read_the_same_places(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], seeded: Any, monkeypatch: Any
) -> None:
    version = [0]
    kept = session_factory(engine, places_version=lambda: version[0])
    first = {typed: await _found(kept, typed) for typed in TYPED}
    matched: list[str] = []  # matching a name starts from its core
    core_name = regions.core_name

    def counted(name: str) -> str:
        matched.append(name)
        return core_name(name)

    monkeypatch.setattr(regions, "core_name", counted)
    version[0] += 1  # the places are read anew, and read the same
    assert {typed: await _found(kept, typed) for typed in TYPED} == first
    assert matched == []

    async with sessions() as session:
        hongda = await session.scalar(select(Region).where(Region.code == seed.HONGDA))
        assert hongda is not None
        hongda.name, hongda.short_name = "新红村", "新红"
        await session.commit()
    version[0] += 1  # other places: every name is matched again
    assert await _found(kept, "红大村") != first["红大村"]
    assert matched


async def test_the_server_version_moves_on_a_region_commit(
    sessions: async_sessionmaker[AsyncSession], seeded: Any
) -> None:
    before = regions_version()
    async with sessions() as session:
        hongda = await session.scalar(select(Region).where(Region.code == seed.HONGDA))
        assert hongda is not None
        hongda.short_name = "红大二"
        await session.commit()
    assert regions_version() != before
