"""`zwbot events` on a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli import app
from handlers.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    get_settings.cache_clear()


def test_list_add_replace_hide_and_remove() -> None:
    listed = runner.invoke(app, ["events", "list"])
    assert listed.exit_code == 0 and "孩子出生（随程序提供）" in listed.output
    added = runner.invoke(
        app,
        [
            "events", "add", "开农家乐",
            "-t", "开农家乐", "-t", "搞农家乐",
            "-s", "营业执照=个体工商户设立登记",
            "-s", "食品经营许可",
            "-s", "雨天：临时救助=临时救助#冰雹|洪水",
            "--by", "市场监管局",
        ],
    )  # fmt: skip
    assert added.exit_code == 0 and "已添加：开农家乐（3 步）" in added.output
    listed = runner.invoke(app, ["events", "list"]).output
    assert "开农家乐（工作人员添加）  说法：开农家乐、搞农家乐" in listed
    assert "  1. 营业执照 = 个体工商户设立登记" in listed
    assert "  3. 雨天：临时救助 = 临时救助  #冰雹|洪水" in listed
    hidden = runner.invoke(app, ["events", "remove", "孩子出生"])
    assert hidden.exit_code == 0 and "已隐藏" in hidden.output
    assert "孩子出生" not in runner.invoke(app, ["events", "list"]).output
    restored = runner.invoke(app, ["events", "add", "孩子出生", "-t", "生娃", "-s", "出生医学证明"])
    assert "已替换" in restored.output
    assert runner.invoke(app, ["events", "remove", "开农家乐"]).output.startswith("已删除")
    missing = runner.invoke(app, ["events", "remove", "开农家乐"])
    assert missing.exit_code == 1 and "没有找到" in missing.output
    bad = runner.invoke(app, ["events", "add", "空事件", "-t", "空", "-s", "="])
    assert bad.exit_code == 2 and "每一步" in bad.output
