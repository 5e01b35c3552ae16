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


class Made:
    """A session factory remembering its sessions and whether each was closed."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.made: list[AsyncSession] = []
        self.closed: list[AsyncSession] = []

    def __call__(self) -> AsyncSession:
        session = self.sessions()
        close = session.close

        async def counted_close() -> None:
            self.closed.append(session)
            await close()

        session.close = counted_close  # type: ignore[method-assign]
        self.made.append(session)
        return session


async def _never(event: Any, data: dict[str, Any]) -> str:
    raise AssertionError("a citizen must not reach the staff handlers")


async def test_a_citizen_is_unhandled_without_using_or_closing_a_session(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    made = Made(sessions)

    async def not_staff(session: AsyncSession, event: Any, data: Any) -> StaffMember | None:
        return None  # as the bound-openid set answers for a citizen, without SQL

    middleware = StaffIdentity(not_staff, "wechat")
    assert await middleware(_never, EVENT, {"sessions": made}) is UNHANDLED  # type: ignore[arg-type]
    assert len(made.made) == 1 and made.closed == []


async def test_staff_found_by_a_query_get_a_desk_and_the_session_is_closed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        session.add(StaffMember(wecom_user_id="zhangsan", name="张三", role="editor", active=True))
        await session.commit()
    made = Made(sessions)

    async def first_member(session: AsyncSession, event: Any, data: Any) -> StaffMember | None:
        return await session.scalar(select(StaffMember))

    desks: list[Desk] = []

    async def handler(event: Any, data: dict[str, Any]) -> str:
        desks.append(data["desk"])
        return "ok"

    middleware = StaffIdentity(first_member, "wechat")
    assert await middleware(handler, EVENT, {"sessions": made}) == "ok"  # type: ignore[arg-type]
    assert made.closed == made.made and not made.made[0].in_transaction()
    assert desks[0].name == "张三"
