"""Facts the regulations' deadlines and duties rest on that no workflow records by itself:
the State Council's yearly holiday schedule and the yearly case counts of each item."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class OfficialDay(Base):
    """One day of the State Council's yearly 节假日安排: a holiday, or a 调休 working day.

    A year with any row here is taken as fully known (the file is the whole year's schedule)."""

    __tablename__ = "official_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    workday: Mapped[bool] = mapped_column(Boolean)  # True: 调休上班; False: 放假
    name: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(200), default="")  # file name and SHA-256
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseCount(Base):
    """How many cases an item had in a year (办件量统计), as reported by its department."""

    __tablename__ = "case_counts"
    __table_args__ = (UniqueConstraint("item_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    cases: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
