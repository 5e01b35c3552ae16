"""Change requests of the publication workflow (第九条 review and decision)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, TimestampMixin, utcnow


class ChangeRequest(TimestampMixin, Base):
    """A proposed action on a record, and how far it has come through review."""

    __tablename__ = "change_requests"
    # A request number (#12) staff were told is never given to another, not even after a restore.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # item | fund | poverty_project | poverty_allocation
    target_kind: Mapped[str] = mapped_column(String(30), index=True)
    target_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    target_code: Mapped[str] = mapped_column(String(64), default="", index=True)
    # publish | change | suspend | resume | abolish | merge | create
    action: Mapped[str] = mapped_column(String(20))
    change_class: Mapped[str | None] = mapped_column(String(4), default=None)  # 一…六
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    proposer_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    # pending_review | pending_decision | approved | rejected | applied | withdrawn
    state: Mapped[str] = mapped_column(String(20), index=True, default="pending_review")
    # Bumped by every step; each decision is a compare-and-set on (state, version).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    applied_at: Mapped[datetime | None] = mapped_column(default=None)
    due_on: Mapped[date | None] = mapped_column(default=None)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    # Who closed it (rejected, withdrew or published it) and when.
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), default=None)


class RequestHold(Base):
    """A record held by an open change request: at most one open request per record.

    The primary key is the database's guarantee (two proposals racing on one record cannot
    both insert their hold); a merger holds every item it merges. Holds are deleted when
    their request closes (applied, rejected, withdrawn).
    """

    __tablename__ = "request_holds"

    target_kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("change_requests.id", ondelete="CASCADE"), index=True
    )


class CommandReceipt(Base):
    """A staff command already carried out, by idempotency key (a re-delivered message)."""

    __tablename__ = "command_receipts"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reply: Mapped[str] = mapped_column(Text, default="")


class StaffNotice(Base):
    """A WeCom notice owed to a staff member: a request reached them, or their request was
    decided. Queued in the transaction of the step, so a notice is never lost with a
    restarted worker; `claimed_at` keeps two workers from sending it at once and `sent_at`
    is set only after WeCom accepted it, or (in the app) in the transaction that put its
    message on the durable job queue, which then delivers it."""

    __tablename__ = "staff_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id", ondelete="CASCADE"))
    # next: the request waits for the recipient's step; decided: the recipient's own request
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20))  # the request's state when queued
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
