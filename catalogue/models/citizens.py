"""What the bot keeps about citizens: village bindings, tickets for a human, ratings, logs.

Openids are stored as keyed hashes unless the raw id is needed to write back (tickets)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, TimestampMixin, utcnow


class VillageBinding(TimestampMixin, Base):
    """A village official's account bound to their village ("绑定 <村名>")."""

    __tablename__ = "village_bindings"

    openid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))


class Ticket(TimestampMixin, Base):
    """A citizen's request for a human (人工); staff answer through the customer-service API."""

    __tablename__ = "tickets"
    # A ticket number told to a citizen is never given to another, not even after a restore.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The raw openid is needed to send the staff reply; purged with the ticket.
    openid: Mapped[str] = mapped_column(String(64), index=True)
    message: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open | answered
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(64), default="")
    answered_at: Mapped[datetime | None] = mapped_column(default=None)


class Rating(Base):
    """好差评: a 1–5 rating a citizen gave after an item card."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid_hash: Mapped[str] = mapped_column(String(64), index=True)
    item_code: Mapped[str] = mapped_column(String(33), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
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
