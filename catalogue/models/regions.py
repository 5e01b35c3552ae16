"""Regions (province → village) and departments (行使主体)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, TimestampMixin


class Region(Base):
    """An administrative division: GB/T 2260 code (6 digits) or statistical code (9/12 digits)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    # province | prefecture | county | town | village
    level: Mapped[str] = mapped_column(String(12), index=True)
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    source: Mapped[str] = mapped_column(String(300), default="")

    parent: Mapped[Region | None] = relationship(remote_side=[code], lazy="raise")

    @property
    def segment(self) -> str:
        """The 3-digit town or village segment used in the county code ('000' above towns)."""
        if self.level in ("town", "village"):
            return self.code[-3:]
        return "000"


class Department(TimestampMixin, Base):
    """An implementing department (行使主体 / 实施机关)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    # GB 11714 organisation code, 9 characters (8 + check character).
    org_code: Mapped[str | None] = mapped_column(String(9), index=True, default=None)
    # GB 32100 unified social credit code, 18 characters.
    uscc: Mapped[str | None] = mapped_column(String(18), index=True, default=None)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    region: Mapped[Region | None] = relationship(lazy="raise")
