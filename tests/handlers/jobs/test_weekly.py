"""The weekly 通报 summary: who gets it, what it counts, and that it is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import WeChatApiError
from catalogue import ratings as rating_rules
from catalogue import tickets as ticket_rules
from catalogue.models import AuditEntry, Ticket, utcnow
from catalogue.workflow.workdays import china_date
from handlers.jobs.weekly import send_weekly
from tests.kits import staff_world as W

LINK = "https://zw.example.cn/console/reports"


async def test_the_week_is_summed_up_for_the_county_office(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await W.build_world(sessions)
    async with sessions() as session:
        await ticket_rules.open_ticket(session, openid="o1", message="问一", item_code=W.LIVE)
        late = await ticket_rules.open_ticket(session, openid="o2", message="问二")
        late.created_at = utcnow() - timedelta(days=5)
        late.due_at = utcnow() - timedelta(days=3)
        old = await ticket_rules.open_ticket(session, openid="o3", message="上月的")
        old.created_at = utcnow() - timedelta(days=30)
        await rating_rules.record(
            session, openid_hash="a" * 64, answer_key="item:a", score=1, item_code=W.LIVE
        )
        await rating_rules.record(
            session, openid_hash="b" * 64, answer_key="item:b", score=5, item_code=W.LIVE
        )
        await session.commit()
    sent: dict[str, str] = {}

    async def send(user_id: str, text: str) -> None:
        if user_id == "review2":
            raise WeChatApiError(60020, "not allow to access from your ip")
        sent[user_id] = text

    done = await send_weekly(sessions, send, china_date(utcnow()), LINK)
    assert set(sent) == {"review", "approver", "admin"}  # not clerks, offices or the auditor
    assert set(done.failed) == {"review2"}
    text = sent["admin"]
    assert "本周人工工单 2 件：未办完 2 件，超时 1 件" in text
    assert "本周差评 1 件；全部未办结差评 1 件" in text
    assert text.endswith(LINK)
    async with sessions() as session:
        entry = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "report.weekly"))
        ).one()
        assert entry.result == "sent 3, failed 1"
        assert len((await session.scalars(select(Ticket))).all()) == 3
