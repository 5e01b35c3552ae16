"""`zwbot check completeness` on a sample of the real directory: every short record, per field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli import app
from handlers.settings import get_settings

runner = CliRunner()
REAL = Path(__file__).resolve().parents[3] / "../shared/data/service_items.csv"


@pytest.fixture(autouse=True)
def _database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    # The real directory is three other regions' catalogues: checked as a whole here.
    monkeypatch.setenv("ZWBOT_HOME_REGION", "*")
    get_settings.cache_clear()
    added = runner.invoke(app, ["staff", "add", "admin", "--name", "管理员", "--role", "admin"])
    assert added.exit_code == 0, added.output


def _sample(tmp_path: Path, rows: int) -> Path:
    if not REAL.is_file():
        pytest.skip("the shared real data is not present")
    lines = REAL.read_text(encoding="utf-8").splitlines(keepends=True)
    sample = tmp_path / "sample.csv"
    sample.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return sample


def test_real_items_fall_short_and_are_reported_per_field(tmp_path: Path) -> None:
    loaded = runner.invoke(
        app, ["import", "items", str(_sample(tmp_path, 60)), "--publish", "--as", "admin"]
    )
    assert loaded.exit_code == 0, loaded.output
    # the first load kept every short record a draft: nothing published or pending falls short
    assert "作为草稿载入（记录不完整，未发布）60 条" in loaded.output
    assert runner.invoke(app, ["check", "completeness"]).exit_code == 0
    result = runner.invoke(app, ["check", "completeness", "--json", "--drafts"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert sum(report["checked"].values()) == 60 == report["short"]
    fields = {(row["kind"], row["field"]) for row in report["by_field"]}
    assert ("service", "服务内容") in fields and ("approval", "办理程序") in fields
    assert ("power", "监督方式") in fields or ("approval", "监督方式") in fields
    first = report["records"][0]["shortfalls"][0]
    assert first["missing"] and "第" in first["article"]

    text = runner.invoke(
        app, ["check", "completeness", "--drafts", "--kind", "service", "--limit", "2"]
    )
    assert text.exit_code == 1
    assert "便民服务事项" in text.output
    assert "服务内容：未填写（《建设运行办法》第十二条）" in text.output
    assert "按字段统计" in text.output and "行政审批" not in text.output


def test_drafts_are_checked_on_request(tmp_path: Path) -> None:
    loaded = runner.invoke(app, ["import", "items", str(_sample(tmp_path, 5)), "--as", "admin"])
    assert loaded.exit_code == 0, loaded.output
    assert runner.invoke(app, ["check", "completeness"]).exit_code == 0
    drafts = runner.invoke(app, ["check", "completeness", "--drafts", "--json"])
    assert drafts.exit_code == 1 and json.loads(drafts.output)["short"] == 5


def test_nothing_short_exits_0_and_unknown_kinds_are_refused() -> None:
    empty = runner.invoke(app, ["check", "completeness"])
    assert empty.exit_code == 0 and "不完整 0 条" in empty.output
    wrong = runner.invoke(app, ["check", "completeness", "--kind", "items"])
    assert wrong.exit_code == 2 and "没有这个类别" in wrong.output
