"""The fund list (财政专项资金 第七条、第八条) and the poverty lists (扶贫清单 第三条、第四条、
第七条): budget approval and its audited correction, yearly publication, changes with a note
and their deadlines — every one a request that a second person reviews before it goes live.

Fund requests (a row's change, the year's publication, a budget-date correction) are proposed
by the project's department or the finance bureau and approved by another finance reviewer
(谁发布、谁审核、谁负责, 《建设运行办法》第十八条). Poverty requests (a project's or an
allocation's change, the yearly refresh) are proposed by the poverty office; the review of the
county leading group and of the city poverty office is recorded (who, when, document number)
before they are published (《扶贫办法》第三条).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.lists import forms
from catalogue.lists.declarations import (
    FUNDS,
    POVERTY_ALLOCATIONS,
    POVERTY_PROJECTS,
    ListDeclaration,
)
from catalogue.models import (
    BudgetYear,
    ChangeRequest,
    FundItem,
    PovertyAllocation,
    PovertyProject,
    PublicationStatus,
    Role,
    StaffMember,
    utcnow,
)
from catalogue.workflow import completeness, holds, permissions
from catalogue.workflow.errors import (
    BadAmount,
    BadValue,
    BudgetAlreadyRecorded,
    BudgetChangedMeanwhile,
    BudgetNotRecorded,
    CityReviewTooEarly,
    CorrectionNeedsNote,
    CountyReviewFirst,
    Gate,
    ListRecordChanged,
    ListRecordHeld,
    ListRecordNotFound,
    Missing,
    MissingArgument,
    NoChanges,
    NoReviewDue,
    NotAListRequest,
    NotAReviewingBody,
    NothingToPublish,
    NotPovertyRequest,
    Operation,
    ReviewAlreadyRecorded,
    ReviewedByPovertyBodies,
    UnknownField,
)
from catalogue.workflow.lookup import RequestRef, find_request, open_request
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import (
    BudgetCorrectionFiled,
    BudgetRecorded,
    ListApplied,
    ListChangeFiled,
    ListFiled,
    ListYearFiled,
    Moved,
    PovertyReviewRecorded,
    RequestInfo,
)
from catalogue.workflow.rules import (
    FUND_PUBLISH_DAYS,
    FUND_UPDATE_DAYS,
    POVERTY_UPDATE_WORKING_DAYS,
    Action,
    RequestState,
    RequestStep,
    Step,
    request_step,
)
from catalogue.workflow.workdays import add_days, add_working_days, china_date

_UNPUBLISHED = (PublicationStatus.DRAFT.value, PublicationStatus.PENDING_REVIEW.value)


def _list_approval() -> RequestStep:
    """A list request's approval: review → approved (no county-government decision follows)."""
    step = request_step(Step.APPROVE, RequestState.PENDING_REVIEW.value, decision_follows=False)
    if step is None:
        raise AssertionError("the lifecycle table has no approval at review")
    return step


_APPROVE_LIST = _list_approval()
_OPEN = (
    RequestState.PENDING_REVIEW.value,
    RequestState.PENDING_DECISION.value,
    RequestState.APPROVED.value,
)

# Request kinds of the two lists (ChangeRequest.target_kind).
FUND_KINDS = frozenset({"fund", "fund_list", "budget_year"})
POVERTY_KINDS = frozenset({"poverty_project", "poverty_allocation", "poverty_year"})
LIST_KINDS = FUND_KINDS | POVERTY_KINDS

# The two reviews of 《扶贫办法》第三条, in their order.
POVERTY_REVIEWERS = {
    "county_group": "县扶贫开发领导小组",
    "city_office": "市扶贫办",
}


# A list change as the domain takes it: attribute → new value (amounts as Decimal 万元).
ListChanges = Mapping[str, str | Decimal]


def list_change(declaration: ListDeclaration, name: str, text: str) -> tuple[str, str | Decimal]:
    """One `字段=值` of a list change, by any name the declaration gives the field, as its
    attribute and typed value."""
    field = declaration.changeable_field(name)
    if field is None:
        raise UnknownField(name.strip(), tuple(f.label for f in declaration.changeable_fields()))
    value = text.strip()
    if field.form is forms.Form.AMOUNT:
        try:
            return field.attribute, Decimal(value.removesuffix("万元").strip())
        except InvalidOperation:
            raise BadAmount(text) from None
    return field.attribute, value


def _past(day: date, what: str, now: datetime) -> date:
    """A recorded date (occurrence, approval, review) is today or earlier, Beijing time."""
    wrong = forms.date_problem(day, china_date(now))
    if wrong is not None:
        raise BadValue(what, wrong)
    return day


def _values(declaration: ListDeclaration, changes: ListChanges, now: datetime) -> dict[str, Any]:
    """The JSON-ready new values of a change, each field changeable and of its form."""
    changeable = declaration.changeable_fields()
    if not changes:
        raise NoChanges(changeable[0].label)
    values: dict[str, Any] = {}
    for attribute, value in changes.items():
        if attribute not in declaration.changeable:
            raise UnknownField(attribute, tuple(field.label for field in changeable))
        spec = declaration.field(attribute)
        if spec.form is forms.Form.AMOUNT:
            if not isinstance(value, Decimal):
                raise BadAmount(str(value))
            wrong = forms.amount_problem(value)
            if wrong is not None:
                raise BadValue(spec.label, wrong)
            values[attribute] = str(value)
        elif spec.form is forms.Form.DOCUMENT_NUMBER and value:
            wrong = forms.document_number_problem(str(value), china_date(now))
            if wrong is not None:
                raise BadValue(spec.label, wrong)
            values[attribute] = str(value)
        else:
            values[attribute] = str(value)
    return values


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | date) else value


def _check_version(version: int, request: ChangeRequest) -> None:
    base = request.payload.get("base_version")
    if base is not None and base != version:
        raise ListRecordChanged(request.id, int(base), version)


async def _no_open_request(session: AsyncSession, kind: str, target_id: int) -> None:
    pending = await open_request(session, kind, target_id)
    if pending is not None:
        raise ListRecordHeld(RequestInfo.of(pending))


async def _file(
    session: AsyncSession,
    staff: StaffMember,
    *,
    kind: str,
    target_id: int,
    code: str,
    action: Action,
    payload: dict[str, Any],
    before: dict[str, Any] | None = None,
    note: str = "",
    due_on: date | None = None,
) -> ChangeRequest:
    """A pending request on a list: reviewed by a second person before anyone publishes it."""
    request = ChangeRequest(
        target_kind=kind,
        target_id=target_id,
        target_code=code,
        action=action.value,
        payload=payload,
        before=before or {},
        reason=note.strip(),
        proposer_id=staff.id,
        state=RequestState.PENDING_REVIEW.value,
        due_on=due_on,
    )
    # The record is held for this request by the database: a racing proposal is refused.
    await holds.file(session, request, [(kind, target_id)], code)
    return request


def _proposed(action: str, request: ChangeRequest, filed: ListFiled) -> Outcome:
    """The outcome of a filed list request: what was filed (the channel words who acts next)."""
    return Outcome(
        action=action,
        target=request.target_code,
        result=filed,
        before=dict(request.before),
        after={
            "request": request.id,
            "state": request.state,
            "payload": dict(request.payload),
            "note": request.reason,
        },
    )


# --- fund list ---------------------------------------------------------------------------


async def record_budget_approval(
    session: AsyncSession,
    staff: StaffMember,
    year: int,
    approved_on: date,
    note: str = "",
    *,
    now: datetime | None = None,
) -> Outcome:
    """预算批准 YEAR DATE: starts the 20-day clock of 第七条.

    A recorded date is never overwritten: a different date files a correction request (with
    its explanation) that a second finance reviewer approves; the first date is kept.
    """
    permissions.require(staff, permissions.FUND_MANAGERS, Operation.RECORD_BUDGET)
    now = now or utcnow()
    _past(approved_on, "预算批准日期", now)
    record = await session.get(BudgetYear, year)
    if record is None:
        record = BudgetYear(year=year, approved_on=approved_on, recorded_by=staff.wecom_user_id)
        session.add(record)
        await session.flush()
        due = add_days(approved_on, FUND_PUBLISH_DAYS)
        return Outcome(
            action="fund.budget.record",
            target=f"fund:{year}",
            result=BudgetRecorded(year, approved_on, due),
            after={"approved_on": str(approved_on), "due": str(due)},
        )
    if record.approved_on == approved_on:
        raise BudgetAlreadyRecorded(year, approved_on)
    if not note.strip():
        raise CorrectionNeedsNote(year, record.approved_on, approved_on)
    await _no_open_request(session, "budget_year", year)
    request = await _file(
        session,
        staff,
        kind="budget_year",
        target_id=year,
        code=f"fund:{year}",
        action=Action.CHANGE,
        payload={"year": year, "approved_on": str(approved_on)},
        before={"approved_on": str(record.approved_on)},
        note=note,
    )
    await session.flush()
    return _proposed(
        "fund.budget.correct.propose",
        request,
        BudgetCorrectionFiled(RequestInfo.of(request), year, record.approved_on, approved_on),
    )


async def _apply_budget_correction(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    year = int(request.payload["year"])
    budget = await session.get(BudgetYear, year)
    if budget is None:
        raise BudgetNotRecorded(year)
    old = budget.approved_on
    if str(old) != request.before.get("approved_on"):
        raise BudgetChangedMeanwhile(year, request.id)
    new = date.fromisoformat(str(request.payload["approved_on"]))
    if budget.original_approved_on is None:
        budget.original_approved_on = old
    budget.approved_on = new
    rows = await session.scalars(select(FundItem).where(FundItem.budget_year == year))
    for row in rows:
        if row.budget_approved_on is not None:
            row.budget_approved_on = new
    await session.flush()
    return Outcome(
        action="fund.budget.correct.apply",
        target=request.target_code,
        result=ListApplied(
            request.id,
            request.target_kind,
            china_date(now),
            year=year,
            original_approved_on=budget.original_approved_on,
            approved_on=new,
            reason=request.reason,
        ),
        before={"approved_on": str(old)},
        after={
            "approved_on": str(new),
            "original_approved_on": str(budget.original_approved_on),
        },
    )


async def propose_fund_list_publication(
    session: AsyncSession, staff: StaffMember, year: int, *, now: datetime | None = None
) -> Outcome:
    """资金发布 YEAR: ask to publish the year's fund list with the budget (第七条)."""
    permissions.require(staff, permissions.FUND_MANAGERS, Operation.PROPOSE_FUND_LIST)
    now = now or utcnow()
    budget = await session.get(BudgetYear, year)
    if budget is None:
        raise BudgetNotRecorded(year)
    count = await count_unpublished(session, "fund", year)
    if not count:
        raise NothingToPublish("fund", year, imported=False)
    await completeness.require_year_complete(
        session, "fund", year, Gate.PROPOSE_PUBLICATION, now=now
    )
    await _no_open_request(session, "fund_list", year)
    due = add_days(budget.approved_on, FUND_PUBLISH_DAYS)
    request = await _file(
        session,
        staff,
        kind="fund_list",
        target_id=year,
        code=f"fund:{year}",
        action=Action.PUBLISH,
        payload={"year": year, "rows": count},
        due_on=due,
    )
    await session.flush()
    return _proposed(
        "fund.list.propose", request, ListYearFiled(RequestInfo.of(request), year, count)
    )


async def _apply_fund_list(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    year = int(request.payload["year"])
    budget = await session.get(BudgetYear, year)
    if budget is None:
        raise BudgetNotRecorded(year)
    rows = (
        await session.scalars(
            select(FundItem).where(FundItem.budget_year == year, FundItem.status.in_(_UNPUBLISHED))
        )
    ).all()
    if not rows:
        raise NothingToPublish("fund", year, imported=True)
    today = china_date(now)
    for row in rows:
        row.status = PublicationStatus.PUBLISHED.value
        row.published_on = today
        row.published_at = now
        row.budget_approved_on = budget.approved_on
    budget.published_on = today
    await session.flush()
    original = budget.original_approved_on
    if original == budget.approved_on:
        original = None
    return Outcome(
        action="fund.list.publish",
        target=request.target_code,
        result=ListApplied(
            request.id,
            request.target_kind,
            today,
            due_on=add_days(budget.approved_on, FUND_PUBLISH_DAYS),
            year=year,
            rows=len(rows),
            competitive=tuple(r.project_name for r in rows if r.competitive),
            first_due_on=add_days(original, FUND_PUBLISH_DAYS) if original else None,
            original_approved_on=original,
        ),
        after={"year": year, "published": len(rows), "published_on": str(today)},
    )


async def propose_fund_change(
    session: AsyncSession,
    staff: StaffMember,
    fund_id: int,
    changes: ListChanges,
    note: str,
    occurred_on: date,
    *,
    now: datetime | None = None,
) -> Outcome:
    """资金变更 ID 字段=值 说明=… 发生=DATE: reviewed, then published within 20 days (第八条)."""
    now = now or utcnow()
    fund = await session.get(FundItem, fund_id)
    if fund is None:
        raise ListRecordNotFound("fund", fund_id)
    if staff.role == Role.CLERK.value:
        permissions.require_department(staff, fund.department_id, Operation.CHANGE)
    else:
        permissions.require(staff, permissions.FUND_MANAGERS, Operation.CHANGE_FUND)
    if not note.strip():
        raise MissingArgument(Missing.FUND_CHANGE_NOTE)
    _past(occurred_on, "发生日期", now)
    await _no_open_request(session, "fund", fund.id)
    values = _values(FUNDS, changes, now)
    completeness.require_row_complete(fund, Gate.RECORD_CHANGE, changes=values, now=now)
    request = await _file(
        session,
        staff,
        kind="fund",
        target_id=fund.id,
        code=f"fund:{fund.id}",
        action=Action.CHANGE,
        payload={
            "fields": values,
            "occurred_on": str(occurred_on),
            "base_version": fund.version,
        },
        before={k: _plain(getattr(fund, k)) for k in values},
        note=note,
        due_on=add_days(occurred_on, FUND_UPDATE_DAYS),
    )
    await session.flush()
    return _proposed(
        "fund.change.propose",
        request,
        ListChangeFiled(RequestInfo.of(request), fund.id, fund.project_name, fund.budget_year),
    )


def _apply_fields(
    record: FundItem | PovertyProject | PovertyAllocation, request: ChangeRequest, amount: str
) -> None:
    """Set the request's fields on the record it was registered against (`amount` is a sum)."""
    _check_version(record.version, request)
    for attribute, value in request.payload.get("fields", {}).items():
        setattr(record, attribute, Decimal(value) if attribute == amount else value)


async def apply_fund_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """Publish a reviewed fund change with its explanation."""
    fund = await session.get(FundItem, request.target_id)
    if fund is None:
        raise ListRecordNotFound("fund", request.target_id, request.id)
    _apply_fields(fund, request, "budget_amount")
    today = china_date(now)
    fund.change_note = f"{today:%Y-%m-%d} 更新：{request.reason}"
    await session.flush()
    return Outcome(
        action="fund.change.apply",
        target=request.target_code,
        result=ListApplied(
            request.id, request.target_kind, today, request.due_on, subject=fund.project_name
        ),
        before=dict(request.before),
        after={**request.payload.get("fields", {}), "change_note": fund.change_note},
    )


# --- poverty lists -------------------------------------------------------------------------


async def _propose_poverty_row_change(
    session: AsyncSession,
    staff: StaffMember,
    record: PovertyProject | PovertyAllocation,
    *,
    kind: str,
    declaration: ListDeclaration,
    changes: ListChanges,
    note: str,
    decided_on: date,
    now: datetime,
) -> ChangeRequest:
    if not note.strip():
        raise MissingArgument(Missing.POVERTY_CHANGE_NOTE)
    _past(decided_on, "审定日期", now)
    await _no_open_request(session, kind, record.id)
    values = _values(declaration, changes, now)
    completeness.require_row_complete(record, Gate.RECORD_CHANGE, changes=values, now=now)
    request = await _file(
        session,
        staff,
        kind=kind,
        target_id=record.id,
        code=f"{'poverty' if kind == 'poverty_project' else 'allocation'}:{record.id}",
        action=Action.CHANGE,
        payload={
            "fields": values,
            "decided_on": str(decided_on),
            "base_version": record.version,
        },
        before={k: _plain(getattr(record, k)) for k in values},
        note=note,
        due_on=add_working_days(decided_on, POVERTY_UPDATE_WORKING_DAYS),
    )
    await session.flush()
    return request


async def propose_poverty_change(
    session: AsyncSession,
    staff: StaffMember,
    project_id: int,
    changes: ListChanges,
    note: str,
    decided_on: date,
    *,
    now: datetime | None = None,
) -> Outcome:
    """扶贫变更 ID 字段=值 说明=… 审定=DATE: reviewed, published within 10 working days."""
    permissions.require(staff, permissions.POVERTY_MANAGERS, Operation.CHANGE_POVERTY_PROJECT)
    project = await session.get(PovertyProject, project_id)
    if project is None:
        raise ListRecordNotFound("poverty_project", project_id)
    request = await _propose_poverty_row_change(
        session,
        staff,
        project,
        kind="poverty_project",
        declaration=POVERTY_PROJECTS,
        changes=changes,
        note=note,
        decided_on=decided_on,
        now=now or utcnow(),
    )
    return _proposed(
        "poverty.change.propose",
        request,
        ListChangeFiled(
            RequestInfo.of(request), project.id, project.name, project.year, decided_on=decided_on
        ),
    )


async def propose_allocation_change(
    session: AsyncSession,
    staff: StaffMember,
    allocation_id: int,
    changes: ListChanges,
    note: str,
    decided_on: date,
    *,
    now: datetime | None = None,
) -> Outcome:
    """扶贫资金变更 ID 字段=值 说明=… 审定=DATE: an allocation changed as a project is."""
    permissions.require(staff, permissions.POVERTY_MANAGERS, Operation.CHANGE_ALLOCATION)
    allocation = await session.get(PovertyAllocation, allocation_id)
    if allocation is None:
        raise ListRecordNotFound("poverty_allocation", allocation_id)
    request = await _propose_poverty_row_change(
        session,
        staff,
        allocation,
        kind="poverty_allocation",
        declaration=POVERTY_ALLOCATIONS,
        changes=changes,
        note=note,
        decided_on=decided_on,
        now=now or utcnow(),
    )
    return _proposed(
        "poverty.allocation.change.propose",
        request,
        ListChangeFiled(
            RequestInfo.of(request),
            allocation.id,
            allocation.region.name,
            allocation.year,
            allocation.document_number,
            decided_on,
        ),
    )


async def apply_poverty_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """Publish a reviewed poverty project change with its date and note."""
    project = await session.get(PovertyProject, request.target_id)
    if project is None:
        raise ListRecordNotFound("poverty_project", request.target_id, request.id)
    _apply_fields(project, request, "investment")
    project.changed_on = date.fromisoformat(str(request.payload["decided_on"]))
    project.change_note = request.reason
    if project.status in _UNPUBLISHED:
        project.status = PublicationStatus.PUBLISHED.value
    project.published_at = now
    await session.flush()
    return Outcome(
        action="poverty.change.apply",
        target=request.target_code,
        result=ListApplied(
            request.id, request.target_kind, china_date(now), request.due_on, subject=project.name
        ),
        before=dict(request.before),
        after={**request.payload.get("fields", {}), "changed_on": str(project.changed_on)},
    )


async def _apply_allocation_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    allocation = await session.get(PovertyAllocation, request.target_id)
    if allocation is None:
        raise ListRecordNotFound("poverty_allocation", request.target_id, request.id)
    _apply_fields(allocation, request, "amount")
    if allocation.status in _UNPUBLISHED:
        allocation.status = PublicationStatus.PUBLISHED.value
    allocation.published_at = now
    await session.flush()
    return Outcome(
        action="poverty.allocation.change.apply",
        target=request.target_code,
        result=ListApplied(
            request.id,
            request.target_kind,
            china_date(now),
            request.due_on,
            year=allocation.year,
            subject=allocation.region.name,
        ),
        before=dict(request.before),
        after=dict(request.payload.get("fields", {})),
    )


async def refresh_poverty_year(
    session: AsyncSession, staff: StaffMember, year: int, *, now: datetime | None = None
) -> Outcome:
    """扶贫更新 YEAR: ask for the yearly refresh (第七条) of the year's allocations and projects."""
    permissions.require(staff, permissions.POVERTY_MANAGERS, Operation.REFRESH_POVERTY_YEAR)
    now = now or utcnow()
    count = await count_unpublished(session, "poverty", year)
    if not count:
        raise NothingToPublish("poverty", year, imported=False)
    await completeness.require_year_complete(
        session, "poverty", year, Gate.PROPOSE_PUBLICATION, now=now
    )
    await _no_open_request(session, "poverty_year", year)
    request = await _file(
        session,
        staff,
        kind="poverty_year",
        target_id=year,
        code=f"poverty:{year}",
        action=Action.PUBLISH,
        payload={"year": year, "rows": count},
    )
    await session.flush()
    return _proposed(
        "poverty.year.propose", request, ListYearFiled(RequestInfo.of(request), year, count)
    )


async def _apply_poverty_year(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    year = int(request.payload["year"])
    projects = (
        await session.scalars(
            select(PovertyProject).where(
                PovertyProject.year == year, PovertyProject.status.in_(_UNPUBLISHED)
            )
        )
    ).all()
    allocations = (
        await session.scalars(
            select(PovertyAllocation).where(
                PovertyAllocation.year == year, PovertyAllocation.status.in_(_UNPUBLISHED)
            )
        )
    ).all()
    if not projects and not allocations:
        raise NothingToPublish("poverty", year, imported=True)
    rows: list[PovertyProject | PovertyAllocation] = [*projects, *allocations]
    for row in rows:
        row.status = PublicationStatus.PUBLISHED.value
        row.published_at = now
    await session.flush()
    return Outcome(
        action="poverty.year.refresh",
        target=request.target_code,
        result=ListApplied(
            request.id,
            request.target_kind,
            china_date(now),
            year=year,
            rows=len(projects),
            allocations=len(allocations),
        ),
        after={"year": year, "projects": len(projects), "allocations": len(allocations)},
    )


async def record_poverty_review(
    session: AsyncSession,
    staff: StaffMember,
    ref: RequestRef,
    body: str,
    reviewer: str,
    reviewed_on: date,
    document: str,
    *,
    now: datetime | None = None,
) -> Outcome:
    """扶贫审核 #N 领导小组|市扶贫办 审核人=… 日期=… 文号=…: record one review of 第三条.

    Recorded by a poverty-office member other than the proposer; when both reviews are in,
    the request is approved and may be published.
    """
    now = now or utcnow()
    request = await find_request(session, ref)
    if request.target_kind not in POVERTY_KINDS:
        raise NotPovertyRequest(RequestInfo.of(request))
    permissions.require(staff, permissions.POVERTY_MANAGERS, Operation.RECORD_POVERTY_REVIEW)
    permissions.require_not_proposer(staff, request.proposer_id, request.id)
    if request.state != RequestState.PENDING_REVIEW.value:
        raise NoReviewDue(RequestInfo.of(request))
    if body not in POVERTY_REVIEWERS:
        raise NotAReviewingBody(body)
    if not reviewer.strip():
        raise MissingArgument(Missing.REVIEWER)
    _past(reviewed_on, "审核日期", now)
    wrong = forms.document_number_problem(document, china_date(now))
    if wrong is not None:
        raise BadValue("审核文号", wrong)
    reviews: dict[str, Any] = dict(request.payload.get("reviews", {}))
    if body in reviews:
        raise ReviewAlreadyRecorded(body)
    county = reviews.get("county_group")
    if body == "city_office":
        if county is None:
            raise CountyReviewFirst(request.id)
        if reviewed_on < date.fromisoformat(str(county["on"])):
            raise CityReviewTooEarly(reviewed_on, date.fromisoformat(str(county["on"])))
    before = {"state": request.state, "reviews": dict(reviews)}
    reviews[body] = {
        "reviewer": reviewer.strip(),
        "on": str(reviewed_on),
        "document": document.strip(),
        "recorded_by": staff.id,
        "recorded_at": now.isoformat(),
    }
    done = all(key in reviews for key in POVERTY_REVIEWERS)
    payload = {**request.payload, "reviews": reviews}
    if done:  # a compare-and-set: of two staff recording at once, one wins
        await holds.move(session, request, _APPROVE_LIST, staff, now, payload=payload)
    else:
        await holds.touch(session, request, payload=payload)
    return Outcome(
        action="poverty.review.record",
        target=request.target_code,
        result=PovertyReviewRecorded(
            RequestInfo.of(request),
            body,
            POVERTY_REVIEWERS[body],
            reviewer.strip(),
            reviewed_on,
            document.strip(),
        ),
        before=before,
        after={"state": request.state, "reviews": reviews},
    )


# --- review and publication of list requests ---------------------------------------------


async def approve_list_request(
    session: AsyncSession, staff: StaffMember, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """通过 a fund request: a finance reviewer who did not propose it (第十八条)."""
    if request.target_kind in POVERTY_KINDS:
        raise ReviewedByPovertyBodies(request.id)
    permissions.require_not_proposer(staff, request.proposer_id, request.id)
    permissions.require(staff, permissions.FUND_MANAGERS, Operation.REVIEW_FUND_REQUEST)
    if request.state != RequestState.PENDING_REVIEW.value:
        raise NoReviewDue(RequestInfo.of(request))
    await completeness.require_request_complete(session, request, Gate.APPROVE, now=now)
    before = {"request": request.id, "state": request.state}
    await holds.move(session, request, _APPROVE_LIST, staff, now)  # one of two decisions wins
    return Outcome(
        action="request.review",
        target=request.target_code or f"#{request.id}",
        result=Moved(RequestInfo.of(request), Step.APPROVE),
        before=before,
        after={"request": request.id, "state": request.state},
    )


def require_list_reviewer(staff: StaffMember, request: ChangeRequest) -> None:
    """Who may reject a list request: the other finance reviewers, the other poverty staff."""
    permissions.require_not_proposer(staff, request.proposer_id, request.id)
    if request.target_kind in FUND_KINDS:
        permissions.require(staff, permissions.FUND_MANAGERS, Operation.REJECT_FUND_REQUEST)
    else:
        permissions.require(staff, permissions.POVERTY_MANAGERS, Operation.REJECT_POVERTY_REQUEST)


def reviews_next(staff: StaffMember, request: ChangeRequest) -> bool:
    """Whether a pending list request waits for this staff member (for 待办)."""
    if request.state != RequestState.PENDING_REVIEW.value or request.proposer_id == staff.id:
        return False
    role = permissions.role_of(staff)
    if request.target_kind in FUND_KINDS:
        return role in permissions.FUND_MANAGERS
    return request.target_kind in POVERTY_KINDS and role in permissions.POVERTY_MANAGERS


async def require_publisher(
    session: AsyncSession, staff: StaffMember, request: ChangeRequest
) -> None:
    """Who puts a reviewed list request live (the row's department may publish its change)."""
    if request.target_kind == "fund" and staff.role == Role.CLERK.value:
        fund = await session.get(FundItem, request.target_id)
        permissions.require_department(
            staff, fund.department_id if fund else None, Operation.PUBLISH
        )
    elif request.target_kind in FUND_KINDS:
        permissions.require(staff, permissions.FUND_MANAGERS, Operation.PUBLISH_FUND)
    else:
        permissions.require(staff, permissions.POVERTY_MANAGERS, Operation.PUBLISH_POVERTY)


async def apply_list_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """Carry out one approved fund or poverty request (the caller has moved it to applied)."""
    kind = request.target_kind
    if kind == "fund":
        return await apply_fund_request(session, request, now=now)
    if kind == "fund_list":
        return await _apply_fund_list(session, request, now=now)
    if kind == "budget_year":
        return await _apply_budget_correction(session, request, now=now)
    if kind == "poverty_project":
        return await apply_poverty_request(session, request, now=now)
    if kind == "poverty_allocation":
        return await _apply_allocation_request(session, request, now=now)
    if kind == "poverty_year":
        return await _apply_poverty_year(session, request, now=now)
    raise NotAListRequest(RequestInfo.of(request))


async def count_unpublished(session: AsyncSession, kind: str, year: int) -> int:
    """How many rows a yearly publication would publish (to ask for confirmation)."""
    if kind == "fund":
        rows = await session.scalars(
            select(FundItem.id).where(
                FundItem.budget_year == year, FundItem.status.in_(_UNPUBLISHED)
            )
        )
        return len(rows.all())
    projects = await session.scalars(
        select(PovertyProject.id).where(
            PovertyProject.year == year, PovertyProject.status.in_(_UNPUBLISHED)
        )
    )
    allocations = await session.scalars(
        select(PovertyAllocation.id).where(
            PovertyAllocation.year == year, PovertyAllocation.status.in_(_UNPUBLISHED)
        )
    )
    return len(projects.all()) + len(allocations.all())
