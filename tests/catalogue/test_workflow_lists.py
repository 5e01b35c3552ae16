"""Fund list (第七条、第八条) and poverty lists (第三条、第四条、第七条): who may, a second
person for every change and publication, deadlines, notes, dates that cannot be gamed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import duties
from catalogue.models import (
    BudgetYear,
    ChangeRequest,
    FundItem,
    PovertyAllocation,
    PovertyProject,
    StaffMember,
    utcnow,
)
from catalogue.workflow import lists, publishing, review
from catalogue.workflow.errors import CorrectionNeedsNote
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import ListApplied
from catalogue.workflow.runner import Actor, run
from catalogue.workflow.workdays import china_date
from handlers.staff import wording
from handlers.staff.refusals import explain

Op = Callable[[AsyncSession, StaffMember], Awaitable[Outcome]]
TODAY = china_date(utcnow())
TOMORROW = TODAY + timedelta(days=1)


async def _do(sessions: Any, world: Any, who: str, op: Op) -> Outcome:
    # Worded as the staff chat words results and refusals (the domain's errors are typed).
    return await run(
        sessions, Actor.of(world.staff[who]), "test", op, render=wording.render, explain=explain
    )


async def _ok(sessions: Any, world: Any, who: str, op: Op) -> Outcome:
    outcome = await _do(sessions, world, who, op)
    assert not outcome.refused, outcome.message
    return outcome


async def _refused(sessions: Any, world: Any, who: str, op: Op, text: str) -> Outcome:
    outcome = await _do(sessions, world, who, op)
    assert outcome.refused and text in outcome.message, outcome.message
    return outcome


async def _request(sessions: Any) -> ChangeRequest:
    async with sessions() as session:
        return (
            await session.scalars(select(ChangeRequest).order_by(ChangeRequest.id.desc()))
        ).first()  # type: ignore[no-any-return]


def _ref(text: str) -> int:
    return int(text.lstrip("#"))  # the chat's parser turns "#12" into the request number


def _approve(ref: str) -> Op:
    return lambda s, m: review.approve(s, m, _ref(ref))


def _publish(ref: str, now: datetime | None = None) -> Op:
    return lambda s, m: publishing.publish(s, m, [_ref(ref)], now=now)


def _review(ref: str, body: str, day: date, number: str, who: str = "张三") -> Op:
    return lambda s, m: lists.record_poverty_review(s, m, _ref(ref), body, who, day, number)


async def _both_reviews(sessions: Any, world: Any, ref: str) -> None:
    await _ok(
        sessions,
        world,
        "poverty2",
        _review(ref, "county_group", date(2026, 10, 8), "天扶组发〔2026〕4号"),
    )
    await _ok(
        sessions,
        world,
        "poverty2",
        _review(ref, "city_office", date(2026, 10, 9), "武扶贫发〔2026〕30号"),
    )


async def test_fund_list_publication_is_proposed_reviewed_then_published(sessions, world) -> None:  # type: ignore[no-untyped-def]
    record = lambda day: lambda s, m: lists.record_budget_approval(s, m, 2026, day)  # noqa: E731
    await _refused(sessions, world, "clerk", record(date(2026, 1, 10)), "县财政局")
    propose: Op = lambda s, m: lists.propose_fund_list_publication(s, m, 2026)  # noqa: E731
    await _refused(sessions, world, "finance", propose, "预算批准")
    out = await _ok(sessions, world, "finance", record(date(2026, 1, 10)))
    assert "2026-01-30 前公开" in out.message
    out = await _ok(sessions, world, "finance", propose)
    assert "另一位复核人员" in out.message
    async with sessions() as session:  # nothing is live yet
        fund = await session.get(FundItem, world.fund_id)
        assert fund is not None and fund.status == "draft"
    request = await _request(sessions)
    assert request.state == "pending_review" and request.target_kind == "fund_list"
    await _refused(sessions, world, "finance", _publish(f"#{request.id}"), "还不能发布")
    await _refused(sessions, world, "finance", _approve(f"#{request.id}"), "本人")
    await _refused(sessions, world, "review", _approve(f"#{request.id}"), "不能复核")
    await _refused(sessions, world, "finance", propose, "已有未办结的申请")
    await _ok(sessions, world, "finance2", _approve(f"#{request.id}"))
    late = datetime(2026, 2, 2, 2, tzinfo=UTC)
    out = await _ok(sessions, world, "finance", _publish(f"#{request.id}", late))
    assert "逾期 3 天" in out.message and "评审结果" in out.message
    async with sessions() as session:
        fund = await session.get(FundItem, world.fund_id)
        budget = await session.get(BudgetYear, 2026)
        assert fund is not None and fund.status == "published"
        assert budget is not None and budget.published_on == date(2026, 2, 2)


async def test_fund_change_is_approved_by_a_second_finance_reviewer(sessions, world) -> None:  # type: ignore[no-untyped-def]
    def change(note: str, **given: str | Decimal) -> Op:
        given = given or {"management_measures": "天财发〔2026〕5号", "budget_amount": Decimal(130)}
        return lambda s, m: lists.propose_fund_change(
            s, m, world.fund_id, given, note, date(2026, 9, 25)
        )

    await _refused(sessions, world, "clerk", change(""), "说明")
    await _refused(sessions, world, "clerk_other", change("x"), "本部门")
    await _refused(sessions, world, "poverty", change("x"), "不能")
    await _refused(sessions, world, "clerk", change("x", budget_amount=Decimal(-5)), "金额须大于 0")
    await _refused(sessions, world, "clerk", change("x", project_name=""), "缺少：项目名称")
    await _refused(sessions, world, "clerk", change("x", application_guide=""), "申报指南")
    out = await _ok(sessions, world, "clerk", change("管理办法修订"))
    assert "2026-10-15 前发布" in out.message and "另一位复核人员" in out.message
    request = await _request(sessions)
    assert request.state == "pending_review"
    await _refused(sessions, world, "finance", _publish(f"#{request.id}"), "还不能发布")
    await _refused(sessions, world, "clerk", _approve(f"#{request.id}"), "本人")
    await _ok(sessions, world, "finance", _approve(f"#{request.id}"))
    out = await _ok(
        sessions, world, "finance", _publish(f"#{request.id}", datetime(2026, 10, 9, tzinfo=UTC))
    )
    assert "规定期限（2026-10-15）内" in out.message
    async with sessions() as session:
        fund = await session.get(FundItem, world.fund_id)
        assert fund is not None and fund.budget_amount == Decimal("130")
        assert fund.change_note == "2026-10-09 更新：管理办法修订"
        request = await session.get(ChangeRequest, request.id)
        assert request is not None and request.reviewer_id == world.staff["finance"].id


async def test_a_finance_proposal_needs_another_finance_reviewer(sessions, world) -> None:  # type: ignore[no-untyped-def]
    op: Op = lambda s, m: lists.propose_fund_change(  # noqa: E731
        s, m, world.fund_id, {"performance_evaluation": "良好"}, "年中评价", date(2026, 7, 1)
    )
    await _ok(sessions, world, "finance", op)
    request = await _request(sessions)
    await _refused(sessions, world, "finance", _approve(f"#{request.id}"), "本人")
    reject = lambda s, m: review.reject(s, m, request.id, "评价未附报告")  # noqa: E731
    await _refused(sessions, world, "review", reject, "不能驳回")
    await _ok(sessions, world, "finance2", reject)
    assert (await _request(sessions)).state == "rejected"


async def test_poverty_change_is_published_after_both_reviews_are_recorded(sessions, world) -> None:  # type: ignore[no-untyped-def]
    def change(s, m):  # type: ignore[no-untyped-def]
        return lists.propose_poverty_change(
            s,
            m,
            world.project_id,
            {"investment": Decimal(90), "implementing_unit": "朵什乡政府"},
            "追加投资",
            date(2026, 9, 30),
        )

    await _refused(sessions, world, "finance", change, "不能")
    out = await _ok(sessions, world, "poverty", change)
    assert "2026-10-20 前" in out.message  # National Day skipped
    assert "扶贫审核" in out.message
    ref = f"#{(await _request(sessions)).id}"
    await _refused(sessions, world, "poverty", _publish(ref), "还不能发布")
    await _refused(sessions, world, "poverty2", _approve(ref), "市扶贫办")
    county = _review(ref, "county_group", date(2026, 10, 8), "天扶组发〔2026〕4号")
    city = _review(ref, "city_office", date(2026, 10, 9), "武扶贫发〔2026〕30号")
    await _refused(sessions, world, "poverty", county, "本人")
    await _refused(sessions, world, "finance", county, "不能")
    await _refused(sessions, world, "poverty2", city, "须先登记县扶贫开发领导小组")
    bad_number = _review(ref, "county_group", date(2026, 10, 8), "领导小组会议纪要")
    await _refused(sessions, world, "poverty2", bad_number, "文号")
    future = _review(ref, "county_group", TOMORROW, "天扶组发〔2026〕4号")
    await _refused(sessions, world, "poverty2", future, "将来的日期")
    out = await _ok(sessions, world, "poverty2", county)
    assert "还须登记市扶贫办" in out.message
    early = _review(ref, "city_office", date(2026, 10, 7), "武扶贫发〔2026〕30号")
    await _refused(sessions, world, "poverty2", early, "不能早于")
    out = await _ok(sessions, world, "poverty2", city)
    assert "可以发布" in out.message
    await _refused(sessions, world, "clerk", _publish(ref), "不能")
    out = await _ok(sessions, world, "poverty", _publish(ref, datetime(2026, 10, 21, tzinfo=UTC)))
    assert "逾期 1 天" in out.message
    async with sessions() as session:
        project = await session.get(PovertyProject, world.project_id)
        assert project is not None and project.investment == Decimal("90")
        assert project.changed_on == date(2026, 9, 30) and project.change_note == "追加投资"
        request = (await session.scalars(select(ChangeRequest))).one()
        reviews = request.payload["reviews"]
        assert reviews["county_group"]["document"] == "天扶组发〔2026〕4号"
        assert reviews["city_office"]["on"] == "2026-10-09"
        assert reviews["city_office"]["reviewer"] == "张三"


async def test_poverty_allocation_changes_like_a_project(sessions, world) -> None:  # type: ignore[no-untyped-def]
    def change(**given: str | Decimal) -> Op:
        return lambda s, m: lists.propose_allocation_change(
            s, m, world.allocation_id, given, "追加到村", date(2026, 10, 8)
        )

    await _refused(sessions, world, "finance", change(amount=Decimal(15)), "不能")
    await _refused(sessions, world, "poverty", change(document_number="第12号"), "文号不对")
    await _refused(
        sessions,
        world,
        "poverty",
        change(region_code="x"),
        "可变更的字段：金额、文号、用途、资金来源",
    )
    out = await _ok(
        sessions,
        world,
        "poverty",
        change(amount=Decimal(15), document_number="天扶贫发〔2026〕25号"),
    )
    assert "2026-10-21 前" in out.message
    ref = f"#{(await _request(sessions)).id}"
    await _refused(sessions, world, "poverty", _publish(ref), "还不能发布")
    await _both_reviews(sessions, world, ref)
    await _ok(sessions, world, "poverty", _publish(ref, datetime(2026, 10, 12, tzinfo=UTC)))
    async with sessions() as session:
        allocation = await session.get(PovertyAllocation, world.allocation_id)
        assert allocation is not None and allocation.amount == Decimal("15")
        assert allocation.document_number == "天扶贫发〔2026〕25号"


async def test_yearly_poverty_refresh_is_reviewed_before_publication(sessions, world) -> None:  # type: ignore[no-untyped-def]
    refresh: Op = lambda s, m: lists.refresh_poverty_year(s, m, 2027)  # noqa: E731
    await _refused(sessions, world, "auditor", refresh, "不能")
    out = await _ok(sessions, world, "poverty", refresh)
    assert "2 条" in out.message
    ref = f"#{(await _request(sessions)).id}"
    await _refused(sessions, world, "poverty", _publish(ref), "还不能发布")
    await _both_reviews(sessions, world, ref)
    out = await _ok(sessions, world, "poverty", _publish(ref))
    assert "项目 1 个，资金分配 1 条" in out.message
    [applied] = out.result.applied
    assert isinstance(applied, ListApplied) and (applied.rows, applied.allocations) == (1, 1)
    await _refused(sessions, world, "poverty", refresh, "没有待发布")


async def test_an_incomplete_poverty_project_is_never_proposed_for_publication(
    sessions, world
) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        project = (
            await session.scalars(select(PovertyProject).where(PovertyProject.year == 2027))
        ).one()
        project.approval_number = ""
        project.benefits = ""
        await session.commit()
    refresh: Op = lambda s, m: lists.refresh_poverty_year(s, m, 2027)  # noqa: E731
    out = await _refused(sessions, world, "poverty", refresh, "信息不完整")
    assert "审批文号" in out.message and "新增经济效益和扶贫效益" in out.message
    assert "《扶贫办法》第三条" in out.message
    change = lambda s, m: lists.propose_poverty_change(  # noqa: E731
        s, m, world.project_id, {"approval_number": ""}, "撤销文号", date(2026, 10, 8)
    )
    await _refused(sessions, world, "poverty", change, "缺少：审批文号")


async def test_no_future_dates(sessions, world) -> None:  # type: ignore[no-untyped-def]
    budget = lambda s, m: lists.record_budget_approval(s, m, 2026, TOMORROW)  # noqa: E731
    await _refused(sessions, world, "finance", budget, "不能登记将来的日期")
    fund = lambda s, m: lists.propose_fund_change(  # noqa: E731
        s, m, world.fund_id, {"performance_evaluation": "好"}, "x", TOMORROW
    )
    await _refused(sessions, world, "finance", fund, "发生日期不对")
    project = lambda s, m: lists.propose_poverty_change(  # noqa: E731
        s, m, world.project_id, {"investment": Decimal(90)}, "x", date(2030, 1, 1)
    )
    await _refused(sessions, world, "poverty", project, "审定日期不对")
    allocation = lambda s, m: lists.propose_allocation_change(  # noqa: E731
        s, m, world.allocation_id, {"amount": Decimal(9)}, "x", TOMORROW
    )
    await _refused(sessions, world, "poverty", allocation, "审定日期不对")
    today = lambda s, m: lists.record_budget_approval(s, m, 2026, TODAY)  # noqa: E731
    await _ok(sessions, world, "finance", today)
    async with sessions() as session:
        assert (await session.scalars(select(ChangeRequest))).first() is None


async def test_a_budget_approval_date_is_corrected_by_a_reviewed_request_keeping_the_first(
    sessions, world
) -> None:  # type: ignore[no-untyped-def]
    def record(day: str, note: str = "") -> Op:
        return lambda s, m: lists.record_budget_approval(s, m, 2026, date.fromisoformat(day), note)

    await _ok(sessions, world, "finance", record("2026-01-10"))
    refused = await _refused(sessions, world, "finance", record("2026-01-25"), "说明")
    assert isinstance(refused.error, CorrectionNeedsNote)
    assert (refused.error.recorded_on, refused.error.requested_on) == (
        date(2026, 1, 10),
        date(2026, 1, 25),
    )
    await _refused(sessions, world, "finance", record("2026-01-10", "x"), "已登记为")
    out = await _ok(sessions, world, "finance", record("2026-01-25", "人大决议日期录错"))
    assert "原日期保留" in out.message
    async with sessions() as session:  # nothing changes before the review
        budget = await session.get(BudgetYear, 2026)
        assert budget is not None and budget.approved_on == date(2026, 1, 10)
    ref = f"#{(await _request(sessions)).id}"
    await _refused(sessions, world, "finance", _approve(ref), "本人")
    await _ok(sessions, world, "finance2", _approve(ref))
    out = await _ok(sessions, world, "finance", _publish(ref))
    assert "原登记 2026-01-10" in out.message
    async with sessions() as session:
        budget = await session.get(BudgetYear, 2026)
        assert budget is not None
        assert budget.approved_on == date(2026, 1, 25)
        assert budget.original_approved_on == date(2026, 1, 10)
        found = duties.duties_of(
            await session.get(StaffMember, world.staff["finance"].id),
            await duties.compute_duties(session, date(2026, 2, 10)),
        )
    assert (found[0].original_approved_on, found[0].original_due) == (
        date(2026, 1, 10),
        date(2026, 1, 30),
    )
    # Publishing on 10 February: in time from the corrected date, 11 days late from the first.
    await _ok(
        sessions, world, "finance", lambda s, m: lists.propose_fund_list_publication(s, m, 2026)
    )
    ref = f"#{(await _request(sessions)).id}"
    await _ok(sessions, world, "finance2", _approve(ref))
    out = await _ok(sessions, world, "finance", _publish(ref, datetime(2026, 2, 10, 2, tzinfo=UTC)))
    assert "规定期限（2026-02-14）内完成" in out.message
    assert "按原登记的批准日期 2026-01-10 计" in out.message and "逾期 11 天" in out.message
    [applied] = out.result.applied  # the facts behind the words
    assert isinstance(applied, ListApplied) and applied.target_kind == "fund_list"
    assert (applied.done_on, applied.due_on, applied.first_due_on) == (
        date(2026, 2, 10),
        date(2026, 2, 14),
        date(2026, 1, 30),
    )


async def test_competitive_funds_owe_review_results_and_allocation(sessions, world) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        fund = await session.get(FundItem, world.fund_id)
        assert fund is not None
        fund.status, fund.published_on = "published", date(2026, 2, 1)
        await session.commit()
    async with sessions() as session:
        finance = await session.get(StaffMember, world.staff["finance"].id)
        clerk = await session.get(StaffMember, world.staff["clerk"].id)
        found = await duties.compute_duties(session, date(2026, 3, 1))
    owed = [d for d in duties.duties_of(finance, found) if d.kind == "fund_competitive"]
    assert len(owed) == 1 and owed[0].owed == ("review_results", "allocation")
    assert owed[0].record_id == world.fund_id
    assert owed[0].due == date(2026, 2, 21) and owed[0].overdue(date(2026, 3, 1))
    assert [d.kind for d in duties.duties_of(clerk, found)] == ["fund_competitive"]
