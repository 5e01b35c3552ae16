"""Change signals: what a commit of this process moves, what a rollback does not, and the
stamp that reveals other processes' changes."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from catalogue.db import create_engine, session_factory
from catalogue.models import Department, Item, MessageLog
from handlers.db.changes import CHANGES, WATCHED, Changes, ChangeWatcher
from tests.kits import citizen as kit

seed = kit.seed


# No app (and so no background watcher) runs in these: only their sessions move the signal.


async def test_a_commit_moves_the_tables_it_wrote(sessions):
    before = {table: CHANGES.generation(table) for table in ("departments", "staff_members")}
    async with sessions() as session:
        session.add(Department(name="县测试局"))
        await session.commit()
    assert CHANGES.generation("departments") > before["departments"]
    assert CHANGES.generation("staff_members") == before["staff_members"]


async def test_a_statement_counts_as_a_write(sessions):
    async with sessions() as session:
        session.add(Department(name="县测试局"))
        await session.commit()
    before = CHANGES.generation("departments")
    async with sessions() as session:
        await session.execute(update(Department).values(phone="0935-1234567"))
        assert CHANGES.generation("departments") == before  # not before the commit
        await session.commit()
    assert CHANGES.generation("departments") > before


async def test_a_rollback_or_another_table_moves_nothing(sessions):
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
    assert await watcher.check() == {
        "items",
        "departments",
        "responsibilities",
        "staff_members",
        "regions",
        "fund_items",
    }
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
