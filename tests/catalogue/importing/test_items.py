"""Importing items: the real 6,318-row directory as other regions' catalogues, county codes,
non-items left out, code rules, all-or-nothing, idempotence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.checkdigits import is_valid_org_code
from catalogue.codes import check_item_code
from catalogue.exporting import export_records, to_json
from catalogue.importing import import_file
from catalogue.lists.completeness import Lack
from catalogue.models import Department, Item, RetiredCode
from catalogue.regions import load_shipped_regions
from catalogue.scope import ALL_REGIONS, SCOPE_KEY, RegionScope
from handlers.staff.import_wording import problem_text, report_lines
from tests.kits import first_load

HEADER = "事项名称,主项名称,事项类别,实施主体,实施主体统一社会信用代码,法定办结时限,办理要件\n"
POLICE_USCC = "11511300008778693M"  # real code; organisation code 008778693


def _csv(tmp_path: Path, body: str, name: str = "items.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


async def _count(session: AsyncSession, model: type[Item] | type[Department]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _items(session: AsyncSession) -> dict[tuple[str, str], Item]:
    rows = (await session.scalars(select(Item))).all()
    return {(i.department.name if i.department else "", i.name): i for i in rows}


def _real_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


async def test_the_real_directory_loads_as_three_other_regions_catalogues(
    session: AsyncSession, shared_dir: Path
) -> None:
    path = shared_dir / "data" / "service_items.csv"
    source = {row["id"]: row for row in _real_rows(path)}
    report = await import_file(session, "items", path, publish=True)
    assert report.ok, report_lines(report, 20)
    rejected = len(report.rejected)
    # no row is complete (none has 监督方式 or 责任事项): the first load keeps them all drafts
    assert (report.rows, report.created, report.drafts, report.published) == (
        6318,
        6318 - rejected,
        6318 - rejected,
        0,
    )
    await session.commit()
    items = (await session.scalars(select(Item))).all()
    assert len(items) == 6318 - rejected == report.short_records
    assert {i.status for i in items} == {"draft"}
    powers = sum(i.kind == "power" for i in items)
    assert report.short_of[Lack("监督方式")] == report.short_of[Lack("责任事项")] == powers
    assert report.short_of[Lack("服务内容")] == len(items) - powers
    # nothing of it is the county's: no county code, each row keeps its region and codes
    assert not [i.code for i in items if i.code.startswith("620623")]
    for item in items:
        row = source[item.source.rsplit("#", 1)[1]]
        assert item.region_code == row["region_code"] and item.code.startswith(row["region_code"])
        assert (item.national_item_code or "") == row["item_code"]
        assert (item.national_implementation_code or "") == row["implementation_code"]
        assert check_item_code(item.code).ok
    assert {i.region_code for i in items} == {"511602", "440000", "440100", "650200"}
    departments = (await session.scalars(select(Department))).all()
    assert all(d.region_code in ("511602", "440000", "440100", "650200") for d in departments)
    # the county's open data holds none of it; serving every region, all of it
    for kind in ("items", "departments", "responsibilities"):
        assert await export_records(session, kind) == [], kind
    assert {r["code"][:6] for r in await export_records(session, "regions")} <= {
        "620000",
        "620600",
        "620623",
    }
    # serving every region, drafts are still no open data
    session.info[SCOPE_KEY] = RegionScope(ALL_REGIONS)
    assert json.loads(to_json(await export_records(session, "items"))) == []
    again = await import_file(session, "items", path, publish=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6318 - rejected), report_lines(
        again, 20
    )
    assert len(again.rejected) == rejected


async def test_news_headlines_and_notices_are_left_out_with_a_reason(
    session: AsyncSession, shared_dir: Path
) -> None:
    path = shared_dir / "data" / "service_items.csv"
    report = await import_file(session, "items", path, dry_run=True)
    assert report.ok
    reasons = {problem.row: problem.reason for problem in report.rejected}
    names = {int(row["id"]) + 1: row["name"] for row in _real_rows(path)}
    # headlines of a library's news page and a museum's notices are not services
    assert "新闻标题" in reasons[2477] and "召开" in reasons[2477], names[2477]
    assert "公告" in reasons[2430] and names[2430] == "广东美术馆招聘公告"
    assert "图片新闻" in reasons[2415]
    # services that merely mention such words stay: queries, sign-ups, devolved powers
    for row, name in names.items():
        if name in (
            "满分审验教育公告查询",
            "就业技能培训开班（含报名）",
            "发布航道通告",
            "三级运动员称号授予",
        ):
            assert row not in reasons, name
    # powers are legal acts of a 权责清单, never a website's pages
    assert not [r for r in reasons if "处罚" in names[r] or names[r].startswith("对")]
    assert 30 <= len(reasons) <= 60


async def test_main_and_sub_items_share_basic_codes(session: AsyncSession, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"民办学校设立审批,,行政许可,县教育局,{POLICE_USCC},30(工作日),申请书；章程\n"
        "民办学校分立审批,民办学校设立审批,01,县教育局,,20个工作日,\n"
        "民办学校合并审批,民办学校设立审批,01,县教育局,,,\n"
        "民办学校分立审批,民办学校设立审批,行政许可,县人社局,,,\n"
        "义务教育入学咨询,,公共服务,县教育局,,,\n",
    )
    report = await import_file(session, "items", path)
    assert report.ok, report_lines(report)
    await session.commit()
    items = await _items(session)
    main = items[("县教育局", "民办学校设立审批")]
    split = items[("县教育局", "民办学校分立审批")]
    merge = items[("县教育局", "民办学校合并审批")]
    other = items[("县人社局", "民办学校分立审批")]
    service = items[("县教育局", "义务教育入学咨询")]
    assert main.code == "620623000000008778693" + "0—XK00001000"
    assert split.basic_code == "XK00001001" and merge.basic_code == "XK00001002"
    # the same power exercised by another body keeps its basic code
    assert other.basic_code == split.basic_code and other.subject_code != split.subject_code
    assert (service.kind, service.basic_code) == ("service", "QT00001000")
    assert split.parent_id == main.id and other.parent_id is None
    assert main.legal_time_limit.value == 30 and main.legal_time_limit.unit == "工作日"
    assert [m["name"] for m in main.requirements] == ["申请书", "章程"]
    assert main.status == "draft"


async def test_organisation_codes_of_departments(session: AsyncSession, tmp_path: Path) -> None:
    departments = tmp_path / "departments.csv"
    departments.write_text("部门名称,组织机构代码\n县司法局,00877868-5\n", encoding="utf-8")
    assert (await import_file(session, "departments", departments)).ok
    path = _csv(tmp_path, "法律援助,,公共服务,县司法局,,,\n调解,,公共服务,县信访局,,,\n")
    report = await import_file(session, "items", path)
    assert report.ok, report_lines(report)
    items = await _items(session)
    assert items[("县司法局", "法律援助")].subject_code[12:21] == "008778685"
    local = items[("县信访局", "调解")].subject_code[12:21]
    assert local.startswith("Z") and is_valid_org_code(local)
    # deterministic: the same name gives the same local code in another database
    from catalogue.importing.departments import local_org_code

    assert local_org_code("县信访局", set()) == local


async def test_any_error_changes_nothing(session: AsyncSession, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "居民身份证换领,,行政确认,县公安局,,,\n"
        "户口迁移,,行政魔法,县公安局,,,\n"
        "户口登记,,01,县公安局,11511300008778693,,\n"
        "居民身份证换领,,行政确认,县公安局,,,\n",
    )
    report = await import_file(session, "items", path, publish=True)
    assert not report.ok
    problems = [(p.row, p.column, p.reason) for p in report.errors]
    assert problems[0][:2] == (3, "事项类别") and "「行政魔法」不是事项类别" in problems[0][2]
    assert problems[1][:2] == (4, "实施主体统一社会信用代码")
    assert problems[1][2].startswith("「11511300008778693」不是统一社会信用代码")
    assert problems[2] == (5, "", "与第2行重复（实施主体、事项名称相同）")
    await session.commit()
    assert await _count(session, Item) == 0
    assert await _count(session, Department) == 0


async def test_wrong_columns_are_named(session: AsyncSession, tmp_path: Path) -> None:
    path = tmp_path / "funds.csv"
    path.write_text("预算年度,项目名称,预算金额（万元）\n2016,道路,12\n", encoding="utf-8")
    report = await import_file(session, "items", path)
    reasons = [problem_text(p) for p in report.errors]
    assert reasons[0].startswith(
        "第1行「预算年度」列：不是「行政权力和便民服务事项」的列；可用的列："
    )
    assert "第1行「事项名称」列：缺少必填列" in reasons
    assert "第1行「实施主体」列：缺少必填列" in reasons
    assert any("至少需要「事项类别」或「事项类型代码」中的一列" in r for r in reasons)


async def test_gbk_template_file(session: AsyncSession, tmp_path: Path) -> None:
    path = _csv(tmp_path, "农机购置补贴,,行政给付,县农业农村局,,60日,\n", encoding="gbk")
    report = await import_file(session, "items", path, publish=True)
    assert report.ok and report.encoding == "GB18030"
    items = await _items(session)
    item = items[("县农业农村局", "农机购置补贴")]
    # read right, and kept a draft: it lacks 设定依据, 流程图, 监督方式 and 责任事项
    assert (item.category, item.status, str(item.legal_time_limit)) == ("GF", "draft", "60日")


async def test_publishing_later_and_idempotence(session: AsyncSession, tmp_path: Path) -> None:
    row = {"事项名称": "建设工程规划许可", "事项类别": "行政许可", "实施主体": "县自然资源局"}
    path, duties = first_load.write_first_load_files(
        tmp_path, "事项名称,事项类别,实施主体\n建设工程规划许可,行政许可,县自然资源局\n"
    )
    first = await import_file(session, "items", path)
    await session.commit()
    assert (first.created, first.published) == (1, 0)
    short = await import_file(session, "items", path, publish=True, dry_run=True)
    assert (short.updated, short.published, dict(short.short_of)) == (0, 0, {Lack("责任事项"): 1})
    assert first_load.duty_rows([row])
    assert (await import_file(session, "responsibilities", duties)).ok
    await session.commit()
    dry = await import_file(session, "items", path, publish=True, dry_run=True)
    assert (dry.updated, dry.published) == (1, 1)
    await session.rollback()
    published = await import_file(session, "items", path, publish=True)
    await session.commit()
    assert (published.updated, published.published) == (1, 1)
    again = await import_file(session, "items", path, publish=True)
    assert (again.created, again.updated, again.unchanged, again.published) == (0, 0, 1, 0)
    item = (await _items(session))[("县自然资源局", "建设工程规划许可")]
    assert item.status == "published" and item.version == 2


async def test_new_numbers_skip_retired_codes(session: AsyncSession, tmp_path: Path) -> None:
    await load_shipped_regions(session)
    session.add(
        RetiredCode(
            code="6206230000000087786930—XK00001000",
            basic_code="XK00001000",
            name="已取消的许可",
            reason="abolished",
        )
    )
    await session.flush()
    path = _csv(tmp_path, "新许可,,行政许可,县公安局,,,\n")
    report = await import_file(session, "items", path)
    assert report.ok
    assert (await _items(session))[("县公安局", "新许可")].basic_code == "XK00002000"


async def test_written_codes_are_checked(session: AsyncSession, tmp_path: Path) -> None:
    await load_shipped_regions(session)
    session.add(
        RetiredCode(
            code="6206230000000087786930—CF00009000",
            basic_code="CF00009000",
            name="旧处罚",
            reason="merged",
        )
    )
    await session.flush()
    org = "0087786930"  # organisation code 008778693 + reserve 0
    path = tmp_path / "coded.csv"
    path.write_text(
        "事项编码,事项名称,事项类别,实施主体,下放区划代码\n"
        f"620623100001{org}-cf00003000,村级处罚,行政处罚,县公安局,\n"
        f"620623000000{org}—XK00003000,类别不符,行政处罚,县公安局,\n"
        f"620623000000{org}—CF00009000,已作废,行政处罚,县公安局,\n"
        f"620623150000{org}—CF00004000,乡镇错误,行政处罚,县公安局,\n"
        ",下放事项,行政处罚,县公安局,620623108200\n",
        encoding="utf-8",
    )
    report = await import_file(session, "items", path)
    reasons = [problem_text(p) for p in report.errors]
    assert reasons == [
        "第3行「事项编码」列：编码类别「XK」与事项类别「CF」不一致",
        f"第4行「事项编码」列：编码「620623000000{org}—CF00009000」已进入代码废止库，不能再使用",
        reasons[2],
    ]
    assert reasons[2].startswith("第5行「事项编码」列：第7–9位 乡镇街道代码「150」")
    good = tmp_path / "good.csv"
    good.write_text(
        "事项编码,事项名称,事项类别,实施主体,下放区划代码\n"
        f"620623100001{org}-cf00003000,村级处罚,行政处罚,县公安局,\n"
        ",下放事项,行政处罚,县公安局,620623108200\n",
        encoding="utf-8",
    )
    report = await import_file(session, "items", good)
    assert report.ok, report_lines(report)
    items = await _items(session)
    assert items[("县公安局", "村级处罚")].code == f"620623100001{org}—CF00003000"
    assert items[("县公安局", "村级处罚")].region_code == "620623100001"
    devolved = items[("县公安局", "下放事项")]
    assert devolved.code.startswith("620623108200") and devolved.region_code == "620623108200"
    # numbered after the highest used or retired main of the category (9), not after 3
    assert devolved.basic_code == "CF00010000"


async def test_rows_from_code(session: AsyncSession) -> None:
    await first_load.publish_items(
        session,
        [
            {
                "事项名称": "低保申请",
                "事项类别": "行政给付",
                "实施主体": "县民政局",
                "是否涉密": False,
            },
            {"事项名称": "涉密审批", "事项类别": "01", "实施主体": "县保密局", "是否涉密": True},
        ],
        demo=True,
    )
    items = await _items(session)
    assert items[("县民政局", "低保申请")].is_demo
    assert items[("县保密局", "涉密审批")].classified
    exported = await export_records(session, "items")
    assert [r["name"] for r in exported] == ["低保申请"]
    assert exported[0]["demo"] is True


async def test_a_changed_category_retires_the_old_code(
    session: AsyncSession, tmp_path: Path
) -> None:
    first = _csv(tmp_path, "占道经营审批,,行政许可,县城管局,,,\n", name="first.csv")
    assert (await import_file(session, "items", first)).ok
    old = (await _items(session))[("县城管局", "占道经营审批")].code
    second = _csv(tmp_path, "占道经营审批,,行政处罚,县城管局,,,\n", name="second.csv")
    report = await import_file(session, "items", second)
    assert report.ok, report_lines(report)
    assert "原编码进入代码废止库" in problem_text(report.warnings[0]) and old in problem_text(
        report.warnings[0]
    )
    items = await _items(session)
    assert items[("县城管局", "占道经营审批")].basic_code == "CF00001000"
    retired = (await session.scalars(select(RetiredCode))).one()
    assert (retired.code, retired.merged_into) == (old, items[("县城管局", "占道经营审批")].code)
    # no XK item is left, yet the retired XK00001000 is not handed out again
    third = _csv(tmp_path, "另一许可,,行政许可,县城管局,,,\n", name="third.csv")
    assert (await import_file(session, "items", third)).ok
    assert (await _items(session))[("县城管局", "另一许可")].basic_code == "XK00002000"


async def test_known_department_without_codes_gets_them(
    session: AsyncSession, tmp_path: Path
) -> None:
    session.add(Department(name="县公安局"))  # e.g. entered by staff, codes unknown
    await session.flush()
    path = _csv(tmp_path, f"户口登记,,行政确认,县公安局,{POLICE_USCC},,\n")
    report = await import_file(session, "items", path)
    assert report.ok, report_lines(report)
    department = (await session.scalars(select(Department))).one()
    await session.refresh(department)
    assert (department.org_code, department.uscc) == ("008778693", POLICE_USCC)
    item = (await _items(session))[("县公安局", "户口登记")]
    assert item.subject_code[12:21] == "008778693"
    again = await import_file(session, "items", path)
    assert again.unchanged == 1
