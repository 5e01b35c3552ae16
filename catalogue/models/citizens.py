"""What the bot keeps about citizens: village bindings, tickets for a human, ratings, logs,
and replies WeChat refused for a closed window or a quota.

Openids are stored as keyed hashes unless the raw id is needed to write back (tickets, held
replies)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, TimestampMixin, utcnow


class VillageBinding(TimestampMixin, Base):
    """A village official's account bound to their village ("绑定 <村名>")."""

    __tablename__ = "village_bindings"

    openid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))


class Ticket(TimestampMixin, Base):
    """A citizen's request for a human (人工), from opening to delivery of the staff answer.

    States (`catalogue.tickets.TicketState`): open → answered (answer kept, being sent) →
    delivered, or → waiting (WeChat refused for the 48-hour window or a quota: sent with the
    citizen's next message or after the quota resets); open → closed (no answer, a reason)."""

    __tablename__ = "tickets"
    # A ticket number told to a citizen is never given to another, not even after a restore.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The raw openid is needed to send the staff reply; purged with the ticket.
    openid: Mapped[str] = mapped_column(String(64), index=True)
    # The official account the citizen wrote to (the bot id of their conversation state).
    account: Mapped[str] = mapped_column(String(64), default="")
    message: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    # The item the citizen had looked at, and its department: who is responsible.
    item_code: Mapped[str] = mapped_column(String(33), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), default=None)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    # WeCom UserID of the staff member who took the ticket ("" while with the duty staff).
    owner: Mapped[str] = mapped_column(String(64), default="")
    due_at: Mapped[datetime | None] = mapped_column(default=None)  # answer by (one working day)
    notified_at: Mapped[datetime | None] = mapped_column(default=None)  # duty staff told
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(64), default="")
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    # Why the answer waits, or that it may have arrived unconfirmed (for staff).
    delivery_note: Mapped[str] = mapped_column(String(200), default="")
    retry_after: Mapped[datetime | None] = mapped_column(default=None)  # a quota: not before
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    close_reason: Mapped[str] = mapped_column(Text, default="")


class Rating(Base):
    """好差评: one of five levels a citizen gave one answer (an item card or a ticket's answer).

    One rating per answer (`answer_key` per citizen). A 差评 (不满意, 非常不满意) is a case for
    the responsible department: `case_state` new → notified → visited (回访) → rectified
    (整改); empty for the other levels."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("openid_hash", "answer_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    openid_hash: Mapped[str] = mapped_column(String(64), index=True)
    item_code: Mapped[str] = mapped_column(String(33), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # "item:<code>:<China date>" or "ticket:<id>": what was rated.
    answer_key: Mapped[str] = mapped_column(String(64), default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id"), default=None, index=True
    )
    case_state: Mapped[str] = mapped_column(String(12), default="", index=True)
    # The recent turns of the conversation as the message log kept them, for the department.
    conversation: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    notified_at: Mapped[datetime | None] = mapped_column(default=None)
    notified_to: Mapped[str] = mapped_column(Text, default="")
    followup: Mapped[str] = mapped_column(Text, default="")
    followup_by: Mapped[str] = mapped_column(String(64), default="")
    followup_at: Mapped[datetime | None] = mapped_column(default=None)
    rectification: Mapped[str] = mapped_column(Text, default="")
    rectified_by: Mapped[str] = mapped_column(String(64), default="")
    rectified_at: Mapped[datetime | None] = mapped_column(default=None)


class HeldReply(Base):
    """A customer-service reply WeChat refused for the 48-hour window (45015) or a quota
    (45009 daily API quota, 45047 per-user count): kept, durable, until the citizen writes
    again or the quota resets, then sent and deleted."""

    __tablename__ = "held_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)  # needed to send; deleted after
    # The official account (original id) whose client sends it; "" for the default account.
    account: Mapped[str] = mapped_column(String(64), default="", server_default="")
    reply: Mapped[dict[str, Any]] = mapped_column()  # {"kind": "text"|"news", …}
    reason: Mapped[int] = mapped_column(Integer)  # the WeChat errcode
    retry_after: Mapped[datetime | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MessageLog(Base):
    """One citizen message and what was answered; purged after the configured days."""

    __tablename__ = "message_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    answer_kind: Mapped[str] = mapped_column(String(30), default="")
    item_code: Mapped[str] = mapped_column(String(33), default="")
