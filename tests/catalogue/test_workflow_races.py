"""Races decided by the database, with real concurrent sessions (two engines) on PostgreSQL
and SQLite: two proposals on one record, and two steps (通过/驳回, 发布/撤回) on one request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue import audit
from catalogue.db import create_engine, session_factory
from catalogue.models import ChangeRequest, Item, RequestHold, StaffMember
from catalogue.workflow import errors, fields, holds, proposals, publishing, review
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import Step, request_step
from catalogue.workflow.runner import Actor, run
from tests.kits import staff_world as W

Op = Callable[[AsyncSession, StaffMember], Awaitable[Outcome]]


@pytest.fixture
async def second(engine: AsyncEngine, database_url: str) -> AsyncIterator[Any]:
    """A second engine on the same database: its own connections, as another worker has."""
    other = create_engine(database_url)
    try:
        yield session_factory(other)
    finally:
        await other.dispose()


def at_barrier(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, parties: int = 2
) -> asyncio.Barrier:
    """Hold every caller of `module.name` until `parties` of them have arrived, so that both
    commands have read and checked before either writes."""
    barrier = asyncio.Barrier(parties)
    original = getattr(module, name)

    async def wait_then_call(*args: Any, **kwargs: Any) -> Any:
        await asyncio.wait_for(barrier.wait(), timeout=30)
        return await original(*args, **kwargs)

    monkeypatch.setattr(module, name, wait_then_call)
    return barrier


async def as_staff(
    sessions: async_sessionmaker[AsyncSession], world: Any, who: str, op: Op
) -> Outcome:
    return await run(sessions, Actor.of(world.staff[who]), f"test:{who}", op)


def phone(value: str) -> Op:
    spec = fields.field_spec("电话")
    return lambda s, m: proposals.propose_change(s, m, W.LIVE, [(spec, value)])


async def test_two_proposals_on_one_item_open_one_request(
    sessions: async_sessionmaker[AsyncSession],
    second: async_sessionmaker[AsyncSession],
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at_barrier(monkeypatch, proposals.holds, "file")
    first, other = await asyncio.gather(
        as_staff(sessions, world, "clerk", phone("0935-1111111")),
        as_staff(second, world, "review", phone("0935-2222222")),
    )
    outcomes = [first, other]
    won = [o for o in outcomes if not o.refused]
    lost = [o for o in outcomes if o.refused]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0].error, errors.RequestAlreadyOpen)
    assert lost[0].error.request_id == won[0].result.request.id
    async with sessions() as session:
        held = (await session.scalars(select(RequestHold))).all()
        assert [(h.target_kind, h.target_id) for h in held] == [("item", world.items[W.LIVE])]
        assert held[0].request_id == won[0].result.request.id
        opened = await session.scalar(select(func.count()).select_from(ChangeRequest))
        assert opened == 1  # the loser's request was rolled back with its transaction
        assert (await audit.verify(session)).intact


async def test_a_merger_and_a_change_race_for_the_second_item(
    sessions: async_sessionmaker[AsyncSession],
    second: async_sessionmaker[AsyncSession],
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at_barrier(monkeypatch, proposals.holds, "file")
    spec = fields.field_spec("电话")
    merger, change = await asyncio.gather(
        as_staff(
            sessions,
            world,
            "clerk",
            lambda s, m: proposals.propose_merger(s, m, [W.LIVE, W.LIVE2], "社会团体登记"),
        ),
        as_staff(
            second,
            world,
            "review",
            lambda s, m: proposals.propose_change(s, m, W.LIVE2, [(spec, "0935-3121111")]),
        ),
    )
    assert [merger.refused, change.refused].count(True) == 1, (merger, change)
    loser = merger if merger.refused else change
    assert isinstance(loser.error, errors.RequestAlreadyOpen)


async def test_approve_and_reject_at_once_one_wins_the_other_is_told(
    sessions: async_sessionmaker[AsyncSession],
    second: async_sessionmaker[AsyncSession],
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filed = await as_staff(sessions, world, "clerk", phone("0935-3333333"))
    number = filed.result.request.id
    at_barrier(monkeypatch, review.holds, "move")
    approval, rejection = await asyncio.gather(
        as_staff(sessions, world, "review", lambda s, m: review.approve(s, m, number)),
        as_staff(second, world, "legal", lambda s, m: review.reject(s, m, number, "电话有误")),
    )
    assert [approval.refused, rejection.refused].count(True) == 1, (approval, rejection)
    loser, winner = (approval, rejection) if approval.refused else (rejection, approval)
    assert isinstance(loser.error, errors.DecisionLost)
    async with sessions() as session:
        request = await session.get(ChangeRequest, number)
        assert request is not None and request.version == 2
        assert loser.error.state == request.state == winner.result.request.state
        decider = "legal" if winner is rejection else "review"
        assert loser.error.by == world.staff[decider].name
        if winner is rejection:
            assert loser.error.reason == "电话有误"
            assert request.rejection_reason == "电话有误"
        else:
            assert request.state == "approved" and request.reviewer_id == world.staff["review"].id
        assert (await audit.verify(session)).intact


async def test_a_decision_on_a_request_read_before_another_step_is_refused(
    sessions: async_sessionmaker[AsyncSession], world: Any
) -> None:
    """The compare-and-set itself: a step taken on a stale read changes nothing."""
    filed = await as_staff(sessions, world, "clerk", phone("0935-4444444"))
    number = filed.result.request.id
    async with sessions() as stale:
        request = await stale.get(ChangeRequest, number)
        assert request is not None
        await as_staff(sessions, world, "review", lambda s, m: review.approve(s, m, number))
        reviewer = await stale.get(StaffMember, world.staff["legal"].id)
        assert reviewer is not None
        step = request_step(Step.REJECT, "pending_review")
        assert step is not None
        with pytest.raises(errors.DecisionLost) as raised:
            await holds.move(stale, request, step, reviewer, request.created_at)
        assert raised.value.state == "approved" and raised.value.by == "review"


async def test_publish_and_withdraw_at_once_one_wins(
    sessions: async_sessionmaker[AsyncSession],
    second: async_sessionmaker[AsyncSession],
    world: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filed = await as_staff(sessions, world, "clerk", phone("0935-5555555"))
    number = filed.result.request.id
    await as_staff(sessions, world, "review", lambda s, m: review.approve(s, m, number))
    at_barrier(monkeypatch, holds, "move")
    published, withdrawn = await asyncio.gather(
        as_staff(sessions, world, "review2", lambda s, m: publishing.publish(s, m, [number])),
        as_staff(second, world, "clerk", lambda s, m: review.withdraw(s, m, number)),
    )
    assert [published.refused, withdrawn.refused].count(True) == 1, (published, withdrawn)
    loser = published if published.refused else withdrawn
    assert isinstance(loser.error, errors.DecisionLost)
    async with sessions() as session:
        request = await session.get(ChangeRequest, number)
        item = (await session.scalars(select(Item).where(Item.code == W.LIVE))).one()
        assert request is not None and loser.error.state == request.state
        assert (item.phone == "0935-5555555") is (request.state == "applied")
        assert await session.scalar(select(func.count()).select_from(RequestHold)) == 0
