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


def test_explaining_a_code_loads_no_migrations_pinyin_or_importer(tmp_path: Path) -> None:
    """`zwbot code explain` starts fast: it reads the regions and nothing else heavy."""
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
        "heavy = ('alembic', 'pypinyin', 'catalogue.importing', 'fastapi', 'bot')\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "      or m.startswith('catalogue.importing')))\n"
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
