"""Who is told when a change request is filed or moves (谁发布、谁审核、谁负责).

A request that reaches a step is owed a notice to the people whose step it now waits for
(the roles of the lifecycle table `rules.REQUEST_STEPS` and the list reviewers of `lists`:
审改办/法制办 for review, the county government for a decision, the publishers once approved;
the other finance reviewers or poverty-office staff for a list request). A request that is
decided (approved, rejected, applied) is owed a notice to its proposer, with the rejection
reason. Nobody is told of their own step.

`holds.file` and `holds.move` — the only places a request is filed or moves — remember the
request on the session; `queue` (called by the runner before it commits) turns them into
`StaffNotice` rows in the same transaction, so a notice exists exactly when the step does.
Sending and wording are the channel's (the WeCom notifier in handlers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, Role, StaffMember, StaffNotice, utcnow
from catalogue.workflow import holds
from catalogue.workflow.rules import OPEN_STATES, RequestState
from catalogue.workflow.views import waits_for
from catalogue.workflow.workdays import CHINA_OFFSET

NEXT = "next"  # the request waits for the recipient's step
DECIDED = "decided"  # the recipient's own request was decided
# The proposer hears of these states of their request; a withdrawal is their own step.
DECISIONS = frozenset(
    {RequestState.APPROVED.value, RequestState.REJECTED.value, RequestState.APPLIED.value}
)


@dataclass(frozen=True, slots=True)
class Recipient:
    """One staff member owed a notice about one request."""

    staff_id: int
    kind: str  # NEXT | DECIDED


async def next_people(
    session: AsyncSession, request: ChangeRequest, staff: list[StaffMember]
) -> list[StaffMember]:
    """The active staff whose step `request` now waits for. Administrators may act for every
    role, but they are told only when no one of the proper role is there to act."""
    waiting = [member for member in staff if await waits_for(session, member, request)]
    proper = [member for member in waiting if member.role != Role.ADMIN.value]
    return proper or waiting


async def recipients(
    session: AsyncSession, request: ChangeRequest, actor_id: int | None
) -> list[Recipient]:
    """Who is owed a notice now that `request` stands where it stands (never the actor)."""
    found: list[Recipient] = []
    if request.state in DECISIONS and request.proposer_id != actor_id:
        found.append(Recipient(request.proposer_id, DECIDED))
    if request.state in OPEN_STATES:
        staff = list(
            await session.scalars(
                select(StaffMember).where(StaffMember.active.is_(True)).order_by(StaffMember.id)
            )
        )
        for member in await next_people(session, request, staff):
            if member.id != actor_id and member.id != request.proposer_id:
                found.append(Recipient(member.id, NEXT))
    return found


async def queue(session: AsyncSession, actor_id: int | None, now: datetime | None = None) -> int:
    """Queue the notices owed for the requests filed or moved in this transaction."""
    moved = holds.take_moved(session)
    at = now or utcnow()
    count = 0
    for request in moved:
        await session.refresh(request)
        for recipient in await recipients(session, request, actor_id):
            session.add(
                StaffNotice(
                    recipient_id=recipient.staff_id,
                    request_id=request.id,
                    kind=recipient.kind,
                    state=request.state,
                    created_at=at,
                )
            )
            count += 1
    return count


async def decided_since(
    session: AsyncSession, staff: StaffMember, since: datetime
) -> list[ChangeRequest]:
    """This staff member's own requests decided (approved, rejected, applied) since `since`."""
    rows = await session.scalars(
        select(ChangeRequest)
        .where(
            ChangeRequest.proposer_id == staff.id,
            ChangeRequest.state.in_(DECISIONS),
            ChangeRequest.updated_at >= since,
        )
        .order_by(ChangeRequest.id)
    )
    return list(rows)


def yesterday_start(today: date) -> datetime:
    """The start of the day before `today` (a Beijing date), as a UTC moment."""
    start = datetime.combine(today - timedelta(days=1), time()) - CHINA_OFFSET
    return start.replace(tzinfo=UTC)
