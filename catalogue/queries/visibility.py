"""The one rule of what the public may see, as SQL conditions per table."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from catalogue.models import PUBLIC_STATUSES, FundItem, Item, PovertyAllocation, PovertyProject

PUBLIC_STATUS_VALUES = tuple(status.value for status in PUBLIC_STATUSES)


def public_item() -> ColumnElement[bool]:
    """Published or suspended (第十条: suspended items stay public) and never classified."""
    return and_(Item.status.in_(PUBLIC_STATUS_VALUES), Item.classified.is_(False))


def public_fund() -> ColumnElement[bool]:
    """A fund-list row that has been published."""
    return FundItem.status.in_(PUBLIC_STATUS_VALUES)


def public_allocation() -> ColumnElement[bool]:
    """A poverty allocation that has been published."""
    return PovertyAllocation.status.in_(PUBLIC_STATUS_VALUES)


def public_project() -> ColumnElement[bool]:
    """A poverty project that has been published."""
    return PovertyProject.status.in_(PUBLIC_STATUS_VALUES)
