"""`zwbot import`, `zwbot export` and `zwbot template` on a real SQLite database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalogue.importing import KINDS
from catalogue.importing.tables import read_table
from handlers.cli import app
from handlers.settings import get_settings
from tests.kits import first_load

runner = CliRunner()
GOOD = (
    "事项名称,事项类别,实施主体\n结婚登记,行政确认,天祝县民政局\n"
    "独生子女证明,公共服务,天祝县卫健局\n"
)
BROKEN = "事项名称,事项类别,实施主体\n结婚登记,行政确认,天祝县民政局\n离婚登记,离婚,天祝县民政局\n"


@pytest.fixture(autouse=True)
def _database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    get_settings.cache_clear()
    added = runner.invoke(app, ["staff", "add", "admin", "--name", "管理员", "--role", "admin"])
    assert added.exit_code == 0, added.output


def _invoke(args: list[str]) -> object:
    return runner.invoke(app, args)


def _export() -> list[dict[str, object]]:
    result = runner.invoke(app, ["export", "items", "--format", "json"])
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.output)
    return data


def test_broken_file_changes_nothing_then_good_file_loads_once(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(BROKEN.encode("gbk"))
    result = runner.invoke(app, ["import", "items", str(broken), "--publish", "--as", "admin"])
    assert result.exit_code == 1
    assert "（编码 GB18030）" in result.output
    assert "第3行「事项类别」列：「离婚」不是事项类别" in result.output
    assert "未导入任何数据" in result.output
    assert _export() == []

    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    dry = runner.invoke(app, ["import", "items", str(good), "--publish", "--dry-run"])
    assert dry.exit_code == 0 and "将新增 2 条" in dry.output
    assert _export() == []
    first = runner.invoke(app, ["import", "items", str(good), "--publish", "--as", "admin"])
    assert first.exit_code == 0, first.output
    # a first load publishes only complete records: these two stay drafts, counted per field
    assert "已新增 2 条，已更新 0 条，未变化 0 条\n" in first.output
    assert "作为草稿载入（记录不完整，未发布）2 条" in first.output
    assert "  监督方式：1 条\n" in first.output and "  服务内容：1 条\n" in first.output
    assert "  办结时限：2 条\n" in first.output
    second = runner.invoke(app, ["import", "items", str(good), "--publish", "--as", "admin"])
    assert "已新增 0 条，已更新 0 条，未变化 2 条" in second.output
    assert _export() == []
    published = first_load.cli_first_load(_invoke, tmp_path, GOOD)
    assert "已更新 2 条，未变化 0 条，已发布 2 条" in published
    assert sorted(str(r["name"]) for r in _export()) == ["独生子女证明", "结婚登记"]


def test_one_bad_file_of_several_imports_none(tmp_path: Path) -> None:
    good, broken = tmp_path / "good.csv", tmp_path / "broken.csv"
    good.write_text(GOOD, encoding="utf-8")
    broken.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(
        app, ["import", "items", str(good), str(broken), "--publish", "--as", "admin"]
    )
    assert result.exit_code == 1 and "本次所有文件都没有导入" in result.output
    assert _export() == []


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["import", "funds", str(empty), "--as", "admin"])
    assert result.exit_code == 1 and "文件是空的" in result.output
    result = runner.invoke(app, ["import", "funds", str(tmp_path / "none.csv"), "--as", "admin"])
    assert result.exit_code == 1 and "找不到文件" in result.output
    result = runner.invoke(app, ["import", "widgets", str(empty), "--as", "admin"])
    assert result.exit_code == 2 and "没有「widgets」这种清单" in result.output


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_templates_have_chinese_headers_and_import_as_empty(kind: str, tmp_path: Path) -> None:
    xlsx, csv_path = tmp_path / f"{kind}.xlsx", tmp_path / f"{kind}.csv"
    assert runner.invoke(app, ["template", kind, "-o", str(xlsx)]).exit_code == 0
    assert (
        runner.invoke(app, ["template", kind, "--format", "csv", "-o", str(csv_path)]).exit_code
        == 0
    )
    assert read_table(xlsx).headers == read_table(csv_path).headers
    assert all(any("\u4e00" <= c <= "\u9fff" for c in h) for h in read_table(xlsx).headers)
    result = runner.invoke(app, ["import", kind, str(xlsx), "--as", "admin"])
    assert result.exit_code == 1 and "文件只有表头，没有数据行" in result.output


def test_export_to_a_file(tmp_path: Path) -> None:
    first_load.cli_first_load(_invoke, tmp_path, GOOD)
    out = tmp_path / "open-data.csv"
    result = runner.invoke(app, ["export", "items", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0
    table = read_table(out)
    assert table.encoding == "UTF-8-BOM" and table.headers[:2] == ["事项编码", "事项名称"]
    assert len(table.rows) == 2


def _audit_entries() -> list[dict[str, object]]:
    result = runner.invoke(app, ["audit", "export", "--since", "2000-01-01"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_an_import_is_an_administrators_audited_act(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    nobody = runner.invoke(app, ["import", "items", str(good), "--publish"])
    assert nobody.exit_code == 2 and "--as" in nobody.output
    assert (
        runner.invoke(app, ["staff", "add", "wang", "--name", "王", "--role", "auditor"]).exit_code
        == 0
    )
    for actor, why in (("wang", "不是管理员"), ("ghost", "没有工作人员账号")):
        refused = runner.invoke(app, ["import", "items", str(good), "--publish", "--as", actor])
        assert (
            refused.exit_code == 1 and why in refused.output and "未导入任何数据" in refused.output
        )
    assert _export() == []
    loaded = runner.invoke(app, ["import", "items", str(good), "--publish", "--as", "admin"])
    assert loaded.exit_code == 0, loaded.output
    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    assert digest in loaded.output
    (entry,) = [e for e in _audit_entries() if str(e["action"]).startswith("import.")]
    assert (entry["actor"], entry["role"], entry["action"]) == (
        "admin",
        "admin",
        "import.items.publish",
    )
    after = entry["after"]
    assert isinstance(after, dict)
    # incomplete records: the first load keeps them as drafts
    assert (after["sha256"], after["records"], after["published"]) == (digest, 2, 0)
    assert after["drafts"] == 2
    assert after["file"] == str(good) and after["initial_load"] is True
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_publishing_is_only_a_catalogues_first_load(tmp_path: Path) -> None:
    first_load.cli_first_load(_invoke, tmp_path, GOOD)
    (tmp_path / "more").mkdir()
    more, _duties = first_load.write_first_load_files(
        tmp_path / "more", GOOD + "离婚登记,行政确认,天祝县民政局\n"
    )
    refused = runner.invoke(app, ["import", "items", str(more), "--publish", "--as", "admin"])
    assert refused.exit_code == 1 and "只用于首次载入" in refused.output
    drafts = runner.invoke(app, ["import", "items", str(more), "--as", "admin"])
    assert (
        drafts.exit_code == 0 and "已新增 1 条" in drafts.output and "未变化 2 条" in drafts.output
    )
    assert sorted(str(r["name"]) for r in _export()) == ["独生子女证明", "结婚登记"]


def test_an_import_never_changes_a_published_item(tmp_path: Path) -> None:
    first_load.cli_first_load(_invoke, tmp_path, GOOD)
    good, _duties = first_load.write_first_load_files(tmp_path, GOOD)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "事项名称,事项类别,实施主体,咨询电话\n结婚登记,行政确认,天祝县民政局,0935-3121234\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["import", "items", str(changed), "--as", "admin"])
    assert refused.exit_code == 1
    assert "导入不能修改已发布的事项" in refused.output and "变更" in refused.output
    marriage = next(r for r in _export() if r["name"] == "结婚登记")
    assert marriage["phone"] == ""
    same = runner.invoke(app, ["import", "items", str(good), "--as", "admin"])
    assert same.exit_code == 0 and "未变化 2 条" in same.output


def test_the_real_file_beside_the_demo_stays_out_of_the_countys_open_data(
    tmp_path: Path, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    before = {str(r["code"]) for r in _export()}
    real = shared_dir / "data" / "service_items.csv"
    loaded = runner.invoke(app, ["import", "items", str(real), "--publish", "--as", "admin"])
    assert loaded.exit_code == 0, loaded.output[-2000:]
    assert "未导入" in loaded.output and "新闻标题" in loaded.output
    # none of the real file is complete (no 监督方式, no 责任事项…): it stays drafts
    assert "已作为草稿载入（记录不完整，未发布）6271 条" in loaded.output
    assert "  监督方式：4385 条\n" in loaded.output and "已发布" not in loaded.output
    assert {str(r["code"]) for r in _export()} == before
    assert all(code.startswith("620623") for code in before)
    departments = runner.invoke(app, ["export", "departments", "--format", "json"])
    names = [str(d["name"]) for d in json.loads(departments.output)]
    assert names and not [n for n in names if "广东" in n or "克拉玛依" in n or "广安" in n]
    hits = runner.invoke(app, ["search", "港澳通行证", "--json", "--top", "5"])
    assert all(h["code"].startswith("620623") for h in json.loads(hits.output)["hits"])
    # search evaluation over the reference file: every region (on request only) and the
    # drafts of the first load (`--drafts`, never what citizens see)
    monkeypatch.setenv("ZWBOT_HOME_REGION", "*")
    get_settings.cache_clear()
    batch = tmp_path / "queries.txt"
    batch.write_text("港澳通行证\n", encoding="utf-8")
    public = runner.invoke(app, ["search", "--batch", str(batch), "--top", "5", "--json"])
    assert all(h["code"].startswith("620623") for h in json.loads(public.output)["hits"])
    found = runner.invoke(
        app, ["search", "--batch", str(batch), "--top", "5", "--json", "--drafts"]
    )
    assert found.exit_code == 0, found.output
    codes = [h["code"] for h in json.loads(found.output.splitlines()[0])["hits"]]
    assert any(code.startswith("440") for code in codes), codes
    get_settings.cache_clear()


def test_published_at_source_is_only_for_a_first_load_of_items(tmp_path: Path) -> None:
    path = tmp_path / "funds.csv"
    path.write_text("项目名称\n", encoding="utf-8")
    for args in (
        ["import", "funds", str(path), "--publish", "--published-at-source", "--as", "admin"],
        ["import", "items", str(path), "--published-at-source", "--as", "admin"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "--published-at-source" in result.output, args
