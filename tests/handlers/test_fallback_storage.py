"""Redis stops: storage falls back to process memory and returns to Redis when it is back."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import pytest
from redis.asyncio import Redis

from bot.fsm import StorageKey
from bot.storage.redis import RedisStorage
from handlers.drills.proxy import TcpProxy
from handlers.fallback_storage import FallbackStorage


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.redis
async def test_storage_survives_a_redis_outage_and_recovers(redis_url: str) -> None:
    target = urlsplit(redis_url)
    prefix = f"zwbot_t_{secrets.token_hex(6)}"
    clock = Clock()
    with TcpProxy(target.port or 6379) as proxy:
        client = Redis.from_url(
            f"redis://127.0.0.1:{proxy.port}{target.path}",
            socket_connect_timeout=1,
            socket_timeout=1,
        )
        storage = FallbackStorage(RedisStorage(client, prefix=prefix), retry_after=5, clock=clock)
        deliveries = storage.create_delivery_log()
        isolation = storage.create_isolation()
        key = StorageKey("gh_1", "oUser")
        try:
            await storage.set_state(key, "asking")
            assert await storage.get_state(key) == "asking" and not storage.degraded
            assert await deliveries.claim("m1", 60)

            proxy.cut()
            # Redis gone: reads give "no state"; the first write trips the breaker, and from
            # then on state, locks, nonces and claims live in this process.
            assert await storage.get_state(key) is None
            await storage.set_state(key, "in-memory")
            assert storage.degraded
            assert await storage.get_record(key) == ("in-memory", {})
            assert await deliveries.claim("m2", 60)
            assert not await deliveries.claim("m2", 60)
            await deliveries.finish("m2", "<xml>answer</xml>", 60)
            assert await deliveries.result("m2", 0.1) == "<xml>answer</xml>"
            async with isolation.lock(key):
                await storage.set_state(key, "in-memory")
            assert await deliveries.remember_nonce("n1", 60)
            assert not await deliveries.remember_nonce("n1", 60)
            assert await deliveries.admit("n2", 60, "m3", 60) is True  # nonce + claim, in memory
            assert await deliveries.admit("n2", 60, "m4", 60) is None
            await deliveries.finish("m3", "<xml>m3</xml>", 60)
            assert await deliveries.result("m3", 0.1) == "<xml>m3</xml>"

            proxy.restore()
            clock.now += 5  # the breaker tries Redis again
            assert await storage.get_state(key) == "asking"
            assert not storage.degraded
            assert not await deliveries.claim("m1", 60)  # Redis remembered the first claim
            assert await deliveries.admit("n3", 60, "m1", 60) is False
            async with isolation.lock(key):
                pass
        finally:
            keys = [k async for k in client.scan_iter(match=f"{prefix}:*")]
            if keys:
                await client.delete(*keys)
            await storage.close()


async def test_errors_inside_a_lock_are_not_taken_for_an_outage() -> None:
    from bot.storage.memory import MemoryStorage

    storage = FallbackStorage(MemoryStorage())
    with pytest.raises(ConnectionResetError):
        async with storage.create_isolation().lock(StorageKey("gh", "o")):
            raise ConnectionResetError("raised by the handler, not by the lock")
    assert not storage.degraded
