"""How many public records each open-data list has (without loading them)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.queries.public_lists import PUBLIC_LISTS
from catalogue.scope import scope_of


async def public_counts(*, session: AsyncSession) -> dict[str, int]:
    """Record counts per open-data list (the names `catalogue.exporting` uses)."""
    counts = {}
    scope = scope_of(session)
    for name, public in PUBLIC_LISTS.items():
        records = public.records(scope).order_by(None).subquery()
        total = await session.scalar(select(func.count()).select_from(records))
        counts[name] = int(total or 0)
    return counts
