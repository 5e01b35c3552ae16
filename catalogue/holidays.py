"""The State Council's yearly holiday schedule (国务院办公厅关于某年部分节假日安排的通知), loaded by
staff: reading its file, storing it (whole years), making it the process's working-day
calendar, and recounting the open working-day deadlines once a year becomes known."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, OfficialDay, utcnow
from catalogue.workflow import workdays
from catalogue.workflow.rules import OPEN_STATES, POVERTY_UPDATE_WORKING_DAYS

HEADERS = ("日期", "类型", "名称")
HOLIDAY_WORDS = frozenset({"放假", "休息", "假日", "节假日", "休", "holiday"})
WORKDAY_WORDS = frozenset({"上班", "调休上班", "补班", "工作日", "班", "workday"})
TEMPLATE = "日期,类型,名称\n2027-01-01,放假,元旦\n2027-02-06,放假,春节\n2027-02-14,上班,春节调休\n"
MAX_ROWS = 400
# The fingerprint (row count, newest import) of the schedule this process last loaded.
_loaded: dict[str, tuple[int, str]] = {}


class ScheduleError(ValueError):
    """The file is not a holiday schedule; the message lists what is wrong (Chinese)."""


@dataclass
class Schedule:
    """The days of one file: day → working day?, names, and the years it covers."""

    days: dict[date, bool] = field(default_factory=dict)
    names: dict[date, str] = field(default_factory=dict)

    @property
    def years(self) -> frozenset[int]:
        """Years the file speaks for (each replaced whole on import)."""
        return frozenset(day.year for day in self.days)


def _kind(word: str) -> bool | None:
    cleaned = word.strip().lower()
    if cleaned in HOLIDAY_WORDS:
        return False
    if cleaned in WORKDAY_WORDS:
        return True
    return None


def parse(data: bytes) -> Schedule:
    """Read a CSV file (UTF-8, headers 日期,类型,名称): every problem, by row, or the schedule."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScheduleError("文件不是 UTF-8 编码的 CSV。") from error
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [cell.strip() for cell in rows[0][:2]] != list(HEADERS[:2]):
        raise ScheduleError("第1行应为表头：日期,类型,名称（名称可省略）。")
    if len(rows) - 1 > MAX_ROWS:
        raise ScheduleError(f"行数过多（{len(rows) - 1} 行），一年的安排不超过 {MAX_ROWS} 行。")
    schedule = Schedule()
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [*row, "", ""]
        try:
            day = date.fromisoformat(cells[0].strip())
        except ValueError:
            problems.append(f"第{number}行：日期“{cells[0].strip()[:20]}”不对，应为 2027-01-01。")
            continue
        workday = _kind(cells[1])
        if workday is None:
            problems.append(
                f"第{number}行：类型“{cells[1].strip()[:10]}”不对，应为“放假”或“上班”。"
            )
            continue
        if day in schedule.days:
            problems.append(f"第{number}行：{day} 重复。")
            continue
        if workday and day.weekday() < 5:
            problems.append(f"第{number}行：{day} 是周一至周五，本来就上班，不是调休上班日。")
            continue
        schedule.days[day] = workday
        schedule.names[day] = cells[2].strip()[:40]
    if problems:
        raise ScheduleError("\n".join(problems[:20]))
    if not schedule.days:
        raise ScheduleError("文件中没有日期。")
    return schedule


async def load_schedule(session: AsyncSession) -> None:
    """Make the stored schedule this process's calendar (cheap when nothing changed)."""
    stamp = (
        await session.execute(
            select(func.count(), func.max(OfficialDay.imported_at)).select_from(OfficialDay)
        )
    ).one()
    fingerprint = (int(stamp[0]), str(stamp[1]))
    if fingerprint == _loaded.get("fingerprint"):
        return
    rows = (await session.execute(select(OfficialDay.day, OfficialDay.workday))).all()
    days = {row.day: bool(row.workday) for row in rows}
    workdays.use_schedule(days, frozenset(day.year for day in days))
    _loaded["fingerprint"] = fingerprint


def forget_schedule() -> None:
    """Drop this process's calendar, as a fresh worker starts: until the next
    `load_schedule`, working days come from the calendar package alone."""
    workdays.use_schedule({}, frozenset())
    _loaded.clear()


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import stored and which open deadlines it recounted."""

    years: frozenset[int]
    holidays: int
    workdays: int
    sha256: str
    recounted: dict[int, tuple[date | None, date]]  # request id → (old, new due date)


async def import_schedule(session: AsyncSession, data: bytes, source: str) -> Imported:
    """Store the file's years (replacing what was stored for them), use them at once, and
    recount the due dates of open working-day deadlines. The caller audits and commits."""
    schedule = parse(data)
    digest = hashlib.sha256(data).hexdigest()
    years = schedule.years
    await session.execute(
        delete(OfficialDay)
        .where(OfficialDay.year.in_(sorted(years)))
        .execution_options(synchronize_session=False)
    )
    now = utcnow()
    label = f"{source[:120]} sha256:{digest[:16]}"
    for day, workday in sorted(schedule.days.items()):
        session.add(
            OfficialDay(
                day=day,
                year=day.year,
                workday=workday,
                name=schedule.names.get(day, ""),
                source=label,
                imported_at=now,
            )
        )
    await session.flush()
    _loaded.clear()
    await load_schedule(session)
    recounted = await recount_deadlines(session)
    return Imported(
        years,
        sum(1 for w in schedule.days.values() if not w),
        sum(1 for w in schedule.days.values() if w),
        digest,
        recounted,
    )


async def recount_deadlines(session: AsyncSession) -> dict[int, tuple[date | None, date]]:
    """Open poverty-list changes are due 10 working days after their decision (《扶贫办法》
    第四条): count again with the calendar as now known."""
    changed: dict[int, tuple[date | None, date]] = {}
    requests = await session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.target_kind == "poverty_project",
            ChangeRequest.state.in_(OPEN_STATES),
        )
    )
    for request in requests:
        decided = request.payload.get("decided_on")
        if not decided:
            continue
        start = date.fromisoformat(str(decided))
        due = workdays.add_working_days(start, POVERTY_UPDATE_WORKING_DAYS)
        if due != request.due_on:
            changed[request.id] = (request.due_on, due)
            request.due_on = due
    await session.flush()
    return changed
