"""Life events: shipped data, steps resolved against the public catalogue, staff changes."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.demo import load_demo
from catalogue.life_events import (
    LifeEventError,
    add_event,
    life_events,
    parse_event,
    remove_event,
    resolve,
    shipped_events,
)
from catalogue.models import Item


def _event(name: str) -> object:
    return next(e for e in shipped_events() if e.name == name)


def test_the_shipped_events_are_complete() -> None:
    events = shipped_events()
    assert len(events) >= 10
    names = [e.name for e in events]
    assert len(set(names)) == len(names)
    for event in events:
        assert event.triggers and event.steps, event.name
        assert all(step.label and (step.names or step.terms) for step in event.steps)


async def test_no_shipped_step_needs_a_proof_a_later_step_issues(session: AsyncSession) -> None:
    # 困难残疾人生活补贴 asks for 低保证明: 最低生活保障 (keyword 低保) comes before it
    await load_demo(session)
    await session.commit()
    for event in shipped_events():
        items = [s.item for s in await resolve(session, event) if s.item is not None]
        for at, item in enumerate(items):
            needed = [str(r.get("name", "")) for r in item.requirements if isinstance(r, dict)]
            for later in items[at + 1 :]:
                words = [w for w in (later.name, *later.keywords, *later.aliases) if len(w) >= 2]
                issued = [w for w in words for n in needed if f"{w}证明" in n]
                assert not issued, (event.name, item.name, later.name, issued)


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "", "triggers": ["x"], "steps": [{"label": "a", "terms": ["b"]}]},
        {"name": "开农家乐", "triggers": [], "steps": [{"label": "a", "terms": ["b"]}]},
        {"name": "开农家乐", "triggers": ["开农家乐"], "steps": []},
        {"name": "开农家乐", "triggers": ["开农家乐"], "steps": [{"label": "营业执照"}]},
    ],
)
def test_malformed_events_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(LifeEventError):
        parse_event(bad)


async def test_steps_resolve_to_public_items_in_order_and_missing_ones_are_left_out(
    session: AsyncSession,
) -> None:
    await load_demo(session)
    await session.commit()
    birth = await resolve(session, _event("孩子出生"))  # type: ignore[arg-type]
    assert [s.item.name for s in birth if s.item] == ["《出生医学证明》首次签发", "社会保障卡申领"]
    # steps no item serves: the department to ask, when the step names one, else left out
    asks = [(s.label, s.department.name) for s in birth if s.item is None and s.department]
    assert asks[0] == ("出生登记（上户口）", "天祝藏族自治县公安局")
    death = await resolve(session, _event("家人去世"))  # type: ignore[arg-type]
    always = [s for s in death if not s.when]  # the steps every family takes: none an item
    assert all(s.item is None for s in always) and len(always) == 4
    assert "个体工商户注销登记" in [s.item.name for s in death if s.when and s.item]
    assert "社保卡注销" not in [s.label for s in death]  # no department named: left out
    house = await resolve(session, _event("在村里盖房子"))  # type: ignore[arg-type]
    # the county's own body first, though two towns exercise the same power
    planning = next(s.item for s in house if s.item and s.item.name == "乡村建设规划许可证核发")
    assert planning.region_code == "620623"
    # an item that is no longer public drops out of every checklist
    await session.execute(update(Item).where(Item.name == "社会保障卡申领").values(status="draft"))
    again = await resolve(session, _event("孩子出生"))  # type: ignore[arg-type]
    assert [s.item.name for s in again if s.item] == ["《出生医学证明》首次签发"]


async def test_staff_add_replace_hide_and_remove_events(session: AsyncSession) -> None:
    farm = parse_event(
        {
            "name": "开农家乐",
            "triggers": ["开农家乐"],
            "steps": [{"label": "营业执照", "terms": ["个体工商户设立登记"]}],
        }
    )
    assert await add_event(session, farm, by="市场监管局") == "added"
    await session.flush()
    assert "开农家乐" in [e.name for e in await life_events(session)]
    assert await remove_event(session, "孩子出生") == "hidden"
    await session.flush()
    assert "孩子出生" not in [e.name for e in await life_events(session)]
    assert await remove_event(session, "孩子出生") == "missing"
    birth = parse_event(
        {
            "name": "孩子出生",
            "triggers": ["生娃"],
            "steps": [{"label": "出生证", "terms": ["出生"]}],
        }
    )
    assert await add_event(session, birth) == "replaced"
    await session.flush()
    replaced = next(e for e in await life_events(session) if e.name == "孩子出生")
    assert replaced.triggers == ("生娃",) and not replaced.shipped
    assert await remove_event(session, "开农家乐") == "removed"
    assert await remove_event(session, "开农家乐") == "missing"


async def test_a_steps_circumstances_are_kept_and_resolved_with_it(session: AsyncSession) -> None:
    hard_times = parse_event(
        {
            "name": "遇到难处",
            "triggers": ["遇到难处"],
            "steps": [
                {"label": "急难时：临时救助", "names": ["临时救助"], "when": ["塌方", " 车祸 "]},
                {"label": "长期困难：最低生活保障", "names": ["最低生活保障"]},
            ],
        }
    )
    assert hard_times.steps[0].when == ("塌方", "车祸") and hard_times.steps[1].when == ()
    assert hard_times.steps[0].as_dict()["when"] == ["塌方", "车祸"]
    assert "when" not in hard_times.steps[1].as_dict()
    await load_demo(session)
    await add_event(session, hard_times, by="民政局")
    await session.flush()
    stored = next(e for e in await life_events(session) if e.name == "遇到难处")
    assert stored.steps[0].when == ("塌方", "车祸")
    resolved = await resolve(session, stored)
    assert [(s.item.name if s.item else "", s.when) for s in resolved] == [
        ("临时救助", ("塌方", "车祸")),
        ("最低生活保障", ()),
    ]
