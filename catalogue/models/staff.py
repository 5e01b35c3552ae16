"""Staff accounts and their roles (谁发布、谁审核、谁负责)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, TimestampMixin
from catalogue.models.regions import Department


class Role(enum.StrEnum):
    """Staff roles: least privilege, one role per account."""

    CLERK = "clerk"  # 部门经办人: only their department's items
    REVIEW_OFFICE = "review"  # 县审改办
    LEGAL_OFFICE = "legal"  # 县政府法制办
    FINANCE = "finance"  # 县财政局: the fund list
    POVERTY_OFFICE = "poverty"  # 县扶贫办: the poverty lists
    APPROVER = "approver"  # 县政府 (county government decision)
    ADMIN = "admin"
    AUDITOR = "auditor"  # read-only


class StaffMember(TimestampMixin, Base):
    """A staff account identified by its WeCom UserID (and optionally a bound openid)."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    wecom_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    # Keyed hash of the official-account openid bound to this staff member, if any.
    openid_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), default=None)
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_totp: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    # The last accepted TOTP time step: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)

    department: Mapped[Department | None] = relationship(lazy="selectin")
