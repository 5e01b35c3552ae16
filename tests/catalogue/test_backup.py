"""Restore drill: a backup brings back exactly the rows it was taken with (SQLite, PostgreSQL)."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import backup as backups
from catalogue.db import create_engine, session_factory
from catalogue.models import (
    AuditEntry,
    Base,
    ChangeRequest,
    Department,
    MessageLog,
    Region,
    ServiceItem,
    StaffMember,
    Ticket,
)

KEY = backups.new_key()


async def _fill(engine: AsyncEngine) -> None:
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    async with session_factory(engine)() as session:
        session.add(Region(code="620623", name="天祝藏族自治县", level="county"))
        session.add(Region(code="620623100", name="华藏寺镇", level="town", parent_code="620623"))
        session.add(Department(id=1, name="天祝藏族自治县民政局", phone="0935-3121234"))
        session.add(
            ServiceItem(
                code="6206230000000000000000—QT00001000",
                subject_code="6206230000000000000000",
                basic_code="QT00001000",
                category="QT",
                main_no=1,
                name="城乡居民最低生活保障申请",
                department_id=1,
                requirements=[{"name": "身份证", "originals": 1, "copies": 1, "required": True}],
                status="published",
            )
        )
        for n in range(25):
            session.add(
                MessageLog(
                    openid_hash=f"{n:064x}",
                    at=now + timedelta(minutes=n),
                    kind="text",
                    text=f"低保怎么办理 {n} 😀",
                    answer_kind="item",
                )
            )
        session.add(
            AuditEntry(
                actor="cli:test",
                action="publish",
                target="QT00001000",
                after={"status": "published"},
                prev_hash="0" * 64,
                entry_hash="a" * 64,
            )
        )
        await session.commit()


async def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every catalogue table, in primary-key order."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows: dict[str, list[tuple[Any, ...]]] = {}
            for table in Base.metadata.sorted_tables:
                query = sa.select(table).order_by(*table.primary_key.columns)
                rows[table.name] = [tuple(row) for row in await connection.execute(query)]
            return rows
    finally:
        await engine.dispose()


async def _damage(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.delete(MessageLog).where(MessageLog.id > 5))
            await connection.execute(sa.update(ServiceItem.__table__).values(name="被改坏的名称"))
            await connection.execute(
                sa.insert(Region.__table__).values(code="620623101", name="打柴沟镇", level="town")
            )
    finally:
        await engine.dispose()


async def test_restore_drill_brings_back_rows_and_content(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    await _fill(engine)
    await engine.dispose()
    before = await _snapshot(database_url)
    assert len(before["message_logs"]) == 25 and len(before["items"]) == 1

    written = backups.backup(database_url, tmp_path / "drill.bak", KEY)
    assert written.stat().st_size > 0
    await _damage(database_url)
    assert await _snapshot(database_url) != before

    backups.restore(database_url, written, KEY)
    after = await _snapshot(database_url)
    assert {name: len(rows) for name, rows in after.items()} == {
        name: len(rows) for name, rows in before.items()
    }
    assert after == before


def test_restore_refuses_a_file_of_the_wrong_kind(sqlite_url: str, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("这不是备份文件", encoding="utf-8")
    with pytest.raises(backups.BackupError, match="not an encrypted zwbot backup"):
        backups.restore(sqlite_url, bogus, KEY)
    with pytest.raises(backups.BackupError, match="does not exist"):
        backups.restore(sqlite_url, tmp_path / "missing.sqlite3", KEY)
    wrong_kind = tmp_path / "pg.enc"
    wrong_kind.write_bytes(
        backups.ENVELOPE_MAGIC + Fernet(KEY.encode()).encrypt(b"PGDMP pretend dump")
    )
    with pytest.raises(backups.BackupError, match="not an SQLite backup"):
        backups.restore(sqlite_url, wrong_kind, KEY)


async def test_backups_are_encrypted_and_for_their_owner_only(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    await _fill(engine)
    async with session_factory(engine)() as session:
        session.add(
            StaffMember(
                wecom_user_id="clerk", name="王会计", role="finance", totp_secret="JBSWY3DPEHPK3PXP"
            )
        )
        await session.commit()
    await engine.dispose()
    written = backups.backup(database_url, tmp_path / "backups" / "b.enc", KEY)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    data = written.read_bytes()
    assert data.startswith(backups.ENVELOPE_MAGIC)
    for secret in (b"JBSWY3DPEHPK3PXP", "王会计".encode(), b"SQLite format 3", b"PGDMP"):
        assert secret not in data
    assert [p.name for p in written.parent.iterdir()] == ["b.enc"]  # no plain copy left
    with pytest.raises(backups.BackupError, match="cannot be decrypted"):
        backups.restore(database_url, written, backups.new_key())
    with pytest.raises(backups.BackupError, match="ZWBOT_BACKUP_KEY is not set"):
        backups.backup(database_url, tmp_path / "c.enc", "")
    cut = tmp_path / "cut.enc"
    cut.write_bytes(data[:-40])
    with pytest.raises(backups.BackupError, match="cut short"):
        backups.restore(database_url, cut, KEY)


async def test_a_database_in_use_is_not_restored(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    await _fill(engine)
    written = backups.backup(database_url, tmp_path / "b.enc", KEY)
    if database_url.startswith("sqlite"):
        path = Path(database_url.split("///", 1)[1])
        with backups.sqlite_in_use(path), pytest.raises(backups.BackupError, match="in use"):
            backups.restore(database_url, written, KEY)
    else:
        async with engine.connect() as connection:  # a server's connection
            await connection.execute(sa.text("SELECT 1"))
            with pytest.raises(backups.BackupError, match="in use"):
                backups.restore(database_url, written, KEY)
    await engine.dispose()
    backups.restore(database_url, written, KEY)  # nobody connected: restored


async def _add_tickets(engine: AsyncEngine, count: int) -> list[int]:
    async with session_factory(engine)() as session:
        tickets = [Ticket(openid=f"o_{n}", message="人工") for n in range(count)]
        session.add_all(tickets)
        staff = StaffMember(wecom_user_id=f"s{count}", name="科员", role="clerk")
        session.add(staff)
        await session.flush()
        session.add(ChangeRequest(target_kind="item", action="publish", proposer_id=staff.id))
        await session.commit()
        return [ticket.id for ticket in tickets]


async def _next_numbers(engine: AsyncEngine) -> tuple[int, int]:
    async with session_factory(engine)() as session:
        ticket = Ticket(openid="o_next", message="人工")
        staff = StaffMember(wecom_user_id="s_next", name="科员", role="clerk")
        session.add_all([ticket, staff])
        await session.flush()
        request = ChangeRequest(target_kind="item", action="publish", proposer_id=staff.id)
        session.add(request)
        await session.commit()
        return ticket.id, request.id


async def test_numbers_handed_out_after_a_backup_are_never_handed_out_again(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    assert await _add_tickets(engine, 3) == [1, 2, 3]
    await engine.dispose()
    written = backups.backup(database_url, tmp_path / "b.enc", KEY)
    assert await _add_tickets(engine, 2) == [4, 5]  # told to two citizens after the backup
    await engine.dispose()
    backups.restore(database_url, written, KEY)
    ticket, request = await _next_numbers(engine)
    await engine.dispose()
    assert ticket == 6  # 4 and 5 vanished with the restore, but stay given
    assert request == 3  # requests #1 and #2 were handed out before the restore


def test_default_backup_name_tells_the_kind(tmp_path: Path) -> None:
    now = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    sqlite = backups.default_backup_path("sqlite+aiosqlite:///x.db", tmp_path, now)
    pg = backups.default_backup_path("postgresql+asyncpg://h/db", tmp_path, now)
    assert sqlite.name == "zwbot-20260504-030201.sqlite3.enc"
    assert pg.name == "zwbot-20260504-030201.pgdump.enc"
