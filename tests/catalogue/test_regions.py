"""Loading the county's regions from the shipped file and from CSV files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Region
from catalogue.region_directory import load_region_directory
from catalogue.regions import (
    RegionDataError,
    RegionRecord,
    load_regions,
    load_shipped_regions,
    read_region_csv,
    region_directory,
    shipped_regions,
)


def _facts(records: list[RegionRecord]) -> list[tuple[str, str, str, str | None, str]]:
    return sorted((r.code, r.name, r.level, r.parent_code, r.short_name) for r in records)


def test_shipped_regions_are_the_whole_county() -> None:
    records = shipped_regions()
    levels = Counter(r.level for r in records)
    assert levels == {"province": 1, "prefecture": 1, "county": 1, "town": 21, "village": 206}
    by_code = {r.code: r for r in records}
    assert by_code["620623"].name == "天祝藏族自治县"
    assert by_code["620623"].parent_code == "620600"
    assert by_code["620623100"].name == "华藏寺镇"
    assert all(r.parent_code in by_code for r in records if r.level != "province")
    # Parents come before their children.
    position = {r.code: i for i, r in enumerate(records)}
    assert all(position[r.parent_code] < position[r.code] for r in records if r.parent_code)


def test_shipped_regions_have_same_named_villages_in_different_towns() -> None:
    records = shipped_regions()
    dawan = [r for r in records if r.short_name == "大湾村"]
    assert {r.parent_code for r in dawan} == {"620623101", "620623108"}  # 打柴沟镇, 天堂镇


def test_shipped_file_matches_the_shared_statistical_list(shared_dir: Path) -> None:
    data = shared_dir / "data"
    from_csv = read_region_csv(data / "villages_620623.csv", data / "admin_codes_upper.csv")
    assert _facts(from_csv) == _facts(shipped_regions())


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_a_missing_column_names_file_and_row(tmp_path: Path) -> None:
    villages = _write(tmp_path / "v.csv", "code,name,level\n620623100,华藏寺镇,town\n")
    with pytest.raises(RegionDataError, match=r"v\.csv row 2: missing column\(s\) parent_code"):
        read_region_csv(villages)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("62062310,华藏寺镇,town,620623", "a town code has 9 digits"),
        ("620623100,华藏寺镇,township,620623", "level 'township'"),
        ("620623100001,兴盛社区,village,620623101", "is not a prefix"),
        ("620623100,,town,620623", "the name is empty"),
    ],
)
def test_csv_rows_that_cannot_be_regions_are_refused(
    tmp_path: Path, row: str, message: str
) -> None:
    villages = _write(tmp_path / "v.csv", f"code,name,level,parent_code\n{row}\n")
    with pytest.raises(RegionDataError, match=message):
        read_region_csv(villages)


def test_a_code_twice_is_refused(tmp_path: Path) -> None:
    villages = _write(
        tmp_path / "v.csv",
        "code,name,level,parent_code\n620623100,华藏寺镇,town,620623\n620623100,华藏寺,town,620623\n",
    )
    with pytest.raises(RegionDataError, match="appears twice"):
        read_region_csv(villages)


async def test_loading_is_idempotent_and_builds_a_code_directory(session: AsyncSession) -> None:
    first = await load_shipped_regions(session)
    await session.commit()
    assert len(first.added) == 230 and first.updated == [] and first.unchanged == 0

    second = await load_shipped_regions(session)
    await session.commit()
    assert second.changed == 0 and second.unchanged == 230
    assert await session.scalar(select(func.count()).select_from(Region)) == 230

    directory = await load_region_directory(session)
    assert [e.code for e in directory.allowed_regions()] == ["620623", "620600", "620000"]
    town = directory.town("620623", "108")
    assert town is not None and town.name == "天堂镇"
    village = directory.village("620623", "108", "211")
    assert village is not None and village.name == "大湾村委会"


async def test_a_changed_name_is_updated_and_imported_provenance_kept(
    session: AsyncSession,
) -> None:
    await load_shipped_regions(session)
    town = await session.get(Region, "620623113")
    assert town is not None
    town.name, town.source = "旧名称", "imported from a county file"
    await session.commit()

    report = await load_shipped_regions(session)
    await session.commit()
    assert report.updated == ["620623113"] and report.added == []
    town = await session.get(Region, "620623113")
    assert town is not None and town.name == "祁连镇"
    assert town.source == "imported from a county file"


async def test_a_region_without_its_parent_is_refused(session: AsyncSession) -> None:
    orphan = RegionRecord("620623100", "华藏寺镇", "town", "620623", "华藏寺镇")
    with pytest.raises(RegionDataError, match="parent 620623 is neither in the file nor"):
        await load_regions(session, [orphan])


def test_directory_from_records_checks_town_and_village_segments() -> None:
    directory = region_directory(shipped_regions())
    assert directory.county is not None and directory.county.name == "天祝藏族自治县"
    assert len(directory.towns("620623")) == 21
    assert (
        sum(len(directory.villages("620623", t.segment)) for t in directory.towns("620623")) == 206
    )
    assert directory.town("620623", "999") is None
