"""The per-update session: commit on success, roll back on error, untouched when unused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.events import TextMessage
from catalogue.models import MessageLog
from handlers.db.session import DatabaseSession

EVENT = TextMessage(to_user="gh", from_user="o_user", create_time=0, msg_type="text")


async def _logs(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count(MessageLog.id))) or 0)


def _row(text_: str) -> MessageLog:
    return MessageLog(openid_hash="h" * 64, kind="text", text=text_)


async def test_a_session_nobody_used_is_neither_committed_nor_closed(session_spy: Any) -> None:
    spy = session_spy

    async def answer_from_memory(event: Any, data: dict[str, Any]) -> str:
        assert isinstance(data["session"], AsyncSession)
        return "ok"

    assert await DatabaseSession(spy)(answer_from_memory, EVENT, {}) == "ok"  # type: ignore[arg-type]
    assert spy.calls == [] and len(spy.made) == 1


async def test_a_read_or_a_write_is_committed_and_the_session_closed(
    sessions: async_sessionmaker[AsyncSession], session_spy: Any
) -> None:
    spy = session_spy

    async def read(event: Any, data: dict[str, Any]) -> int:
        return int(await data["session"].scalar(text("SELECT 1")))

    assert await DatabaseSession(spy)(read, EVENT, {}) == 1  # type: ignore[arg-type]
    assert spy.calls == ["commit"]  # nothing loaded is left to let go of
    assert not spy.made[0].in_transaction()

    row = _row("added only")

    async def write(event: Any, data: dict[str, Any]) -> str:
        data["session"].add(row)  # no SQL until the commit flushes it
        return "ok"

    await DatabaseSession()(write, EVENT, {"sessions": spy})  # type: ignore[arg-type]
    assert spy.calls[1:] == ["commit", "close"]  # the row the handler kept is let go of
    assert inspect(row).detached
    assert await _logs(sessions) == 1


async def test_an_error_rolls_back_what_the_update_did(
    sessions: async_sessionmaker[AsyncSession], session_spy: Any
) -> None:
    spy = session_spy

    async def fail_after_writing(event: Any, data: dict[str, Any]) -> str:
        session = data["session"]
        session.add(_row("half done"))
        await session.flush()
        raise RuntimeError("staff command failed")

    with pytest.raises(RuntimeError, match="staff command failed"):
        await DatabaseSession(spy)(fail_after_writing, EVENT, {})  # type: ignore[arg-type]
    assert spy.calls == ["close"]
    assert await _logs(sessions) == 0

    async def fail_without_sql(event: Any, data: dict[str, Any]) -> str:
        raise ValueError("no database involved")

    with pytest.raises(ValueError):
        await DatabaseSession(spy)(fail_without_sql, EVENT, {})  # type: ignore[arg-type]
    assert spy.calls == ["close"]  # the unused second session: nothing to do


async def test_no_factory_is_an_error() -> None:
    async def handler(event: Any, data: dict[str, Any]) -> str:
        return "never"

    with pytest.raises(RuntimeError, match="no database"):
        await DatabaseSession()(handler, EVENT, {})
