"""Races decided by the database: one open request per record, one winner per decision.

Filing a request inserts a hold per record it touches (`request_holds`, primary key
(kind, id)); of two proposals racing on one record only one insert succeeds, and the loser
is told which request holds the record. Every step on a request is a compare-and-set on its
state and version (`UPDATE … WHERE id AND state AND version`): of two concurrent decisions
exactly one changes a row, the other is told what happened instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, RequestHold, StaffMember
from catalogue.workflow.errors import DecisionLost, RequestAlreadyOpen
from catalogue.workflow.rules import RequestState, RequestStep

Target = tuple[str, int]  # (target kind, record id)
# The requests filed or moved in a session's transaction, for the notices owed on them.
_MOVED = "zwbot.moved_requests"


def _remember(session: AsyncSession, request: ChangeRequest) -> None:
    moved: list[ChangeRequest] = session.info.setdefault(_MOVED, [])
    if request not in moved:
        moved.append(request)


def take_moved(session: AsyncSession) -> list[ChangeRequest]:
    """The requests filed or moved in this transaction so far (and forget them)."""
    moved: list[ChangeRequest] = session.info.pop(_MOVED, [])
    return moved


async def holder(session: AsyncSession, kind: str, target_id: int) -> ChangeRequest | None:
    """The open request holding a record, if any (as committed now)."""
    return await session.scalar(
        select(ChangeRequest)
        .join(RequestHold, RequestHold.request_id == ChangeRequest.id)
        .where(RequestHold.target_kind == kind, RequestHold.target_id == target_id)
        .execution_options(populate_existing=True)
    )


def already_open(code: str, request: ChangeRequest) -> RequestAlreadyOpen:
    """The refusal naming the request that holds a record."""
    return RequestAlreadyOpen(code, request.id, request.action, request.state)


async def file(
    session: AsyncSession, request: ChangeRequest, targets: Sequence[Target], code: str = ""
) -> None:
    """Insert `request` and hold each record of `targets` for it; refused when one is held.

    Each hold goes in a savepoint so that the loser of a race gets a clear refusal naming
    the winner (the transaction is rolled back by the caller anyway).
    """
    session.add(request)
    await session.flush()
    for kind, target_id in targets:
        try:
            async with session.begin_nested():
                session.add(
                    RequestHold(target_kind=kind, target_id=target_id, request_id=request.id)
                )
        except IntegrityError:
            winner = await holder(session, kind, target_id)
            if winner is None:  # the winner rolled back meanwhile: let the runner say conflict
                raise
            raise already_open(code or request.target_code, winner) from None
    _remember(session, request)


async def release(session: AsyncSession, request: ChangeRequest) -> None:
    """Let go of every record a closing request held."""
    await session.execute(
        delete(RequestHold)
        .where(RequestHold.request_id == request.id)
        .execution_options(synchronize_session=False)
    )


_RECORDERS = {
    "reviewer": ("reviewer_id", "reviewed_at"),
    "approver": ("approver_id", "decided_at"),
}


async def move(
    session: AsyncSession,
    request: ChangeRequest,
    step: RequestStep,
    staff: StaffMember,
    now: datetime,
    **values: Any,
) -> None:
    """Move `request` by `step` if it is still where it was read (state and version);
    otherwise raise `DecisionLost` saying what happened instead. Closing steps release the
    request's holds."""
    changes: dict[str, Any] = dict(values)
    if step.records:
        who, when = _RECORDERS[step.records]
        changes[who] = staff.id
        changes[when] = now
    closing = step.target.value not in (
        RequestState.PENDING_REVIEW.value,
        RequestState.PENDING_DECISION.value,
        RequestState.APPROVED.value,
    )
    if closing:
        changes["closed_by_id"] = staff.id
        changes["closed_at"] = now
    result = await session.execute(
        update(ChangeRequest)
        .where(
            ChangeRequest.id == request.id,
            ChangeRequest.state == step.source.value,
            ChangeRequest.version == request.version,
        )
        .values(state=step.target.value, version=ChangeRequest.version + 1, **changes)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise await lost(session, request.id)
    await session.refresh(request)
    _remember(session, request)
    if closing:
        await release(session, request)


async def touch(session: AsyncSession, request: ChangeRequest, **values: Any) -> None:
    """Change an open request where it stands (e.g. a first review recorded on its payload),
    if it is still as it was read; otherwise raise `DecisionLost`."""
    result = await session.execute(
        update(ChangeRequest)
        .where(
            ChangeRequest.id == request.id,
            ChangeRequest.state == request.state,
            ChangeRequest.version == request.version,
        )
        .values(version=ChangeRequest.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise await lost(session, request.id)
    await session.refresh(request)


async def lost(session: AsyncSession, request_id: int) -> DecisionLost:
    """What became of a request someone else moved first: its state, by whom and when."""
    fresh = await session.get(ChangeRequest, request_id, populate_existing=True)
    if fresh is None:
        return DecisionLost(request_id, "", None, None, "")
    state = RequestState(fresh.state)
    by_id, at = {
        RequestState.PENDING_DECISION: (fresh.reviewer_id, fresh.reviewed_at),
        RequestState.APPROVED: (
            fresh.approver_id or fresh.reviewer_id,
            fresh.decided_at or fresh.reviewed_at,
        ),
        RequestState.REJECTED: (fresh.closed_by_id, fresh.closed_at),
        RequestState.APPLIED: (fresh.closed_by_id, fresh.closed_at),
        RequestState.WITHDRAWN: (fresh.closed_by_id, fresh.closed_at),
    }.get(state, (None, None))
    staff = await session.get(StaffMember, by_id) if by_id is not None else None
    return DecisionLost(
        request_id,
        fresh.state,
        staff.name if staff is not None else None,
        at,
        fresh.rejection_reason,
    )
