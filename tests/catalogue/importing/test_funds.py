"""Importing the special fund list: amounts with units, Chinese dates, rules of 第七条/第八条."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.exporting import export_records, to_csv
from catalogue.importing import import_file, import_rows
from catalogue.importing.report import Blocked, Refusal
from catalogue.lists.completeness import Lack
from catalogue.models import FundItem
from handlers.staff.import_wording import problem_text, report_lines

HEADERS = [
    "预算年度",
    "资金类型",
    "主管部门",
    "项目名称",
    "预算金额（万元）",
    "竞争性分配",
    "申报指南",
    "预算批准日期",
    "发布日期",
]


async def _departments(session: AsyncSession) -> None:
    report = await import_rows(
        session, "departments", [{"部门名称": "天祝县财政局"}, {"部门名称": "天祝县农业农村局"}]
    )
    assert report.ok


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


async def test_fund_list_from_excel(session: AsyncSession, tmp_path: Path) -> None:
    await _departments(session)
    path = _xlsx(
        tmp_path / "funds.xlsx",
        [
            [2016, "部门预算专项资金", "天祝县财政局", "农村公路养护", "1,234.5万元", "否", "",
             "2016年1月20日", "2016.2.5"],
            [2016, "转移支付", "天祝县农业农村局", "草原补奖", 3450000.0, "是", "见附件",
             date(2016, 1, 20), "2016-03-01"],
            [2016, "部门预算", "天祝县财政局", "乡村文化", "12.3万", "", "", "", ""],
        ],
    )  # fmt: skip
    report = await import_file(session, "funds", path, publish=True)
    assert report.ok, report_lines(report)
    assert (report.created, report.published) == (3, 3)
    warnings = [problem_text(w) for w in report.warnings]
    assert warnings == [
        "第3行「发布日期」列：发布日期比预算批准日期晚41天，超过第七条规定的20天",
        "第3行「竞争性分配」列：竞争性分配的资金还应公开评审结果、分配结果（第八条）",
    ]
    await session.commit()
    funds = {f.project_name: f for f in (await session.scalars(select(FundItem))).all()}
    assert funds["农村公路养护"].budget_amount == Decimal("1234.5")
    assert funds["草原补奖"].budget_amount == Decimal("3450000")  # bare numbers are 万元
    assert funds["乡村文化"].budget_amount == Decimal("12.3")
    assert funds["农村公路养护"].budget_approved_on == date(2016, 1, 20)
    assert funds["农村公路养护"].published_on == date(2016, 2, 5)
    assert funds["草原补奖"].fund_type == "transfer_payment" and funds["草原补奖"].competitive
    again = await import_file(session, "funds", path, publish=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    exported = await export_records(session, "funds")
    assert [r["project_name"] for r in exported] == ["乡村文化", "农村公路养护", "草原补奖"]
    csv_text = to_csv("funds", exported)
    assert csv_text.startswith("\ufeff预算年度,资金类型,主管部门,项目名称,预算金额（万元）")
    assert "2016,部门预算专项资金,天祝县财政局,农村公路养护,1234.5" in csv_text
    round_trip = tmp_path / "export.csv"
    round_trip.write_text(csv_text, encoding="utf-8")
    reimported = await import_file(session, "funds", round_trip)
    assert (reimported.created, reimported.updated) == (0, 0), report_lines(reimported)


async def test_bad_amounts_dates_and_departments(session: AsyncSession, tmp_path: Path) -> None:
    await _departments(session)
    path = _xlsx(
        tmp_path / "bad.xlsx",
        [
            [2016, "部门预算", "天祝县财政局", "道路", "十二万", "", "", "", ""],
            [2016, "部门预算", "天祝县财政局", "桥梁", "12", "", "", "2016-02-30", ""],
            [2016, "部门预算", "天祝县水务局", "水利", "12", "", "", "", ""],
            [16, "专项", "天祝县财政局", "学校", "-3", "", "", "", ""],
            [2016, "部门预算", "天祝县财政局", "道路", "13", "", "", "", ""],
        ],
    )
    report = await import_file(session, "funds", path)
    assert [problem_text(p) for p in report.errors] == [
        "第2行「预算金额（万元）」列：「十二万」不是金额，应写成 12.5、12.5万元 或 125000元",
        "第3行「预算批准日期」列：日期「2016-02-30」不存在（2016年2月没有30日）",
        "第4行「主管部门」列：主管部门「天祝县水务局」不存在："
        "请先导入部门（zwbot import departments）或核对名称",
        "第5行「预算年度」列：「16」不是年份，应写成 2016 这样的4位年份",
        "第5行「资金类型」列：「专项」不是资金类型，应为“部门预算专项资金”或“转移支付专项资金”",
        "第5行「预算金额（万元）」列：金额「-3」不能为负数",
        "第6行：与第2行重复（预算年度、主管部门、项目名称相同）",
    ]
    assert (await session.scalars(select(FundItem))).all() == []


async def test_an_import_never_changes_a_published_fund_row(session: AsyncSession) -> None:
    await _departments(session)
    row = {"预算年度": 2017, "资金类型": "部门预算", "主管部门": "天祝县财政局", "项目名称": "道路"}
    first = await import_rows(session, "funds", [{**row, "预算金额": "10"}], publish=True)
    assert first.ok and first.published == 1
    same = await import_rows(session, "funds", [{**row, "预算金额": "10"}], publish=True)
    assert same.ok and same.unchanged == 1
    # 第八条: a published row changes through 资金变更, reviewed by a second person
    changed = await import_rows(
        session, "funds", [{**row, "预算金额": "15", "变更说明": "追加预算"}], publish=True
    )
    fund = (await session.scalars(select(FundItem))).one()
    assert not changed.ok and changed.errors[0].reason == Blocked(
        Refusal.LIVE_RECORD, "fund", fund.id, name=fund.project_name, year=fund.budget_year
    )
    assert f"资金变更 {fund.id}" in problem_text(changed.errors[0])
    assert fund.budget_amount == Decimal(10) and fund.version == 1


async def test_incomplete_rows_load_as_drafts(session: AsyncSession) -> None:
    await _departments(session)
    row = {"预算年度": 2017, "资金类型": "部门预算", "主管部门": "天祝县财政局", "预算金额": "10"}
    rows = [
        {**row, "项目名称": "道路"},
        # 第八条: a competitive fund publishes its 申报指南
        {**row, "项目名称": "产业扶持", "竞争性分配": "是"},
    ]
    report = await import_rows(session, "funds", rows, publish=True)
    assert report.ok and (report.published, report.drafts) == (1, 1)
    assert dict(report.short_of) == {Lack("申报指南"): 1}
    statuses = dict((await session.execute(select(FundItem.project_name, FundItem.status))).all())
    assert statuses == {"道路": "published", "产业扶持": "draft"}
