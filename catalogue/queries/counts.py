"""How many public records each open-data list has (without loading them)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import (
    Base,
    Department,
    FundItem,
    Item,
    PovertyAllocation,
    PovertyProject,
    Region,
)
from catalogue.queries.visibility import (
    local_department,
    local_region,
    public_allocation,
    public_fund,
    public_item,
    public_project,
)
from catalogue.scope import RegionScope, scope_of


def _lists(scope: RegionScope) -> dict[str, tuple[type[Base], ColumnElement[bool]]]:
    return {
        "items": (Item, public_item(scope)),
        "departments": (Department, local_department(scope)),
        "regions": (Region, local_region(scope)),
        "funds": (FundItem, public_fund()),
        "poverty-allocations": (PovertyAllocation, public_allocation()),
        "poverty-projects": (PovertyProject, public_project()),
    }


async def public_counts(*, session: AsyncSession) -> dict[str, int]:
    """Record counts per open-data list (the names `catalogue.exporting` uses)."""
    counts = {}
    for name, (model, condition) in _lists(scope_of(session)).items():
        total = await session.scalar(select(func.count()).select_from(model).where(condition))
        counts[name] = int(total or 0)
    return counts
