"""The hash-chained audit log of staff commands and authentication events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class AuditEntry(Base):
    """One append-only entry; `entry_hash` covers the previous hash and this entry's fields."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # WeCom UserID or "cli:<user>"
    role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(64), default="")
    command: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's single head row: its UPDATE serializes appends and records the last entry.

    Keeping the head apart from the entries also reveals entries cut from the chain's end.
    """

    __tablename__ = "audit_heads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    # Entries up to `purged_through` were purged; `anchor_hash` is the last purged entry's hash.
    purged_through: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), default=0
    )
    anchor_hash: Mapped[str] = mapped_column(String(64))
    # Entries from this number on are HMACs under the audit key; earlier ones plain SHA-256
    # (written before the chain was keyed). Checkpoints record it, so moving it shows.
    keyed_from: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), default=1, server_default="1"
    )
