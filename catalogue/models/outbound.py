"""Outbound work kept in the database: the durable job queue, followers of places, and the
official account's permanent QR codes per place.

A job is sent at most once: `state` moves queued → claimed (a worker holds it for `lease_until`)
→ sending (committed just before the request leaves) → done, or back to queued with a later
`run_after` when the send surely failed, or to dead (the dead-letter list staff see) when it
cannot or may already have arrived."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class OutboundJob(Base):
    """One message to send later (a notice to a follower, a long answer's later part …)."""

    __tablename__ = "outbound_jobs"
    __table_args__ = (
        Index("ix_outbound_jobs_state_run_after", "state", "run_after"),
        # A recipient's jobs go out one at a time, oldest first (the claim looks up the
        # recipient's older unfinished jobs through this).
        Index("ix_outbound_jobs_recipient_id", "recipient", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # the handler that sends it
    # The official account it goes out from (per-account rate limits).
    account: Mapped[str] = mapped_column(String(64), default="")
    # Unique when given: enqueuing the same work twice adds nothing.
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    payload: Mapped[dict[str, Any]] = mapped_column()
    # Whose jobs keep their order (one citizen's reply parts, one staff member's messages):
    # a job is claimed only when every older job of its recipient is finished. None: any order.
    recipient: Mapped[str | None] = mapped_column(String(200), default=None)
    # queued | claimed | sending | done | dead | unreached | held
    state: Mapped[str] = mapped_column(String(10), default="queued")
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(64), default="")
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class PlaceFollow(Base):
    """A WeChat user following a village or town: told when its lists are published or change.

    The raw openid is kept because notices are written to it; deleted on unfollow, on
    「取消关注」 and when the user unsubscribes from the account. `account` is the official
    account followed through (its name, "" for the default account): openids are per appid,
    so a follower's notices go out through that account only."""

    __tablename__ = "place_follows"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    region_code: Mapped[str] = mapped_column(
        ForeignKey("regions.code"), primary_key=True, index=True
    )
    account: Mapped[str] = mapped_column(String(64), default="", index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaceQrCode(Base):
    """The permanent parametric QR code of the official account for one place."""

    __tablename__ = "place_qr_codes"

    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    scene: Mapped[str] = mapped_column(String(64), unique=True)
    ticket: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(300))  # what the QR code encodes
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoticeMark(Base):
    """How far the notice scanner has read one table (its newest `updated_at` seen)."""

    __tablename__ = "notice_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seen_until: Mapped[datetime] = mapped_column()
