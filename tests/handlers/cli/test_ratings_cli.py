"""`zwbot ratings ledger` and `zwbot ratings report --month` on the configured database."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from catalogue import migrate, ratings
from catalogue.db import create_engine, session_factory
from handlers.cli import app
from handlers.settings import get_settings
from tests.kits import staff_world as W

NOVEMBER = datetime(2026, 11, 12, 2, 0, tzinfo=UTC)


@pytest.fixture
def configured(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()

    async def seed() -> None:
        engine = create_engine(sqlite_url)
        try:
            await migrate.upgrade(engine)
            sessions = session_factory(engine)
            await W.build_world(sessions)
            async with sessions() as session:
                for n, score in enumerate((5, 4, 1)):
                    rating = await ratings.record(
                        session,
                        openid_hash=f"h{n}",
                        answer_key=ratings.item_answer_key(W.LIVE, NOVEMBER),
                        score=score,
                        item_code=W.LIVE,
                    )
                    rating.at = NOVEMBER
                rating.followup = '=HYPERLINK("x")'  # a cell a spreadsheet would run
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(seed())
    yield sqlite_url
    get_settings.cache_clear()


def test_the_ledger_lists_each_bad_rating_with_its_state(configured: str) -> None:
    result = CliRunner().invoke(app, ["ratings", "ledger"])
    assert result.exit_code == 0, result.output
    assert "非常不满意 · 待通知 · 民政局" in result.output and "共 1 条差评" in result.output
    result = CliRunner().invoke(app, ["ratings", "ledger", "--csv"])
    (header, row) = list(csv.reader(io.StringIO(result.output)))
    assert header[:4] == ["编号", "日期", "等级", "状态"]
    assert row[2:5] == ["非常不满意", "待通知", "民政局"] and row[8].startswith("'=")


def test_the_month_report_counts_per_department_and_item(configured: str) -> None:
    result = CliRunner().invoke(app, ["ratings", "report", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "民政局：3 条，非常满意1 满意1 基本满意0 不满意0 非常不满意1；差评 1" in result.output
    assert "社会团体成立登记" in result.output and "满意率 66.7%" in result.output
    result = CliRunner().invoke(app, ["ratings", "report", "--month", "2026-11", "--csv"])
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[1][:3] == ["部门", "民政局", "3"] and rows[1][-1] == "66.67%"
    assert (
        "本月没有评价"
        in CliRunner().invoke(app, ["ratings", "report", "--month", "2026-10"]).output
    )
    bad = CliRunner().invoke(app, ["ratings", "report", "--month", "2026-13"])
    assert bad.exit_code == 2 and "2026-11" in bad.output
