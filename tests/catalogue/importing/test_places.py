"""Naming a town or village: code, full name, short name, town + village; ambiguity explained."""

from __future__ import annotations

import pytest

from catalogue.importing.places import Places
from catalogue.models import Region
from catalogue.regions import shipped_regions


@pytest.fixture(scope="module")
def places() -> Places:
    regions = [
        Region(
            code=r.code,
            name=r.name,
            level=r.level,
            parent_code=r.parent_code,
            short_name=r.short_name,
        )
        for r in shipped_regions()
    ]
    return Places(regions, "620623")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("620623108200", "620623108200"),
        ("天堂镇", "620623108"),
        ("天堂村委会", "620623108200"),
        ("天堂村", "620623108200"),
        ("天堂镇天堂村", "620623108200"),
        ("打柴沟镇大湾村", "620623101215"),
    ],
)
def test_known_places(places: Places, typed: str, code: str) -> None:
    assert places.resolve(typed) == (code, "")


def test_ambiguous_and_unknown_places(places: Places) -> None:
    code, problem = places.resolve("大湾村")
    assert code is None and "620623101215、620623108211" in problem
    assert places.resolve("甘肃省") == (
        None,
        "「甘肃省」不是本县的乡镇或村（社区），请写区划代码或完整名称",
    )
    assert places.resolve("620623999") == (None, "区划代码「620623999」不存在，请先导入区划")
