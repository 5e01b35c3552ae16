"""The fund list (财政专项资金 第七条、第八条) and the poverty lists (扶贫清单 第四条、第七条):
budget approval, yearly publication, changes with a note and their deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
from catalogue.workflow import holds, permissions
from catalogue.workflow.errors import (
    ConflictError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
)
from catalogue.workflow.lookup import open_request, request_line
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import (
    FUND_PUBLISH_DAYS,
    FUND_UPDATE_DAYS,
    POVERTY_UPDATE_WORKING_DAYS,
    Action,
    RequestState,
)
from catalogue.workflow.workdays import add_days, add_working_days, china_date

_UNPUBLISHED = (PublicationStatus.DRAFT.value, PublicationStatus.PENDING_REVIEW.value)


@dataclass(frozen=True, slots=True)
class ListField:
    """A changeable column of a fund or poverty row."""

    attribute: str
    label: str
    kind: str = "text"  # text | amount


FUND_FIELDS = {
    f.label: f
    for f in (
        ListField("project_name", "项目名称"),
        ListField("budget_amount", "预算数额", "amount"),
        ListField("management_measures", "管理办法"),
        ListField("allocation_and_use", "分配使用"),
        ListField("performance_evaluation", "绩效评价"),
        ListField("application_guide", "申报指南"),
        ListField("review_results", "评审结果"),
        ListField("allocation", "资金分配"),
    )
}
POVERTY_FIELDS = {
    f.label: f
    for f in (
        ListField("name", "项目名称"),
        ListField("approval_number", "审批文号"),
        ListField("investment", "投资额度", "amount"),
        ListField("construction_content", "主要建设内容"),
        ListField("benefits", "效益"),
        ListField("competent_unit", "项目主管单位"),
        ListField("implementing_unit", "项目实施单位"),
        ListField("progress", "进度"),
    )
}
_FIELD_ALIASES = {
    "金额": "预算数额",
    "预算": "预算数额",
    "投资": "投资额度",
    "文号": "审批文号",
    "建设内容": "主要建设内容",
    "主管单位": "项目主管单位",
    "实施单位": "项目实施单位",
    "新增经济效益和扶贫效益": "效益",
    "名称": "项目名称",
}


def parse_date(text: str) -> date:
    """2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日."""
    cleaned = text.strip().replace("年", "-").replace("月", "-").rstrip("日")
    for sep in ("/", "."):
        cleaned = cleaned.replace(sep, "-")
    try:
        year, month, day = (int(part) for part in cleaned.split("-"))
        return date(year, month, day)
    except ValueError:
        raise InvalidInputError(f"日期“{text}”看不懂，请写成 2026-03-01。") from None


def _parse_year(text: str) -> int:
    core = text.strip().rstrip("年")
    if not core.isdigit() or not 2000 <= int(core) <= 2100:
        raise InvalidInputError(f"年度“{text}”不对，请写四位年份，例如 2026。")
    return int(core)


def _values(table: dict[str, ListField], assignments: Sequence[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in assignments:
        spec = table.get(_FIELD_ALIASES.get(name.strip(), name.strip()))
        if spec is None:
            raise InvalidInputError(f"没有“{name}”这个字段。可变更：{'、'.join(table)}。")
        if spec.kind == "amount":
            try:
                values[spec.attribute] = str(Decimal(raw.strip().removesuffix("万元")))
            except InvalidOperation:
                raise InvalidInputError(f"金额“{raw}”不对，请写万元数，例如 12.5。") from None
        else:
            values[spec.attribute] = raw.strip()
    if not values:
        raise InvalidInputError("请写明要变更的字段，例如 管理办法=…。")
    return values


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | date) else value


def _timeliness(done: date, due: date | None, rule: str) -> str:
    if due is None:
        return ""
    if done <= due:
        return f"在{rule}规定期限（{due:%Y-%m-%d}）内完成。"
    return f"注意：已超过{rule}规定期限（{due:%Y-%m-%d}），逾期 {(done - due).days} 天。"


def _check_version(version: int, request: ChangeRequest) -> None:
    base = request.payload.get("base_version")
    if base is not None and base != version:
        raise ConflictError(
            f"该记录在变更 #{request.id} 登记后已被他人修改（版本 {base} → {version}），"
            f"本次未发布。请重新登记变更。"
        )


# --- fund list ---------------------------------------------------------------------------


async def record_budget_approval(
    session: AsyncSession, staff: StaffMember, year_text: str, date_text: str
) -> Outcome:
    """预算批准 YEAR DATE: starts the 20-day clock of 第七条."""
    permissions.require(staff, permissions.FUND_MANAGERS, "登记预算批准日期")
    year, approved_on = _parse_year(year_text), parse_date(date_text)
    record = await session.get(BudgetYear, year)
    before = {"approved_on": str(record.approved_on)} if record else {}
    if record is None:
        record = BudgetYear(year=year, approved_on=approved_on, recorded_by=staff.wecom_user_id)
        session.add(record)
    else:
        record.approved_on = approved_on
        record.recorded_by = staff.wecom_user_id
    await session.flush()
    due = add_days(approved_on, FUND_PUBLISH_DAYS)
    return Outcome(
        action="fund.budget.record",
        target=f"fund:{year}",
        message=(
            f"已登记 {year} 年度县级预算于 {approved_on:%Y-%m-%d} 经县人大批准。"
            f"\n{year} 年度专项资金管理清单须于 {due:%Y-%m-%d} 前公开（第七条）。"
        ),
        before=before,
        after={"approved_on": str(approved_on), "due": str(due)},
    )


async def publish_fund_list(
    session: AsyncSession, staff: StaffMember, year_text: str, *, now: datetime | None = None
) -> Outcome:
    """资金发布 YEAR: publish the year's fund list together with the budget (第七条)."""
    permissions.require(staff, permissions.FUND_MANAGERS, "发布专项资金管理清单")
    now = now or utcnow()
    year = _parse_year(year_text)
    budget = await session.get(BudgetYear, year)
    if budget is None:
        raise InvalidStateError(f"请先登记 {year} 年度预算批准日期：预算批准 {year} 日期。")
    rows = (
        await session.scalars(
            select(FundItem).where(FundItem.budget_year == year, FundItem.status.in_(_UNPUBLISHED))
        )
    ).all()
    if not rows:
        raise NotFoundError(f"{year} 年度没有待发布的专项资金项目，请先导入清单。")
    today = china_date(now)
    for row in rows:
        row.status = PublicationStatus.PUBLISHED.value
        row.published_on = today
        row.published_at = now
        row.budget_approved_on = budget.approved_on
    budget.published_on = today
    await session.flush()
    missing = [r.project_name for r in rows if r.competitive and not r.application_guide]
    warning = (
        "\n竞争性分配项目还须发布申报指南（第八条）：" + "、".join(missing[:10]) if missing else ""
    )
    due = add_days(budget.approved_on, FUND_PUBLISH_DAYS)
    return Outcome(
        action="fund.list.publish",
        target=f"fund:{year}",
        message=(
            f"{year} 年度专项资金管理清单已发布，共 {len(rows)} 个项目。"
            f"{_timeliness(today, due, '第七条')}{warning}"
        ),
        after={"year": year, "published": len(rows), "published_on": str(today)},
    )


async def _register_change(
    session: AsyncSession,
    staff: StaffMember,
    record: FundItem | PovertyProject,
    *,
    kind: str,
    code: str,
    fields: dict[str, ListField],
    assignments: Sequence[tuple[str, str]],
    note: str,
    dated: tuple[str, date],
    due_on: date,
) -> ChangeRequest:
    """A list change, registered as approved (publishing it is the next step); one open at most.

    `dated` is the payload key and the day the change dates from.
    """
    pending = await open_request(session, kind, record.id)
    if pending is not None:
        raise InvalidStateError(f"该项目已有未发布的变更：{request_line(pending)}")
    values = _values(fields, assignments)
    key, day = dated
    request = ChangeRequest(
        target_kind=kind,
        target_id=record.id,
        target_code=code,
        action=Action.CHANGE.value,
        payload={"fields": values, key: str(day), "base_version": record.version},
        before={k: _plain(getattr(record, k)) for k in values},
        reason=note.strip(),
        proposer_id=staff.id,
        state=RequestState.APPROVED.value,
        due_on=due_on,
    )
    await holds.file(session, request, [(kind, record.id)], code)
    return request


def _apply_fields(record: FundItem | PovertyProject, request: ChangeRequest, amount: str) -> None:
    """Set the request's fields on the record it was registered against (`amount` is a sum)."""
    _check_version(record.version, request)
    for attribute, value in request.payload.get("fields", {}).items():
        setattr(record, attribute, Decimal(value) if attribute == amount else value)


def _proposed(action: str, request: ChangeRequest, registered: str) -> Outcome:
    """The outcome of a registered list change: `registered` and how to publish it."""
    return Outcome(
        action=action,
        target=request.target_code,
        message=f"{registered}发送“发布 #{request.id}”即可发布。",
        before=dict(request.before),
        after={"request": request.id, "fields": request.payload["fields"], "note": request.reason},
    )


async def propose_fund_change(
    session: AsyncSession,
    staff: StaffMember,
    fund_id: int,
    assignments: Sequence[tuple[str, str]],
    note: str,
    occurred_on: date,
) -> Outcome:
    """资金变更 ID 字段=值 说明=… 发生=DATE: registered, to be published within 20 days (第八条)."""
    fund = await session.get(FundItem, fund_id)
    if fund is None:
        raise NotFoundError(f"没有编号为 {fund_id} 的专项资金项目。")
    if staff.role == Role.CLERK.value:
        permissions.require_department(staff, fund.department_id, "变更")
    else:
        permissions.require(staff, permissions.FUND_MANAGERS, "变更专项资金信息")
    if not note.strip():
        raise InvalidInputError("专项资金信息变更须就变更内容进行说明（第八条）：请加上 说明=…。")
    request = await _register_change(
        session,
        staff,
        fund,
        kind="fund",
        code=f"fund:{fund.id}",
        fields=FUND_FIELDS,
        assignments=assignments,
        note=note,
        dated=("occurred_on", occurred_on),
        due_on=add_days(occurred_on, FUND_UPDATE_DAYS),
    )
    return _proposed(
        "fund.change.propose",
        request,
        f"已登记专项资金“{fund.project_name}”的变更 #{request.id}，"
        f"须于 {request.due_on:%Y-%m-%d} 前发布更新（第八条）。",
    )


async def apply_fund_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """Publish a registered fund change with its explanation."""
    fund = await session.get(FundItem, request.target_id)
    if fund is None:
        raise NotFoundError("申请所指的专项资金项目已不存在。")
    _apply_fields(fund, request, "budget_amount")
    today = china_date(now)
    fund.change_note = f"{today:%Y-%m-%d} 更新：{request.reason}"
    await session.flush()
    return Outcome(
        action="fund.change.apply",
        target=request.target_code,
        message=(
            f"#{request.id} 专项资金“{fund.project_name}”已更新，变更说明已公开。"
            f"{_timeliness(today, request.due_on, '第八条')}"
        ),
        before=dict(request.before),
        after={**request.payload.get("fields", {}), "change_note": fund.change_note},
    )


# --- poverty lists -------------------------------------------------------------------------


async def propose_poverty_change(
    session: AsyncSession,
    staff: StaffMember,
    project_id: int,
    assignments: Sequence[tuple[str, str]],
    note: str,
    decided_on: date,
) -> Outcome:
    """扶贫变更 ID 字段=值 说明=… 审定=DATE: published within 10 working days (第四条)."""
    permissions.require(staff, permissions.POVERTY_MANAGERS, "变更扶贫项目清单")
    project = await session.get(PovertyProject, project_id)
    if project is None:
        raise NotFoundError(f"没有编号为 {project_id} 的扶贫项目。")
    if not note.strip():
        raise InvalidInputError("请就调整变更情况进行说明：加上 说明=…。")
    request = await _register_change(
        session,
        staff,
        project,
        kind="poverty_project",
        code=f"poverty:{project.id}",
        fields=POVERTY_FIELDS,
        assignments=assignments,
        note=note,
        dated=("decided_on", decided_on),
        due_on=add_working_days(decided_on, POVERTY_UPDATE_WORKING_DAYS),
    )
    return _proposed(
        "poverty.change.propose",
        request,
        f"已登记扶贫项目“{project.name}”的调整变更 #{request.id}"
        f"（{decided_on:%Y-%m-%d} 审定），"
        f"须于 {request.due_on:%Y-%m-%d} 前更新发布（10个工作日，第四条）。",
    )


async def apply_poverty_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """Publish a poverty project change with its date and note."""
    project = await session.get(PovertyProject, request.target_id)
    if project is None:
        raise NotFoundError("申请所指的扶贫项目已不存在。")
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
        message=(
            f"#{request.id} 扶贫项目“{project.name}”调整变更已发布。"
            f"{_timeliness(china_date(now), request.due_on, '第四条')}"
        ),
        before=dict(request.before),
        after={**request.payload.get("fields", {}), "changed_on": str(project.changed_on)},
    )


async def refresh_poverty_year(
    session: AsyncSession, staff: StaffMember, year_text: str, *, now: datetime | None = None
) -> Outcome:
    """扶贫更新 YEAR: the yearly refresh (第七条): publish the year's allocations and projects."""
    permissions.require(staff, permissions.POVERTY_MANAGERS, "整体更新扶贫清单")
    now = now or utcnow()
    year = _parse_year(year_text)
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
        raise NotFoundError(f"{year} 年度没有待发布的扶贫清单内容，请先导入。")
    for project in projects:
        project.status = PublicationStatus.PUBLISHED.value
        project.published_at = now
    for allocation in allocations:
        allocation.status = PublicationStatus.PUBLISHED.value
        allocation.published_at = now
    await session.flush()
    return Outcome(
        action="poverty.year.refresh",
        target=f"poverty:{year}",
        message=(
            f"{year} 年度扶贫清单已整体更新发布：项目 {len(projects)} 个，"
            f"资金分配 {len(allocations)} 条。公告期限一般为一年（第七条）。"
        ),
        after={"year": year, "projects": len(projects), "allocations": len(allocations)},
    )


async def count_unpublished(session: AsyncSession, kind: str, year_text: str) -> int:
    """How many rows a yearly publication would publish (to ask for confirmation)."""
    year = _parse_year(year_text)
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
