"""`zwbot backup`, `zwbot restore --yes` and `zwbot purge` on the configured database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalogue import backup as backups
from catalogue import migrate
from catalogue.db import create_engine
from catalogue.models import MessageLog
from handlers.cli import app
from handlers.db.database import open_database
from handlers.settings import get_settings


@pytest.fixture
def configured(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ZWBOT_MESSAGE_LOG_DAYS", "7")
    monkeypatch.setenv("ZWBOT_BACKUP_KEY", backups.new_key())
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def _logs(url: str, *, add_ages: tuple[int, ...] = ()) -> int:
    async def run() -> int:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
            async with engine.begin() as connection:
                now = datetime.now(UTC)
                for age in add_ages:
                    await connection.execute(
                        sa.insert(MessageLog.__table__).values(
                            openid_hash="x", at=now - timedelta(days=age), kind="text"
                        )
                    )
                return int(
                    await connection.scalar(sa.select(sa.func.count()).select_from(MessageLog)) or 0
                )
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_backup_purge_restore_round_trip(configured: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert _logs(configured, add_ages=(1, 3, 10, 40)) == 4
    target = tmp_path / "copy.sqlite3"

    result = runner.invoke(app, ["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and "backup written" in result.output

    result = runner.invoke(app, ["purge"])
    assert result.exit_code == 0, result.output
    assert "purged 2 message logs" in result.output
    assert _logs(configured) == 2

    result = runner.invoke(app, ["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert _logs(configured) == 4


def test_restore_of_a_missing_file_fails_cleanly(configured: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["restore", "--yes", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_new_key_prints_a_usable_key() -> None:
    result = CliRunner().invoke(app, ["backup", "--new-key"])
    assert result.exit_code == 0
    key = result.output.strip()
    assert len(key) == 44 and key.endswith("=")  # 32 bytes, url-safe base64 (Fernet)


def test_restore_is_refused_while_the_database_is_served(configured: str, tmp_path: Path) -> None:
    runner = CliRunner()
    _logs(configured, add_ages=(1,))
    target = tmp_path / "copy.enc"
    assert runner.invoke(app, ["backup", "--output", str(target)]).exit_code == 0

    async def restore_while_open() -> str:
        async with open_database():  # what `zwbot serve` holds while it serves
            result = await asyncio.to_thread(runner.invoke, app, ["restore", "--yes", str(target)])
            return f"{result.exit_code} {result.output}"

    answer = asyncio.run(restore_while_open())
    assert answer.startswith("1 ") and "in use" in answer
