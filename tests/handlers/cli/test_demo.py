"""`zwbot demo [--reset]` on a fresh SQLite file named by DATABASE_URL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalogue import migrate
from catalogue.db import create_engine
from catalogue.models import Department, Item
from handlers.cli import app
from handlers.settings import get_settings


@pytest.fixture
def configured(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


def _run(url: str, statement: sa.Executable) -> int:
    async def run() -> int:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                return int((await connection.execute(statement)).scalar() or 0)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_demo_migrates_a_fresh_file_loads_once_and_resets(configured: str) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "事项：共79（新增79" in result.output and "演示数据" in result.output
    items = _run(configured, sa.select(sa.func.count()).select_from(Item))
    assert items == 79

    again = runner.invoke(app, ["demo"])
    assert again.exit_code == 0, again.output
    assert "本次没有改动" in again.output
    assert _run(configured, sa.select(sa.func.count()).select_from(Item)) == items

    reset = runner.invoke(app, ["demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert "已清除原有演示记录" in reset.output
    assert _run(configured, sa.select(sa.func.count()).select_from(Item)) == items


def test_demo_refuses_to_overwrite_real_data(configured: str) -> None:
    async def prepare() -> None:
        engine = create_engine(configured)
        try:
            await migrate.upgrade(engine)
            async with engine.begin() as connection:
                await connection.execute(
                    sa.insert(Department).values(
                        name="天祝藏族自治县民政局", short_name="正式", is_demo=False
                    )
                )
        finally:
            await engine.dispose()

    asyncio.run(prepare())
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 1
    assert "演示数据未载入" in result.output and "天祝藏族自治县民政局" in result.output
    assert _run(configured, sa.select(sa.func.count()).select_from(Item)) == 0
