"""How long personal data is kept: citizens' message logs are purged after a number of days."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import MessageLog


def cutoff(now: datetime, days: int) -> datetime:
    """The moment before which message logs are purged when they are kept `days` days."""
    if days < 1:
        raise ValueError(f"message logs must be kept at least one day, not {days}")
    return now - timedelta(days=days)


async def purge_message_logs(session: AsyncSession, *, before: datetime) -> int:
    """Delete message logs older than `before`; returns how many. The caller commits.

    The audit log is kept on purpose: it is the county's electronic record (第十五条)."""
    result = await session.execute(delete(MessageLog).where(MessageLog.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
