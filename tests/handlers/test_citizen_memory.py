"""What the bot remembers of a citizen survives JSON (the Redis storage) and bad data."""

from __future__ import annotations

import json
from dataclasses import asdict

from bot.fsm import FSMContext, StorageKey
from bot.storage.memory import MemoryStorage
from handlers.citizen.memory import Memory, keep, recall, remember, stored


async def test_memory_round_trips_through_json_and_keeps_other_keys():
    storage = MemoryStorage()
    state = FSMContext(storage, StorageKey("gh", "o_user"))
    await state.update_data(_bot_more=["part 2"])
    memory = Memory(list_codes=[f"c{n}" for n in range(7)], list_page=2, place_year=2016)
    await keep(state, memory)
    data = json.loads(json.dumps(await state.get_data()))
    await state.set_data(data)
    again = await recall(state)
    assert again == memory and again.pages == 2 and again.page_codes() == ["c5", "c6"]
    assert (await state.get_data())["_bot_more"] == ["part 2"]
    changed = await remember(state, card_code="X")
    assert changed.card_code == "X" and (await recall(state)).list_page == 2


async def test_unreadable_memory_is_forgotten_not_fatal():
    state = FSMContext(MemoryStorage(), StorageKey("gh", "o_user"))
    await state.set_data({"citizen": "garbage"})
    assert await recall(state) == Memory()
    await state.set_data({"citizen": {"list_page": "x", "list_codes": None}})
    assert await recall(state) == Memory()
    await state.set_data({"citizen": {"list_page": "3", "unknown_field": 1, "card_code": "C"}})
    assert await recall(state) == Memory(list_page=3, card_code="C")


async def test_keep_stores_a_recalled_memory_with_changes_as_asdict_would():
    storage = MemoryStorage()
    state = FSMContext(storage, StorageKey("gh", "o_user"))
    memory = Memory(list_codes=["a", "b"], place_codes=["p"], place_year=2016, fallback=2)
    kept = await keep(state, memory, card_code="C", list_page=2)
    assert kept is memory and memory.card_code == "C"
    assert stored(memory) == asdict(memory)
    data = (await state.get_data())["citizen"]
    assert data == asdict(memory)
    memory.list_codes.append("c")  # the stored lists are copies, not the memory's own
    assert (await state.get_data())["citizen"]["list_codes"] == ["a", "b"]
    assert await recall(state) == Memory(
        list_codes=["a", "b"],
        place_codes=["p"],
        place_year=2016,
        fallback=2,
        card_code="C",
        list_page=2,
    )
