"""`StaffIdentity`: citizens pass by without a database session being used or closed; staff
get their desk and the session that identified them is closed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.events import TextMessage
from bot.types import UNHANDLED
from catalogue.models import StaffMember
from handlers.staff.desk import Desk, StaffIdentity

EVENT = TextMessage(to_user="gh", from_user="o_user", create_time=0, msg_type="text")


async def _never(event: Any, data: dict[str, Any]) -> str:
    raise AssertionError("a citizen must not reach the staff handlers")


async def test_a_citizen_is_unhandled_without_using_or_closing_a_session(
    session_spy: Any,
) -> None:
    async def not_staff(session: AsyncSession, event: Any, data: Any) -> StaffMember | None:
        return None  # as the bound-openid set answers for a citizen, without SQL

    middleware = StaffIdentity(not_staff, "wechat")
    assert await middleware(_never, EVENT, {"sessions": session_spy}) is UNHANDLED  # type: ignore[arg-type]
    assert len(session_spy.made) == 1 and session_spy.calls == []


async def test_staff_found_by_a_query_get_a_desk_and_the_session_is_closed(
    sessions: async_sessionmaker[AsyncSession], session_spy: Any
) -> None:
    async with sessions() as session:
        session.add(StaffMember(wecom_user_id="zhangsan", name="张三", role="editor", active=True))
        await session.commit()

    async def first_member(session: AsyncSession, event: Any, data: Any) -> StaffMember | None:
        return await session.scalar(select(StaffMember))

    desks: list[Desk] = []

    async def handler(event: Any, data: dict[str, Any]) -> str:
        desks.append(data["desk"])
        return "ok"

    middleware = StaffIdentity(first_member, "wechat")
    assert await middleware(handler, EVENT, {"sessions": session_spy}) == "ok"  # type: ignore[arg-type]
    assert session_spy.calls == ["close"] and len(session_spy.made) == 1
    assert not session_spy.made[0].in_transaction()
    assert desks[0].name == "张三"
