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
from catalogue.models import Department, Item, PublicationStatus, StaffMember, Ticket, utcnow
from catalogue.scope import scope_of
from catalogue.workflow import permissions
from catalogue.workflow.errors import InvalidInputError
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.workdays import china_date
from handlers.web.charts import Bar, Chart, bar_chart
from handlers.web.console.auth import Refused, Signed, SignedDep
from handlers.web.console.rendering import page
from handlers.web.console.runs import run

router = APIRouter(prefix="/console", include_in_schema=False)
STATUSES = tuple(PublicationStatus)
TABLES = ("work", "items", "ratings", "tickets")


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
class Reports:
    """Every table of the reports page."""

    today: date
    month: str
    work: duty_report.DutyReport
    items: list[tuple[str, Counter[str]]]
    ratings: rating_rules.MonthReport
    tickets: list[TicketFigures]
    charts: list[Chart] = field(default_factory=list)


def _month(text: str | None, today: date) -> str:
    month = text or f"{today:%Y-%m}"
    try:
        rating_rules.month_bounds(month)
    except InvalidInputError as error:
        raise Refused(str(error), 400) from error
    return month


async def _items_by_state(session: AsyncSession) -> list[tuple[str, Counter[str]]]:
    rows = await session.execute(
        select(Department.name, Item.status)
        .select_from(Item)
        .outerjoin(Department, Department.id == Item.department_id)
        .where(scope_of(session).condition(Item.region_code))
    )
    table: dict[str, Counter[str]] = {}
    for name, status in rows:
        table.setdefault(name or "（未注明部门）", Counter())[status] += 1
    return sorted(table.items(), key=lambda pair: (-sum(pair[1].values()), pair[0]))


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
                await duty_report.build(session, today),
                await _items_by_state(session),
                await rating_rules.month_report(session, month),
                await _tickets(session),
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
    if name == "items":
        head = ("部门", *(s.label for s in STATUSES), "合计")
        return head, [
            (dept, *(c[s.value] for s in STATUSES), sum(c.values())) for dept, c in reports.items
        ]
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
