"""Message logs are purged after the retention period; the audit log is never purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import AuditEntry, MessageLog
from catalogue.retention import cutoff, purge_message_logs

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


async def test_purge_deletes_only_old_message_logs_and_keeps_audit(session: AsyncSession) -> None:
    for age_days in (1, 29, 31, 400):
        session.add(
            MessageLog(openid_hash="h" * 64, at=NOW - timedelta(days=age_days), kind="text")
        )
    old_audit = NOW - timedelta(days=800)
    session.add(
        AuditEntry(
            at=old_audit, actor="cli:x", action="publish", prev_hash="0" * 64, entry_hash="1" * 64
        )
    )
    await session.commit()

    deleted = await purge_message_logs(session, before=cutoff(NOW, 30))
    await session.commit()

    assert deleted == 2
    ages = sorted(
        (NOW - at.replace(tzinfo=UTC)).days
        for at in (await session.scalars(sa.select(MessageLog.at))).all()
    )
    assert ages == [1, 29]
    assert await session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_cutoff_refuses_less_than_a_day() -> None:
    assert cutoff(NOW, 30) == NOW - timedelta(days=30)
    with pytest.raises(ValueError, match="at least one day"):
        cutoff(NOW, 0)
