"""Signed-in sessions of the staff web console (server-side, so sign-out and the idle
timeout end them at once on every worker)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class ConsoleSession(Base):
    """One browser's session: who, how far signed in, its CSRF token and last activity.

    The cookie carries a random token; only its SHA-256 is stored, so a copy of the table
    signs nobody in."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    # "totp": WeCom said who it is, the second factor is still owed; "ok": signed in.
    stage: Mapped[str] = mapped_column(String(10))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
