"""Duties: which are due or overdue on a given day, and who gets them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from catalogue import duties
from catalogue.models import Item, StaffMember
from catalogue.workflow import lists, proposals, publishing, review
from catalogue.workflow.rules import SuspensionReason
from catalogue.workflow.runner import Actor, run
from tests.kits import staff_world as W


async def _ok(sessions, world, who, op) -> None:  # type: ignore[no-untyped-def]
    outcome = await run(sessions, Actor.of(world.staff[who]), "test", op)
    assert not outcome.refused, outcome.message


async def _duties(sessions, world, who: str, today: date) -> list[duties.Duty]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        found = await duties.compute_duties(session, today)
        staff = await session.get(StaffMember, world.staff[who].id)
        return duties.duties_of(staff, found)


async def test_duties_by_role_and_deadline(sessions, world) -> None:  # type: ignore[no-untyped-def]
    await _ok(
        sessions,
        world,
        "finance",
        lambda s, m: lists.record_budget_approval(s, m, 2026, date(2026, 1, 10)),
    )
    await _ok(
        sessions,
        world,
        "poverty",
        lambda s, m: lists.propose_poverty_change(
            s, m, world.project_id, {"investment": Decimal(90)}, "追加", date(2026, 9, 30)
        ),
    )
    await _ok(
        sessions,
        world,
        "clerk",
        lambda s, m: proposals.propose_suspension(s, m, W.LIVE, SuspensionReason.OTHER, "整改"),
    )
    await _ok(sessions, world, "review", lambda s, m: review.approve(s, m, W.LIVE))
    async with sessions() as session:  # publish the suspension, then ask to resume
        staff = await session.get(StaffMember, world.staff["clerk"].id)
        await publishing.publish(session, staff, [W.LIVE])
        item = (await session.scalars(select(Item).where(Item.code == W.LIVE2))).one()
        item.last_case_on = date(2022, 5, 1)
        await session.commit()
    await _ok(sessions, world, "clerk", lambda s, m: proposals.propose_resumption(s, m, W.LIVE))
    await _ok(
        sessions,
        world,
        "review",
        lambda s, m: review.approve(s, m, W.LIVE, now=datetime(2026, 10, 12, 2, tzinfo=UTC)),
    )

    today = date(2026, 10, 15)
    finance = await _duties(sessions, world, "finance", today)
    assert [(d.kind, d.due, d.overdue(today)) for d in finance] == [
        ("fund_list", date(2026, 1, 30), True)
    ]
    # the review of the poverty office's change is the other member's duty, not the proposer's
    assert await _duties(sessions, world, "poverty", today) == []
    poverty = await _duties(sessions, world, "poverty2", today)
    assert [(d.kind, d.due, d.overdue(today)) for d in poverty] == [
        ("list_review", date(2026, 10, 20), False)
    ]
    assert (poverty[0].target_kind, poverty[0].request_id) == ("poverty_project", 1)
    clerk = await _duties(sessions, world, "clerk", today)
    assert sorted((d.kind, d.due) for d in clerk) == [
        ("no_cases", None),
        ("resume", date(2026, 10, 14)),
    ]
    assert await _duties(sessions, world, "clerk_other", today) == []
    assert await _duties(sessions, world, "auditor", today) == []
    [idle] = [d for d in clerk if d.kind is duties.DutyKind.NO_CASES]
    assert (idle.target, idle.last_case_on, idle.idle_years) == (W.LIVE2, date(2022, 5, 1), None)
    [resume] = [d for d in clerk if d.kind is duties.DutyKind.RESUME]
    assert resume.target == W.LIVE and resume.request_id is not None


async def test_yearly_refresh_is_due_at_the_start_of_the_year(sessions, world) -> None:  # type: ignore[no-untyped-def]
    due = await _duties(sessions, world, "poverty", date(2027, 2, 3))
    assert [(d.kind, d.due) for d in due] == [("poverty_refresh", date(2027, 1, 31))]
    await _ok(sessions, world, "poverty", lambda s, m: lists.refresh_poverty_year(s, m, 2027))
    pending = await _duties(sessions, world, "poverty", date(2027, 2, 3))
    assert [d.kind for d in pending] == ["poverty_refresh"]  # its review is not the proposer's
    pending = await _duties(sessions, world, "poverty2", date(2027, 2, 3))
    assert [d.kind for d in pending] == ["list_review", "poverty_refresh"]
    for body, day, number in (
        ("county_group", date(2026, 11, 20), "天扶组发〔2026〕4号"),
        ("city_office", date(2026, 11, 25), "武扶贫发〔2026〕30号"),
    ):
        await _ok(
            sessions,
            world,
            "poverty2",
            lambda s, m, b=body, d=day, n=number: lists.record_poverty_review(
                s, m, 1, b, "张审核", d, n
            ),
        )
    await _ok(sessions, world, "poverty", lambda s, m: publishing.publish(s, m, [1]))
    assert await _duties(sessions, world, "poverty", date(2027, 2, 3)) == []
    assert [d.year for d in due] == [2027]
