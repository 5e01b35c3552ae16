"""Redis stops: the resilient storage moves to its fallback and returns to Redis when it is
back; the breaker hears of every failure (nothing below it swallows one)."""

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
from bot.storage import Breaker, Delivery, MemoryStorage, ResilientStorage, Turn
from bot.storage.memory import MemoryTurn
from bot.storage.redis import CommandGate, RedisStorage
from bot.storage.redis import redis_client as bot_redis_client
from tools.drills.proxy import TcpProxy


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class RecordingBreaker(Breaker):
    """Every failure the breaker is told of (a later success would hide it from `degraded`)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.failures: list[BaseException] = []

    def failed(self, error: BaseException) -> None:
        self.failures.append(error)
        super().failed(error)


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
        breaker = RecordingBreaker(retry_after=5, clock=clock)
        storage = ResilientStorage(
            RedisStorage(client, prefix=prefix), MemoryStorage(), breaker=breaker
        )
        key = StorageKey("gh_1", "oUser")
        try:
            await storage.set_state(key, "asking")
            assert await storage.get_state(key) == "asking" and not storage.degraded
            async with storage.turn(key, Delivery("m1", 60, 10)) as turn:
                assert turn.claimed

            proxy.cut()
            # Redis gone: the first call trips the breaker (no layer below answers "no
            # state" and calls that a success); from then on everything is on the fallback.
            assert await storage.get_state(key) is None
            assert storage.degraded and len(breaker.failures) == 1
            await storage.set_state(key, "in-memory")
            assert await storage.get_record(key) == ("in-memory", {})
            async with storage.turn(key, Delivery("m2", 60, 10, nonce=("n2", 60))) as turn:
                assert turn.claimed and await turn.context.get_state() == "in-memory"
                turn.answer("<xml>answer</xml>")
            retry = await storage.turn(key, Delivery("m2", 60, 10, nonce=("n3", 60))).open()
            assert not retry.claimed and not retry.holds
            assert await storage.answer_of("m2", 0.1) == "<xml>answer</xml>"
            replay = await storage.turn(key, Delivery("m4", 60, 10, nonce=("n2", 60))).open()
            assert replay.replayed and not replay.claimed
            assert await storage.remember_nonce("n1", 60)
            assert not await storage.remember_nonce("n1", 60)

            proxy.restore()
            clock.now += 5  # the breaker tries Redis again
            assert await storage.get_state(key) == "asking"
            assert not storage.degraded
            again = await storage.turn(key, Delivery("m1", 60, 10)).open()
            assert not again.claimed  # Redis remembered the first claim
        finally:
            await _drop_keys(client, prefix)
            await storage.close()


async def test_errors_inside_a_turn_are_not_taken_for_an_outage() -> None:
    primary = MemoryStorage()
    primary.unavailable = (ConnectionResetError,)  # type: ignore[misc]
    storage = ResilientStorage(primary, MemoryStorage())
    with pytest.raises(ConnectionResetError):
        async with storage.turn(StorageKey("gh", "o")):
            raise ConnectionResetError("raised by the handler, not by the storage")
    assert not storage.degraded


async def _drop_keys(client: Any, prefix: str) -> None:
    """Remove what a test left under its own key prefix."""
    keys = [k async for k in client.scan_iter(match=f"{prefix}:*")]
    if keys:
        await client.delete(*keys)


def _said(content: str, msg_id: int, user: str = "oUser") -> Event:
    fields = {"ToUserName": "gh_1", "FromUserName": user, "CreateTime": "1", "MsgType": "text"}
    return event_from_fields({**fields, "Content": content, "MsgId": str(msg_id)})


def _remembering_dispatcher(storage: ResilientStorage, before_answer: Any = None) -> Dispatcher:
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
        storage = ResilientStorage(
            RedisStorage(client, prefix=prefix),
            MemoryStorage(),
            breaker=Breaker(retry_after=5, clock=clock),
        )
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
            assert await client.get(RedisStorage(client, prefix=prefix).lock_key(key)) is None
        finally:
            await _drop_keys(client, prefix)
            await storage.close()


@pytest.mark.redis
async def test_hundreds_of_messages_in_flight_wait_for_the_gate_not_for_the_fallback(
    redis_url: str,
) -> None:
    prefix = f"zwbot_t_{secrets.token_hex(6)}"
    # Fewer places than messages in flight: they wait for one instead of failing. The
    # timeouts are generous: this is about the gate, and a loaded CI machine can keep the
    # event loop from a connection for longer than production's fail-fast budget.
    client = bot_redis_client(redis_url, client_name=prefix, socket_timeout=15.0)
    breaker = RecordingBreaker()
    primary = RedisStorage(client, prefix=prefix, gate=CommandGate(8, wait=15.0))
    storage = ResilientStorage(primary, MemoryStorage(), breaker=breaker)

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
        assert breaker.failures == [] and not storage.degraded
        assert await primary.get_data(StorageKey("gh_1", "o299")) == {"asked": ["低保"]}
        connections = [c for c in await client.client_list() if c["name"] == prefix]
        assert 1 <= len(connections) <= 8  # the gate bounds the connections it opened
    finally:
        await _drop_keys(client, prefix)
        await storage.close()


@pytest.mark.redis
async def test_a_pool_that_refuses_instead_of_waiting_would_degrade(redis_url: str) -> None:
    # Why the gate: redis-py's pool fails past its size ("Too many connections"), which the
    # breaker (rightly) takes for Redis being unreachable.
    prefix = f"zwbot_t_{secrets.token_hex(6)}"
    client = Redis.from_url(redis_url, max_connections=8)
    breaker = RecordingBreaker()
    storage = ResilientStorage(
        RedisStorage(client, prefix=prefix), MemoryStorage(), breaker=breaker
    )
    responder = Responder(_remembering_dispatcher(storage))
    try:
        await asyncio.gather(
            *(responder.respond(_said("低保", n, user=f"o{n}"), lambda xml: xml) for n in range(50))
        )
        assert breaker.failures and "Too many connections" in str(breaker.failures[0])
    finally:
        await _drop_keys(client, prefix)
        await storage.close()


class _SwitchableTurn(MemoryTurn):
    storage: _Switchable

    async def _open(self) -> Any:
        if self.storage.down:
            raise ConnectionError("down")
        return await super()._open()


class _Switchable(MemoryStorage):
    """Memory standing in for Redis, unreachable while `down`."""

    unavailable = (ConnectionError,)

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock=clock)
        self.down = False

    def turn(self, key: StorageKey, delivery: Delivery | None = None) -> Turn:
        return _SwitchableTurn(self, key, delivery)

    async def answer_of(self, delivery: str, timeout: float) -> str | None:
        if self.down:
            raise ConnectionError("down")
        return await super().answer_of(delivery, timeout)


async def test_a_message_claimed_during_the_outage_is_not_handled_again_after_it() -> None:
    clock = Clock()
    primary, fallback = _Switchable(clock), MemoryStorage(clock=clock)
    storage = ResilientStorage(
        primary, fallback, breaker=Breaker(retry_after=5, clock=clock), recovery_window=30
    )
    key = StorageKey("gh_1", "oUser")
    primary.down = True
    async with storage.turn(key, Delivery("m1", 600, 10, nonce=("n1", 60))) as first:
        assert first.claimed and storage.degraded
        first.answer("<xml>人工工单1</xml>")

    primary.down = False
    clock.now += 5  # Redis is back; WeChat's retry of m1 comes now
    retry = await storage.turn(key, Delivery("m1", 600, 10, nonce=("n2", 60))).open()
    assert not retry.claimed and not retry.holds and not storage.degraded
    assert await storage.answer_of("m1", 0) == "<xml>人工工单1</xml>"  # recorded on Redis too
    async with storage.turn(key, Delivery("m2", 600, 10)) as fresh:  # a new message: claimed,
        assert fresh.claimed  # and the user's lock was not left behind by the retry
    assert not fallback.claim("m2", 10)  # looked up (and so claimed) on the fallback
    clock.now += 30  # past the window: no more lookups on the fallback
    async with storage.turn(key, Delivery("m3", 600, 10)) as later:
        assert later.claimed
    assert fallback.claim("m3", 10)  # never looked up there
