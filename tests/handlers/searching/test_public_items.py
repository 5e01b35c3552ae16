"""The citizens' item cache: answers from memory, never stale after a change is committed."""

from __future__ import annotations

from sqlalchemy import select, update

from catalogue.codes import normalize_code_text
from catalogue.models import Item
from handlers.db.changes import Changes, ChangeWatcher
from handlers.searching import public_items as public_items_module
from handlers.searching.public_items import PublicItems
from tests.kits import citizen as kit

seed = kit.seed
LINK = f"{kit.BASE_URL}/items/{normalize_code_text(seed.NETBAR)}"


async def _set_status(sessions, code: str, status: str) -> None:
    async with sessions() as session:
        item = await session.scalar(select(Item).where(Item.code == code))
        item.status = status
        await session.commit()


async def test_a_second_look_up_needs_no_query(citizen_side):
    cache = PublicItems(citizen_side.sessions, changes=Changes())
    first = await cache.by_codes([seed.NETBAR, "620623-not-a-code"])
    assert list(first) == [seed.NETBAR]
    assert cache.misses == 2
    again = await cache.by_codes([seed.NETBAR, "620623-not-a-code"])
    assert again[seed.NETBAR] is first[seed.NETBAR]  # the same detached object
    assert cache.misses == 2 and cache.hits == 2
    assert again[seed.NETBAR].department is not None  # loaded before the session closed


async def test_citizens_see_an_abolition_as_soon_as_it_is_committed(citizen_side_any_db):
    side = citizen_side_any_db
    user = side.user()
    assert LINK in await user.say("开网吧")  # the card, its item now cached
    await _set_status(side.sessions, seed.NETBAR, "abolished")  # ORM flush in this process
    assert LINK not in await side.user().say("开网吧")
    assert await side.app.state.public_items.by_code(seed.NETBAR) is None


async def test_a_suspension_by_statement_shows_at_once(citizen_side):
    user = citizen_side.user()
    await user.say("开网吧")
    async with citizen_side.sessions() as session:
        await session.execute(
            update(Item)
            .where(Item.code == seed.NETBAR)
            .values(status="suspended", suspension_class="四")
        )
        await session.commit()
    assert "暂停" in await citizen_side.user().say("开网吧")
    item = await citizen_side.app.state.public_items.by_code(seed.NETBAR)
    assert item is not None and item.status == "suspended"


async def test_another_process_s_change_is_seen_after_the_next_stamp(citizen_side_any_db):
    side = citizen_side_any_db
    changes = Changes()  # this "worker"; the change below bypasses its sessions entirely
    cache = PublicItems(side.sessions, changes=changes)
    watcher = ChangeWatcher(side.sessions, changes=changes)
    await watcher.check()
    assert await cache.by_code(seed.NETBAR) is not None
    engine = side.sessions.kw["bind"]
    async with engine.begin() as connection:  # like another process: no session events here
        await connection.execute(
            update(Item.__table__)
            .where(Item.__table__.c.code == seed.NETBAR)
            .values(status="abolished")  # `updated_at` moves by the column's onupdate
        )
    assert await cache.by_code(seed.NETBAR) is not None  # not yet seen: bounded by the poll
    assert "items" in await watcher.check()
    assert await cache.by_code(seed.NETBAR) is None


async def test_preloaded_items_need_no_query(citizen_side):
    cache = PublicItems(citizen_side.sessions, changes=Changes())
    loaded = await cache.preload()
    assert loaded >= 2
    found = await cache.by_codes([seed.NETBAR, *citizen_side.registrations])
    assert set(found) == {seed.NETBAR, *citizen_side.registrations}
    assert cache.misses == 0


async def test_a_preload_overtaken_by_a_change_is_read_again(citizen_side, monkeypatch):
    """At the app's start the change watcher's first reading (everything changed) lands
    while the items load: that load is not kept, a second one is."""
    changes = Changes()
    cache = PublicItems(citizen_side.sessions, changes=changes)
    real = public_items_module.queries.public_items
    loads = []

    async def overtaken(**kwargs):
        loads.append(kwargs)
        if len(loads) == 1:
            changes.bump(["items"])
        return await real(**kwargs)

    monkeypatch.setattr(public_items_module.queries, "public_items", overtaken)
    assert await cache.preload() >= 2
    assert len(loads) == 2
    await cache.by_codes([seed.NETBAR, *citizen_side.registrations])
    assert cache.misses == 0


async def test_a_preload_always_overtaken_keeps_nothing(citizen_side, monkeypatch):
    changes = Changes()
    cache = PublicItems(citizen_side.sessions, changes=changes)
    real = public_items_module.queries.public_items
    loads = []

    async def overtaken(**kwargs):
        loads.append(kwargs)
        changes.bump(["departments"])
        return await real(**kwargs)

    monkeypatch.setattr(public_items_module.queries, "public_items", overtaken)
    await cache.preload(attempts=2)
    assert len(loads) == 2
    await cache.by_codes([seed.NETBAR])
    assert cache.misses == 1  # read from the database, not from a possibly stale load
