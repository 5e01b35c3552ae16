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
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Department, Item, Role, StaffMember, Ticket, utcnow
from catalogue.workflow.errors import (
    ForbiddenError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
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


@dataclass(frozen=True, slots=True)
class Sla:
    """A ticket's standing against its time limit."""

    overdue: bool
    text: str  # e.g. "12月3日前答复（剩5小时）", "已超时2小时", "按时答复"


def _span(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时"
    return f"{mins}分钟"


def age(ticket: Ticket, now: datetime) -> str:
    """How long the ticket has existed, in words."""
    return _span(now - _aware(ticket.created_at))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sla(ticket: Ticket, now: datetime) -> Sla:
    """Whether the ticket was (or is being) answered within its time limit."""
    due = _aware(ticket.due_at) if ticket.due_at else due_at(_aware(ticket.created_at))
    last_day = china_date(due - timedelta(seconds=1))
    deadline = f"{last_day.month}月{last_day.day}日"
    if ticket.state == TicketState.CLOSED:
        return Sla(False, "已关闭")
    if ticket.answered_at is not None:
        late = _aware(ticket.answered_at) > due
        return Sla(late, "超时答复" if late else "按时答复")
    if now > due:
        return Sla(True, f"已超时{_span(now - due)}（应于{deadline}前答复）")
    return Sla(False, f"{deadline}前答复（剩{_span(due - now)}）")


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
        raise NotFoundError(f"没有编号为 #{ticket_id} 的工单。发送“工单”查看待办工单。")
    return ticket


def _may_work_on(staff: StaffMember, ticket: Ticket, what: str) -> None:
    if Role(staff.role) not in ANSWERERS:
        raise ForbiddenError(f"审计员不能{what}工单。")
    if not _visible_to(staff, ticket):
        raise ForbiddenError(f"工单 #{ticket.id} 属于其他部门，您不能{what}。")


async def answer_ticket(
    session: AsyncSession, staff: StaffMember, ticket_id: int, answer: str
) -> Outcome:
    """Record a staff member's answer (the ticket becomes theirs); it is sent afterwards."""
    text = answer.strip()
    if not text:
        raise InvalidInputError("请写明答复内容，例如：回复 #12 您好，办理地点在……")
    if len(text) > MAX_ANSWER:
        raise InvalidInputError(f"答复太长（{len(text)}字），请控制在{MAX_ANSWER}字以内。")
    ticket = await get_ticket(session, ticket_id, lock=True)
    _may_work_on(staff, ticket, "答复")
    if ticket.state != TicketState.OPEN:
        by = ticket.answered_by or ticket.closed_by
        raise InvalidStateError(
            f"工单 #{ticket.id} 已由 {by} 处理（{TicketState(ticket.state).label}），不能再答复。"
        )
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
        message=f"工单 #{ticket.id} 已答复（{sla(ticket, now).text}）。",
        after={"state": ticket.state, "answer": text},
    )


async def close_ticket(
    session: AsyncSession, staff: StaffMember, ticket_id: int, reason: str
) -> Outcome:
    """Close an open ticket without an answer, for a stated reason."""
    why = reason.strip()
    if not why:
        raise InvalidInputError("请写明关闭理由，例如：关闭 #12 重复提问，已在 #11 答复")
    if len(why) > MAX_REASON:
        raise InvalidInputError(f"理由太长，请控制在{MAX_REASON}字以内。")
    ticket = await get_ticket(session, ticket_id, lock=True)
    _may_work_on(staff, ticket, "关闭")
    if ticket.state != TicketState.OPEN:
        raise InvalidStateError(
            f"工单 #{ticket.id} 状态为“{TicketState(ticket.state).label}”，只能关闭待答复的工单。"
        )
    ticket.state = TicketState.CLOSED.value
    ticket.closed_by = staff.wecom_user_id
    ticket.closed_at = utcnow()
    ticket.close_reason = why
    ticket.owner = staff.wecom_user_id
    await session.flush()
    return Outcome(
        action="ticket.close",
        target=f"ticket:{ticket.id}",
        message=f"工单 #{ticket.id} 已关闭，理由：{why}",
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


def ticket_line(ticket: Ticket, now: datetime, departments: dict[int, str]) -> str:
    """One ticket on the staff desk: number, state, age, time limit, owner, question."""
    state = TicketState(ticket.state)
    owner = ticket.owner or (
        departments.get(ticket.department_id, "") if ticket.department_id else ""
    )
    parts = [
        f"#{ticket.id} {state.label}",
        f"已等{age(ticket, now)}",
        sla(ticket, now).text,
        f"负责：{owner or '值班人员'}",
    ]
    line = " · ".join(parts)
    question = ticket.message.replace("\n", " ")
    line += f"\n  问：{question[:60]}{'…' if len(question) > 60 else ''}"
    if ticket.state in UNDELIVERED and ticket.delivery_note:
        line += f"\n  送达：{ticket.delivery_note}"
    return line
