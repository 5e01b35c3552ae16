"""Reports for 审改办 and the county office (《建设运行办法》第二十二条 通报): overdue and pending
work per department, items by state per department, the month's ratings and the tickets per
department — pages with SVG charts, and each table as a CSV download. Who may read them is the
chat's `通报` rule (`permissions.SUPERVISORS`)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import duty_report
from catalogue import ratings as rating_rules
from catalogue import tickets as ticket_rules
from catalogue.categories import CATEGORIES
from catalogue.models import (
    BudgetYear,
    ChangeRequest,
    Department,
    Item,
    PublicationStatus,
    StaffMember,
    Ticket,
    utcnow,
)
from catalogue.scope import scope_of
from catalogue.workflow import permissions
from catalogue.workflow.errors import InvalidInputError
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import (
    FUND_PUBLISH_DAYS,
    FUND_UPDATE_DAYS,
    POVERTY_UPDATE_WORKING_DAYS,
    RequestState,
)
from catalogue.workflow.workdays import add_days, china_date
from handlers.staff import parsing
from handlers.staff.duty_wording import WordedReport, worded
from handlers.web.charts import Bar, Chart, bar_chart
from handlers.web.console.auth import Refused, Signed, SignedDep
from handlers.web.console.rendering import page
from handlers.web.console.runs import run

router = APIRouter(prefix="/console", include_in_schema=False)
STATUSES = tuple(PublicationStatus)
TABLES = ("work", "items", "classes", "ratings", "tickets", "timeliness")
# Requests whose publication has a deadline of the regulations, by what the report calls them.
TIMED_KINDS = {
    "fund": f"资金信息变更（资金办法第八条，{FUND_UPDATE_DAYS}日）",
    "poverty_project": f"扶贫项目变更（扶贫办法第四条，{POVERTY_UPDATE_WORKING_DAYS}个工作日）",
    "poverty_allocation": f"扶贫资金变更（扶贫办法第四条，{POVERTY_UPDATE_WORKING_DAYS}个工作日）",
}
FUND_LIST = f"资金清单随预算公开（资金办法第七条，{FUND_PUBLISH_DAYS}日）"
CLOSED_UNAPPLIED = frozenset({RequestState.REJECTED.value, RequestState.WITHDRAWN.value})


def _count(value: Decimal) -> str:
    return f"{int(value)}"


@dataclass
class TicketFigures:
    """One department's tickets: all, still open, answered late or overdue."""

    name: str
    total: int = 0
    unfinished: int = 0
    late: int = 0


@dataclass
class Timeliness:
    """Publications due in one year under one rule: in time, late, and still open."""

    year: int
    what: str
    on_time: int = 0
    late: int = 0
    open_late: int = 0
    open_pending: int = 0

    def count(self, done: date | None, due: date, today: date) -> None:
        """Count one publication due on `due`, done on `done` (None: not yet)."""
        if done is not None:
            if done <= due:
                self.on_time += 1
            else:
                self.late += 1
        elif today > due:
            self.open_late += 1
        else:
            self.open_pending += 1


@dataclass
class Reports:
    """Every table of the reports page."""

    today: date
    month: rating_rules.Month
    work: WordedReport
    items: list[tuple[str, Counter[str]]]
    classes: list[tuple[str, Counter[str]]]
    ratings: rating_rules.MonthReport
    tickets: list[TicketFigures]
    timeliness: list[Timeliness] = field(default_factory=list)


def _month(text: str | None, today: date) -> rating_rules.Month:
    if not text:
        return rating_rules.Month.of(today)
    try:
        return parsing.month(text)
    except InvalidInputError as error:
        raise Refused(str(error), 400) from error


async def _items_by_state(
    session: AsyncSession,
) -> tuple[list[tuple[str, Counter[str]]], list[tuple[str, Counter[str]]]]:
    """Item counts by state, per department and per class (事项类别; 便民服务 apart)."""
    rows = await session.execute(
        select(Department.name, Item.kind, Item.category, Item.status)
        .select_from(Item)
        .outerjoin(Department, Department.id == Item.department_id)
        .where(scope_of(session).condition(Item.region_code))
    )
    by_department: dict[str, Counter[str]] = {}
    by_class: dict[str, Counter[str]] = {}
    for name, kind, category, status in rows:
        by_department.setdefault(name or "（未注明部门）", Counter())[status] += 1
        label = "便民服务" if kind == "service" else CATEGORIES.get(category or "", category or "")
        by_class.setdefault(label or "（未注明类别）", Counter())[status] += 1

    def ordered(table: dict[str, Counter[str]]) -> list[tuple[str, Counter[str]]]:
        return sorted(table.items(), key=lambda pair: (-sum(pair[1].values()), pair[0]))

    return ordered(by_department), ordered(by_class)


async def _tickets(session: AsyncSession) -> list[TicketFigures]:
    now = utcnow()
    names = {
        key: name for key, name in await session.execute(select(Department.id, Department.name))
    }
    figures: dict[str, TicketFigures] = {}
    for ticket in await session.scalars(select(Ticket)):
        name = names.get(ticket.department_id or 0, "（无部门：值班人员）")
        entry = figures.setdefault(name, TicketFigures(name))
        entry.total += 1
        entry.unfinished += ticket.state in ticket_rules.UNFINISHED
        entry.late += ticket_rules.sla(ticket, now).overdue
    return sorted(figures.values(), key=lambda f: (-f.late, -f.total, f.name))


async def _timeliness(session: AsyncSession, today: date) -> list[Timeliness]:
    rows: dict[tuple[int, str], Timeliness] = {}

    def row(year: int, what: str) -> Timeliness:
        return rows.setdefault((year, what), Timeliness(year, what))

    for budget in await session.scalars(select(BudgetYear)):
        first = budget.original_approved_on or budget.approved_on
        due = add_days(first, FUND_PUBLISH_DAYS)  # from the first recorded date (第七条)
        row(budget.year, FUND_LIST).count(budget.published_on, due, today)
    requests = await session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.target_kind.in_(TIMED_KINDS), ChangeRequest.due_on.is_not(None)
        )
    )
    for request in requests:
        if request.state in CLOSED_UNAPPLIED or request.due_on is None:
            continue
        done = china_date(request.applied_at) if request.applied_at is not None else None
        row(request.due_on.year, TIMED_KINDS[request.target_kind]).count(
            done, request.due_on, today
        )
    return sorted(rows.values(), key=lambda r: (-r.year, r.what))


async def _build(request: Request, signed: Signed, month_text: str | None, what: str) -> Reports:
    today = china_date(utcnow())
    month = _month(month_text, today)
    built: list[Reports] = []

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        permissions.require(staff, permissions.SUPERVISORS, "查看部门工作通报")
        built.append(
            Reports(
                today,
                month,
                worded(await duty_report.build(session, today)),
                *await _items_by_state(session),
                await rating_rules.month_report(session, month),
                await _tickets(session),
                await _timeliness(session, today),
            )
        )
        return Outcome(action="staff.report", target=what, message="")

    outcome = await run(request, signed, f"通报 {what}", op)
    if outcome.refused or not built:
        raise Refused(outcome.message, 403)
    return built[0]


def _charts(reports: Reports) -> list[Chart]:
    wanted = [
        (
            "各部门逾期工作（项）",
            [Bar(w.name, Decimal(len(w.overdue))) for w in reports.work.departments if w.overdue],
        ),
        (
            f"{reports.month} 各部门差评（件）",
            [Bar(f.name, Decimal(f.bad)) for f in reports.ratings.departments if f.bad],
        ),
        (
            "各部门超时的人工工单（件）",
            [Bar(f.name, Decimal(f.late)) for f in reports.tickets if f.late],
        ),
    ]
    charts = [bar_chart(title, bars, unit="项", shown=_count) for title, bars in wanted]
    return [chart for chart in charts if chart is not None]


@router.get("/reports")
async def reports_page(request: Request, signed: SignedDep, month: str | None = None) -> Response:
    reports = await _build(request, signed, month, "page")
    return page(
        request,
        "console/reports.html",
        {
            "signed": signed,
            "r": reports,
            "charts": _charts(reports),
            "statuses": STATUSES,
            "levels": rating_rules.LEVELS,
        },
    )


def _rows(name: str, reports: Reports) -> tuple[Sequence[str], list[Sequence[Any]]]:
    if name == "work":
        return ("部门", "逾期", "待办", "逾期事项", "待办事项"), [
            (w.name, len(w.overdue), len(w.pending), "；".join(w.overdue), "；".join(w.pending))
            for w in reports.work.departments
        ]
    if name in ("items", "classes"):
        head = ("部门" if name == "items" else "类别", *(s.label for s in STATUSES), "合计")
        table = reports.items if name == "items" else reports.classes
        return head, [(key, *(c[s.value] for s in STATUSES), sum(c.values())) for key, c in table]
    if name == "ratings":
        levels = rating_rules.LEVELS
        head = ("部门", "评价数", *(levels[k] for k in levels), "差评", "差评已办结", "满意率")
        return head, [
            (
                f.name,
                f.total,
                *(f.counts[k] for k in levels),
                f.bad,
                f.bad_done,
                f"{f.satisfaction:.1%}",
            )
            for f in reports.ratings.departments
        ]
    if name == "timeliness":
        return ("年度", "公开事项", "按时", "超时", "逾期未公开", "未到期"), [
            (t.year, t.what, t.on_time, t.late, t.open_late, t.open_pending)
            for t in reports.timeliness
        ]
    return ("部门", "工单", "未办完", "超时"), [
        (f.name, f.total, f.unfinished, f.late) for f in reports.tickets
    ]


def _cell(value: Any) -> Any:
    # A text cell Excel would read as a formula (CSV injection, OWASP) is kept as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@router.get("/reports/{name}.csv")
async def report_csv(
    request: Request, name: str, signed: SignedDep, month: str | None = None
) -> Response:
    if name not in TABLES:
        raise Refused("没有这张报表。", 404)
    reports = await _build(request, signed, month, f"{name}.csv")
    head, rows = _rows(name, reports)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows([_cell(value) for value in row] for row in rows)
    suffix = f"-{reports.month}" if name == "ratings" else f"-{reports.today:%Y-%m-%d}"
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),  # BOM: Excel opens UTF-8 as such
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="report-{name}{suffix}.csv"'},
    )
