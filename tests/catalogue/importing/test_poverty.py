"""Importing poverty allocation plans and project lists: places by code or name, villages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.exporting import export_records
from catalogue.importing import import_file, import_rows
from catalogue.models import PovertyAllocation, PovertyProject
from catalogue.regions import load_shipped_regions
from handlers.staff.import_wording import problem_text, report_lines


async def test_allocations_by_code_and_name(session: AsyncSession, tmp_path: Path) -> None:
    await load_shipped_regions(session)
    path = tmp_path / "allocations.csv"
    path.write_text(
        "年度,乡镇或村,金额（万元）,文号,用途\n"
        "2016,620623108200,50,天扶贫发〔2016〕12号,村道硬化\n"
        '2016年,华藏寺镇,"1,200,000元",天扶贫发〔2016〕12号,产业扶持\n'
        "2016,天堂镇那威村,30.5万元,天扶贫发〔2016〕12号,饮水\n",
        encoding="utf-8",
    )
    report = await import_file(session, "poverty-allocations", path, publish=True)
    assert report.ok, report_lines(report)
    await session.commit()
    rows = {a.purpose: a for a in (await session.scalars(select(PovertyAllocation))).all()}
    assert rows["村道硬化"].region_code == "620623108200"
    assert rows["产业扶持"].region_code == "620623100" and rows["产业扶持"].amount == Decimal(120)
    assert rows["饮水"].region_code == "620623108201" and rows["饮水"].amount == Decimal("30.5")
    again = await import_file(session, "poverty-allocations", path, publish=True)
    assert (again.created, again.unchanged) == (0, 3)
    assert len(await export_records(session, "poverty-allocations")) == 3


async def test_unknown_and_ambiguous_places(session: AsyncSession, tmp_path: Path) -> None:
    await load_shipped_regions(session)
    path = tmp_path / "allocations.csv"
    path.write_text(
        "年度,乡镇或村,金额（万元）,文号\n"
        "2016,大湾村,10,天扶贫发〔2016〕1号\n"
        "2016,月亮村,10,天扶贫发〔2016〕1号\n"
        "2016,620623999001,10,天扶贫发〔2016〕1号\n",
        encoding="utf-8",
    )
    report = await import_file(session, "poverty-allocations", path)
    assert [problem_text(p) for p in report.errors] == [
        "第2行「乡镇或村」列：「大湾村」有多处同名（620623101215、620623108211），"
        "请写区划代码或“乡镇名+村名”",
        "第3行「乡镇或村」列：「月亮村」不是本县的乡镇或村（社区），请写区划代码或完整名称",
        "第4行「乡镇或村」列：区划代码「620623999001」不存在，请先导入区划",
    ]
    assert (await session.scalars(select(PovertyAllocation))).all() == []


async def test_project_list_with_villages(session: AsyncSession, tmp_path: Path) -> None:
    await load_shipped_regions(session)
    path = tmp_path / "projects.csv"
    header = (
        "年度,项目名称,审批文号,投资额度（万元）,主要建设内容,新增经济效益和扶贫效益,"
        "项目主管单位,项目实施单位,涉及村,受益户数,受益人数,进度\n"
    )
    path.write_text(
        header + "2016,天堂村人饮工程,天扶贫发〔2016〕8号,120万元,管道12公里,解决饮水,"
        '县扶贫办,县水务局,天堂镇天堂村、天堂镇那威村,120户,"1,200人",实施中\n',
        encoding="utf-8",
    )
    report = await import_file(session, "poverty-projects", path)
    assert report.ok, report_lines(report)
    await session.commit()
    project = (await session.scalars(select(PovertyProject))).one()
    assert project.investment == Decimal(120) and project.progress == "in_progress"
    assert (project.households_benefited, project.persons_benefited) == (120, 1200)
    assert sorted(v.code for v in project.villages) == ["620623108200", "620623108201"]
    again = await import_file(session, "poverty-projects", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    two_villages = path.read_text(encoding="utf-8")
    path.write_text(
        header + "2016,天堂村人饮工程,天扶贫发〔2016〕8号,120万元,管道12公里,解决饮水,"
        '县扶贫办,县水务局,天堂镇天堂村,120户,"1,200人",实施中\n',
        encoding="utf-8",
    )
    fewer = await import_file(session, "poverty-projects", path, publish=True)
    assert (fewer.updated, fewer.published) == (1, 1)  # a draft: changed and published
    await session.commit()
    session.expire_all()
    project = (await session.scalars(select(PovertyProject))).one()
    assert [v.code for v in project.villages] == ["620623108200"]
    exported = await export_records(session, "poverty-projects")
    assert exported[0]["villages"] == ["620623108200"]
    # published now: a file can no longer change it, its villages included (扶贫变更)
    path.write_text(two_villages, encoding="utf-8")
    refused = await import_file(session, "poverty-projects", path, publish=True)
    assert not refused.ok and f"扶贫变更 {project.id}" in problem_text(refused.errors[0])


async def test_late_publication_of_a_change_is_flagged(session: AsyncSession) -> None:
    row = {
        "年度": 2016,
        "项目名称": "道路硬化",
        "审批文号": "天扶贫发〔2016〕3号",
        "投资额度": "10万元",
        "主要建设内容": "硬化道路2公里",
        "新增经济效益和扶贫效益": "受益农户40户",
        "项目主管单位": "县扶贫办",
        "项目实施单位": "县交通局",
        "变更日期": "2016年3月1日",
    }
    report = await import_rows(session, "poverty-projects", [row], publish=True)
    assert report.ok
    [warning] = report.warnings
    assert warning.column == "变更日期" and "超过第四条规定的10个工作日" in str(warning.reason)
    quiet = await import_rows(session, "poverty-projects", [{**row, "项目名称": "桥"}])
    assert quiet.warnings == []  # not published yet: nothing is late
