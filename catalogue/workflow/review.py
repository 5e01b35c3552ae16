"""通过 / 驳回: 审改办 review and the county government's decision (第九条); the proposer,
and for a decision also the reviewer, never approve their own request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, Item, PublicationStatus, StaffMember, utcnow
from catalogue.workflow import completeness, lists, permissions
from catalogue.workflow.errors import ForbiddenError, InvalidInputError, InvalidStateError
from catalogue.workflow.lookup import find_request, request_line
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import (
    DESTRUCTIVE_ACTIONS,
    OPEN_STATES,
    RESUME_DAYS,
    Action,
    ChangeClass,
    RequestState,
    needs_decision,
)
from catalogue.workflow.workdays import add_days, china_date


def is_destructive(request: ChangeRequest) -> bool:
    """Approving an abolition or a merger is confirmed (and second-factored) like the command."""
    return request.target_kind == "item" and Action(request.action) in DESTRUCTIVE_ACTIONS


def _snapshot(request: ChangeRequest) -> dict[str, object]:
    return {"request": request.id, "state": request.state}


async def approve(
    session: AsyncSession, staff: StaffMember, ref: str, *, now: datetime | None = None
) -> Outcome:
    """Move a request one step on: review → (decision →) approved, ready to publish."""
    now = now or utcnow()
    request = await find_request(session, ref)
    if request.target_kind in lists.LIST_KINDS:  # fund and poverty lists: their own reviewers
        return await lists.approve_list_request(session, staff, request, now=now)
    before = _snapshot(request)
    permissions.require_not_proposer(staff, request.proposer_id)
    klass = ChangeClass(request.change_class) if request.change_class else None
    action = Action(request.action)
    if request.state == RequestState.PENDING_REVIEW.value:
        permissions.require(staff, permissions.REVIEWERS, "审核权责清单变更")
        request.reviewer_id = staff.id
        request.reviewed_at = now
        if needs_decision(action, klass):
            request.state = RequestState.PENDING_DECISION.value
            step = "审核通过，已提请县政府审定"
        else:
            request.state = RequestState.APPROVED.value
            step = "审核通过，可以发布"
    elif request.state == RequestState.PENDING_DECISION.value:
        permissions.require(staff, permissions.DECIDERS, "审定权责清单变更")
        if staff.id == request.reviewer_id:
            raise ForbiddenError("您已审核过这项申请，审定须由另一位人员办理。")
        request.approver_id = staff.id
        request.decided_at = now
        request.state = RequestState.APPROVED.value
        step = "县政府审定通过，可以发布"
    else:
        raise InvalidStateError(f"这项申请现在不需要审核：{request_line(request)}")
    # Completeness (《建设运行办法》第十条至第十二条): nothing incomplete is approved.
    await completeness.require_request_complete(session, request, "通过", now=now)
    if request.state == RequestState.APPROVED.value and action is Action.RESUME:
        # 第十二条: restored within 2 days of the review office's confirmation.
        request.due_on = add_days(china_date(now), RESUME_DAYS)
    await session.flush()
    return Outcome(
        action=f"request.{'decide' if request.approver_id == staff.id else 'review'}",
        target=request.target_code or f"#{request.id}",
        message=f"{step}。\n{request_line(request)}",
        before=before,
        after=_snapshot(request),
    )


async def reject(
    session: AsyncSession,
    staff: StaffMember,
    ref: str,
    reason: str,
    *,
    now: datetime | None = None,
) -> Outcome:
    """驳回 with a reason; a rejected draft submission goes back to 草稿."""
    now = now or utcnow()
    if not reason.strip():
        raise InvalidInputError("驳回须写明理由，例如：驳回 #12 设定依据引用有误。")
    request = await find_request(session, ref)
    before = _snapshot(request)
    permissions.require_not_proposer(staff, request.proposer_id)
    if request.target_kind in lists.LIST_KINDS:  # fund and poverty lists: their own reviewers
        lists.require_list_reviewer(staff, request)
        if request.state not in OPEN_STATES:
            raise InvalidStateError(f"这项申请已办结，不能驳回：{request_line(request)}")
    elif request.state == RequestState.PENDING_REVIEW.value:
        permissions.require(staff, permissions.REVIEWERS, "驳回申请")
        request.reviewer_id = staff.id
        request.reviewed_at = now
    elif request.state == RequestState.PENDING_DECISION.value:
        permissions.require(staff, permissions.DECIDERS, "驳回申请")
        request.approver_id = staff.id
        request.decided_at = now
    elif request.state == RequestState.APPROVED.value:
        permissions.require(staff, permissions.REVIEWERS | permissions.DECIDERS, "驳回申请")
    else:
        raise InvalidStateError(f"这项申请已办结，不能驳回：{request_line(request)}")
    request.state = RequestState.REJECTED.value
    request.rejection_reason = reason.strip()
    if request.target_kind == "item" and request.action == Action.PUBLISH.value:
        item = await session.get(Item, request.target_id)
        if item is not None and item.status == PublicationStatus.PENDING_REVIEW.value:
            item.status = PublicationStatus.DRAFT.value
    await session.flush()
    return Outcome(
        action="request.reject",
        target=request.target_code or f"#{request.id}",
        message=f"已驳回，理由：{reason.strip()}\n{request_line(request)}",
        before=before,
        after={**_snapshot(request), "reason": reason.strip()},
    )
