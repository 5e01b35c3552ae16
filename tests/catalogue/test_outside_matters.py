"""Matters outside the catalogue: the shipped data, read strictly, and the department each
names to ask."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import queries
from catalogue.demo import load_demo
from catalogue.outside_matters import OutsideMattersError, outside_matters, parse


def test_the_shipped_matters_are_complete_and_each_word_names_one() -> None:
    matters = outside_matters()
    assert len(matters) >= 8
    words = [word for matter in matters for word in matter.said]
    assert len(set(words)) == len(words)  # a word names one matter only
    for matter in matters:
        assert matter.name and matter.office and matter.said


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"matters": [{"name": "税务", "said": ["报税"]}]},  # no office
        {"matters": [{"name": "税务", "office": "税务局", "said": []}]},
        {"matters": [{"name": "税务", "office": "税务局", "said": ["报税", ""]}]},
        {"matters": [{"name": "税务", "office": "税务局", "said": ["报税"], "hotline": 12366}]},
    ],
)
def test_malformed_matters_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(OutsideMattersError):
        parse(bad)


async def test_the_departments_named_to_ask_are_the_deployments_own(session: AsyncSession) -> None:
    await load_demo(session)
    asked = [m for m in outside_matters() if m.ask]
    found = [await queries.department_to_ask(session=session, words=m.ask) for m in asked]
    # the demo has a 公安局, 自然资源局 and 人社局 with phones, no 医疗保障局: 医保 falls back to
    # the 人社局, the second word it names
    named = {m.name: d.short_name for m, d in zip(asked, found, strict=True) if d is not None}
    assert named["出入境证件（护照、往来港澳台通行证、签注）"] == "县公安局"
    assert named["不动产登记（房产证、土地证、过户）"] == "县自然资源局"
    assert named["医疗保险参保、缴费和报销"] == "县人社局"
    assert all(d.phone for d in found if d is not None)
    assert await queries.department_to_ask(session=session, words=["税务局"]) is None
