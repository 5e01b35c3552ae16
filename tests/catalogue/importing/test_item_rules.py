"""Rules an items import keeps: written codes obey numbering, another region's rows stay that
region's, published items change only through review, lacking records load as drafts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import import_file
from catalogue.lists.completeness import Lack
from catalogue.models import Department, Item
from catalogue.regions import load_shipped_regions
from handlers.staff.import_wording import problem_text, report_lines

ORG = "0087786930"  # organisation code 008778693 + reserve 0
USCC = "11511300008778693M"


def _write(tmp_path: Path, text: str, name: str = "items.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def _reasons(session: AsyncSession, path: Path) -> list[str]:
    report = await import_file(session, "items", path)
    return [problem_text(problem) for problem in report.errors]


async def test_written_codes_keep_the_numbering_rules(
    session: AsyncSession, tmp_path: Path
) -> None:
    await load_shipped_regions(session)
    header = "事项编码,事项名称,主项名称,事项类别,实施主体,实施主体统一社会信用代码\n"
    base = _write(
        tmp_path,
        header
        + f"620623000000{ORG}—XK00001000,娱乐场所设立审批,,行政许可,县文旅局,{USCC}\n"
        + f"620623000000{ORG}—XK00002000,电影放映单位设立审批,,行政许可,县文旅局,{USCC}\n",
        "base.csv",
    )
    assert await _reasons(session, base) == []
    other_org = "0135792460"
    cases = {  # row → the reason expected
        # another body's organisation code for the department
        f"620623000000{other_org}—XK00003000,网吧设立审批,,行政许可,县文旅局,": "组织机构代码",
        # another power's basic code
        f"620623000000{ORG}—XK00002000,歌舞厅设立审批,,行政许可,县文旅局,": "已属于事项「电影",
        # a power that already has its basic code written with another
        f"620623000000{ORG}—XK00003000,娱乐场所设立审批,,行政许可,县文旅局,": "已有基本编码",
        # a sub item without its main item
        f"620623000000{ORG}—XK00001001,娱乐场所变更审批,,行政许可,县文旅局,": "没有主项的子项",
        # arbitrary gaps
        f"620623000000{ORG}—XK00500000,游艺场所设立审批,,行政许可,县文旅局,": "编码跳号",
        f"620623000000{ORG}—XK00001007,娱乐场所延续审批,娱乐场所设立审批,行政许可,县文旅局,": (
            "编码跳号"
        ),
    }
    for row, expected in cases.items():
        reasons = await _reasons(session, _write(tmp_path, header + row + "\n"))
        assert len(reasons) == 1 and expected in reasons[0], (row, reasons)
    good = _write(
        tmp_path,
        header
        + f"620623000000{ORG}—XK00001001,娱乐场所变更审批,娱乐场所设立审批,行政许可,县文旅局,\n"
        + f"620623000000{ORG}—XK00003000,网吧设立审批,,行政许可,县文旅局,\n",
    )
    assert await _reasons(session, good) == []


async def test_another_regions_rows_keep_their_region_and_never_join_a_county_department(
    session: AsyncSession, tmp_path: Path
) -> None:
    county = _write(
        tmp_path, "事项名称,事项类别,实施主体\n结婚登记,行政确认,民政局\n", "county.csv"
    )
    assert (await import_file(session, "items", county)).ok
    header = "name,category_code,department,region,region_code,item_code\n"
    joined = _write(tmp_path, header + "婚姻登记,07,民政局,广东省,440000,440107001000\n")
    reasons = await _reasons(session, joined)
    assert len(reasons) == 1 and "一个部门只属于一个地区" in reasons[0]
    own = _write(tmp_path, header + "婚姻登记,07,广东省民政厅,广东省,440000,440107001000\n")
    report = await import_file(session, "items", own)
    assert report.ok, report_lines(report)
    item = await session.scalar(select(Item).where(Item.name == "婚姻登记"))
    assert item is not None and item.region_code == "440000"
    assert item.code.startswith("440000") and item.national_item_code == "440107001000"
    department = await session.scalar(select(Department).where(Department.name == "广东省民政厅"))
    assert department is not None and department.region_code == "440000"
    # a county code written on another region's row is refused
    coded = _write(
        tmp_path,
        "事项编码,事项名称,事项类别,实施主体,所属地区,所属地区代码\n"
        f"620623000000{ORG}—QR00009000,出生登记,行政确认,广东省民政厅,广东省,440000\n",
    )
    reasons = await _reasons(session, coded)
    assert len(reasons) == 1 and "本县编码只用于本县事项" in reasons[0]


async def test_lacking_records_load_as_drafts_through_the_completeness_seam(
    session: AsyncSession, tmp_path: Path
) -> None:
    def missing(record: Mapping[str, Any]) -> list[Lack]:
        return [] if record.get("legal_basis") else [Lack("设定依据")]

    path = _write(
        tmp_path,
        "事项名称,事项类别,实施主体,设定依据\n"
        "结婚登记,行政确认,县民政局,《婚姻登记条例》第四条\n"
        "收养登记,行政确认,县民政局,\n",
    )
    report = await import_file(session, "items", path, publish=True, missing_fields=missing)
    assert report.ok and (report.published, report.drafts) == (1, 1)
    assert "缺 设定依据" in problem_text(report.warnings[0])
    statuses = dict((await session.execute(select(Item.name, Item.status))).all())
    assert statuses == {"结婚登记": "published", "收养登记": "draft"}
