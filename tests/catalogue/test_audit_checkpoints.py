"""A database administrator's three ways around the unkeyed chain — emptying both audit
tables, cutting the tail and moving the head back, emptying and refilling — verify as intact
without a checkpoint and are named against the last signed checkpoint; checkpoint lines are
signed, append-only and refuse another key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import audit, audit_checkpoints
from catalogue.audit import Record

KEY = b"test-audit-key-that-is-long-enough-for-hmac"


async def _fill(sessions: async_sessionmaker[AsyncSession], count: int, who: str = "u") -> None:
    async with sessions() as session:
        for number in range(count):
            await audit.append(session, Record(actor=f"{who}{number}", action="item.publish"))
        await session.commit()


async def _mark(sessions: async_sessionmaker[AsyncSession]) -> audit.HeadState:
    async with sessions() as session:
        return await audit.head_state(session)


async def _verify(
    sessions: async_sessionmaker[AsyncSession], mark: audit.HeadState | None
) -> audit.Verification:
    async with sessions() as session:
        return await audit.verify(session, mark)


async def _dba(sessions: async_sessionmaker[AsyncSession], *statements: str) -> None:
    async with sessions() as session:
        for statement in statements:
            await session.execute(text(statement))
        await session.commit()


async def test_intact_chain_verifies_against_its_checkpoint(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _fill(sessions, 3)
    mark = await _mark(sessions)
    await _fill(sessions, 2)
    result = await _verify(sessions, mark)
    assert result.intact and result.checked == 5


async def test_truncation_is_named(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _fill(sessions, 5)
    mark = await _mark(sessions)
    await _dba(sessions, "DELETE FROM audit_entries", "DELETE FROM audit_heads")
    assert (await _verify(sessions, None)).intact  # what the unanchored chain said
    finding = (await _verify(sessions, mark)).finding
    assert finding is not None and finding.kind == "truncated" and finding.seq == 5


async def test_tail_deletion_with_the_head_moved_back_is_named(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _fill(sessions, 6)
    mark = await _mark(sessions)
    async with sessions() as session:
        third = await session.get(audit.AuditEntry, 3)
        assert third is not None
        kept = third.entry_hash
    await _dba(
        sessions,
        "DELETE FROM audit_entries WHERE seq > 3",
        f"UPDATE audit_heads SET seq = 3, last_hash = '{kept}'",
    )
    assert (await _verify(sessions, None)).intact
    finding = (await _verify(sessions, mark)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("tail-deleted", 4)
    assert "6" in finding.detail and "3" in finding.detail


async def test_emptied_and_refilled_chain_is_named_rewritten(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _fill(sessions, 4)
    mark = await _mark(sessions)
    await _dba(sessions, "DELETE FROM audit_entries", "DELETE FROM audit_heads")
    await _fill(sessions, 6, who="other")  # the application writes a fresh, valid chain
    assert (await _verify(sessions, None)).intact
    finding = (await _verify(sessions, mark)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("rewritten", 4)


async def test_rehashed_edit_is_named_rewritten_with_or_without_checkpoint(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _fill(sessions, 3)
    mark = await _mark(sessions)
    async with sessions() as session:
        entry = await session.get(audit.AuditEntry, 3)
        assert entry is not None
        entry.actor = "someone-else"
        entry.entry_hash = audit.compute_hash(entry, None)
        await session.execute(text(f"UPDATE audit_heads SET last_hash = '{entry.entry_hash}'"))
        await session.commit()
    for anchor in (None, mark):
        finding = (await _verify(sessions, anchor)).finding
        assert finding is not None and finding.kind == "rewritten"


def test_checkpoint_lines_are_signed_and_appended(tmp_path: Path) -> None:
    path = tmp_path / "cp" / "audit-checkpoints.log"
    head = audit.HeadState(7, "a" * 64, 0, audit.GENESIS, 1)
    at = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    first = audit_checkpoints.signed_line(audit_checkpoints.Checkpoint(at, head), KEY)
    audit_checkpoints.append(path, first)
    later = audit.HeadState(9, "b" * 64, 0, audit.GENESIS, 1)
    audit_checkpoints.append(
        path, audit_checkpoints.signed_line(audit_checkpoints.Checkpoint(at, later), KEY)
    )
    assert path.stat().st_mode & 0o777 == 0o600
    found = audit_checkpoints.read(path, KEY)
    assert found.last is not None and found.last.head == later and found.bad_lines == ()
    assert audit_checkpoints.read(path, b"another key of the same length, wrong").last is None
    with pytest.raises(audit_checkpoints.CheckpointFileError):
        audit_checkpoints.parse_line(first.replace('"seq":7', '"seq":70'), KEY)
    # Someone appends a forged line that moves the head back: it is reported, not believed.
    forged = audit_checkpoints.signed_line(
        audit_checkpoints.Checkpoint(at, audit.HeadState(2, "c" * 64, 0, audit.GENESIS, 1)),
        b"not the key",
    )
    audit_checkpoints.append(path, forged)
    found = audit_checkpoints.read(path, KEY)
    assert found.last is not None and found.last.head.seq == 9 and found.bad_lines == (3,)


def test_missing_file_has_no_checkpoint(tmp_path: Path) -> None:
    found = audit_checkpoints.read(tmp_path / "none.log", KEY)
    assert found.last is None and found.bad_lines == ()
