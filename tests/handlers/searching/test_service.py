"""Catalogue rows as search documents, the live index kept in step, staff synonyms (real DBs)."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.models import Department, Item, PowerItem, Region, ServiceItem, Synonym
from catalogue.models.base import utcnow
from handlers.searching.service import (
    ITEM_LOOKBACK,
    IndexFollower,
    SynonymWatcher,
    build_index,
    document_of,
    reload_synonyms,
    sync_items,
)

BODY = "62062300000001367025X0"


def _item(cls: type[PowerItem] | type[ServiceItem], basic: str, name: str, **fields: object):
    values: dict[str, object] = {
        "code": f"{BODY}—{basic}",
        "subject_code": BODY,
        "basic_code": basic,
        "category": basic[:2],
        "main_no": int(basic[2:7]),
        "sub_no": int(basic[7:]),
        "name": name,
        "status": "published",
    }
    values.update(fields)
    return cls(**values)


async def _seed(session: AsyncSession) -> Department:
    session.add(Region(code="620623", name="天祝藏族自治县", level="county"))
    department = Department(name="天祝县民政局", org_code="01367025X")
    session.add(department)
    await session.flush()
    session.add_all(
        [
            _item(
                ServiceItem,
                "QT00001000",
                "最低生活保障",
                department_id=department.id,
                aliases=["低保金"],
                national_item_code="512C0053300008",
            ),
            _item(ServiceItem, "QT00002000", "临时救助", department_id=department.id),
            _item(PowerItem, "XK00003000", "犬类准养证核发", status="draft"),
            _item(PowerItem, "XK00004000", "涉密事项审批", classified=True),
            _item(PowerItem, "CF00005000", "对违法养犬的处罚", status="suspended"),
        ]
    )
    await session.commit()
    return department


async def test_documents_carry_what_search_needs(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await _seed(session)
    index = await build_index(sessions)
    assert len(index) == 3  # published and suspended; never draft or classified
    hit = index.search("低保")[0]
    assert hit.document.name == "最低生活保障"
    assert hit.document.department == "天祝县民政局"
    assert hit.document.aliases == ("低保金",)
    assert index.search("512C0053300008")[0].document.code == f"{BODY}—QT00001000"
    fine = index.search("养犬处罚")[0].document
    assert fine.suspended and fine.published and fine.category == "CF"
    staff = await build_index(sessions, public_only=False)
    assert len(staff) == 4 and staff.get(f"{BODY}—XK00004000") is None


async def test_workflow_changes_reach_the_live_index(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await _seed(session)
    index = await build_index(sessions)
    dog, relief = f"{BODY}—XK00003000", f"{BODY}—QT00002000"
    assert dog not in {h.document.code for h in index.search("犬类准养证")}
    async with sessions() as session:
        item = await session.get(PowerItem, await _id(session, dog))
        assert item is not None
        item.status = "published"
        relief_item = await session.get(ServiceItem, await _id(session, relief))
        assert relief_item is not None
        relief_item.status = "abolished"
        await session.commit()
        await sync_items(index, session, [dog, relief, "no-such-code"])
    assert index.search("狗证")[0].document.code == dog
    assert relief not in {h.document.code for h in index.search("临时救助", top=10)}
    async with sessions() as session:
        item = await session.get(PowerItem, await _id(session, dog))
        assert item is not None
        assert document_of(item).published
        item.status = "suspended"
        await session.commit()
        await sync_items(index, session, [dog])
    assert index.search("狗证")[0].document.suspended


async def test_staff_synonyms_from_the_database(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await _seed(session)
    index = await build_index(sessions)
    assert not any(h.document.name == "临时救助" for h in index.search("扎西钱"))
    async with sessions() as session:
        session.add(Synonym(colloquial="扎西钱", formal="临时救助", created_by="test"))
        await session.commit()
        assert await reload_synonyms(index, session) == 1
    assert index.search("扎西钱")[0].document.name == "临时救助"
    assert index.search("低保")[0].document.name == "最低生活保障"  # shipped words still work
    fresh = await build_index(sessions)
    assert fresh.search("扎西钱")[0].document.name == "临时救助"


async def _id(session: AsyncSession, code: str) -> int:
    found = await session.scalar(select(Item.id).where(Item.code == code))
    assert found is not None
    return found


async def test_the_watcher_reloads_when_the_table_changes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await _seed(session)
    index = await build_index(sessions)
    watcher = SynonymWatcher(index, sessions, interval=0.01)
    assert await watcher.check() is True  # first look
    assert await watcher.check() is False  # nothing changed
    async with sessions() as session:
        session.add(Synonym(colloquial="扎西钱", formal="临时救助"))
        await session.commit()
    assert await watcher.check() is True
    assert index.search("扎西钱")[0].document.name == "临时救助"
    async with sessions() as session:
        await session.execute(delete(Synonym))
        await session.commit()
    watcher.start()
    for _ in range(200):
        if not any(h.document.name == "临时救助" for h in index.search("扎西钱")):
            break
        await asyncio.sleep(0.01)
    await watcher.stop()
    assert not any(h.document.name == "临时救助" for h in index.search("扎西钱"))


async def test_the_follower_picks_up_changes_made_by_another_process(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Another worker or `zwbot import` changes items: this process's index follows."""
    async with sessions() as session:
        await _seed(session)
    index = await build_index(sessions)
    follower = IndexFollower(index, sessions, interval=0.01)
    assert await follower.check() == 0  # first reading: the index is current
    dog, relief = f"{BODY}—XK00003000", f"{BODY}—QT00002000"
    async with sessions() as other_process:  # no sync_items here: someone else's change
        dog_item = await other_process.get(PowerItem, await _id(other_process, dog))
        relief_item = await other_process.get(ServiceItem, await _id(other_process, relief))
        assert dog_item is not None and relief_item is not None
        dog_item.status = "published"
        relief_item.status = "abolished"
        await other_process.commit()
    assert dog not in {h.document.code for h in index.search("犬类准养证")}
    assert await follower.check() >= 2
    assert index.search("狗证")[0].document.code == dog
    assert relief not in index.codes()
    assert await follower.check() == 0  # nothing new: nothing re-synced

    async with sessions() as other_process:  # rows deleted outright (demo --reset)
        await other_process.execute(delete(Item).where(Item.code == dog))
        await other_process.commit()
    await follower.check()
    assert dog not in index.codes() and len(index) == 2

    follower.start()  # the background loop does the same
    async with sessions() as other_process:
        relief_item = await other_process.get(ServiceItem, await _id(other_process, relief))
        assert relief_item is not None
        relief_item.status = "published"
        await other_process.commit()
    for _ in range(200):
        if relief in index.codes():
            break
        await asyncio.sleep(0.01)
    await follower.stop()
    assert relief in index.codes()


async def test_the_follower_stops_rereading_settled_rows(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Once the newest stamp stood still past the look-back, a poll reads only newer rows
    (not the whole last import every second), and still sees the next change."""
    async with sessions() as session:
        await _seed(session)
    index = await build_index(sessions)
    now = [1000.0]
    follower = IndexFollower(index, sessions, interval=0.01, clock=lambda: now[0])
    assert await follower.check() == 0  # first reading
    await follower.check()
    assert follower.rows_read == 5  # the seeded rows are within the look-back window
    now[0] += ITEM_LOOKBACK.total_seconds() + 1
    await follower.check()  # begun after any straggler committed: reads the window once more
    assert follower.rows_read == 5
    assert await follower.check() == 0
    assert follower.rows_read == 0  # settled: nothing newer than the newest stamp

    dog = f"{BODY}—XK00003000"
    async with sessions() as other_process:
        dog_item = await other_process.get(PowerItem, await _id(other_process, dog))
        assert dog_item is not None
        dog_item.status = "published"
        await other_process.commit()
    assert await follower.check() == 1
    assert follower.rows_read == 1
    assert index.search("犬类准养证")[0].document.code == dog
    await follower.check()  # the new stamp is young again: the window is read
    assert follower.rows_read == 5


async def test_a_follower_started_long_after_the_last_change_settles_at_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await _seed(session)
    index = await build_index(sessions)
    later = utcnow() + 3 * ITEM_LOOKBACK  # the wall clock: the import was long ago
    follower = IndexFollower(index, sessions, interval=0.01, clock=lambda: 0.0, wall=lambda: later)
    assert await follower.check() == 0  # first reading
    await follower.check()  # reads the look-back window once more …
    assert follower.rows_read == 5
    await follower.check()  # … and then nothing older than the newest stamp
    assert follower.rows_read == 0
    relief = f"{BODY}—QT00002000"
    async with sessions() as other_process:  # a row deleted while settled is still noticed
        await other_process.execute(delete(Item).where(Item.code == relief))
        await other_process.commit()
    assert relief in index.codes()
    await follower.check()
    assert relief not in index.codes()
