"""Change signals: what a commit of this process moves, what a rollback does not, and the
stamp that reveals other processes' changes."""

from __future__ import annotations

import pytest
import zwbot_tests_citizen_kit as kit
from sqlalchemy import select, update

from catalogue.db import create_engine, session_factory
from catalogue.models import Department, Item, MessageLog
from handlers.changes import CHANGES, WATCHED, Changes, ChangeWatcher

seed = kit.seed


async def test_a_commit_moves_the_tables_it_wrote(citizen_side):
    before = {table: CHANGES.generation(table) for table in ("items", "staff_members")}
    async with citizen_side.sessions() as session:
        item = await session.scalar(select(Item).where(Item.code == seed.NETBAR))
        item.name = "网吧经营许可（改）"
        await session.commit()
    assert CHANGES.generation("items") > before["items"]
    assert CHANGES.generation("staff_members") == before["staff_members"]


async def test_a_statement_counts_as_a_write(citizen_side):
    before = CHANGES.generation("items")
    async with citizen_side.sessions() as session:
        await session.execute(update(Item).where(Item.code == seed.NETBAR).values(hours="全天"))
        assert CHANGES.generation("items") == before  # not before the commit
        await session.commit()
    assert CHANGES.generation("items") > before


async def test_a_rollback_or_another_table_moves_nothing(sessions):
    # No app (and so no background watcher) runs here: only these sessions could move it.
    before = CHANGES.generation("items", "departments", "responsibilities", "staff_members")
    async with sessions() as session:
        session.add(Department(name="县测试局"))
        await session.flush()
        await session.rollback()
    async with sessions() as session:
        session.add(MessageLog(openid_hash="h" * 64, kind="text"))
        await session.commit()
    assert CHANGES.generation("items", "departments", "responsibilities", "staff_members") == before
    async with sessions() as session:
        session.add(Department(name="县测试局"))
        await session.commit()
    assert CHANGES.generation("items", "departments", "responsibilities", "staff_members") > before


@pytest.mark.postgres
async def test_the_watcher_sees_a_change_made_outside_any_session(citizen_side_any_db):
    side = citizen_side_any_db
    changes = Changes()
    watcher = ChangeWatcher(side.sessions, changes=changes)
    assert await watcher.check() == {"items", "departments", "responsibilities", "staff_members"}
    assert await watcher.check() == set()
    generation = changes.generation("items")
    async with side.sessions.kw["bind"].begin() as connection:
        await connection.execute(
            update(Item.__table__).where(Item.__table__.c.code == seed.NETBAR).values(hours="x")
        )
    assert await watcher.check() == {"items"}
    assert changes.generation("items") == generation + 1


async def test_an_unreadable_stamp_empties_every_cache(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/never/there.db")
    changes = Changes()
    watcher = ChangeWatcher(session_factory(engine), changes=changes)
    before = {table: changes.generation(table) for table in WATCHED}
    try:
        await watcher.poll()  # no such tables: the reading fails
    finally:
        await engine.dispose()
    assert all(changes.generation(table) > before[table] for table in WATCHED)
