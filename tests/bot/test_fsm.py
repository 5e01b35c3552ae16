"""States, state groups and the FSM context over a storage."""

from __future__ import annotations

import pytest

from bot.fsm import FSMContext, State, StatesGroup, StorageKey
from bot.storage.memory import MemoryStorage


class Report(StatesGroup):
    village = State()
    amount = State()


def test_states_are_named_after_their_group() -> None:
    assert Report.village.state == "Report:village"
    assert Report.village.group is Report
    assert Report.state_names() == frozenset({"Report:village", "Report:amount"})
    assert Report.village == "Report:village"
    assert Report.village != Report.amount
    assert State("custom").state == "custom"
    with pytest.raises(RuntimeError):
        _ = State().state


async def test_context_reads_and_writes_state_and_data() -> None:
    storage = MemoryStorage()
    context = FSMContext(storage, StorageKey("gh", "o1"))
    other = FSMContext(storage, StorageKey("gh", "o2"))
    assert await context.get_state() is None
    await context.set_state(Report.village)
    await context.update_data(village="朵什镇")
    assert await context.update_data(amount=3) == {"village": "朵什镇", "amount": 3}
    assert await context.get_state() == "Report:village"
    assert await other.get_state() is None and await other.get_data() == {}
    data = await context.get_data()
    data["mutated"] = True  # a copy: the storage is not changed behind its back
    assert "mutated" not in await context.get_data()
    await context.clear()
    assert await context.get_state() is None and await context.get_data() == {}
