"""Fund list (第七条、第八条) and poverty lists (第四条、第七条): who may, deadlines, notes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from catalogue.models import BudgetYear, ChangeRequest, FundItem, PovertyProject
from catalogue.workflow import errors, lists, publishing
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.runner import Actor, run


async def _do(sessions, world, who, op) -> Outcome:  # type: ignore[no-untyped-def]
    return await run(sessions, Actor.of(world.staff[who]), "test", op)


async def test_fund_list_publication_counts_twenty_days(sessions, world) -> None:  # type: ignore[no-untyped-def]
    out = await _do(
        sessions,
        world,
        "clerk",
        lambda s, m: lists.record_budget_approval(s, m, "2026", "2026-01-10"),
    )
    assert out.refused and isinstance(out.error, errors.RoleForbidden)
    assert out.error.allowed == ("finance", "admin")
    out = await _do(sessions, world, "finance", lambda s, m: lists.publish_fund_list(s, m, "2026"))
    assert out.refused and "预算批准" in out.message
    out = await _do(
        sessions,
        world,
        "finance",
        lambda s, m: lists.record_budget_approval(s, m, "2026", "2026年1月10日"),
    )
    assert not out.refused and "2026-01-30 前公开" in out.message
    late = datetime(2026, 2, 2, 2, tzinfo=UTC)
    out = await _do(
        sessions, world, "finance", lambda s, m: lists.publish_fund_list(s, m, "2026", now=late)
    )
    assert not out.refused and "逾期 3 天" in out.message and "申报指南" in out.message
    async with sessions() as session:
        fund = await session.get(FundItem, world.fund_id)
        budget = await session.get(BudgetYear, 2026)
        assert fund is not None and fund.status == "published"
        assert budget is not None and budget.published_on == date(2026, 2, 2)


async def test_fund_change_needs_a_note_and_is_due_in_twenty_days(sessions, world) -> None:  # type: ignore[no-untyped-def]
    def change(note: str):  # type: ignore[no-untyped-def]
        return lambda s, m: lists.propose_fund_change(
            s,
            m,
            world.fund_id,
            [("管理办法", "天财发〔2026〕5号"), ("金额", "130")],
            note,
            date(2026, 9, 25),
        )

    assert "说明" in (await _do(sessions, world, "clerk", change(""))).message
    assert isinstance(
        (await _do(sessions, world, "clerk_other", change("x"))).error, errors.OtherDepartment
    )
    assert isinstance(
        (await _do(sessions, world, "poverty", change("x"))).error, errors.RoleForbidden
    )
    out = await _do(sessions, world, "clerk", change("管理办法修订"))
    assert not out.refused and "2026-10-15 前发布" in out.message
    async with sessions() as session:
        request = (await session.scalars(select(ChangeRequest))).one()
    out = await _do(
        sessions,
        world,
        "finance",
        lambda s, m: publishing.publish(s, m, [request.id], now=datetime(2026, 10, 9, tzinfo=UTC)),
    )
    assert not out.refused and "规定期限（2026-10-15）内" in out.message
    async with sessions() as session:
        fund = await session.get(FundItem, world.fund_id)
        assert fund is not None and fund.budget_amount == Decimal("130")
        assert fund.change_note == "2026-10-09 更新：管理办法修订"


async def test_poverty_change_within_ten_working_days(sessions, world) -> None:  # type: ignore[no-untyped-def]
    def change(s, m):  # type: ignore[no-untyped-def]
        return lists.propose_poverty_change(
            s,
            m,
            world.project_id,
            [("投资额度", "90"), ("实施单位", "朵什乡政府")],
            "追加投资",
            date(2026, 9, 30),
        )

    assert (await _do(sessions, world, "finance", change)).refused
    out = await _do(sessions, world, "poverty", change)
    assert not out.refused and "2026-10-20 前" in out.message  # National Day skipped
    async with sessions() as session:
        request = (await session.scalars(select(ChangeRequest))).one()
    assert (
        await _do(sessions, world, "clerk", lambda s, m: publishing.publish(s, m, [request.id]))
    ).refused
    out = await _do(
        sessions,
        world,
        "poverty",
        lambda s, m: publishing.publish(s, m, [request.id], now=datetime(2026, 10, 21, tzinfo=UTC)),
    )
    assert "逾期 1 天" in out.message
    async with sessions() as session:
        project = await session.get(PovertyProject, world.project_id)
        assert project is not None and project.investment == Decimal("90")
        assert project.changed_on == date(2026, 9, 30) and project.change_note == "追加投资"


async def test_yearly_poverty_refresh(sessions, world) -> None:  # type: ignore[no-untyped-def]
    refresh = lambda s, m: lists.refresh_poverty_year(s, m, "2027")  # noqa: E731
    assert (await _do(sessions, world, "auditor", refresh)).refused
    out = await _do(sessions, world, "poverty", refresh)
    assert "项目 1 个，资金分配 1 条" in out.message
    assert (await _do(sessions, world, "poverty", refresh)).refused  # nothing left to publish
