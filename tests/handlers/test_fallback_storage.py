"""Redis stops: storage falls back to process memory and returns to Redis when it is back."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any
from urllib.parse import urlsplit

import pytest
from redis.asyncio import Redis

from bot.dispatcher import Dispatcher
from bot.events import Event, TextMessage, event_from_fields
from bot.fsm import FSMContext, StorageKey
from bot.responder import Responder
from bot.storage.redis import RedisStorage
from handlers.drills.proxy import TcpProxy
from handlers.fallback_storage import FallbackStorage
from handlers.protection import redis_client


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
            await _drop_keys(client, prefix)
            await storage.close()


async def test_errors_inside_a_lock_are_not_taken_for_an_outage() -> None:
    from bot.storage.memory import MemoryStorage

    storage = FallbackStorage(MemoryStorage())
    with pytest.raises(ConnectionResetError):
        async with storage.create_isolation().lock(StorageKey("gh", "o")):
            raise ConnectionResetError("raised by the handler, not by the lock")
    assert not storage.degraded


async def _drop_keys(client: Any, prefix: str) -> None:
    """Remove what a test left under its own key prefix."""
    keys = [k async for k in client.scan_iter(match=f"{prefix}:*")]
    if keys:
        await client.delete(*keys)


def _said(content: str, msg_id: int, user: str = "oUser") -> Event:
    fields = {"ToUserName": "gh_1", "FromUserName": user, "CreateTime": "1", "MsgType": "text"}
    return event_from_fields({**fields, "Content": content, "MsgId": str(msg_id)})


def _failures(storage: FallbackStorage) -> list[BaseException]:
    """Every failure the breaker is told of (a later success would hide it from `degraded`)."""
    failures: list[BaseException] = []
    failed = storage.breaker.failed

    def recording(error: BaseException) -> None:
        failures.append(error)
        failed(error)

    storage.breaker.failed = recording  # type: ignore[method-assign]
    return failures


def _remembering_dispatcher(storage: FallbackStorage, before_answer: Any = None) -> Dispatcher:
    dp = Dispatcher(storage=storage)

    @dp.text()
    async def answer(message: TextMessage, state: FSMContext) -> str:
        asked = [*(await state.get_data()).get("asked", []), message.content]
        await state.update_data(asked=asked)
        if before_answer is not None:
            await before_answer()
        return f"第{len(asked)}问"

    return dp


@pytest.mark.redis
async def test_turns_fall_back_to_memory_when_redis_stops(redis_url: str) -> None:
    target = urlsplit(redis_url)
    prefix = f"zwbot_t_{secrets.token_hex(6)}"
    clock = Clock()
    key = StorageKey("gh_1", "oUser")
    with TcpProxy(target.port or 6379) as proxy:
        client = Redis.from_url(
            f"redis://127.0.0.1:{proxy.port}{target.path}",
            socket_connect_timeout=1,
            socket_timeout=1,
        )
        storage = FallbackStorage(RedisStorage(client, prefix=prefix), retry_after=5, clock=clock)
        cut_now = False

        async def maybe_cut() -> None:
            if cut_now:
                proxy.cut()  # Redis goes away between the opening and the closing

        dp = _remembering_dispatcher(storage, maybe_cut)
        responder = Responder(dp)
        try:
            first = await responder.respond(_said("低保", 1), lambda xml: xml, nonce=("n1", 60))
            assert "第1问" in first.body and not storage.degraded

            cut_now = True
            second = await responder.respond(_said("医保", 2), lambda xml: xml, nonce=("n2", 60))
            assert "第2问" in second.body  # read from Redis at the opening
            assert storage.degraded  # the closing failed: writes and answer went to memory
            assert await storage.fallback.get_data(key) == {"asked": ["低保", "医保"]}
            retry = await responder.respond(_said("医保", 2), lambda xml: xml, nonce=("n3", 60))
            assert retry.body == second.body  # the answer was recorded in this process

            cut_now = False
            third = await responder.respond(_said("社保", 3), lambda xml: xml, nonce=("n4", 60))
            assert "第3问" in third.body  # opened in memory while the breaker is open
            assert await storage.fallback.get_data(key) == {"asked": ["低保", "医保", "社保"]}

            proxy.restore()
            clock.now += 5
            again = await responder.respond(_said("公积金", 4), lambda xml: xml, nonce=("n5", 60))
            assert "第2问" in again.body and not storage.degraded  # back on Redis's record
            assert await client.get(f"{prefix}:lock:{key}") is None
        finally:
            await _drop_keys(client, prefix)
            await storage.close()


@pytest.mark.redis
async def test_hundreds_of_messages_in_flight_wait_for_the_pool_not_for_memory(
    redis_url: str,
) -> None:
    prefix = f"zwbot_t_{secrets.token_hex(6)}"
    # Fewer connections than messages in flight: they wait for one instead of failing.
    client = redis_client(redis_url, pool_size=8)
    storage = FallbackStorage(RedisStorage(client, prefix=prefix))
    failures = _failures(storage)

    async def yield_once() -> None:
        await asyncio.sleep(0)

    responder = Responder(_remembering_dispatcher(storage, yield_once))
    try:
        responses = await asyncio.gather(
            *(
                responder.respond(_said("低保", n, user=f"o{n}"), lambda xml: xml)
                for n in range(300)
            )
        )
        assert all("第1问" in response.body for response in responses)
        assert failures == [] and not storage.degraded
        assert await storage.primary.get_data(StorageKey("gh_1", "o299")) == {"asked": ["低保"]}
    finally:
        await _drop_keys(client, prefix)
        await storage.close()


@pytest.mark.redis
async def test_a_pool_that_refuses_instead_of_waiting_would_degrade(redis_url: str) -> None:
    # Why the pool blocks: redis-py's default pool fails past its size ("Too many
    # connections"), which the breaker takes for Redis being down.
    prefix = f"zwbot_t_{secrets.token_hex(6)}"
    client = Redis.from_url(redis_url, max_connections=8)
    storage = FallbackStorage(RedisStorage(client, prefix=prefix))
    failures = _failures(storage)
    responder = Responder(_remembering_dispatcher(storage))
    try:
        await asyncio.gather(
            *(responder.respond(_said("低保", n, user=f"o{n}"), lambda xml: xml) for n in range(50))
        )
        assert failures and "Too many connections" in str(failures[0])
    finally:
        await _drop_keys(client, prefix)
        await storage.close()


async def test_memory_storage_opens_no_turn_of_its_own() -> None:
    from bot.storage.memory import MemoryStorage

    storage = FallbackStorage(MemoryStorage())
    assert await storage.open_turn(StorageKey("gh", "o"), "m1", 60) is None
    responder = Responder(_remembering_dispatcher(storage))
    assert "第1问" in (await responder.respond(_said("低保", 1), lambda xml: xml)).body
    assert "第2问" in (await responder.respond(_said("医保", 2), lambda xml: xml)).body
    assert not storage.degraded
