"""The keyed audit chain detects rewritten, removed and inserted entries (also when the forger
recomputes the hashes without the key), survives concurrent appends, exports by date and
refuses to purge anything younger than 180 days."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import audit
from catalogue.audit import PurgeRefusedError, Record


async def _fill(sessions: async_sessionmaker[AsyncSession], count: int) -> None:
    async with sessions() as session:
        for number in range(count):
            await audit.append(
                session,
                Record(
                    actor=f"user{number}",
                    role="clerk",
                    action="item.change",
                    target="XK00001000",
                    command=f"变更 XK00001000 电话=0935-{number}",
                    before={"phone": "old"},
                    after={"phone": f"0935-{number}", "on": date(2026, 10, 1)},
                    result="ok",
                ),
            )
        await session.commit()


async def _verify(sessions: async_sessionmaker[AsyncSession]) -> audit.Verification:
    async with sessions() as session:
        return await audit.verify(session)


async def test_intact_chain_verifies(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _fill(sessions, 5)
    result = await _verify(sessions)
    assert result.intact and result.checked == 5 and result.head_seq == 5


async def test_empty_chain_verifies(sessions: async_sessionmaker[AsyncSession]) -> None:
    result = await _verify(sessions)
    assert result.intact and result.checked == 0


async def test_altered_entry_is_reported(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _fill(sessions, 5)
    async with sessions() as session:
        await session.execute(text("UPDATE audit_entries SET result = 'forged' WHERE seq = 3"))
        await session.commit()
    finding = (await _verify(sessions)).finding
    assert finding is not None and (finding.seq, finding.kind) == (3, "rewritten")


@pytest.mark.parametrize("forger_key", [None, b"a key the forger guessed"])
async def test_edit_and_rehash_without_the_key_is_reported(
    sessions: async_sessionmaker[AsyncSession], forger_key: bytes | None
) -> None:
    await _fill(sessions, 4)
    async with sessions() as session:
        # A database administrator rewrites entry 2 and recomputes the whole chain from there,
        # as the unkeyed chain allowed, with plain SHA-256 or a key of their own.
        for seq in range(2, 5):
            entry = await session.get(audit.AuditEntry, seq)
            assert entry is not None
            if seq == 2:
                entry.result = "forged"
            else:
                before = await session.get(audit.AuditEntry, seq - 1)
                assert before is not None
                entry.prev_hash = before.entry_hash
            entry.entry_hash = audit.compute_hash(entry, forger_key)
            await session.flush()
        await session.execute(
            text("UPDATE audit_heads SET last_hash = :h"), {"h": entry.entry_hash}
        )
        await session.commit()
    finding = (await _verify(sessions)).finding
    assert finding is not None and (finding.seq, finding.kind) == (2, "rewritten")


async def test_rehash_with_the_key_breaks_the_next_link(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _fill(sessions, 4)
    async with sessions() as session:
        entry = await session.get(audit.AuditEntry, 2)
        assert entry is not None
        entry.result = "forged"
        entry.entry_hash = audit.compute_hash(entry, audit.session_key(session))
        await session.commit()
    finding = (await _verify(sessions)).finding
    assert finding is not None and (finding.seq, finding.kind) == (3, "inserted")


async def test_removed_entries_are_reported(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _fill(sessions, 5)
    async with sessions() as session:
        await session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
        await session.commit()
    finding = (await _verify(sessions)).finding
    assert finding is not None and (finding.seq, finding.kind) == (2, "removed")


async def test_removed_tail_is_reported(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _fill(sessions, 5)
    async with sessions() as session:
        await session.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
        await session.commit()
    finding = (await _verify(sessions)).finding
    assert finding is not None and (finding.seq, finding.kind) == (4, "removed")


async def test_inserted_entry_is_reported(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _fill(sessions, 3)
    async with sessions() as session:
        last = await session.get(audit.AuditEntry, 3)
        assert last is not None
        forged = audit.AuditEntry(
            seq=4,
            at=datetime.now(UTC),
            actor="intruder",
            role="admin",
            action="item.abolish",
            target="x",
            command="",
            before={},
            after={},
            result="ok",
            prev_hash=last.entry_hash,
        )
        forged.entry_hash = audit.compute_hash(forged, audit.session_key(session))
        session.add(forged)
        await session.commit()
    finding = (await _verify(sessions)).finding
    assert finding is not None and (finding.seq, finding.kind) == (4, "inserted")


async def test_concurrent_appends_keep_one_chain(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def one(number: int) -> None:
        async with sessions() as session:
            await audit.append(session, Record(actor=f"u{number}", action="auth.login"))
            await asyncio.sleep(0)
            await session.commit()

    await asyncio.gather(*(one(number) for number in range(12)))
    result = await _verify(sessions)
    assert result.intact and result.checked == 12 and result.head_seq == 12


async def test_rolled_back_append_leaves_no_trace(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _fill(sessions, 2)
    async with sessions() as session:
        await audit.append(session, Record(actor="u", action="item.publish"))
        await session.rollback()
    await _fill(sessions, 1)
    result = await _verify(sessions)
    assert result.intact and result.checked == 3


async def test_export_since_a_date(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2026, 1, 5, 8, tzinfo=UTC))
    await _fill(sessions, 2)
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2026, 3, 1, 8, tzinfo=UTC))
    await _fill(sessions, 3)
    async with sessions() as session:
        rows = [row async for row in audit.export(session, date(2026, 2, 1))]
    assert [row["seq"] for row in rows] == [3, 4, 5]
    assert rows[0]["at"].startswith("2026-03-01T08:00") and rows[0]["after"]["on"] == "2026-10-01"


async def test_purge_refuses_young_entries_and_keeps_chain(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = datetime(2025, 1, 10, tzinfo=UTC)
    monkeypatch.setattr(audit, "utcnow", lambda: old)
    await _fill(sessions, 3)
    now = datetime(2026, 1, 10, tzinfo=UTC)
    monkeypatch.setattr(audit, "utcnow", lambda: now - timedelta(days=10))
    await _fill(sessions, 2)
    monkeypatch.setattr(audit, "utcnow", lambda: now)
    async with sessions() as session:
        with pytest.raises(PurgeRefusedError):
            await audit.purge(session, now - timedelta(days=179), actor="cli:root", now=now)
        removed = await audit.purge(session, date(2025, 7, 1), actor="cli:root", now=now)
        await session.commit()
    assert removed == 3
    result = await _verify(sessions)
    assert result.intact and result.checked == 3  # two young entries and the purge record
    async with sessions() as session:
        await session.execute(text("DELETE FROM audit_entries WHERE seq = 4"))
        await session.execute(text("UPDATE audit_heads SET purged_through = 4"))
        await session.commit()
    finding = (await _verify(sessions)).finding
    assert finding is not None and finding.kind == "removed"
