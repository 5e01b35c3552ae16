"""`zwbot synonyms` on a real SQLite database, seen by `zwbot search` at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli import app
from handlers.settings import get_settings
from tests.kits import first_load

runner = CliRunner()


@pytest.fixture(autouse=True)
def _catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    get_settings.cache_clear()
    assert (
        runner.invoke(
            app, ["staff", "add", "admin", "--name", "管理员", "--role", "admin"]
        ).exit_code
        == 0
    )
    first_load.cli_first_load(
        lambda args: runner.invoke(app, args),
        tmp_path,
        "事项名称,事项类别,实施主体\n临时救助,公共服务,天祝县民政局\n",
    )


def test_add_list_remove_and_search_uses_them() -> None:
    assert "还没有" in runner.invoke(app, ["synonyms", "list"]).output
    added = runner.invoke(app, ["synonyms", "add", "扎西钱", "临时救助", "--by", "民政局"])
    assert added.exit_code == 0 and "已添加" in added.output
    assert "已经有了" in runner.invoke(app, ["synonyms", "add", "扎西钱", "临时救助"]).output
    assert "扎西钱 → 临时救助  （民政局）" in runner.invoke(app, ["synonyms", "list"]).output
    assert " 1. 临时救助" in runner.invoke(app, ["search", "扎西钱"]).output
    assert "已删除 1 条" in runner.invoke(app, ["synonyms", "remove", "扎西钱"]).output
    assert "没有找到" in runner.invoke(app, ["synonyms", "remove", "扎西钱"]).output


def test_empty_or_identical_pairs_are_refused() -> None:
    assert runner.invoke(app, ["synonyms", "add", "！！", "临时救助"]).exit_code == 2
    assert runner.invoke(app, ["synonyms", "add", "临时救助", "臨時救助"]).exit_code == 2
