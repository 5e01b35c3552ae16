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
from catalogue.workflow.errors import Operation
from catalogue.workflow.lookup import find_item, open_request
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import (
    ItemLog,
    ItemState,
    ItemView,
    LogLine,
    RequestInfo,
    RetiredInfo,
)
from catalogue.workflow.rules import RequestState

HISTORY_LINES = 8
LOG_LINES = 30


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
    permissions.require(staff, permissions.READERS, Operation.READ)
    item = await find_item(session, code, staff)
    retired = await session.get(RetiredCode, item.code)
    pending = await open_request(session, "item", item.id)
    history = [r for r in await _requests_of(session, item, 4) if r is not pending][:3]
    suspended = item.status == PublicationStatus.SUSPENDED.value
    view = ItemView(
        item=ItemState.of(item),
        department=item.department.name if item.department is not None else "",
        legal_time_limit=str(item.legal_time_limit) if item.legal_time_limit else "",
        promised_time_limit=str(item.promised_time_limit) if item.promised_time_limit else "",
        phone=item.phone,
        suspension_reason=(item.suspension_reason or "") if suspended else "",
        retired=RetiredInfo.of(retired) if retired is not None else None,
        open_request=RequestInfo.of(pending) if pending is not None else None,
        history=tuple(RequestInfo.of(r) for r in history),
    )
    return Outcome(action="item.view", target=item.code, result=view)


async def pending_requests(session: AsyncSession, staff: StaffMember) -> list[ChangeRequest]:
    """The requests waiting for this staff member's step (never their own for review)."""
    states = _waiting_states(staff)
    if not states:
        return []
    rows = await session.scalars(
        select(ChangeRequest).where(ChangeRequest.state.in_(states)).order_by(ChangeRequest.id)
    )
    return [request for request in rows if await waits_for(session, staff, request)]


def _waiting_states(staff: StaffMember) -> list[str]:
    role = permissions.role_of(staff)
    states: list[str] = []
    if role in permissions.REVIEWERS | permissions.FUND_MANAGERS | permissions.POVERTY_MANAGERS:
        states.append(RequestState.PENDING_REVIEW.value)
    if role in permissions.DECIDERS:
        states.append(RequestState.PENDING_DECISION.value)
    if role in (Role.CLERK, Role.FINANCE, Role.POVERTY_OFFICE, Role.REVIEW_OFFICE, Role.ADMIN):
        states.append(RequestState.APPROVED.value)
    return states


async def waits_for(session: AsyncSession, staff: StaffMember, request: ChangeRequest) -> bool:
    """Whether `request` waits for this staff member's step (review, decision, publication)
    by the lifecycle table's roles; never the proposer's own review, nor a second step of
    whoever reviewed it."""
    if not staff.active or request.state not in _waiting_states(staff):
        return False
    role = permissions.role_of(staff)
    if request.state == RequestState.APPROVED.value:
        return await _publishes(session, staff, request)
    if request.target_kind in lists.LIST_KINDS:
        return lists.reviews_next(staff, request)
    return not (
        role not in permissions.REVIEWERS | permissions.DECIDERS
        or request.proposer_id == staff.id
        or (
            request.state == RequestState.PENDING_DECISION.value and request.reviewer_id == staff.id
        )
        or request.target_kind != "item"
    )


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


async def codes_of(session: AsyncSession, item: Item) -> list[str]:
    """Every code the item was known by: its own, the codes it had before a change of
    实施主体, and the codes of the items merged into it."""
    earlier = await session.scalars(
        select(RetiredCode.code).where(
            or_(
                (RetiredCode.item_id == item.id) & (RetiredCode.reason == "recoded"),
                (RetiredCode.merged_into == item.code) & (RetiredCode.reason == "merged"),
            )
        )
    )
    return [item.code, *earlier]


async def item_log(session: AsyncSession, staff: StaffMember, code: str) -> Outcome:
    """日志 CODE: every audited step on the item under any of its codes (batch publications
    included), newest first, and its requests."""
    permissions.require(staff, permissions.READERS, Operation.LOG)
    item = await find_item(session, code, staff)
    codes = await codes_of(session, item)
    entries = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target.in_([c[:64] for c in codes]))
            .order_by(AuditEntry.seq.desc())
            .limit(LOG_LINES + 1)
        )
    ).all()
    requests = await _requests_of(session, item, HISTORY_LINES)
    log = ItemLog(
        item=ItemState.of(item),
        entries=tuple(
            LogLine(e.at, e.actor, e.role, e.action, e.result) for e in entries[:LOG_LINES]
        ),
        more=len(entries) > LOG_LINES,
        requests=tuple(RequestInfo.of(r) for r in requests),
        codes=tuple(codes),
    )
    return Outcome(action="item.log", target=item.code, result=log)
