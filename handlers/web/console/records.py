"""The console's start page, the records of my department with their completeness flags, and
a record's audit trail."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import duties as duty_rules
from catalogue.lists.completeness import Shortfall, item_shortfalls
from catalogue.models import Department, Item, PublicationStatus, Role, StaffMember, utcnow
from catalogue.scope import scope_of
from catalogue.workflow import permissions, proposals, views
from catalogue.workflow.errors import InvalidInputError
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import ItemLog
from catalogue.workflow.workdays import china_date
from handlers.staff import duty_wording, parsing
from handlers.web.console.auth import Refused, Signed, SignedDep, form_of, text_field
from handlers.web.console.rendering import page as render
from handlers.web.console.runs import run
from handlers.web.params import optional_int, page_number

router = APIRouter(prefix="/console", include_in_schema=False)
PER_PAGE = 50
MAX_SUBMIT = 200
STATUSES = tuple(PublicationStatus)


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One record with what keeps it from going live."""

    item: Item
    shortfalls: tuple[Shortfall, ...]


@dataclass(frozen=True, slots=True)
class DutyLine:
    """One of my duties, worded as the chat's 待办 words it."""

    text: str
    overdue: bool


@router.get("")
async def home(request: Request, signed: SignedDep) -> Response:
    today = china_date(utcnow())
    found: list[DutyLine] = []
    waiting: list[int] = []

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        waiting.append(len(await views.pending_requests(session, staff)))
        mine = duty_rules.duties_of(staff, await duty_rules.compute_duties(session, today))
        mine.sort(key=lambda duty: (not duty.overdue(today), duty.due or date.max))
        found.extend(
            DutyLine(duty_wording.duty_line(duty, today), duty.overdue(today)) for duty in mine
        )
        return Outcome(action="staff.todo", target="", message=f"{len(mine)} duties")

    outcome = await run(request, signed, "待办", op)
    if outcome.refused:
        raise Refused(outcome.message, 403)
    return render(
        request,
        "console/home.html",
        {
            "signed": signed,
            "waiting": waiting[0] if waiting else 0,
            "duties": found,
            "late": sum(duty.overdue for duty in found),
            "role": signed.staff.role,
        },
    )


def _department_of(staff: StaffMember, asked: int | None) -> int | None:
    # A clerk sees their own department's records only (第五条、第七条).
    if permissions.role_of(staff) is Role.CLERK:
        return staff.department_id
    return asked


async def _records(
    session: AsyncSession, department_id: int | None, status: str | None
) -> list[Item]:
    query = select(Item).where(scope_of(session).condition(Item.region_code)).order_by(Item.code)
    if department_id is not None:
        query = query.where(Item.department_id == department_id)
    if status is not None:
        query = query.where(Item.status == status)
    return list(await session.scalars(query))


@dataclass(frozen=True, slots=True)
class Submitted:
    """What became of one draft of a bulk submission."""

    code: str
    ok: bool
    message: str


@router.get("/records")
async def records(
    request: Request,
    signed: SignedDep,
    department: str | None = None,
    status: str | None = None,
    incomplete: str | None = None,
    page: str | None = None,
) -> Response:
    return await _records_page(
        request,
        signed,
        department=optional_int(department),
        status=status,
        only_incomplete=incomplete == "1",
        number=page_number(page),
    )


async def _records_page(
    request: Request,
    signed: Signed,
    *,
    department: int | None = None,
    status: str | None = None,
    only_incomplete: bool = False,
    number: int = 1,
    results: Sequence[Submitted] = (),
) -> Response:
    chosen_status = status if status in {s.value for s in STATUSES} else None
    today = china_date(utcnow())
    async with signed.sessions() as session:
        staff = await session.get(StaffMember, signed.staff.id)
        assert staff is not None
        department_id = _department_of(staff, department)
        departments = list(await session.scalars(select(Department).order_by(Department.name)))
        items = await _records(session, department_id, chosen_status)
        rows = [RecordRow(item, tuple(item_shortfalls(item, today))) for item in items]
    if only_incomplete:
        rows = [row for row in rows if row.shortfalls]
    per_field = Counter(s.label for row in rows for s in row.shortfalls)
    pages = max(1, -(-len(rows) // PER_PAGE))
    if number > pages:
        raise Refused("没有这一页。", 404)
    shown = rows[(number - 1) * PER_PAGE : number * PER_PAGE]
    return render(
        request,
        "console/records.html",
        {
            "signed": signed,
            "rows": shown,
            "total": len(rows),
            "per_field": per_field.most_common(),
            "departments": departments,
            "department_id": department_id,
            "clerk": permissions.role_of(staff) is Role.CLERK,
            "status": chosen_status,
            "statuses": STATUSES,
            "incomplete": only_incomplete,
            "page": number,
            "pages": pages,
            "drafts": any(row.item.status == PublicationStatus.DRAFT.value for row in shown),
            "results": results,
            "nonce": secrets.token_urlsafe(12),
        },
    )


@router.post("/submit")
async def submit(request: Request, signed: SignedDep) -> Response:
    """提交 many drafts at once: each through the chat's operation, each result listed."""
    form = await form_of(request, signed)
    codes = list(dict.fromkeys(v for v in form.getlist("item") if isinstance(v, str)))
    if len(codes) > MAX_SUBMIT:
        raise Refused(f"一次最多提交 {MAX_SUBMIT} 条。", 400)
    nonce = text_field(form, "nonce", limit=40)
    results = []
    for text in codes:
        try:
            code = parsing.code(text[:80])
        except InvalidInputError as error:
            results.append(Submitted(text[:80], False, str(error)))
            continue

        async def op(session: AsyncSession, staff: StaffMember, code: str = code) -> Outcome:
            return await proposals.submit(session, staff, code)

        key = f"console:{signed.actor.user_id}:{nonce}:{code}"[:128] if nonce else None
        outcome = await run(request, signed, f"提交 {code}", op, key=key)
        results.append(Submitted(code, not outcome.refused, outcome.message))
    if not results:
        results.append(Submitted("", False, "请先勾选要提交的草稿。"))
    return await _records_page(
        request, signed, status=PublicationStatus.DRAFT.value, results=results
    )


@router.get("/records/{code}/log")
async def record_log(request: Request, code: str, signed: SignedDep) -> Response:
    try:
        canonical = parsing.code(code[:80])
    except InvalidInputError as error:
        raise Refused(str(error), 404) from error

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        return await views.item_log(session, staff, canonical)

    outcome = await run(request, signed, f"日志 {canonical}", op)
    if outcome.refused or not isinstance(outcome.result, ItemLog):
        raise Refused(outcome.message, 404)
    return render(request, "console/log.html", {"signed": signed, "log": outcome.result})
