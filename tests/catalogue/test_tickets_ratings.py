"""The rules of tickets (one working day, who may answer or close) and of 好差评 (five levels,
one rating per answer, 差评 cases followed up and rectified, the ledger, monthly figures)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import ratings, tickets
from catalogue.models import Rating, StaffMember, utcnow
from catalogue.workflow.errors import (
    CaseStepDone,
    Missing,
    MissingArgument,
    Operation,
    RatingCaseForbidden,
    RatingCaseNotFound,
    TicketForbidden,
    TicketNotFound,
    TicketNotOpen,
    TooLong,
)
from tests.kits import staff_world as W


def test_a_ticket_is_due_at_the_end_of_the_next_working_day() -> None:
    # Friday 10:00 China time → the end of Monday, China time.
    assert tickets.due_at(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)) == datetime(
        2026, 11, 30, 16, 0, tzinfo=UTC
    )
    # Late on a Monday night China time is Monday: due the end of Tuesday.
    assert tickets.due_at(datetime(2026, 11, 30, 15, 30, tzinfo=UTC)) == datetime(
        2026, 12, 1, 16, 0, tzinfo=UTC
    )
    # 30 September 2025: the National Day holiday runs to 8 October.
    assert tickets.due_at(datetime(2025, 9, 30, 3, 0, tzinfo=UTC)) == datetime(
        2025, 10, 9, 16, 0, tzinfo=UTC
    )


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> W.World:
    return await W.build_world(sessions)


async def _staff(session: AsyncSession, world: W.World, name: str) -> StaffMember:
    staff = await session.get(StaffMember, world.staff[name].id)
    assert staff is not None
    return staff


async def test_tickets_belong_to_the_items_department(
    sessions: async_sessionmaker[AsyncSession], world: W.World
) -> None:
    async with sessions() as session:
        civil = await tickets.open_ticket(session, openid="o1", message="问", item_code=W.LIVE)
        loose = await tickets.open_ticket(session, openid="o2", message="别的问题")
        await session.commit()
        assert civil.department_id == world.civil_id and loose.department_id is None
        clerk = await _staff(session, world, "clerk")
        other = await _staff(session, world, "clerk_other")
        review = await _staff(session, world, "review")
        assert [t.id for t in await tickets.unfinished_tickets(session, clerk)] == [
            civil.id,
            loose.id,
        ]
        assert [t.id for t in await tickets.unfinished_tickets(session, other)] == [loose.id]
        assert len(await tickets.unfinished_tickets(session, review)) == 2
        with pytest.raises(TicketForbidden) as forbidden:
            await tickets.answer_ticket(session, other, civil.id, "答")
        assert forbidden.value.other_department and forbidden.value.ticket_id == civil.id
        with pytest.raises(TicketForbidden) as forbidden:
            await tickets.close_ticket(
                session, await _staff(session, world, "auditor"), civil.id, "无效"
            )
        assert not forbidden.value.other_department
        assert forbidden.value.operation is Operation.CLOSE
        with pytest.raises(TooLong) as long:
            await tickets.answer_ticket(session, clerk, civil.id, "长" * 601)
        assert (long.value.argument, long.value.length) == (Missing.TICKET_ANSWER, 601)
        assert long.value.limit == tickets.MAX_ANSWER
        with pytest.raises(TicketNotFound) as lost:
            await tickets.answer_ticket(session, clerk, 999, "答")
        assert lost.value.ticket_id == 999
        with pytest.raises(MissingArgument) as blank:
            await tickets.close_ticket(session, clerk, civil.id, " ")
        assert blank.value.missing is Missing.TICKET_CLOSE_REASON
        outcome = await tickets.answer_ticket(session, clerk, civil.id, "请带身份证到窗口办理。")
        assert outcome.result == tickets.TicketAnswered(civil.id, tickets.sla(civil, utcnow()))
        assert outcome.result.sla.standing is tickets.Standing.ON_TIME
        assert (civil.state, civil.owner) == ("answered", "clerk")
        with pytest.raises(TicketNotOpen) as handled:
            await tickets.answer_ticket(session, review, civil.id, "再答")
        assert (handled.value.state, handled.value.by) == ("answered", "clerk")
        with pytest.raises(TicketNotOpen) as handled:
            await tickets.close_ticket(session, review, civil.id, "重复")
        assert handled.value.operation is Operation.CLOSE


async def test_a_citizen_withdraws_only_their_own_ticket_while_it_waits(
    sessions: async_sessionmaker[AsyncSession], world: W.World
) -> None:
    async with sessions() as session:
        mine = await tickets.open_ticket(session, openid="o1", message="问")
        answered = await tickets.open_ticket(session, openid="o1", message="又问")
        await session.commit()
        assert await tickets.withdraw_ticket(session, mine.id, openid="o2") is None  # not theirs
        clerk = await _staff(session, world, "clerk")
        await tickets.answer_ticket(session, clerk, answered.id, "请到窗口办理。")
        assert await tickets.withdraw_ticket(session, answered.id, openid="o1") is None
        withdrawn = await tickets.withdraw_ticket(session, mine.id, openid="o1")
        assert withdrawn is not None and withdrawn.state == "closed"
        assert (withdrawn.closed_by, withdrawn.close_reason) == ("citizen", "市民取消")
        assert mine.id not in [t.id for t in await tickets.unfinished_tickets(session, clerk)]


async def test_one_rating_per_answer_and_the_case_of_a_bad_one(
    sessions: async_sessionmaker[AsyncSession], world: W.World
) -> None:
    async with sessions() as session:
        today = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
        key = ratings.item_answer_key(W.LIVE, today)
        bad = await ratings.record(
            session, openid_hash="h1", answer_key=key, score=2, item_code=W.LIVE
        )
        assert bad.department_id == world.civil_id and bad.case_state == "new"
        with pytest.raises(ratings.AlreadyRated):
            await ratings.record(session, openid_hash="h1", answer_key=key, score=5)
        other_day = ratings.item_answer_key(W.LIVE, datetime(2026, 11, 21, 3, tzinfo=UTC))
        good = await ratings.record(
            session, openid_hash="h1", answer_key=other_day, score=4, item_code=W.LIVE
        )
        assert good.case_state == ""
        fair = await ratings.record(
            session, openid_hash="h2", answer_key=key, score=3, item_code=W.OTHER
        )
        for rating in (bad, good, fair):
            rating.at = today
        await session.commit()

        clerk = await _staff(session, world, "clerk")
        other = await _staff(session, world, "clerk_other")
        with pytest.raises(RatingCaseNotFound) as lost:
            await ratings.follow_up(session, clerk, good.id, "好评不是案件")
        assert lost.value.rating_id == good.id
        with pytest.raises(RatingCaseForbidden) as forbidden:
            await ratings.rectify(session, other, bad.id, "整改")
        assert forbidden.value.other_department
        with pytest.raises(RatingCaseForbidden) as forbidden:
            await ratings.rectify(session, await _staff(session, world, "finance"), bad.id, "x")
        assert not forbidden.value.other_department
        with pytest.raises(TooLong) as long:
            await ratings.rectify(session, clerk, bad.id, "长" * (ratings.MAX_NOTE + 1))
        assert long.value.argument is Missing.RECTIFICATION_NOTE
        with pytest.raises(MissingArgument) as blank:
            await ratings.rectify(session, clerk, bad.id, " ")
        assert blank.value.missing is Missing.RECTIFICATION_NOTE
        rectified = (await ratings.rectify(session, clerk, bad.id, "补充")).result
        assert rectified == ratings.CaseRecorded(
            bad.id, Operation.RECTIFY, ratings.CaseState.RECTIFIED
        )
        with pytest.raises(CaseStepDone) as done:
            await ratings.rectify(session, clerk, bad.id, "再补充")
        assert done.value.operation is Operation.RECTIFY
        review = await _staff(session, world, "review")
        followed = (await ratings.follow_up(session, review, bad.id, "已回访")).result
        assert followed.state is ratings.CaseState.DONE
        await session.commit()

        (row,) = await ratings.ledger(session)
        assert (row.id, row.level, row.state, row.department) == (
            bad.id,
            "不满意",
            "已办结",
            "民政局",
        )
        assert await ratings.ledger(session, open_only=True) == []
        assert await ratings.ledger(session, department_id=world.culture_id) == []

        report = await ratings.month_report(session, ratings.Month(2026, 11))
        by_name = {figures.name: figures for figures in report.departments}
        civil = by_name["民政局"]
        assert (civil.total, civil.bad, civil.bad_done) == (2, 1, 1)
        assert civil.counts[2] == 1 and civil.counts[4] == 1 and civil.satisfaction == 0.5
        assert by_name["文旅局"].counts[3] == 1
        (live,) = [f for f in report.items if W.LIVE in f.name]
        assert live.total == 2 and "社会团体成立登记" in live.name
        assert (await ratings.month_report(session, ratings.Month(2026, 10))).departments == []
        assert await session.get(Rating, bad.id) is not None


def test_levels_are_the_national_five() -> None:
    assert list(ratings.LEVELS.values()) == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [ratings.is_bad(score) for score in (5, 4, 3, 2, 1)] == [False] * 3 + [True] * 2
