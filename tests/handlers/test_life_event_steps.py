"""The per-worker cache of a life event's resolved steps: the same steps as resolving anew,
no query once kept, and a change of the catalogue seen at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.life_events import resolve, shipped_events
from catalogue.models import Item
from handlers.citizen.life_event_steps import resolved_steps
from tests.kits.statements import statements_run


def _steps(found: list[Any]) -> list[tuple[str, str | None, int | None]]:
    """Each step's label, item code and (a step no item serves) department to ask."""
    return [
        (
            step.label,
            step.item.code if step.item is not None else None,
            step.department.id if step.department is not None else None,
        )
        for step in found
    ]


async def test_kept_steps_are_the_resolved_ones_and_cost_no_query(
    demo_database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    engine, sessions = demo_database
    for life_event in shipped_events():
        async with sessions() as session:
            fresh = await resolve(session, life_event)
        async with sessions() as session:
            first = await resolved_steps(session, life_event)
        with statements_run(engine) as statements:
            async with sessions() as session:
                again = await resolved_steps(session, life_event)
        assert _steps(first) == _steps(fresh) == _steps(again), life_event.name
        assert statements == [], life_event.name
        # still readable, their session closed
        for step in again:
            served = step.item or step.department
            # an office the county has no department of is named in words (烟草专卖局)
            assert (served is not None and served.name) or step.office, life_event.name


async def test_a_change_of_the_items_is_seen_at_once(
    demo_database: tuple[AsyncEngine, async_sessionmaker[AsyncSession]],
) -> None:
    _, sessions = demo_database
    birth = next(e for e in shipped_events() if e.name == "孩子出生")
    async with sessions() as session:
        before = _steps(await resolved_steps(session, birth))
    served = next(step for step in before if step[1] is not None)
    async with sessions() as session:
        item = await session.scalar(select(Item).where(Item.code == served[1]))
        assert item is not None
        item.status = "draft"  # withdrawn from the public
        await session.commit()
    async with sessions() as session:
        after = _steps(await resolved_steps(session, birth))
        assert after == _steps(await resolve(session, birth))
    assert served not in after
