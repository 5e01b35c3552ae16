"""发布: put approved requests live — one, several, or all the staff member may publish."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, Item, Role, StaffMember, utcnow
from catalogue.workflow import completeness, lists, permissions
from catalogue.workflow.apply import apply_item_request
from catalogue.workflow.errors import ForbiddenError, InvalidStateError, NotFoundError
from catalogue.workflow.lookup import find_request, request_line
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import RequestState

ALL_WORDS = frozenset({"全部", "所有", "all"})


async def _may_publish(session: AsyncSession, staff: StaffMember, request: ChangeRequest) -> None:
    if request.target_kind == "item":
        permissions.require(staff, permissions.PUBLISHERS, "发布事项")
        if staff.role == Role.CLERK.value:
            ids = request.payload.get("item_ids") or [request.target_id]
            for item_id in ids:
                item = await session.get(Item, item_id)
                permissions.require_department(staff, item.department_id if item else None, "发布")
    else:
        await lists.require_publisher(session, staff, request)


async def _publishable(session: AsyncSession, staff: StaffMember) -> list[ChangeRequest]:
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


async def select_requests(
    session: AsyncSession, staff: StaffMember, refs: Sequence[str]
) -> list[ChangeRequest]:
    """The approved requests `发布 …` names (`全部` = every one the staff member may publish)."""
    if not refs:
        raise NotFoundError("请写明要发布的申请，例如：发布 #12，或 发布 全部。")
    if len(refs) == 1 and refs[0].strip().lower() in ALL_WORDS:
        requests = await _publishable(session, staff)
        if not requests:
            raise NotFoundError("没有您可以发布的已批准申请。")
        return requests
    requests = []
    for ref in refs:
        request = await find_request(session, ref)
        if request.state != RequestState.APPROVED.value:
            raise InvalidStateError(f"这项申请还不能发布：{request_line(request)}")
        if request not in requests:
            requests.append(request)
    return requests


async def publish(
    session: AsyncSession,
    staff: StaffMember,
    refs: Sequence[str],
    *,
    now: datetime | None = None,
) -> Outcome:
    """Apply every named approved request; all or nothing (the caller's transaction)."""
    now = now or utcnow()
    requests = await select_requests(session, staff, refs)
    total = Outcome(action="request.publish", target="", message="")
    lines: list[str] = []
    for request in requests:
        await _may_publish(session, staff, request)
        # Completeness (《建设运行办法》第十条至第十二条): nothing incomplete goes live.
        await completeness.require_request_complete(session, request, "发布", now=now)
        if request.target_kind == "item":
            outcome = await apply_item_request(session, request, now=now)
        else:
            outcome = await lists.apply_list_request(session, request, now=now)
        request.state = RequestState.APPLIED.value
        request.applied_at = now
        total.merge(outcome)
        lines.append(outcome.message)
    await session.flush()
    total.target = f"{len(requests)} requests"
    if len(requests) == 1:
        total.target = outcome.target
        total.action = outcome.action
        total.before, total.after = outcome.before, outcome.after
    head = f"已发布 {len(requests)} 项：\n" if len(requests) > 1 else ""
    total.message = head + "\n\n".join(lines)
    return total
