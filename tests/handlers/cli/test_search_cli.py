"""`zwbot search` on a real SQLite catalogue: one query, JSON, and the batch interface."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handlers.cli import app
from handlers.settings import get_settings
from tests.kits import first_load

runner = CliRunner()
ITEMS = (
    "事项名称,事项类别,实施主体\n"
    "最低生活保障,公共服务,天祝县民政局\n"
    "临时救助,公共服务,天祝县民政局\n"
    "个体工商户设立登记,行政许可,天祝县市场监督管理局\n"
    "对擅自从事互联网上网服务经营活动的行政处罚,行政处罚,天祝县文体广电和旅游局\n"
    "开办互联网上网服务营业场所,行政许可,天祝县文体广电和旅游局\n"
)


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
    first_load.cli_first_load(lambda args: runner.invoke(app, args), tmp_path, ITEMS)


def test_one_query_as_text_and_json() -> None:
    text = runner.invoke(app, ["search", "低保"])
    assert text.exit_code == 0, text.output
    assert " 1. 最低生活保障" in text.output
    found = runner.invoke(app, ["search", "linshi jiuzhu", "--top", "2", "--json"])
    line = json.loads(found.output)
    assert line["query"] == "linshi jiuzhu"
    assert line["hits"][0]["name"] == "临时救助" and len(line["hits"]) <= 2
    assert set(line["hits"][0]) == {"code", "name", "score", "confident"}
    assert "—QT" in line["hits"][0]["code"]


def test_batch_answers_every_line_in_order(tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("个体户设力登记\n\n网吧\n火星移民\n", encoding="utf-8")
    result = runner.invoke(app, ["search", "--batch", str(queries), "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["query"] for line in lines] == ["个体户设力登记", "", "网吧", "火星移民"]
    assert lines[0]["hits"][0]["name"] == "个体工商户设立登记"
    assert lines[1]["hits"] == []
    assert lines[2]["hits"][0]["name"] == "开办互联网上网服务营业场所"
    scores = [hit["score"] for hit in lines[2]["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert not any(hit["confident"] for hit in lines[3]["hits"])  # 火星移民: not in the catalogue


def test_a_query_or_a_batch_is_required(tmp_path: Path) -> None:
    assert runner.invoke(app, ["search"]).exit_code == 2
    queries = tmp_path / "q.txt"
    queries.write_text("低保\n", encoding="utf-8")
    assert runner.invoke(app, ["search", "低保", "--batch", str(queries)]).exit_code == 2


def test_batch_files_saved_as_gbk_are_read(tmp_path: Path) -> None:
    queries = tmp_path / "gbk.txt"
    queries.write_bytes("低保\r\n临时救助\r\n".encode("gbk"))
    result = runner.invoke(app, ["search", "--batch", str(queries), "--json"])
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["query"] for line in lines] == ["低保", "临时救助"]
    assert lines[0]["hits"][0]["name"] == "最低生活保障"


def test_drafts_are_searched_for_evaluation_only(tmp_path: Path) -> None:
    # a first load keeps incomplete records as drafts: citizens' search does not see them,
    # `--drafts` evaluates search over them as if they were published
    source = tmp_path / "incomplete.csv"
    source.write_text("事项名称,事项类别,实施主体\n狩猎证核发,行政许可,天祝县林业局\n", "utf-8")
    loaded = runner.invoke(app, ["import", "items", str(source), "--as", "admin"])
    assert loaded.exit_code == 0, loaded.output
    assert "没有找到" in runner.invoke(app, ["search", "狩猎证"]).output
    queries = tmp_path / "q.txt"
    queries.write_text("狩猎证\n低保\n", encoding="utf-8")
    found = runner.invoke(app, ["search", "--batch", str(queries), "--json", "--drafts"])
    assert found.exit_code == 0, found.output
    lines = [json.loads(line) for line in found.output.splitlines()]
    assert lines[0]["hits"][0]["name"] == "狩猎证核发"
    assert lines[1]["hits"][0]["name"] == "最低生活保障"  # published items are searched too
    both = runner.invoke(app, ["search", "狩猎证", "--drafts", "--staff"])
    assert both.exit_code == 2
