"""Due and overdue duties of the regulations, and who must do them (for 待办/逾期 and the
daily summary): fund list within 20 days of the budget (第七条), fund updates within 20 days
(第八条), a competitive fund's 评审结果 and 资金分配 (第八条), reviews of fund and poverty
requests waiting for a second person, poverty changes within 10 working days and the yearly
refresh (扶贫清单 第四条、第七条), resumption within 2 days (第十二条), items without cases for
3 years (第十条(二))."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.holidays import load_schedule
from catalogue.lists.declarations import FUNDS
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
from catalogue.workflow.workdays import add_days, covers, estimate_warning

# 扶贫清单 第七条 "每年年初整体更新": we hold the office to the end of January.
REFRESH_MONTH_END = (1, 31)


@dataclass(frozen=True, slots=True)
class Duty:
    """One thing someone must do by `due`; `roles` (and for clerks `department_id`) say who."""

    # fund_list | fund_update | fund_competitive | list_review | poverty_update |
    # poverty_refresh | resume | no_cases
    kind: str
    title: str
    due: date | None
    roles: frozenset[Role]
    department_id: int | None = None
    target: str = ""
    # The year whose working days were guessed (no official schedule) for this deadline.
    estimated_year: int | None = None
    # A second person's duty is never its proposer's (谁发布、谁审核, 第十八条).
    not_for_staff_id: int | None = None

    def overdue(self, today: date) -> bool:
        """Past its deadline (a suspension candidate has none)."""
        return self.due is not None and today > self.due

    def line(self, today: date) -> str:
        """One chat line: what, and by when (or how late)."""
        if self.due is None:
            return self.title
        guess = (
            f"（⚠ {self.estimated_year} 年节假日安排未导入，期限按周一至周五估算）"
            if self.estimated_year is not None
            else ""
        )
        if self.overdue(today):
            late = (today - self.due).days
            return f"{self.title}（应于 {self.due:%Y-%m-%d} 前完成，已逾期 {late} 天）{guess}"
        return f"{self.title}（{self.due:%Y-%m-%d} 前）{guess}"


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
        original = ""
        if budget.original_approved_on and budget.original_approved_on != budget.approved_on:
            first_due = add_days(budget.original_approved_on, FUND_PUBLISH_DAYS)
            original = (
                f"；按原登记批准日期 {budget.original_approved_on:%Y-%m-%d} 应于"
                f" {first_due:%Y-%m-%d} 前"
            )
        duties.append(
            Duty(
                "fund_list",
                f"公开 {budget.year} 年度专项资金管理清单（第七条{original}）",
                add_days(budget.approved_on, FUND_PUBLISH_DAYS),
                frozenset({Role.FINANCE}),
                target=f"fund:{budget.year}",
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
        owed = [
            FUNDS.label(attribute)
            for attribute in ("review_results", "allocation")
            if not getattr(fund, attribute).strip()
        ]
        if not owed:
            continue
        due = add_days(fund.published_on, FUND_UPDATE_DAYS) if fund.published_on else None
        duties.append(
            Duty(
                "fund_competitive",
                f"竞争性分配资金“{fund.project_name}”须公开{'、'.join(owed)}"
                f"（第八条；资金变更 {fund.id} …）",
                due,
                frozenset({Role.CLERK, Role.FINANCE}),
                department_id=fund.department_id,
                target=f"fund:{fund.id}",
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
        if request.target_kind in FUND_KINDS:
            title = f"复核专项资金申请 #{request.id} {request.target_code}（第十八条）"
            roles = frozenset({Role.FINANCE})
        else:
            title = (
                f"登记县扶贫开发领导小组和市扶贫办对 #{request.id} {request.target_code} 的审核"
                "（《扶贫办法》第三条）"
            )
            roles = frozenset({Role.POVERTY_OFFICE})
        duties.append(
            Duty(
                "list_review",
                title,
                request.due_on,
                roles,
                target=request.target_code,
                estimated_year=_guessed_year(request),
                not_for_staff_id=request.proposer_id,
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
                    "fund_update",
                    f"发布专项资金“{name}”的变更 #{request.id}（第八条）",
                    request.due_on,
                    frozenset({Role.FINANCE}),
                    target=request.target_code,
                )
            )
        elif request.target_kind == "poverty_project":
            project = await session.get(PovertyProject, request.target_id)
            name = project.name if project else request.target_code
            duties.append(
                Duty(
                    "poverty_update",
                    f"发布扶贫项目“{name}”的调整变更 #{request.id}（第四条）",
                    request.due_on,
                    frozenset({Role.POVERTY_OFFICE}),
                    target=request.target_code,
                    estimated_year=_guessed_year(request),
                )
            )
        elif request.target_kind == "poverty_allocation":
            allocation = await session.get(PovertyAllocation, request.target_id)
            name = (
                f"{allocation.year} 年 {allocation.document_number}"
                if allocation
                else request.target_code
            )
            duties.append(
                Duty(
                    "poverty_update",
                    f"发布扶贫资金分配“{name}”的调整变更 #{request.id}（第四条）",
                    request.due_on,
                    frozenset({Role.POVERTY_OFFICE}),
                    target=request.target_code,
                )
            )
        elif request.target_kind == "item" and request.action == Action.RESUME.value:
            item = await session.get(Item, request.target_id)
            duties.append(
                Duty(
                    "resume",
                    f"恢复事项 {request.target_code}（#{request.id}，第十二条）",
                    request.due_on,
                    frozenset({Role.CLERK, Role.REVIEW_OFFICE}),
                    department_id=item.department_id if item else None,
                    target=request.target_code,
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
            "poverty_refresh",
            f"整体更新 {today.year} 年度扶贫清单（第七条，每年年初）",
            date(today.year, month, day),
            frozenset({Role.POVERTY_OFFICE}),
            target=f"poverty:{today.year}",
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
        if item.last_case_on is not None and item.last_case_on < cutoff:
            evidence = f"最近办件 {item.last_case_on:%Y-%m-%d}"
        else:
            evidence = f"{years[0]}—{years[-1]} 年办件量均为 0"
        duties.append(
            Duty(
                "no_cases",
                f"可申请暂停：{item.name} {item.code}，{evidence}（第十条（二））",
                None,
                frozenset({Role.CLERK}),
                department_id=item.department_id,
                target=item.code,
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


def summary(duties: Sequence[Duty], today: date) -> str:
    """One message: overdue first, then due, then suggestions."""
    overdue = [d for d in duties if d.overdue(today)]
    due = [d for d in duties if d.due is not None and not d.overdue(today)]
    hints = [d for d in duties if d.due is None]
    parts = []
    guessed = sorted({d.estimated_year for d in duties if d.estimated_year is not None})
    if guessed:
        parts.append(estimate_warning(set(guessed)))
    if overdue:
        parts.append("【已逾期】\n" + "\n".join(d.line(today) for d in overdue))
    if due:
        parts.append(
            "【待办】\n"
            + "\n".join(d.line(today) for d in sorted(due, key=lambda d: d.due or today))
        )
    if hints:
        parts.append("【建议】\n" + "\n".join(d.line(today) for d in hints))
    return "\n\n".join(parts) if parts else "目前没有到期或逾期的工作。"
