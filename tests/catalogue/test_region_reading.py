"""The plain-driver read of the regions (`zwbot code explain`) sees what the ORM sees."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.models import Region
from catalogue.region_directory import RegionDirectory, load_region_directory
from catalogue.region_reading import RegionReadError, read_region_directory
from catalogue.regions import load_shipped_regions


def _listing(directory: RegionDirectory) -> list[tuple[str, str, str, str | None]]:
    entries = list(directory.allowed_regions())
    for town in directory.towns("620623"):
        entries.append(town)
        entries += directory.villages("620623", town.segment)
    return [(e.code, e.name, e.level, e.parent_code) for e in entries]


async def test_the_plain_read_equals_the_orm_read(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert not await asyncio.to_thread(read_region_directory, database_url)  # none stored yet
    async with sessions() as session:
        await load_shipped_regions(session)
        # A name the shipped file does not have: the database's own regions are read.
        await session.execute(
            update(Region).where(Region.code == "620623108").values(name="天堂镇（改）")
        )
        await session.commit()
        expected = await load_region_directory(session)
    read = await asyncio.to_thread(read_region_directory, database_url)
    assert len(_listing(read)) == 230
    assert _listing(read) == _listing(expected)
    town = read.town("620623", "108")
    assert town is not None and town.name == "天堂镇（改）"


def test_a_missing_sqlite_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite3"
    with pytest.raises(RegionReadError, match="no database file"):
        read_region_directory(f"sqlite+aiosqlite:///{path.as_posix()}")
    assert not path.exists()


def test_an_unmigrated_database_is_an_error(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    with pytest.raises(RegionReadError, match="regions"):
        read_region_directory(f"sqlite+aiosqlite:///{path.as_posix()}")


def test_an_unreachable_postgresql_is_an_error() -> None:
    with pytest.raises(RegionReadError):
        read_region_directory("postgresql+asyncpg://nobody@127.0.0.1:1/none")


@pytest.mark.postgres
def test_postgresql_options_are_passed_as_sqlalchemy_passes_them(
    postgres_url: str,
) -> None:
    """`?ssl=…` is an asyncpg keyword (SQLAlchemy's asyncpg dialect passes the URL's options
    so): with `disable` the query reaches the (unmigrated) database, with `require` the local
    server, which takes no TLS, refuses the connection."""
    with pytest.raises(RegionReadError, match='relation "regions" does not exist'):
        read_region_directory(postgres_url + "?ssl=disable")
    with pytest.raises(RegionReadError) as refused:
        read_region_directory(postgres_url + "?ssl=require")
    assert "regions" not in str(refused.value)


def test_an_in_memory_database_has_no_regions() -> None:
    assert not read_region_directory("sqlite+aiosqlite:///:memory:")
