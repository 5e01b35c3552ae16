"""In-memory storage: FSM isolation per key, locks, delivery log semantics."""

from __future__ import annotations

import asyncio

from bot.fsm import StorageKey
from bot.storage.memory import MemoryDeliveryLog, MemoryEventIsolation, MemoryStorage

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


async def test_isolation_serialises_one_key_and_forgets_idle_locks() -> None:
    isolation = MemoryEventIsolation()
    inside = 0
    most = 0

    async def work() -> None:
        nonlocal inside, most
        async with isolation.lock(KEY):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(work() for _ in range(5)))
    assert most == 1
    assert isolation._locks == {}


async def test_delivery_log_claims_once_and_shares_the_result() -> None:
    log = MemoryDeliveryLog()
    assert await log.claim("k", 60)
    assert not await log.claim("k", 60)
    assert await log.result("k", 0) is None
    waiter = asyncio.create_task(log.result("k", 2))
    await asyncio.sleep(0.01)
    await log.finish("k", "<xml>body</xml>", 60)
    assert await waiter == "<xml>body</xml>"
    assert await log.result("k", 0) == "<xml>body</xml>"
    assert await log.result("unknown", 0.01) is None
    assert await log.result("k2", 0) is None


async def test_delivery_log_times_out_and_expires() -> None:
    now = [100.0]
    log = MemoryDeliveryLog(clock=lambda: now[0])
    assert await log.claim("k", 10)
    assert await log.result("k", 0.02) is None  # still running
    assert await log.remember_nonce("n1", 10)
    assert not await log.remember_nonce("n1", 10)
    now[0] += 11
    assert await log.remember_nonce("n1", 10)
    assert await log.claim("k", 10)


async def test_admit_is_nonce_then_claim() -> None:
    log = MemoryDeliveryLog()
    assert await log.admit("n1", 60, "m1", 60) is True
    assert await log.admit("n1", 60, "m2", 60) is None
    assert await log.claim("m2", 60)  # the replay claimed nothing
    assert await log.admit("n2", 60, "m1", 60) is False
