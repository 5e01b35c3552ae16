"""Header matching and row checks shared by every list."""

from __future__ import annotations

from pathlib import Path

from catalogue.importing.funds import SCHEMA as FUNDS
from catalogue.importing.items import SCHEMA as ITEMS
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import normalize_header
from catalogue.importing.tables import Table
from handlers.staff.import_wording import problem_text


def _parse(
    headers: list[str], rows: list[list[str]]
) -> tuple[list[dict[str, object]], ImportReport]:
    report = ImportReport("funds")
    parsed = FUNDS.parse(Table(headers, rows, "UTF-8"), report)
    return [row.values for row in parsed], report


def test_headers_match_loosely() -> None:
    assert normalize_header(" 预算金额（万元）* ") == normalize_header("预算金额(万元)")
    assert normalize_header("项目名称（必填）") == "项目名称"
    rows, report = _parse(
        ["预算年度*", "资金类型", "项目主管部门", "project_name", "预算金额"],
        [["2016", "部门预算", "县财政局", "道路", "12"]],
    )
    assert report.ok and rows[0]["department"] == "县财政局"


def test_the_real_directory_columns_are_all_known(shared_dir: Path) -> None:
    with (shared_dir / "data" / "service_items.csv").open(encoding="utf-8") as handle:
        headers = handle.readline().strip().split(",")
    assert len(headers) == 27
    report = ImportReport("items")
    assert len(ITEMS.resolve(headers, report)) == len(headers) and report.ok


def test_duplicate_blank_and_unknown_headers() -> None:
    _rows, report = _parse(["预算年度", "年度", "", "备注"], [])
    assert [problem_text(p) for p in report.errors][:3] == [
        "第1行「年度」列：与第1列「预算年度」是同一列，重复了",
        "第1行「第3列」列：表头为空；请填写列名或删除该列",
        "第1行「备注」列：不是「财政专项资金管理清单」的列；可用的列：预算年度、资金类型、主管部门、"
        "项目名称、预算金额（万元）、管理办法、分配使用、绩效评价、竞争性分配、申报指南、评审结果、"
        "分配结果、预算批准日期、发布日期、变更说明",
    ]
    assert "第1行「资金类型」列：缺少必填列" in [problem_text(p) for p in report.errors]


def test_rows_are_checked_cell_by_cell() -> None:
    headers = ["预算年度", "资金类型", "主管部门", "项目名称", "预算金额"]
    rows, report = _parse(
        headers,
        [
            ["2016", "部门预算", "县财政局", "道路", "12"],
            ["", "", "", "", ""],
            ["2016", "部门预算", "", "桥梁", "12", "多出来", "的格子"],
            ["2016", "部门预算", "县财政局", "x" * 301, "12"],
        ],
    )
    assert len(rows) == 1 and report.rows == 3  # the blank row is skipped, not counted
    assert [problem_text(p) for p in report.errors] == [
        "第4行：该行有7个单元格，多于表头的5列（内容中的逗号可能没有加引号）",
        "第5行「项目名称」列：超过300字（实际301字）",
    ]
    _rows, report = _parse(headers, [["2016", "部门预算", "", "桥梁", "12"]])
    assert [problem_text(p) for p in report.errors] == ["第2行「主管部门」列：必填，不能为空"]


def test_header_only_file() -> None:
    _rows, report = _parse(["预算年度", "资金类型", "主管部门", "项目名称", "预算金额"], [["", ""]])
    assert [problem_text(p) for p in report.errors] == ["文件：文件只有表头，没有数据行"]
