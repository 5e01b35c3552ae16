"""Message logs are written in batches in the background, and whatever is left at close."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.models import MessageLog
from handlers.delivery.message_logs import MessageLogWriter


async def _count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count(MessageLog.id))) or 0)


async def test_background_batches_and_the_rest_at_close(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    writer = MessageLogWriter(sessions, interval=0.01, batch=2)
    writer.start()
    for n in range(5):
        writer.add(openid_hash=f"h{n}", kind="text", text=f"问题{n}")
    for _ in range(300):
        if await _count(sessions) == 5:
            break
        await asyncio.sleep(0.01)
    assert await _count(sessions) == 5 and writer.queued == 0
    writer.add(openid_hash="late", kind="text", text="最后一条")
    await writer.close()  # stops the loop, then writes what is left
    assert await _count(sessions) == 6 and writer.written == 6


async def test_a_failed_round_keeps_the_rows_queued(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:  # the table is gone: every insert fails
        await session.execute(text("ALTER TABLE message_logs RENAME TO message_logs_away"))
        await session.commit()
    writer = MessageLogWriter(sessions, interval=0.01)
    writer.add(openid_hash="h", kind="text", text="问题")
    await writer.tick()  # logs a warning, raises nothing
    assert writer.queued == 1 and writer.written == 0
    async with sessions() as session:
        await session.execute(text("ALTER TABLE message_logs_away RENAME TO message_logs"))
        await session.commit()
    await writer.tick()
    assert writer.queued == 0 and await _count(sessions) == 1


def test_a_full_queue_drops_the_oldest_rows() -> None:
    writer = MessageLogWriter(None, max_queued=3)  # type: ignore[arg-type]
    for n in range(5):
        writer.add(openid_hash=f"h{n}", kind="text", text=str(n))
    assert writer.queued == 3 and writer.dropped == 2


async def test_rows_with_fewer_fields_go_in_the_same_batch(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    writer = MessageLogWriter(sessions)
    writer.add(openid_hash="a", kind="text", text="开网吧", answer_kind="card", item_code="C1")
    writer.add(openid_hash="b", kind="voice")  # the rest default, as with the ORM
    assert await writer.flush() == 2
    async with sessions() as session:
        rows = (await session.scalars(select(MessageLog).order_by(MessageLog.openid_hash))).all()
    assert [(r.openid_hash, r.kind, r.text, r.answer_kind, r.item_code) for r in rows] == [
        ("a", "text", "开网吧", "card", "C1"),
        ("b", "voice", "", "", ""),
    ]
    assert all(r.at is not None for r in rows)
