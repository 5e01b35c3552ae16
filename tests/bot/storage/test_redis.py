"""Redis storage: TTL on state, isolation and delivery log shared between two instances."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from redis.asyncio import Redis

from bot.fsm import Changes, StorageKey
from bot.storage import Delivery, MemoryStorage, ResilientStorage
from bot.storage.redis import CommandGate, RedisStorage

pytestmark = pytest.mark.redis
KEY = StorageKey("gh", "o1")


async def test_fsm_round_trip_with_ttl(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, state_ttl=120)
    await storage.set_state(KEY, "Apply:name")
    await storage.set_data(KEY, {"village": "朵什镇", "n": 2})
    other = RedisStorage(redis, prefix=redis_prefix)
    assert await other.get_state(KEY) == "Apply:name"
    assert await other.get_data(KEY) == {"village": "朵什镇", "n": 2}
    ttl = await redis.ttl(storage.fsm_key(KEY, "state"))
    assert 0 < ttl <= 120
    assert 0 < await redis.ttl(storage.fsm_key(KEY, "data")) <= 120
    assert await other.get_record(KEY) == ("Apply:name", {"village": "朵什镇", "n": 2})
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await other.get_state(KEY) is None and await other.get_data(KEY) == {}


async def test_default_ttl_is_48_hours(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    await storage.set_state(KEY, "S:a")
    assert 48 * 3600 - 5 <= await redis.ttl(f"{redis_prefix}:fsm:{KEY}:state") <= 48 * 3600


async def test_turns_exclude_each_other_across_instances(redis: Redis, redis_prefix: str) -> None:
    first = RedisStorage(redis, prefix=redis_prefix)
    second = RedisStorage(redis, prefix=redis_prefix)
    inside = 0
    most = 0

    async def work(storage: RedisStorage) -> None:
        nonlocal inside, most
        async with storage.turn(KEY):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.02)
            inside -= 1

    await asyncio.gather(*(work(storage) for storage in (first, second, first, second)))
    assert most == 1


async def test_answers_are_shared_across_instances(redis: Redis, redis_prefix: str) -> None:
    first = RedisStorage(redis, prefix=redis_prefix)
    second = RedisStorage(redis, prefix=redis_prefix)
    claim = await first.turn(KEY, Delivery("k", 60, 10)).open()
    assert claim.claimed
    other = await second.turn(KEY, Delivery("k", 60, 10)).open()
    assert not other.claimed and not other.holds
    assert await second.answer_of("k", 0.05) is None
    waiter = asyncio.create_task(second.answer_of("k", 2))
    await asyncio.sleep(0.05)
    claim.answer("<xml>同一答复</xml>")
    await claim.close()
    assert await waiter == "<xml>同一答复</xml>"
    assert await second.answer_of("missing", 0.05) is None
    assert await first.remember_nonce("gh:1:2", 60)
    assert not await second.remember_nonce("gh:1:2", 60)


async def test_a_turn_claims_locks_reads_and_counts_in_one_call(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, lock_timeout=30)
    await storage.set_state(KEY, "S:a")
    await storage.set_data(KEY, {"村": "朵什"})
    counted = Delivery("m1", 60, 10, nonce=("n1", 60), count_key=("rl:1:u", 120))
    turn = await storage.turn(KEY, counted).open()
    assert turn.claimed and not turn.replayed and turn.holds and turn.count == 1
    assert await turn.context.get_state() == "S:a"
    assert await turn.context.get_data() == {"村": "朵什"}
    assert await redis.get(storage.lock_key(KEY)) is not None
    assert 29_000 < await redis.pttl(storage.lock_key(KEY)) <= 30_000
    assert 0 < await redis.ttl(f"{redis_prefix}:rl:1:u") <= 120
    assert await redis.get(storage.delivery_key("m1")) == b"pending"
    assert 9_000 < await redis.pttl(storage.delivery_key("m1")) <= 10_000  # the lease

    # The same nonce again: refused before anything is claimed or counted.
    replay = await storage.turn(KEY, Delivery("m2", 60, 10, nonce=("n1", 60))).open()
    assert replay.replayed and not replay.claimed
    assert await redis.get(storage.delivery_key("m2")) is None
    # A retry of m1 (new nonce): not claimed, not counted, the lock untouched.
    retry = await storage.turn(KEY, Delivery("m1", 60, 10, ("n2", 60), ("rl:1:u", 120))).open()
    assert not retry.claimed and not retry.holds
    assert await redis.get(f"{redis_prefix}:rl:1:u") == b"1"
    # Another message of the same user while m1 holds the lock: claimed, waits for the lock.
    busy = asyncio.create_task(
        storage.turn(KEY, Delivery("m3", 60, 10, count_key=("rl:1:u", 120))).open()
    )
    await asyncio.sleep(0.1)
    assert not busy.done() and await redis.get(f"{redis_prefix}:rl:1:u") == b"2"
    await turn.context.set_state("S:b")
    await turn.close()
    second = await asyncio.wait_for(busy, 2)
    assert second.holds and second.count == 2 and await second.context.get_state() == "S:b"
    await second.close()


async def test_closing_writes_answers_and_unlocks_in_one_call(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, state_ttl=300)
    await storage.set_state(KEY, "S:a")
    turn = await storage.turn(KEY, Delivery("m1", 60, 10)).open()
    await turn.context.set_state(None)
    await turn.context.set_data({"n": 1})
    turn.answer("<xml/>")
    await turn.close()
    assert await storage.get_record(KEY) == (None, {"n": 1})
    assert 0 < await redis.ttl(storage.fsm_key(KEY, "data")) <= 300
    assert await redis.get(storage.lock_key(KEY)) is None
    assert await storage.answer_of("m1", 0) == "<xml/>"
    assert 59_000 < await redis.pttl(storage.delivery_key("m1")) <= 60_000  # kept for retries

    # No answer: the lock goes, the claim stays pending (until its lease ends).
    second = await storage.turn(KEY, Delivery("m2", 60, 10)).open()
    await second.context.set_data({})
    await second.close()
    assert await redis.get(storage.lock_key(KEY)) is None
    assert await redis.get(storage.delivery_key("m2")) == b"pending"
    assert await storage.get_data(KEY) == {}


async def test_keys_name_users_and_deliveries_as_told(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, name=lambda raw: f"h{len(raw)}")
    async with storage.turn(KEY, Delivery("gh:msg:1", 60, 10)) as turn:
        await turn.context.set_state("S:a")
        turn.answer("ok")
    names = {k.decode() async for k in redis.scan_iter(match=f"{redis_prefix}:*")}
    assert names == {f"{redis_prefix}:fsm:h5:state", f"{redis_prefix}:delivery:h8"}
    assert not any("o1" in name for name in names)


async def test_write_record_writes_buffered_changes(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, state_ttl=120)
    await storage.write_record(KEY, Changes(state_changed=True, state="S:b"))
    assert await storage.get_record(KEY) == ("S:b", {})
    await storage.write_record(KEY, Changes(data_changed=True, data='{"a":[1]}'))
    assert await storage.get_record(KEY) == ("S:b", {"a": [1]})
    assert 0 < await redis.ttl(storage.fsm_key(KEY, "data")) <= 120


async def test_every_call_raises_when_redis_is_unreachable() -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    storage = RedisStorage.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5)
    try:
        for call in (
            lambda: storage.turn(KEY, Delivery("m1", 60, 10)).open(),
            lambda: storage.get_state(KEY),
            lambda: storage.get_record(KEY),
            lambda: storage.remember_nonce("n", 60),
            lambda: storage.answer_of("m1", 0),
        ):
            with pytest.raises(storage.unavailable) as raised:
                await call()
            assert isinstance(raised.value, RedisConnectionError)
    finally:
        await storage.close()


async def test_the_gate_bounds_commands_in_flight_and_its_wait(redis: Redis) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    gate = CommandGate(2, wait=0.3)
    inside = most = 0

    async def echo(n: int) -> bytes:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        try:
            return await redis.echo(f"v{n}")  # type: ignore[no-any-return]
        finally:
            inside -= 1

    values = await asyncio.gather(*(gate.run(lambda n=n: echo(n)) for n in range(60)))
    assert values == [f"v{n}".encode() for n in range(60)] and most == 2

    held = asyncio.Event()
    blockers = [asyncio.create_task(gate.run(held.wait)) for _ in range(2)]
    await asyncio.sleep(0.01)
    with pytest.raises(RedisConnectionError, match="No connection available"):
        await gate.run(lambda: redis.echo("late"))

    first = asyncio.create_task(gate.run(lambda: redis.echo("first")))
    second = asyncio.create_task(gate.run(lambda: redis.echo("second")))
    await asyncio.sleep(0.05)  # both wait for a place
    held.set()  # frees both places…
    await asyncio.sleep(0)
    first.cancel()  # …and `first` goes away: `second` still gets one, not a timeout
    assert await asyncio.wait_for(second, 0.2) == b"second"
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.gather(*blockers)


async def test_warming_opens_the_gates_connections_before_traffic(redis_url: str) -> None:
    name = f"zwbot-warm-{secrets.token_hex(4)}"
    client = Redis.from_url(redis_url, client_name=name)
    observer = Redis.from_url(redis_url)
    storage = RedisStorage(client, gate=CommandGate(5))

    async def connections() -> int:
        return sum(1 for c in await observer.client_list() if c.get("name") == name)

    try:
        assert await connections() == 0
        await storage.warm()
        # Five connections are open before any traffic: the next five commands in flight at
        # once connect nothing (the server sees no new client).
        assert await connections() == 5
        await asyncio.gather(*(storage.gate.run(lambda: client.echo("x")) for _ in range(5)))
        assert await connections() == 5
    finally:
        await storage.close()
        await client.aclose()
        await observer.aclose()


async def test_warming_a_resilient_storage_whose_redis_is_down_is_harmless() -> None:
    primary = RedisStorage.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5)
    storage = ResilientStorage(primary, MemoryStorage())
    try:
        await storage.warm()  # the breaker learns of the outage at the first turn, not here
        with pytest.raises(primary.unavailable):
            await primary.warm()
    finally:
        await storage.close()
