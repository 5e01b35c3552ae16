"""Working days beyond the calendar package's data: a deadline in a year without the official
schedule is an estimate said loudly in the answer and in 待办; once staff import the State
Council's schedule the open deadlines are counted again, exactly, and new ones are exact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import chinese_calendar
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import duties, holidays
from catalogue.models import ChangeRequest, StaffMember
from catalogue.workflow import lists, workdays
from catalogue.workflow.runner import Actor, run
from handlers.staff import wording
from handlers.staff.refusals import explain

# 2026's National Day: 1–7 October off, Saturday 10 October worked (国办发明电〔2025〕7号).
SCHEDULE_2026 = (
    "日期,类型,名称\n"
    + "".join(f"2026-10-{day:02d},放假,国庆节\n" for day in range(1, 8))
    + "2026-09-20,上班,国庆节调休\n2026-10-10,上班,国庆节调休\n"
).encode("utf-8")


@pytest.fixture(autouse=True)
def package_without_2026(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The calendar package as it will be once a year passes its data: nothing for 2026."""
    real = chinese_calendar.is_workday

    def is_workday(day: date) -> bool:
        if day.year >= 2026:
            raise NotImplementedError(f"no available data for year {day.year}")
        return bool(real(day))

    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", is_workday)
    yield
    holidays.forget_schedule()


async def _propose(sessions: async_sessionmaker[AsyncSession], world: object, decided: date) -> str:
    staff = world.staff["poverty"]  # type: ignore[attr-defined]
    project_id = world.project_id  # type: ignore[attr-defined]
    outcome = await run(
        sessions,
        Actor.of(staff),
        "扶贫变更",
        lambda s, m: lists.propose_poverty_change(
            s, m, project_id, {"investment": Decimal(90)}, "追加投资", decided
        ),
        render=wording.render,  # worded as the staff chat words it (the result is typed)
        explain=explain,
    )
    assert not outcome.refused, outcome.message
    return outcome.message


async def _poverty_duties(
    sessions: async_sessionmaker[AsyncSession], world: object, today: date
) -> list[duties.Duty]:
    # The review is the second poverty member's duty, never the proposer's (第十八条).
    async with sessions() as session:
        staff = await session.get(StaffMember, world.staff["poverty2"].id)  # type: ignore[attr-defined]
        assert staff is not None
        return duties.duties_of(staff, await duties.compute_duties(session, today))


async def test_estimate_is_loud_then_exact_after_import(
    sessions: async_sessionmaker[AsyncSession], world: object
) -> None:
    answer = await _propose(sessions, world, date(2026, 9, 30))
    assert "2026-10-14" in answer  # Monday–Friday: National Day not known
    assert "2026 年的国务院节假日安排尚未导入" in answer and "估算" in answer
    today = date(2026, 10, 9)
    [duty] = await _poverty_duties(sessions, world, today)
    assert duty.estimated_year == 2026 and duty.due == date(2026, 10, 14)
    assert duty.kind is duties.DutyKind.LIST_REVIEW

    async with sessions() as session:
        done = await holidays.import_schedule(session, SCHEDULE_2026, "2026.csv")
        await session.commit()
    assert done.years == {2026} and (done.holidays, done.workdays) == (7, 2)
    [(request_id, (old, new))] = done.recounted.items()
    assert (old, new) == (date(2026, 10, 14), date(2026, 10, 20))
    async with sessions() as session:
        request = await session.get(ChangeRequest, request_id)
        assert request is not None and request.due_on == date(2026, 10, 20)
    [duty] = await _poverty_duties(sessions, world, today)
    assert duty.estimated_year is None and duty.due == date(2026, 10, 20)


async def test_an_imported_year_counts_exactly_from_the_start(
    sessions: async_sessionmaker[AsyncSession], world: object
) -> None:
    async with sessions() as session:
        await holidays.import_schedule(session, SCHEDULE_2026, "2026.csv")
        await session.commit()
    holidays.forget_schedule()  # another worker: it loads the schedule itself
    answer = await _propose(sessions, world, date(2026, 9, 30))
    assert "2026-10-20" in answer and "估算" not in answer


def test_schedule_files_are_checked_row_by_row() -> None:
    with pytest.raises(holidays.ScheduleError) as bad:
        holidays.parse(
            "日期,类型,名称\n2026-13-01,放假,x\n2026-10-01,休假日,x\n2026-10-08,上班,x\n"
            "2026-10-02,放假,\n2026-10-02,放假,\n".encode()
        )
    lines = str(bad.value).splitlines()
    assert [line.split("：")[0] for line in lines] == ["第2行", "第3行", "第4行", "第6行"]
    assert "周一至周五" in lines[2] and "重复" in lines[3]
    with pytest.raises(holidays.ScheduleError, match="表头"):
        holidays.parse(b"day,kind\n2026-10-01,off\n")
    assert holidays.parse(holidays.TEMPLATE.encode()).years == {2027}
