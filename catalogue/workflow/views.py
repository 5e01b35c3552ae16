"""Read-only staff views: 查 CODE (drafts and history too), 待办 and 日志 CODE."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import (
    AuditEntry,
    ChangeRequest,
    Item,
    PublicationStatus,
    RetiredCode,
    Role,
    StaffMember,
)
from catalogue.workflow import lists, permissions
from catalogue.workflow.lookup import find_item, item_state, open_request, request_line
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import RequestState

HISTORY_LINES = 8


async def _requests_of(session: AsyncSession, item: Item, limit: int) -> list[ChangeRequest]:
    rows = await session.scalars(
        select(ChangeRequest)
        .where(
            or_(
                ChangeRequest.target_code == item.code,
                (ChangeRequest.target_kind == "item") & (ChangeRequest.target_id == item.id),
            )
        )
        .order_by(ChangeRequest.id.desc())
        .limit(limit)
    )
    return list(rows)


async def show_item(session: AsyncSession, staff: StaffMember, code: str) -> Outcome:
    """查 CODE: the item's state, key fields, open request and recent requests."""
    permissions.require(staff, permissions.READERS, "查询")
    item = await find_item(session, code, staff)
    lines = [item_state(item)]
    if item.department is not None:
        lines.append(f"实施主体：{item.department.name}")
    if item.legal_time_limit:
        lines.append(f"法定时限：{item.legal_time_limit}")
    if item.promised_time_limit:
        lines.append(f"承诺时限：{item.promised_time_limit}")
    if item.phone:
        lines.append(f"联系电话：{item.phone}")
    if item.status == PublicationStatus.SUSPENDED.value and item.suspension_reason:
        lines.append(f"暂停理由：{item.suspension_reason}")
    retired = await session.get(RetiredCode, item.code)
    if retired is not None:
        where = f"，已合并入 {retired.merged_into}" if retired.merged_into else ""
        lines.append(
            f"代码废止库：{retired.retired_at:%Y-%m-%d} 作废{where}；依据：{retired.basis}"
        )
    pending = await open_request(session, "item", item.id)
    if pending is not None:
        lines.append(f"未办结：{request_line(pending)}")
    history = [r for r in await _requests_of(session, item, 4) if r is not pending][:3]
    if history:
        lines.append("最近申请：\n" + "\n".join(request_line(r) for r in history))
    return Outcome(action="item.view", target=item.code, message="\n".join(lines))


async def pending_requests(session: AsyncSession, staff: StaffMember) -> list[ChangeRequest]:
    """The requests waiting for this staff member's step (never their own for review)."""
    role = permissions.role_of(staff)
    states: list[str] = []
    if role in permissions.REVIEWERS | permissions.FUND_MANAGERS | permissions.POVERTY_MANAGERS:
        states.append(RequestState.PENDING_REVIEW.value)
    if role in permissions.DECIDERS:
        states.append(RequestState.PENDING_DECISION.value)
    if role in (Role.CLERK, Role.FINANCE, Role.POVERTY_OFFICE, Role.REVIEW_OFFICE, Role.ADMIN):
        states.append(RequestState.APPROVED.value)
    if not states:
        return []
    rows = await session.scalars(
        select(ChangeRequest).where(ChangeRequest.state.in_(states)).order_by(ChangeRequest.id)
    )
    mine: list[ChangeRequest] = []
    for request in rows:
        if request.state == RequestState.APPROVED.value:
            if not await _publishes(session, staff, request):
                continue
        elif request.target_kind in lists.LIST_KINDS:
            if not lists.reviews_next(staff, request):
                continue
        elif role not in permissions.REVIEWERS | permissions.DECIDERS or (
            request.proposer_id == staff.id
            or (
                request.state == RequestState.PENDING_DECISION.value
                and request.reviewer_id == staff.id
            )
            or request.target_kind != "item"
        ):
            continue
        mine.append(request)
    return mine


async def _publishes(session: AsyncSession, staff: StaffMember, request: ChangeRequest) -> bool:
    role = permissions.role_of(staff)
    if role is Role.ADMIN:
        return True
    if request.target_kind == "item":
        if role is Role.REVIEW_OFFICE:
            return True
        item = await session.get(Item, request.target_id)
        return role is Role.CLERK and item is not None and item.department_id == staff.department_id
    if request.target_kind == "fund":
        return role is Role.FINANCE or request.proposer_id == staff.id
    if request.target_kind in lists.FUND_KINDS:
        return role is Role.FINANCE
    return role is Role.POVERTY_OFFICE


async def item_log(session: AsyncSession, staff: StaffMember, code: str) -> Outcome:
    """日志 CODE: the audit entries and requests of one item, newest first."""
    permissions.require(staff, permissions.READERS, "查看日志")
    item = await find_item(session, code, staff)
    entries = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target == item.code[:64])
            .order_by(AuditEntry.seq.desc())
            .limit(HISTORY_LINES)
        )
    ).all()
    lines = [item_state(item), "操作记录（最新在前）："]
    for entry in entries:
        when = entry.at.strftime("%Y-%m-%d %H:%M")
        lines.append(f"{when} {entry.actor}（{entry.role}）{entry.action} {entry.result}")
    if not entries:
        lines.append("（暂无记录）")
    requests = await _requests_of(session, item, HISTORY_LINES)
    if requests:
        lines.append("申请：\n" + "\n".join(request_line(r) for r in requests))
    return Outcome(action="item.log", target=item.code, message="\n".join(lines))
