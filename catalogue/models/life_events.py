"""Life events (一件事) that staff added, replaced or hid beside the shipped ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, TimestampMixin


class LifeEventRecord(TimestampMixin, Base):
    """One event by name: its trigger phrases and ordered steps; `active` False hides the
    shipped event of the same name."""

    __tablename__ = "life_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    triggers: Mapped[list[str]] = mapped_column(default=list)
    # [{"label": str, "names": [str], "terms": [str]}]
    steps: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")
