"""Importing departments: organisation and credit codes checked, names as the natural key."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import import_file
from catalogue.importing.departments import is_local_org_code, local_org_code
from catalogue.models import Department
from handlers.staff.import_wording import problem_text, report_lines


async def test_codes_are_derived_checked_and_idempotent(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "departments.csv"
    path.write_bytes(
        (
            "部门名称,组织机构代码,统一社会信用代码,电话\n"
            "天祝县公安局,,11511300008778693M,0935-3121110\n"
            "天祝县司法局,00877868-5,,\n"
            "天祝县试点局,008778012,,\n"
            "天祝县信访局,,,\n"
        ).encode("gbk")
    )
    report = await import_file(session, "departments", path)
    assert report.ok, report_lines(report)
    assert report.created == 4
    assert [problem_text(w) for w in report.warnings] == [
        "第4行「组织机构代码」列：组织机构代码「008778012」校验码不符，请核对"
    ]
    await session.commit()
    found = {d.name: d for d in (await session.scalars(select(Department))).all()}
    assert found["天祝县公安局"].org_code == "008778693"
    assert found["天祝县司法局"].org_code == "008778685"
    local = found["天祝县信访局"].org_code
    assert local is not None and is_local_org_code(local)
    assert local == local_org_code("天祝县信访局", set())
    again = await import_file(session, "departments", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


async def test_disagreeing_codes_are_an_error(session: AsyncSession, tmp_path: Path) -> None:
    path = tmp_path / "departments.csv"
    path.write_text(
        "部门名称,组织机构代码,统一社会信用代码\n"
        "甲局,00877801X,11511300008778693M\n"
        "乙局,ABC,\n"
        "丙局,,11511300008778693A\n",
        encoding="utf-8",
    )
    report = await import_file(session, "departments", path)
    assert [problem_text(p) for p in report.errors] == [
        "第2行「组织机构代码」列：组织机构代码「00877801X」与统一社会信用代码第9–17位「008778693」不一致",
        "第3行「组织机构代码」列：「ABC」不是组织机构代码，应为8位数字或大写字母加1位校验码（数字或X）",
    ]
    assert [problem_text(w) for w in report.warnings] == [
        "第4行「统一社会信用代码」列：统一社会信用代码「11511300008778693A」校验码不符，请核对"
    ]
    assert (await session.scalars(select(Department))).all() == []


def test_local_codes_avoid_collisions() -> None:
    first = local_org_code("县某局", set())
    second = local_org_code("县某局", {first})
    assert first != second and is_local_org_code(second)
