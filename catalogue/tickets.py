"""Tickets for a human (人工): their states, owners and time limit, and what staff may do.

A ticket is answered within one working day (the county's service commitment for 人工
requests): due at the end of the first working day after the day it was opened (China time).
Delivery to the citizen is the application's business (the WeChat API); this module records
its result. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Department, Item, Role, StaffMember, Ticket, utcnow
from catalogue.workflow.errors import (
    Missing,
    MissingArgument,
    Operation,
    TicketForbidden,
    TicketNotFound,
    TicketNotOpen,
    TooLong,
)
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.workdays import CHINA_OFFSET, add_working_days, china_date

MAX_MESSAGE = 1000
MAX_ANSWER = 600  # one customer-service text with the header and signature stays < 2048 bytes
MAX_REASON = 300
SLA_WORKING_DAYS = 1


class TicketState(enum.StrEnum):
    """Where a ticket stands."""

    OPEN = "open"  # waiting for a staff answer
    ANSWERED = "answered"  # answer kept, being sent (a failed send is tried again)
    WAITING = "waiting"  # WeChat refused (48-hour window, quota): sent on the next chance
    DELIVERED = "delivered"
    CLOSED = "closed"  # closed without an answer, with a reason

    @property
    def label(self) -> str:
        """The Chinese word shown to staff."""
        return _LABELS[self]


_LABELS = {
    TicketState.OPEN: "待答复",
    TicketState.ANSWERED: "已答复·发送中",
    TicketState.WAITING: "已答复·待送达",
    TicketState.DELIVERED: "已送达",
    TicketState.CLOSED: "已关闭",
}
#: States whose answer still has to reach the citizen.
UNDELIVERED = (TicketState.ANSWERED.value, TicketState.WAITING.value)
#: States shown on the staff desk (`工单`): work not finished.
UNFINISHED = (TicketState.OPEN.value, *UNDELIVERED)
# The auditor only reads; every other active role may answer tickets.
ANSWERERS = frozenset(Role) - {Role.AUDITOR}


def due_at(opened: datetime) -> datetime:
    """The moment (UTC) by which a ticket opened at `opened` must be answered: the end of the
    first working day after the day it was opened, China time."""
    last_day = add_working_days(china_date(opened), SLA_WORKING_DAYS)
    midnight = datetime(last_day.year, last_day.month, last_day.day, tzinfo=UTC)
    return midnight + timedelta(days=1) - CHINA_OFFSET


class Standing(enum.StrEnum):
    """Where a ticket stands against its time limit."""

    CLOSED = "closed"  # closed without an answer
    ON_TIME = "on_time"  # answered within the limit
    ANSWERED_LATE = "answered_late"
    OVERDUE = "overdue"  # not answered, past the limit
    OPEN = "open"  # not answered, still within the limit


@dataclass(frozen=True, slots=True)
class Sla:
    """A ticket's standing against its time limit (the channels word it)."""

    standing: Standing
    last_day: date  # the last day to answer (China date)
    # OPEN: the time left; OVERDUE: how late; otherwise zero.
    span: timedelta = timedelta(0)

    @property
    def overdue(self) -> bool:
        """Answered late, or not answered and past the limit."""
        return self.standing in (Standing.ANSWERED_LATE, Standing.OVERDUE)


def age(ticket: Ticket, now: datetime) -> timedelta:
    """How long the ticket has existed."""
    return now - _aware(ticket.created_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sla(ticket: Ticket, now: datetime) -> Sla:
    """Whether the ticket was (or is being) answered within its time limit."""
    due = _aware(ticket.due_at) if ticket.due_at else due_at(_aware(ticket.created_at))
    last_day = china_date(due - timedelta(seconds=1))
    if ticket.state == TicketState.CLOSED:
        return Sla(Standing.CLOSED, last_day)
    if ticket.answered_at is not None:
        late = _aware(ticket.answered_at) > due
        return Sla(Standing.ANSWERED_LATE if late else Standing.ON_TIME, last_day)
    if now > due:
        return Sla(Standing.OVERDUE, last_day, now - due)
    return Sla(Standing.OPEN, last_day, due - now)


@dataclass(frozen=True, slots=True)
class TicketAnswered:
    """An answer was recorded (it is sent afterwards), and how it stood against the limit."""

    ticket_id: int
    sla: Sla


@dataclass(frozen=True, slots=True)
class TicketClosed:
    """A ticket was closed without an answer, for `reason`."""

    ticket_id: int
    reason: str


async def department_of_item(session: AsyncSession, code: str) -> int | None:
    """The department responsible for the item with `code`, if there is one."""
    if not code:
        return None
    found = await session.scalar(select(Item.department_id).where(Item.code == code))
    return int(found) if found is not None else None


async def open_ticket(
    session: AsyncSession,
    *,
    openid: str,
    message: str,
    context: str = "",
    account: str = "",
    item_code: str = "",
) -> Ticket:
    """A new open ticket for staff; its id is the number told to the citizen."""
    now = utcnow()
    ticket = Ticket(
        openid=openid,
        account=account[:64],
        message=message[:MAX_MESSAGE],
        context=context[:MAX_MESSAGE],
        item_code=item_code[:33],
        department_id=await department_of_item(session, item_code),
        state=TicketState.OPEN.value,
        created_at=now,
        due_at=due_at(now),
    )
    session.add(ticket)
    await session.flush()
    return ticket


#: The end of a ticket's message while the citizen has only asked for a person (「转人工」):
#: their next message replaces it (`add_to_ticket`).
NO_QUESTION_YET = "（还没说明问题）"
ADDED = "\n补充："


def blank_message(said: str) -> str:
    """The message of a ticket opened before the citizen said what it is about."""
    return f"{said.strip()[:100]}{NO_QUESTION_YET}"


WITHDRAWN_BY = "citizen"  # closed_by of a ticket the citizen withdrew (no staff member)
WITHDRAWN = "市民取消"


async def withdraw_ticket(session: AsyncSession, ticket_id: int, *, openid: str) -> Ticket | None:
    """Close the citizen's own open ticket at their word (「取消」 right after 「人工」); None
    when it is not theirs or no longer open (staff may be answering it)."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.openid != openid or ticket.state != TicketState.OPEN.value:
        return None
    ticket.state = TicketState.CLOSED.value
    ticket.closed_by = WITHDRAWN_BY
    ticket.closed_at = utcnow()
    ticket.close_reason = WITHDRAWN
    await session.flush()
    return ticket


async def add_to_ticket(
    session: AsyncSession, ticket_id: int, *, openid: str, text: str
) -> Ticket | None:
    """Add what the citizen said next to their open ticket: it becomes the question of a
    ticket opened before any was said, else it is appended. None when the ticket is not
    theirs or no longer open (answered or closed: a new ticket is needed)."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.openid != openid or ticket.state != TicketState.OPEN.value:
        return None
    if ticket.message.endswith(NO_QUESTION_YET):
        ticket.message = text[:MAX_MESSAGE]
    else:
        ticket.message = (ticket.message + ADDED + text)[:MAX_MESSAGE]
    await session.flush()
    return ticket


def _visible_to(staff: StaffMember, ticket: Ticket) -> bool:
    # A department's clerk works on the department's tickets and on those of no department
    # (questions not about one item); the county offices and admins on all of them.
    if staff.role != Role.CLERK:
        return True
    return ticket.department_id is None or ticket.department_id == staff.department_id


async def unfinished_tickets(
    session: AsyncSession, staff: StaffMember, *, limit: int = 30
) -> list[Ticket]:
    """Tickets not answered or not delivered yet that `staff` works on, oldest first."""
    query = select(Ticket).where(Ticket.state.in_(UNFINISHED)).order_by(Ticket.id)
    if staff.role == Role.CLERK:
        query = query.where(
            (Ticket.department_id.is_(None)) | (Ticket.department_id == staff.department_id)
        )
    return list(await session.scalars(query.limit(limit)))


def on_duty(staff: StaffMember, duty_user_ids: Sequence[str]) -> bool:
    """Whether `staff` is on duty for tickets: named in `duty_user_ids` (the deployment's
    duty staff), or an administrator when nobody is named."""
    if duty_user_ids:
        return staff.wecom_user_id in duty_user_ids
    return staff.role == Role.ADMIN.value


async def tickets_waiting_for(
    session: AsyncSession, staff: StaffMember, *, on_duty: bool, limit: int = 30
) -> list[Ticket]:
    """Open tickets (待答复) that wait for this member's answer, oldest first: a department's
    tickets for its active clerks; the tickets of no department, or of a department without an
    active clerk, for the staff on duty (those told of new tickets). For 待办 and the daily
    summary; `工单` lists every ticket the member may answer."""
    if Role(staff.role) not in ANSWERERS or not staff.active:
        return []
    mine = []
    if staff.role == Role.CLERK.value and staff.department_id is not None:
        mine.append(Ticket.department_id == staff.department_id)
    if on_duty:
        staffed = select(StaffMember.department_id).where(
            StaffMember.active.is_(True),
            StaffMember.role == Role.CLERK.value,
            StaffMember.department_id.is_not(None),
        )
        mine.append(Ticket.department_id.is_(None) | Ticket.department_id.not_in(staffed))
    if not mine:
        return []
    query = (
        select(Ticket)
        .where(Ticket.state == TicketState.OPEN.value, or_(*mine))
        .order_by(Ticket.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def get_ticket(session: AsyncSession, ticket_id: int, *, lock: bool = False) -> Ticket:
    """The ticket, or `NotFoundError`."""
    query = select(Ticket).where(Ticket.id == ticket_id)
    if lock:
        query = query.with_for_update()
    ticket = await session.scalar(query)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


def _may_work_on(staff: StaffMember, ticket: Ticket, operation: Operation) -> None:
    if Role(staff.role) not in ANSWERERS:
        raise TicketForbidden(ticket.id, operation, other_department=False)
    if not _visible_to(staff, ticket):
        raise TicketForbidden(ticket.id, operation, other_department=True)


def _require_open(ticket: Ticket, operation: Operation) -> None:
    if ticket.state != TicketState.OPEN:
        by = ticket.answered_by or ticket.closed_by or ""
        raise TicketNotOpen(ticket.id, operation, ticket.state, by)


async def answer_ticket(
    session: AsyncSession, staff: StaffMember, ticket_id: int, answer: str
) -> Outcome:
    """Record a staff member's answer (the ticket becomes theirs); it is sent afterwards."""
    text = answer.strip()
    if not text:
        raise MissingArgument(Missing.TICKET_ANSWER)
    if len(text) > MAX_ANSWER:
        raise TooLong(Missing.TICKET_ANSWER, len(text), MAX_ANSWER)
    ticket = await get_ticket(session, ticket_id, lock=True)
    _may_work_on(staff, ticket, Operation.ANSWER)
    _require_open(ticket, Operation.ANSWER)
    now = utcnow()
    ticket.state = TicketState.ANSWERED.value
    ticket.answer = text
    ticket.answered_by = staff.wecom_user_id
    ticket.answered_at = now
    ticket.owner = staff.wecom_user_id
    ticket.retry_after = None
    await session.flush()
    return Outcome(
        action="ticket.answer",
        target=f"ticket:{ticket.id}",
        result=TicketAnswered(ticket.id, sla(ticket, now)),
        after={"state": ticket.state, "answer": text},
    )


async def close_ticket(
    session: AsyncSession, staff: StaffMember, ticket_id: int, reason: str
) -> Outcome:
    """Close an open ticket without an answer, for a stated reason."""
    why = reason.strip()
    if not why:
        raise MissingArgument(Missing.TICKET_CLOSE_REASON)
    if len(why) > MAX_REASON:
        raise TooLong(Missing.TICKET_CLOSE_REASON, len(why), MAX_REASON)
    ticket = await get_ticket(session, ticket_id, lock=True)
    _may_work_on(staff, ticket, Operation.CLOSE)
    _require_open(ticket, Operation.CLOSE)
    ticket.state = TicketState.CLOSED.value
    ticket.closed_by = staff.wecom_user_id
    ticket.closed_at = utcnow()
    ticket.close_reason = why
    ticket.owner = staff.wecom_user_id
    await session.flush()
    return Outcome(
        action="ticket.close",
        target=f"ticket:{ticket.id}",
        result=TicketClosed(ticket.id, why),
        after={"state": ticket.state, "reason": why},
    )


async def department_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    """Short names of departments by id (for lists)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Department.id, Department.short_name, Department.name).where(Department.id.in_(ids))
    )
    return {row.id: row.short_name or row.name for row in rows}
