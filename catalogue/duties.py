"""Due and overdue duties of the regulations, and who must do them (for 待办/逾期 and the
daily summary): fund list within 20 days of the budget (第七条), fund updates within 20 days
(第八条), a competitive fund's 评审结果 and 资金分配 (第八条), reviews of fund and poverty
requests waiting for a second person, poverty changes within 10 working days and the yearly
refresh (扶贫清单 第四条、第七条), resumption within 2 days (第十二条), items without cases for
3 years (第十条(二))."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.holidays import load_schedule
from catalogue.models import (
    BudgetYear,
    CaseCount,
    ChangeRequest,
    FundItem,
    Item,
    PovertyAllocation,
    PovertyProject,
    PublicationStatus,
    Role,
    StaffMember,
)
from catalogue.workflow.lists import FUND_KINDS, LIST_KINDS
from catalogue.workflow.rules import (
    FUND_PUBLISH_DAYS,
    FUND_UPDATE_DAYS,
    NO_CASE_YEARS,
    Action,
    RequestState,
)
from catalogue.workflow.workdays import add_days, covers

# 扶贫清单 第七条 "每年年初整体更新": we hold the office to the end of January.
REFRESH_MONTH_END = (1, 31)


class DutyKind(enum.StrEnum):
    """Which obligation a duty is (the channels word each kind)."""

    FUND_LIST = "fund_list"  # publish a year's fund list (第七条)
    FUND_UPDATE = "fund_update"  # publish an approved fund change (第八条)
    FUND_COMPETITIVE = "fund_competitive"  # a competitive fund's 评审结果/资金分配 (第八条)
    LIST_REVIEW = "list_review"  # a second person's review of a list request
    POVERTY_UPDATE = "poverty_update"  # publish an approved poverty change (扶贫办法 第四条)
    POVERTY_REFRESH = "poverty_refresh"  # the yearly refresh (扶贫办法 第七条)
    RESUME = "resume"  # resume a suspended item (第十二条)
    NO_CASES = "no_cases"  # may be suspended: no cases for three years (第十条（二）)


@dataclass(frozen=True, slots=True)
class Duty:
    """One thing someone must do by `due`; `roles` (and for clerks `department_id`) say who.

    The other fields are the facts the channels word it with; which are set depends on
    `kind`.
    """

    kind: DutyKind
    due: date | None
    roles: frozenset[Role]
    department_id: int | None = None
    target: str = ""
    # The year whose working days were guessed (no official schedule) for this deadline.
    estimated_year: int | None = None
    # A second person's duty is never its proposer's (谁发布、谁审核, 第十八条).
    not_for_staff_id: int | None = None
    # The fund, project, item or allocation document concerned (its code when it is gone).
    subject: str = ""
    # The list year (fund_list, poverty_refresh; an allocation's year in poverty_update).
    year: int | None = None
    request_id: int | None = None
    # The change request's target kind (list_review, poverty_update).
    target_kind: str = ""
    # The fund row whose competitive results are owed.
    record_id: int | None = None
    # FUNDS attributes still empty (fund_competitive).
    owed: tuple[str, ...] = ()
    # A corrected budget approval: the date first recorded and the deadline it gave.
    original_approved_on: date | None = None
    original_due: date | None = None
    # no_cases evidence: the last recorded case, or the years of zero statistics.
    last_case_on: date | None = None
    idle_years: tuple[int, int] | None = None

    def overdue(self, today: date) -> bool:
        """Past its deadline (a suspension candidate has none)."""
        return self.due is not None and today > self.due


def _three_years_before(today: date) -> date:
    try:
        return today.replace(year=today.year - NO_CASE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - NO_CASE_YEARS, day=28)


async def _fund_duties(session: AsyncSession) -> list[Duty]:
    duties: list[Duty] = []
    for budget in await session.scalars(
        select(BudgetYear).where(BudgetYear.published_on.is_(None))
    ):
        original = budget.original_approved_on
        if original == budget.approved_on:
            original = None
        duties.append(
            Duty(
                DutyKind.FUND_LIST,
                add_days(budget.approved_on, FUND_PUBLISH_DAYS),
                frozenset({Role.FINANCE}),
                target=f"fund:{budget.year}",
                year=budget.year,
                original_approved_on=original,
                original_due=add_days(original, FUND_PUBLISH_DAYS) if original else None,
            )
        )
    return duties


async def _competitive_duties(session: AsyncSession) -> list[Duty]:
    """第八条: a published competitive fund still owes its 评审结果 and 资金分配 情况.

    The article sets no deadline; we hold the department to the 20 days of 第八条's updates,
    counted from the list's publication (our reading).
    """
    duties: list[Duty] = []
    funds = await session.scalars(
        select(FundItem)
        .where(
            FundItem.competitive.is_(True),
            FundItem.status == PublicationStatus.PUBLISHED.value,
        )
        .order_by(FundItem.id)
    )
    for fund in funds:
        owed = tuple(
            attribute
            for attribute in ("review_results", "allocation")
            if not getattr(fund, attribute).strip()
        )
        if not owed:
            continue
        due = add_days(fund.published_on, FUND_UPDATE_DAYS) if fund.published_on else None
        duties.append(
            Duty(
                DutyKind.FUND_COMPETITIVE,
                due,
                frozenset({Role.CLERK, Role.FINANCE}),
                department_id=fund.department_id,
                target=f"fund:{fund.id}",
                subject=fund.project_name,
                record_id=fund.id,
                owed=owed,
            )
        )
    return duties


async def _review_duties(session: AsyncSession) -> list[Duty]:
    """Fund and poverty requests waiting for their second person."""
    duties: list[Duty] = []
    pending = await session.scalars(
        select(ChangeRequest)
        .where(
            ChangeRequest.state == RequestState.PENDING_REVIEW.value,
            ChangeRequest.target_kind.in_(LIST_KINDS),
        )
        .order_by(ChangeRequest.id)
    )
    for request in pending:
        roles = frozenset(
            {Role.FINANCE} if request.target_kind in FUND_KINDS else {Role.POVERTY_OFFICE}
        )
        duties.append(
            Duty(
                DutyKind.LIST_REVIEW,
                request.due_on,
                roles,
                target=request.target_code,
                estimated_year=_guessed_year(request),
                not_for_staff_id=request.proposer_id,
                request_id=request.id,
                target_kind=request.target_kind,
            )
        )
    return duties


async def _request_duties(session: AsyncSession) -> list[Duty]:
    duties: list[Duty] = []
    approved = await session.scalars(
        select(ChangeRequest).where(ChangeRequest.state == RequestState.APPROVED.value)
    )
    for request in approved:
        if request.target_kind == "fund":
            fund = await session.get(FundItem, request.target_id)
            name = fund.project_name if fund else request.target_code
            duties.append(
                Duty(
                    DutyKind.FUND_UPDATE,
                    request.due_on,
                    frozenset({Role.FINANCE}),
                    target=request.target_code,
                    subject=name,
                    request_id=request.id,
                    target_kind=request.target_kind,
                )
            )
        elif request.target_kind == "poverty_project":
            project = await session.get(PovertyProject, request.target_id)
            name = project.name if project else request.target_code
            duties.append(
                Duty(
                    DutyKind.POVERTY_UPDATE,
                    request.due_on,
                    frozenset({Role.POVERTY_OFFICE}),
                    target=request.target_code,
                    estimated_year=_guessed_year(request),
                    subject=name,
                    request_id=request.id,
                    target_kind=request.target_kind,
                )
            )
        elif request.target_kind == "poverty_allocation":
            allocation = await session.get(PovertyAllocation, request.target_id)
            duties.append(
                Duty(
                    DutyKind.POVERTY_UPDATE,
                    request.due_on,
                    frozenset({Role.POVERTY_OFFICE}),
                    target=request.target_code,
                    subject=allocation.document_number if allocation else request.target_code,
                    year=allocation.year if allocation else None,
                    request_id=request.id,
                    target_kind=request.target_kind,
                )
            )
        elif request.target_kind == "item" and request.action == Action.RESUME.value:
            item = await session.get(Item, request.target_id)
            duties.append(
                Duty(
                    DutyKind.RESUME,
                    request.due_on,
                    frozenset({Role.CLERK, Role.REVIEW_OFFICE}),
                    department_id=item.department_id if item else None,
                    target=request.target_code,
                    subject=request.target_code,
                    request_id=request.id,
                    target_kind=request.target_kind,
                )
            )
    return duties


def _guessed_year(request: ChangeRequest) -> int | None:
    """A year between the decision and the due date that has no official holiday data."""
    decided = request.payload.get("decided_on")
    if request.due_on is None or not decided:
        return None
    start = date.fromisoformat(str(decided))
    for year in range(start.year, request.due_on.year + 1):
        if not covers(year):
            return year
    return None


async def _refresh_duty(session: AsyncSession, today: date) -> list[Duty]:
    known = await session.scalar(select(PovertyProject.id).limit(1))
    if known is None:
        return []
    current = await session.scalar(
        select(PovertyProject.id)
        .where(
            PovertyProject.year == today.year,
            PovertyProject.status == PublicationStatus.PUBLISHED.value,
        )
        .limit(1)
    )
    if current is not None:
        return []
    month, day = REFRESH_MONTH_END
    return [
        Duty(
            DutyKind.POVERTY_REFRESH,
            date(today.year, month, day),
            frozenset({Role.POVERTY_OFFICE}),
            target=f"poverty:{today.year}",
            year=today.year,
        )
    ]


async def _no_case_duties(session: AsyncSession, today: date) -> list[Duty]:
    """Published items with no case in the last three years: from the last recorded case, or
    from the yearly statistics (`zwbot import cases`) of the three full years before this one."""
    cutoff = _three_years_before(today)
    years = list(range(today.year - NO_CASE_YEARS, today.year))
    idle_by_statistics = (
        select(CaseCount.item_id)
        .where(CaseCount.year.in_(years))
        .group_by(CaseCount.item_id)
        .having(func.count(CaseCount.year) == len(years), func.sum(CaseCount.cases) == 0)
    )
    items = await session.scalars(
        select(Item)
        .where(
            Item.status == PublicationStatus.PUBLISHED.value,
            or_(
                and_(Item.last_case_on.is_not(None), Item.last_case_on < cutoff),
                Item.id.in_(idle_by_statistics),
            ),
        )
        .order_by(Item.code)
    )
    duties = []
    for item in items:
        by_date = item.last_case_on is not None and item.last_case_on < cutoff
        duties.append(
            Duty(
                DutyKind.NO_CASES,
                None,
                frozenset({Role.CLERK}),
                department_id=item.department_id,
                target=item.code,
                subject=item.name,
                last_case_on=item.last_case_on if by_date else None,
                idle_years=None if by_date else (years[0], years[-1]),
            )
        )
    return duties


async def compute_duties(session: AsyncSession, today: date) -> list[Duty]:
    """Every open duty on `today` (China date)."""
    await load_schedule(session)
    return [
        *await _fund_duties(session),
        *await _competitive_duties(session),
        *await _review_duties(session),
        *await _request_duties(session),
        *await _refresh_duty(session, today),
        *await _no_case_duties(session, today),
    ]


def duties_of(staff: StaffMember, duties: Sequence[Duty]) -> list[Duty]:
    """The duties this staff member is responsible for (clerks: their department only)."""
    role = Role(staff.role)
    mine = []
    for duty in duties:
        if role not in duty.roles or duty.not_for_staff_id == staff.id:
            continue
        if role is Role.CLERK and duty.department_id != staff.department_id:
            continue
        mine.append(duty)
    return mine
