"""States, state groups and the FSM context over a storage."""

from __future__ import annotations

import pytest

from bot.fsm import (
    NO_CHANGES,
    Changes,
    FSMContext,
    State,
    StatesGroup,
    StorageKey,
    dump_data,
    load_data,
)
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


async def test_a_primed_context_reads_its_record_and_buffers_writes() -> None:
    storage = MemoryStorage()
    key = StorageKey("gh", "o1")
    await storage.set_data(key, {"kept": [1]})
    context = FSMContext(storage, key)
    context.prime("Report:village", '{"kept":[1]}')
    first = await context.get_data()
    first["kept"].append(2)  # handlers may change what they read: every read is a copy
    assert await context.get_data() == {"kept": [1]}
    assert context.take_changes() == NO_CHANGES and not context.take_changes()

    await context.set_state(Report.amount)
    written = {"kept": [1], "amount": {"value": 3}}
    await context.set_data(written)
    written["amount"]["value"] = 4  # changed after the write: the write is not
    assert await context.get_state() == "Report:amount"
    assert await context.get_data() == {"kept": [1], "amount": {"value": 3}}
    # Nothing reached the storage yet.
    assert await storage.get_record(key) == (None, {"kept": [1]})
    changes = context.take_changes()
    assert changes == Changes(True, "Report:amount", True, '{"kept":[1],"amount":{"value":3}}')
    assert not context.take_changes()  # taken once
    await storage.write_record(key, changes)
    assert await storage.get_record(key) == ("Report:amount", {"kept": [1], "amount": {"value": 3}})

    await context.clear()
    assert context.take_changes() == Changes(True, None, True, "")
    context.unprime()
    assert await context.get_state() == "Report:amount"  # from the storage again


async def test_unprimed_writes_go_to_the_storage_at_once() -> None:
    storage = MemoryStorage()
    context = FSMContext(storage, StorageKey("gh", "o1"))
    context.prime(None, {"a": 1})
    await context.set_state("S:x")
    context.unprime()  # buffered writes not taken are dropped
    assert await storage.get_state(context.key) is None
    await context.set_state("S:y")
    await context.set_data({"b": 2})
    assert await storage.get_record(context.key) == ("S:y", {"b": 2})
    assert not context.take_changes()


def test_fsm_data_as_json_text() -> None:
    assert dump_data({}) == "" and load_data("") == {} and load_data(None) == {}
    assert load_data(dump_data({"村": ["朵什"]})) == {"村": ["朵什"]}
    assert "朵什" in dump_data({"村": "朵什"})  # kept readable, not \\u-escaped
    assert load_data("[1, 2]") == {}  # not an object: no data


async def test_may_hold_tells_when_a_key_is_surely_absent() -> None:
    context = FSMContext(MemoryStorage(), StorageKey("gh", "o1"))
    assert context.may_hold("_bot_more")  # not primed: nothing known
    context.prime(None, {"citizen": {"card": "_bot_more-ish"}})
    assert context.may_hold("citizen") and not context.may_hold("_bot_more")
    await context.update_data(_bot_more=["part"])
    assert context.may_hold("_bot_more")
