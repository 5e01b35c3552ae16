"""The one rule of what the public may see, as SQL conditions per table.

Items and departments are public only within the deployment's regions (`catalogue.scope`):
another region's catalogue stored beside the county's is never presented as local.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from catalogue.models import (
    PUBLIC_STATUSES,
    Department,
    FundItem,
    Item,
    PovertyAllocation,
    PovertyProject,
    Region,
)
from catalogue.scope import COUNTY_SCOPE, RegionScope

PUBLIC_STATUS_VALUES = tuple(status.value for status in PUBLIC_STATUSES)


def public_item(scope: RegionScope = COUNTY_SCOPE) -> ColumnElement[bool]:
    """Published or suspended (第十条: suspended items stay public), never classified, and
    exercised within the deployment's regions."""
    return and_(
        Item.status.in_(PUBLIC_STATUS_VALUES),
        Item.classified.is_(False),
        scope.condition(Item.region_code),
    )


def item_is_public(item: Item, scope: RegionScope = COUNTY_SCOPE) -> bool:
    """`public_item` for an item already loaded."""
    return item.is_public and scope.covers(item.region_code)


def local_department(scope: RegionScope = COUNTY_SCOPE) -> ColumnElement[bool]:
    """A department of the deployment's regions (one without a region is the county's own,
    as departments were recorded before regions were)."""
    return scope.condition(Department.region_code) | Department.region_code.is_(None)


def local_region(scope: RegionScope = COUNTY_SCOPE) -> ColumnElement[bool]:
    """A region row of the deployment: its home, the regions above it and those within it."""
    return scope.condition(Region.code)


def public_fund() -> ColumnElement[bool]:
    """A fund-list row that has been published."""
    return FundItem.status.in_(PUBLIC_STATUS_VALUES)


def public_allocation() -> ColumnElement[bool]:
    """A poverty allocation that has been published."""
    return PovertyAllocation.status.in_(PUBLIC_STATUS_VALUES)


def public_project() -> ColumnElement[bool]:
    """A poverty project that has been published."""
    return PovertyProject.status.in_(PUBLIC_STATUS_VALUES)
