"""通过 / 驳回 / 撤回: 审改办 review and the county government's decision (第九条), and the
proposer's withdrawal. Which state a step moves a request from and to, and who may take it,
is `rules.REQUEST_STEPS`; every step is a compare-and-set (`holds.move`), so of two
concurrent decisions exactly one wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, Item, PublicationStatus, StaffMember, utcnow
from catalogue.workflow import completeness, holds, lists, permissions
from catalogue.workflow.errors import (
    Gate,
    Missing,
    MissingArgument,
    NotProposer,
    Operation,
    ReviewerCannotDecide,
    WrongRequestState,
)
from catalogue.workflow.guards import guard_transition
from catalogue.workflow.lookup import RequestRef, find_request
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import Moved, RequestInfo
from catalogue.workflow.rules import (
    DESTRUCTIVE_ACTIONS,
    ITEM_LIFECYCLE,
    RESUME_DAYS,
    Action,
    ChangeClass,
    RequestState,
    RequestStep,
    Step,
    needs_decision,
    request_step,
)
from catalogue.workflow.workdays import add_days, china_date


def is_destructive(request: ChangeRequest) -> bool:
    """Approving an abolition or a merger is confirmed (and second-factored) like the command."""
    return request.target_kind == "item" and Action(request.action) in DESTRUCTIVE_ACTIONS


def _snapshot(request: ChangeRequest) -> dict[str, object]:
    return {"request": request.id, "state": request.state, "version": request.version}


def _step(request: ChangeRequest, step: Step) -> RequestStep:
    klass = ChangeClass(request.change_class) if request.change_class else None
    found = request_step(
        step, request.state, decision_follows=needs_decision(Action(request.action), klass)
    )
    if found is None:
        raise WrongRequestState(request.id, request.state, step.value)
    return found


_OPERATION = {
    RequestState.PENDING_REVIEW: Operation.REVIEW,
    RequestState.PENDING_DECISION: Operation.DECIDE,
}


def _require_role(staff: StaffMember, request: ChangeRequest, found: RequestStep) -> None:
    operation = Operation.REJECT if found.step is Step.REJECT else _OPERATION[found.source]
    permissions.require(staff, found.roles, operation)
    if found.records == "approver" and staff.id == request.reviewer_id:
        raise ReviewerCannotDecide(request.id)


async def _guard_items(session: AsyncSession, request: ChangeRequest, step: Step) -> None:
    if request.target_kind != "item":
        return
    action = Action(request.action)
    for item_id in request.payload.get("item_ids") or [request.target_id]:
        item = await session.get(Item, item_id)
        if item is not None:
            await guard_transition(session, item, action, step)


async def approve(
    session: AsyncSession, staff: StaffMember, ref: RequestRef, *, now: datetime | None = None
) -> Outcome:
    """Move a request one step on: review → (decision →) approved, ready to publish."""
    now = now or utcnow()
    request = await find_request(session, ref, staff)
    if request.target_kind in lists.LIST_KINDS:  # fund and poverty lists: their own reviewers
        return await lists.approve_list_request(session, staff, request, now=now)
    before = _snapshot(request)
    permissions.require_not_proposer(staff, request.proposer_id, request.id)
    found = _step(request, Step.APPROVE)
    _require_role(staff, request, found)
    await _guard_items(session, request, Step.APPROVE)
    # Completeness (《建设运行办法》第十条至第十二条): nothing incomplete is approved.
    await completeness.require_request_complete(session, request, Gate.APPROVE, now=now)
    values: dict[str, object] = {}
    if found.target is RequestState.APPROVED and request.action == Action.RESUME.value:
        # 第十二条: restored within 2 days of the review office's confirmation.
        values["due_on"] = add_days(china_date(now), RESUME_DAYS)
    await holds.move(session, request, found, staff, now, **values)
    return Outcome(
        action=f"request.{'decide' if found.records == 'approver' else 'review'}",
        target=request.target_code or f"#{request.id}",
        result=Moved(RequestInfo.of(request), Step.APPROVE),
        before=before,
        after=_snapshot(request),
    )


async def reject(
    session: AsyncSession,
    staff: StaffMember,
    ref: RequestRef,
    reason: str,
    *,
    now: datetime | None = None,
) -> Outcome:
    """驳回 with a reason; a rejected draft submission goes back to 草稿."""
    now = now or utcnow()
    if not reason.strip():
        raise MissingArgument(Missing.REJECTION_REASON)
    request = await find_request(session, ref, staff)
    before = _snapshot(request)
    permissions.require_not_proposer(staff, request.proposer_id, request.id)
    found = _step(request, Step.REJECT)
    if request.target_kind in lists.LIST_KINDS:  # fund and poverty lists: their own reviewers
        lists.require_list_reviewer(staff, request)
    else:
        _require_role(staff, request, found)
    await holds.move(session, request, found, staff, now, rejection_reason=reason.strip())
    await _reopen_draft(session, request)
    return Outcome(
        action="request.reject",
        target=request.target_code or f"#{request.id}",
        result=Moved(RequestInfo.of(request), Step.REJECT, reason.strip()),
        before=before,
        after={**_snapshot(request), "reason": reason.strip()},
    )


async def withdraw(
    session: AsyncSession,
    staff: StaffMember,
    ref: RequestRef,
    *,
    now: datetime | None = None,
) -> Outcome:
    """撤回: the proposer takes back their own open request (a submission returns to 草稿)."""
    now = now or utcnow()
    request = await find_request(session, ref, staff)
    before = _snapshot(request)
    found = _step(request, Step.WITHDRAW)
    permissions.require(staff, found.roles, Operation.WITHDRAW)
    if found.proposer_only and staff.id != request.proposer_id:
        raise NotProposer(request.id)
    await holds.move(session, request, found, staff, now)
    await _reopen_draft(session, request)
    return Outcome(
        action="request.withdraw",
        target=request.target_code or f"#{request.id}",
        result=Moved(RequestInfo.of(request), Step.WITHDRAW),
        before=before,
        after=_snapshot(request),
    )


async def _reopen_draft(session: AsyncSession, request: ChangeRequest) -> None:
    """A closed submission gives its item back to the department as a draft."""
    if request.target_kind != "item" or request.action != Action.PUBLISH.value:
        return
    item = await session.get(Item, request.target_id)
    held = ITEM_LIFECYCLE[Action.PUBLISH].while_open
    if item is not None and held is not None and item.status == held.value:
        item.status = PublicationStatus.DRAFT.value
        await session.flush()
