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
