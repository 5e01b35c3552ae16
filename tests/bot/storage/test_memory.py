"""In-memory storage: FSM per key, turns one at a time per user, claims and answers."""

from __future__ import annotations

import asyncio

from bot.fsm import StorageKey
from bot.storage import Delivery, MemoryStorage

KEY = StorageKey("gh", "o1")


async def test_fsm_values() -> None:
    storage = MemoryStorage()
    await storage.set_state(KEY, "S:a")
    await storage.set_data(KEY, {"n": [1]})
    assert await storage.get_state(KEY) == "S:a"
    assert await storage.get_data(KEY) == {"n": [1]}
    assert await storage.get_state(StorageKey("gh2", "o1")) is None
    assert await storage.get_record(KEY) == ("S:a", {"n": [1]})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}


async def test_turns_serialise_one_user() -> None:
    storage = MemoryStorage()
    inside = 0
    most = 0

    async def work() -> None:
        nonlocal inside, most
        async with storage.turn(KEY):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(work() for _ in range(5)))
    assert most == 1
    async with asyncio.timeout(1):  # nobody holds the lock any more
        async with storage.turn(KEY):
            pass


async def test_a_delivery_is_claimed_once_and_its_answer_shared() -> None:
    storage = MemoryStorage()
    first = await storage.turn(KEY, Delivery("k", 60, 10)).open()
    assert first.claimed and first.holds
    second = await storage.turn(KEY, Delivery("k", 60, 10)).open()
    assert not second.claimed and not second.holds
    assert await storage.answer_of("k", 0) is None
    waiter = asyncio.create_task(storage.answer_of("k", 2))
    await asyncio.sleep(0.01)
    first.answer("<xml>body</xml>")
    await first.close()
    assert await waiter == "<xml>body</xml>"
    assert await storage.answer_of("k", 0) == "<xml>body</xml>"
    assert await storage.answer_of("unknown", 0.01) is None


async def test_a_lapsed_claim_is_claimed_again_an_answer_is_kept() -> None:
    now = [100.0]
    storage = MemoryStorage(clock=lambda: now[0])
    dead = await storage.turn(KEY, Delivery("k", 600, 10)).open()
    assert dead.claimed
    assert await storage.answer_of("k", 0.02) is None  # still running
    now[0] += 11  # the lease ran out: its worker is taken for dead
    storage.locks.release(KEY)  # (a dead worker's process lock dies with it)
    again = await storage.turn(KEY, Delivery("k", 600, 10)).open()
    assert again.claimed
    await again.answer_now("success")
    await again.close()
    now[0] += 500  # an answer is kept for the delivery's ttl, not its lease
    assert not (await storage.turn(KEY, Delivery("k", 600, 10)).open()).claimed
    assert await storage.answer_of("k", 0) == "success"


async def test_nonces_expire_and_a_replay_claims_nothing() -> None:
    now = [100.0]
    storage = MemoryStorage(clock=lambda: now[0])
    assert await storage.remember_nonce("n1", 10)
    assert not await storage.remember_nonce("n1", 10)
    replay = await storage.turn(KEY, Delivery("m2", 60, 10, nonce=("n1", 10))).open()
    assert replay.replayed and not replay.claimed
    fresh = await storage.turn(KEY, Delivery("m2", 60, 10)).open()
    assert fresh.claimed  # the replay claimed nothing
    await fresh.close()
    now[0] += 11
    assert await storage.remember_nonce("n1", 10)
