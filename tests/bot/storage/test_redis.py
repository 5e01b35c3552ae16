"""Redis storage: TTL on state, isolation and delivery log shared between two instances."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.fsm import StorageKey
from bot.storage.redis import RedisStorage

pytestmark = pytest.mark.redis
KEY = StorageKey("gh", "o1")


async def test_fsm_round_trip_with_ttl(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, state_ttl=120)
    await storage.set_state(KEY, "Apply:name")
    await storage.set_data(KEY, {"village": "朵什镇", "n": 2})
    other = RedisStorage(redis, prefix=redis_prefix)
    assert await other.get_state(KEY) == "Apply:name"
    assert await other.get_data(KEY) == {"village": "朵什镇", "n": 2}
    ttl = await redis.ttl(f"{redis_prefix}:fsm:{KEY}:state")
    assert 0 < ttl <= 120
    assert 0 < await redis.ttl(f"{redis_prefix}:fsm:{KEY}:data") <= 120
    assert await other.get_record(KEY) == ("Apply:name", {"village": "朵什镇", "n": 2})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await other.get_state(KEY) is None and await other.get_data(KEY) == {}


async def test_default_ttl_is_48_hours(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    await storage.set_state(KEY, "S:a")
    assert 48 * 3600 - 5 <= await redis.ttl(f"{redis_prefix}:fsm:{KEY}:state") <= 48 * 3600


async def test_isolation_spans_instances(redis: Redis, redis_prefix: str) -> None:
    first = RedisStorage(redis, prefix=redis_prefix).create_isolation()
    second = RedisStorage(redis, prefix=redis_prefix).create_isolation()
    inside = 0
    most = 0

    async def work(isolation) -> None:  # type: ignore[no-untyped-def]
        nonlocal inside, most
        async with isolation.lock(KEY):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.02)
            inside -= 1

    await asyncio.gather(*(work(iso) for iso in (first, second, first, second)))
    assert most == 1


async def test_delivery_log_spans_instances(redis: Redis, redis_prefix: str) -> None:
    first = RedisStorage(redis, prefix=redis_prefix).create_delivery_log()
    second = RedisStorage(redis, prefix=redis_prefix).create_delivery_log()
    assert await first.claim("k", 60)
    assert not await second.claim("k", 60)
    assert await second.result("k", 0.05) is None
    waiter = asyncio.create_task(second.result("k", 2))
    await asyncio.sleep(0.05)
    await first.finish("k", "<xml>同一答复</xml>", 60)
    assert await waiter == "<xml>同一答复</xml>"
    assert await second.result("missing", 0.05) is None
    assert await first.remember_nonce("gh:1:2", 60)
    assert not await second.remember_nonce("gh:1:2", 60)


async def test_admit_remembers_the_nonce_and_claims_in_one_call(
    redis: Redis, redis_prefix: str
) -> None:
    first = RedisStorage(redis, prefix=redis_prefix).create_delivery_log()
    second = RedisStorage(redis, prefix=redis_prefix).create_delivery_log()
    assert await first.admit("n1", 60, "m1", 60) is True
    assert await second.admit("n1", 60, "m2", 60) is None  # replayed nonce: nothing claimed
    assert await second.claim("m2", 60)
    assert await second.admit("n2", 60, "m1", 60) is False  # a retry: another nonce, same message
    assert not await first.remember_nonce("n2", 60)
    assert await redis.pttl(f"{redis_prefix}:nonce:n1") > 0
    assert await redis.pttl(f"{redis_prefix}:delivery:m1") > 0
