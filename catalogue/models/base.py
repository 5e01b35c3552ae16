"""Declarative base, shared column types and mixins of the catalogue models."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Dialect, MetaData, Numeric, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 万元 amounts: 14 integer digits, 4 decimals (one yuan = 0.0001 万元).
Amount = Numeric(18, 4, asdecimal=True)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    SQLite has no time zones: SQLAlchemy stores its datetimes naive and hands them back naive,
    which JSON and the pages would then print without an offset. Store UTC there and attach
    UTC again when reading; PostgreSQL keeps `timestamptz` as it is.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if dialect.name == "sqlite":
            return aware.astimezone(UTC).replace(tzinfo=None)
        return aware

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        date: Date(),
        Decimal: Amount,
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        list[str]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class TimestampMixin:
    """Creation and last-change times."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class PublicationStatus(enum.StrEnum):
    """Where a published record stands in the county's workflow."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    ABOLISHED = "abolished"

    @property
    def label(self) -> str:
        """The Chinese word shown to people."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    PublicationStatus.DRAFT: "草稿",
    PublicationStatus.PENDING_REVIEW: "待审核",
    PublicationStatus.PUBLISHED: "已发布",
    PublicationStatus.SUSPENDED: "暂停",
    PublicationStatus.ABOLISHED: "已作废",
}

# Statuses whose records are visible to the public (第十条: suspended items stay public).
PUBLIC_STATUSES = (PublicationStatus.PUBLISHED, PublicationStatus.SUSPENDED)


def status_column(default: PublicationStatus = PublicationStatus.DRAFT) -> Mapped[str]:
    """A VARCHAR status column holding `PublicationStatus` values (portable, no native enum)."""
    return mapped_column(String(20), default=default.value, index=True)
