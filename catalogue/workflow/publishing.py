"""发布: put approved requests live — one, several, or all the staff member may publish.

Each request is published in its own savepoint: one that cannot be published (its item changed
meanwhile, its status no longer allows it) is listed with the reason and never blocks the
others. Publishing is a compare-and-set step like every decision (`holds.move`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, Item, Role, StaffMember, utcnow
from catalogue.workflow import completeness, holds, lists, permissions
from catalogue.workflow.apply import apply_item_request
from catalogue.workflow.errors import (
    ForbiddenError,
    Gate,
    Missing,
    MissingArgument,
    Operation,
    WorkflowError,
    WrongRequestState,
)
from catalogue.workflow.lookup import RequestRef, find_request
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import Applied, ListApplied, Published, RequestInfo, Skipped
from catalogue.workflow.rules import ITEM_LIFECYCLE, Action, RequestState, Step, request_step

_PUBLISH = request_step(Step.PUBLISH, RequestState.APPROVED.value)


async def _may_publish(session: AsyncSession, staff: StaffMember, request: ChangeRequest) -> None:
    if request.target_kind == "item":
        transition = ITEM_LIFECYCLE[Action(request.action)]
        permissions.require(staff, transition.publishers, Operation.PUBLISH)
        if staff.role == Role.CLERK.value:
            ids = request.payload.get("item_ids") or [request.target_id]
            for item_id in ids:
                item = await session.get(Item, item_id)
                permissions.require_department(
                    staff, item.department_id if item else None, Operation.PUBLISH
                )
    else:
        await lists.require_publisher(session, staff, request)


async def publishable(session: AsyncSession, staff: StaffMember) -> list[ChangeRequest]:
    """Every approved request this staff member may publish, oldest first."""
    approved = (
        await session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.state == RequestState.APPROVED.value)
            .order_by(ChangeRequest.id)
        )
    ).all()
    mine: list[ChangeRequest] = []
    for request in approved:
        try:
            await _may_publish(session, staff, request)
        except ForbiddenError:
            continue
        mine.append(request)
    return mine


async def _select(
    session: AsyncSession, staff: StaffMember, refs: Sequence[RequestRef] | None
) -> list[ChangeRequest]:
    if refs is None:
        mine = await publishable(session, staff)
        if not mine:
            raise MissingArgument(Missing.PUBLISHABLE)
        return mine
    if not refs:
        raise MissingArgument(Missing.REQUESTS)
    requests: list[ChangeRequest] = []
    for ref in refs:
        request = await find_request(session, ref, staff)
        if request not in requests:
            requests.append(request)
    return requests


async def _publish_one(
    session: AsyncSession, staff: StaffMember, request: ChangeRequest, now: datetime
) -> tuple[Outcome, Applied | ListApplied]:
    """Publish one request in its own savepoint (its failure undoes only itself).

    The checks that only read come first: on SQLite a savepoint opens the transaction, and
    reads inside it before the first write could meet a snapshot another writer has moved.
    """
    if request.state != RequestState.APPROVED.value or _PUBLISH is None:
        raise WrongRequestState(request.id, request.state, Step.PUBLISH.value)
    await _may_publish(session, staff, request)
    # Completeness (《建设运行办法》第十条至第十二条): nothing incomplete goes live.
    await completeness.require_request_complete(session, request, Gate.PUBLISH, now=now)
    async with session.begin_nested():
        await holds.move(session, request, _PUBLISH, staff, now, applied_at=now)
        if request.target_kind == "item":
            outcome = await apply_item_request(session, request, now=now)
            applied: Applied | ListApplied = outcome.result
        else:
            outcome = await lists.apply_list_request(session, request, now=now)
            applied = outcome.result
    return outcome, applied


async def publish(
    session: AsyncSession,
    staff: StaffMember,
    refs: Sequence[RequestRef] | None,
    *,
    now: datetime | None = None,
) -> Outcome:
    """Publish the named approved requests (`None`: every one the staff member may publish).

    A single named request that cannot be published is refused; of several, each is tried
    on its own and the rest are listed with their reasons.
    """
    now = now or utcnow()
    requests = await _select(session, staff, refs)
    total = Outcome(action="request.publish", target=f"{len(requests)} requests")
    applied: list[Applied | ListApplied] = []
    skipped: list[Skipped] = []
    for request in requests:
        info = RequestInfo.of(request)
        try:
            outcome, done = await _publish_one(session, staff, request, now)
        except WorkflowError as error:
            if len(requests) == 1:
                raise
            skipped.append(Skipped(info, error))
            continue
        total.parts.append(outcome)
        total.merge(outcome)
        applied.append(done)
    if len(requests) == 1:
        only = total.parts[0]
        total.action, total.target = only.action, only.target
        total.before, total.after = only.before, only.after
        total.parts = []
    else:
        total.after["skipped"] = [s.request.id for s in skipped]
    total.result = Published(tuple(applied), tuple(skipped))
    return total
