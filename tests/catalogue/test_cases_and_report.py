"""第十条（二） from recorded data: yearly case counts imported from a file (Chinese headers)
make the "no case for three years" suggestion fire; 第二十二条's 通报 lists every department's
overdue and pending work."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import duties, duty_report
from catalogue.importing import import_file
from catalogue.importing.templates import template_csv
from catalogue.models import CaseCount, StaffMember
from catalogue.workflow import fields, lists, proposals
from catalogue.workflow.results import RequestInfo
from catalogue.workflow.runner import Actor, run
from handlers.staff import parsing
from handlers.staff.duty_wording import report_text
from tests.kits import staff_world as W


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(template_csv("cases").splitlines()[0] + "\n" + body, encoding="utf-8")
    return path


async def _clerk_hints(sessions: async_sessionmaker[AsyncSession], world: object) -> list[str]:
    async with sessions() as session:
        staff = await session.get(StaffMember, world.staff["clerk"].id)  # type: ignore[attr-defined]
        assert staff is not None
        found = duties.duties_of(staff, await duties.compute_duties(session, date(2026, 12, 2)))
    return [d.target for d in found if d.kind == "no_cases"]


async def test_three_years_without_cases_fire_from_imported_statistics(
    sessions: async_sessionmaker[AsyncSession], world: object, tmp_path: Path
) -> None:
    assert "事项编码" in template_csv("cases") and "办件量" in template_csv("cases")
    assert await _clerk_hints(sessions, world) == []
    rows = (
        f"{W.LIVE},社会团体成立登记,2023,0\n{W.LIVE},,2024年,0\n{W.LIVE},,2025,0件\n"
        f"{W.LIVE2},,2023,0\n{W.LIVE2},,2024,3\n{W.LIVE2},,2025,0\n"
    )
    async with sessions() as session:
        report = await import_file(session, "cases", _csv(tmp_path, rows))
        assert report.ok, report.errors
        await session.commit()
    # LIVE had no case in 2023–2025; LIVE2 had three in 2024.
    assert await _clerk_hints(sessions, world) == [W.LIVE]
    async with sessions() as session:
        report = await import_file(session, "cases", _csv(tmp_path, f"{W.LIVE},,2025,12\n"))
        assert report.ok and report.updated == 1
        await session.commit()
        counts = (await session.scalars(select(CaseCount.cases).order_by(CaseCount.id))).all()
        assert list(counts) == [0, 0, 12, 0, 3, 0]
    assert await _clerk_hints(sessions, world) == []


async def test_bad_case_rows_import_nothing(
    sessions: async_sessionmaker[AsyncSession], world: object, tmp_path: Path
) -> None:
    rows = (
        f"{W.LIVE},,2099,0\n"  # a future year
        "6206230000000087786930—XK09999000,,2024,1\n"  # no such item
        f"{W.LIVE},,2024,很多\n"
        f"{W.LIVE},,2023,1\n{W.LIVE},,2023,2\n"
    )
    async with sessions() as session:
        report = await import_file(session, "cases", _csv(tmp_path, rows))
        await session.rollback()
        assert not report.ok
        assert len(report.errors) == 4, report.errors
        assert await session.scalar(select(CaseCount.id)) is None


async def test_the_report_lists_overdue_and_pending_work_per_department(
    sessions: async_sessionmaker[AsyncSession], world: object
) -> None:
    staff = world.staff  # type: ignore[attr-defined]

    async def ok(who: str, op: object) -> None:
        outcome = await run(sessions, Actor.of(staff[who]), "test", op)  # type: ignore[arg-type]
        assert not outcome.refused, outcome.message

    empty = report_text(await _report(sessions, date(2026, 12, 2)))
    assert "各部门没有逾期或待办的工作" in empty
    await ok("finance", lambda s, m: lists.record_budget_approval(s, m, 2026, date(2026, 1, 10)))
    phone = fields.field_spec("电话")
    change = [(phone, parsing.field_value(phone, "0935-3120001"))]
    await ok("clerk", lambda s, m: proposals.propose_change(s, m, W.LIVE, change, None))
    report = await _report(sessions, date(2026, 12, 2))
    by_name = {work.name: work for work in report.departments}
    [late] = by_name["县财政局"].overdue
    assert isinstance(late, duties.Duty) and late.kind is duties.DutyKind.FUND_LIST
    civil = next(work for name, work in by_name.items() if "民政" in name)
    [pending] = civil.pending
    assert civil.overdue == [] and isinstance(pending, RequestInfo)
    assert pending.target_code == W.LIVE
    text = report_text(report)
    assert "第七条" in text and W.LIVE in text
    assert text.startswith("【部门工作通报】2026-12-02（《建设运行办法》第二十二条）")
    assert text.index("县财政局") < text.index(civil.name)  # the late ones first


async def _report(
    sessions: async_sessionmaker[AsyncSession], today: date
) -> duty_report.DutyReport:
    async with sessions() as session:
        return await duty_report.build(session, today)
