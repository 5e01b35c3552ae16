"""`zwbot code explain` prints the segments, or the errors with exit code 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli import app
from handlers.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    get_settings.cache_clear()


def test_valid_code_prints_segments_and_canonical_form() -> None:
    result = runner.invoke(app, ["code", "explain", "62062300000000877801X0一xk00001000"])
    assert result.exit_code == 0, result.output
    assert "规范写法：62062300000000877801X0—XK00001000" in result.output
    assert "行政许可" in result.output and "00877801-X" in result.output
    assert "结论：编码有效。" in result.output


def test_towns_and_villages_are_named_even_before_regions_are_imported() -> None:
    result = runner.invoke(app, ["code", "explain", "620623108200 00877801X 0 CF00012003"])
    assert result.exit_code == 0, result.output
    assert "天堂镇" in result.output and "天堂村委会" in result.output
    wrong = runner.invoke(app, ["code", "explain", "62062315000000877801X0—CF00012003"])
    assert wrong.exit_code == 1
    assert "错误：第7–9位 乡镇街道代码「150」不是天祝藏族自治县的乡镇街道" in wrong.output


def test_broken_code_prints_precise_errors_and_exits_1() -> None:
    result = runner.invoke(app, ["code", "explain", "62062300000000877801X0-XY00000000"])
    assert result.exit_code == 1
    assert "错误：第23–24位 类别代码「XY」不在表1中" in result.output
    assert "错误：第25–29位 主项代码「00000」超出范围" in result.output


def test_the_regions_of_the_database_are_read(tmp_path: Path) -> None:
    """A database's own regions win over the shipped ones (read without SQLAlchemy)."""
    import sqlite3

    path = tmp_path / "cli.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE regions (code TEXT PRIMARY KEY, name TEXT, short_name TEXT, "
            "level TEXT, parent_code TEXT)"
        )
        connection.executemany(
            "INSERT INTO regions VALUES (?, ?, ?, ?, ?)",
            [
                ("620000", "甘肃省", "甘肃省", "province", None),
                ("620600", "武威市", "武威市", "prefecture", "620000"),
                ("620623", "天祝藏族自治县", "天祝县", "county", "620600"),
                ("620623108", "新天堂镇", "新天堂镇", "town", "620623"),
            ],
        )
    connection.close()
    result = runner.invoke(app, ["code", "explain", "62062310820000877801X0—CF00012003"])
    assert result.exit_code == 1 and "数据库中没有区划" not in result.output
    assert "错误：第10–12位 村级代码「200」不是新天堂镇的村（社区）" in result.output


def test_explaining_a_code_loads_no_migrations_pinyin_or_importer(tmp_path: Path) -> None:
    """`zwbot code explain` starts fast: it reads the settings and the regions
    with the plain driver, nothing else heavy — no SQLAlchemy, models, Alembic, pypinyin,
    importer, FastAPI or bot."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from handlers.cli import main\n"
        "sys.argv = ['zwbot', 'code', 'explain', '62062300000000877801X0-XK00001000']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('alembic', 'pypinyin', 'catalogue.importing', 'fastapi', 'bot',\n"
        "         'sqlalchemy', 'aiosqlite', 'asyncpg', 'catalogue.models', 'handlers.db')\n"
        "print('LOADED', sorted(m for m in sys.modules\n"
        "      if any(m == h or m.startswith(h + '.') for h in heavy)))\n"
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'explain.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert "结论：编码有效。" in result.stdout
    assert "LOADED []" in result.stdout, result.stdout
