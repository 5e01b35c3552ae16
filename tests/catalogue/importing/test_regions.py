"""Importing regions from the shared CSV files and from the Chinese template."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import import_file
from catalogue.models import Region
from handlers.staff.import_wording import problem_text, report_lines


async def test_shared_region_files_load_in_order_and_reload(
    session: AsyncSession, shared_dir: Path
) -> None:
    data = shared_dir / "data"
    upper = await import_file(session, "regions", data / "admin_codes_upper.csv")
    villages = await import_file(session, "regions", data / "villages_620623.csv")
    assert upper.ok and villages.ok, report_lines(villages)
    assert (upper.created, villages.created) == (3, 227)
    await session.commit()
    result = await session.execute(select(Region.level, func.count()).group_by(Region.level))
    assert {level: count for level, count in result} == {
        "province": 1,
        "prefecture": 1,
        "county": 1,
        "town": 21,
        "village": 206,
    }
    town = await session.get(Region, "620623108")
    assert town is not None and town.parent_code == "620623" and town.name == "天堂镇"
    again = await import_file(session, "regions", data / "villages_620623.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 227)


async def test_villages_without_their_county_are_refused(
    session: AsyncSession, shared_dir: Path
) -> None:
    report = await import_file(session, "regions", shared_dir / "data" / "villages_620623.csv")
    assert not report.ok
    first = report.errors[0]
    assert (first.row, first.column) == (2, "parent_code")
    assert isinstance(first.reason, str) and first.reason.startswith("上级区划「620623」不存在")
    assert await session.scalar(select(func.count()).select_from(Region)) == 0


async def test_template_rows_and_their_mistakes(session: AsyncSession, tmp_path: Path) -> None:
    path = tmp_path / "regions.csv"
    path.write_text(
        "区划代码*,名称*,级别*,上级代码\n"
        "620623,天祝藏族自治县,县,\n"
        "620623100,华藏寺镇,乡镇,620623\n"
        "620623100001,兴盛社区,村,620623100\n"
        "62062310,错误,村,\n"
        "620623101,打柴沟镇,村,\n"
        "620623102001,某村,村,620623101\n"
        "620623103,某镇,省会,\n",
        encoding="utf-8",
    )
    report = await import_file(session, "regions", path)
    reasons = [problem_text(problem) for problem in report.errors]
    assert reasons == [
        "第5行「区划代码*」列：「62062310」不是区划代码，应为6位（县及以上）、9位（乡镇）或12位（村）数字",
        "第6行「区划代码*」列：「620623101」为9位，村级区划应为12位代码",
        "第7行「上级代码」列：上级代码「620623101」与区划代码「620623102001」的前9位不一致",
        "第8行「级别*」列：「省会」不是区划级别，应为 省、市、县、乡镇 或 村",
    ]
    assert await session.scalar(select(func.count()).select_from(Region)) == 0
