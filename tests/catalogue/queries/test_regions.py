"""Places by name: exact, without suffix, with the town, fuzzy; same names are ambiguous."""

from __future__ import annotations

import pytest

from catalogue import queries
from tests.kits import public_catalogue as seed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("红大村", seed.HONGDA),
        ("红大", seed.HONGDA),
        ("红大村委会", seed.HONGDA),
        ("华藏寺镇红大村", seed.HONGDA),
        ("华藏寺镇", seed.HUACANGSI_TOWN),
        ("华藏寺", seed.HUACANGSI_TOWN),
        ("华藏寺村", "620623100205"),
        ("天堂镇 大湾村", seed.DAWAN_TIANTANG),
        ("打柴沟大湾", seed.DAWAN_DACHAIGOU),
        ("红达村", seed.HONGDA),
        ("华藏寺真", seed.HUACANGSI_TOWN),  # 真 heard for 镇
        ("打才沟镇", "620623101"),  # flat for retroflex (柴 chai → 才 cai)
        ("天谈镇", "620623108"),  # front for back nasal (堂 tang → 谈 tan)
        # a town heard, then one of its villages heard: both typed by sound
        ("打材沟大弯村", seed.DAWAN_DACHAIGOU),
        ("天唐镇大弯", seed.DAWAN_TIANTANG),
    ],
)
async def test_find_one_place(session, seeded, typed, expected):
    match = await queries.find_regions(session=session, name=typed)
    assert match.place is not None, match
    assert match.place.code == expected


async def test_same_named_villages_are_ambiguous(session, seeded):
    match = await queries.find_regions(session=session, name="大湾村")
    assert match.ambiguous
    assert sorted(p.label for p in match.places) == ["天堂镇 大湾村", "打柴沟镇 大湾村"]


@pytest.mark.parametrize("typed", ["", "上海", "x" * 10_000])
async def test_unknown_places(session, seeded, typed):
    match = await queries.find_regions(session=session, name=typed)
    assert match.places == []


@pytest.mark.parametrize(
    ("said", "towns"),
    [
        ("在打柴沟镇大湾村 想把老房子拆了重盖", {"打柴沟镇"}),
        ("我们是红大村的", {"华藏寺镇"}),  # a village's town
        ("华藏寺镇红大村", {"华藏寺镇"}),
        ("我们是大湾村的", set()),  # 大湾村 lies in two towns: none is named
        ("华藏寺村", {"华藏寺镇"}),
        ("盖房子要办啥", set()),
        ("华藏寺", set()),  # a name said loosely is for find_regions
    ],
)
async def test_towns_named_as_written(session, seeded, said, towns):
    assert await queries.towns_named(session=session, text=said) == towns


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("我家在打柴沟大湾", "我家在打柴沟镇大湾村"),
        ("天堂镇大湾的项目", "天堂镇大湾村的项目"),
        ("屋里就在华藏寺红大村 问个事", "屋里就在华藏寺镇红大村 问个事"),
        # already written out, or no town right before one of its villages: as it is
        ("华藏寺镇红大村", "华藏寺镇红大村"),
        ("红大 扶贫", "红大 扶贫"),
        ("华藏寺的低保咋办", "华藏寺的低保咋办"),
    ],
)
async def test_a_town_and_its_village_said_bare_are_written_out(session, seeded, said, written):
    assert await queries.spelled_out(session=session, text=said) == written
