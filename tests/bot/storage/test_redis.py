"""Redis storage: TTL on state, isolation and delivery log shared between two instances."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

from bot.fsm import Changes, StorageKey
from bot.storage.redis import (
    PackingConnection,
    RedisStorage,
    WaitingConnectionPool,
    blocking_client,
)

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


async def test_open_turn_claims_locks_reads_and_counts_in_one_call(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, lock_timeout=30)
    await storage.set_state(KEY, "S:a")
    await storage.set_data(KEY, {"村": "朵什"})
    opening = await storage.open_turn(KEY, "m1", 60, nonce=("n1", 60), counter=("rl:1:u", 120))
    assert opening is not None and opening.claimed and not opening.replayed
    assert opening.token and opening.count == 1
    assert (opening.state, opening.data) == ("S:a", '{"村":"朵什"}')
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") == opening.token.encode()
    assert 29_000 < await redis.pttl(f"{redis_prefix}:lock:{KEY}") <= 30_000
    assert 0 < await redis.ttl(f"{redis_prefix}:rl:1:u") <= 120
    assert await redis.get(f"{redis_prefix}:delivery:m1") == b"pending"

    # The same nonce again: refused before anything is claimed or counted.
    replay = await storage.open_turn(KEY, "m2", 60, nonce=("n1", 60), counter=("rl:1:u", 120))
    assert replay is not None and replay.replayed and not replay.claimed
    assert await redis.get(f"{redis_prefix}:delivery:m2") is None
    # A retry of m1 (new nonce): not claimed, not counted, the lock untouched.
    retry = await storage.open_turn(KEY, "m1", 60, nonce=("n2", 60), counter=("rl:1:u", 120))
    assert retry is not None and not retry.claimed and not retry.token
    assert await redis.get(f"{redis_prefix}:rl:1:u") == b"1"
    # Another message of the same user while m1 holds the lock: claimed and counted, no lock.
    busy = await storage.open_turn(KEY, "m3", 60, counter=("rl:1:u", 120))
    assert busy is not None and busy.claimed and not busy.token and busy.count == 2


async def test_close_turn_writes_answers_and_unlocks_in_one_call(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, state_ttl=300)
    await storage.set_state(KEY, "S:a")
    opening = await storage.open_turn(KEY, "m1", 60)
    assert opening is not None and opening.token
    changes = Changes(state_changed=True, state=None, data_changed=True, data='{"n":1}')
    await storage.close_turn(KEY, opening.token, changes, delivery="m1", body="<xml/>", ttl=60)
    assert await storage.get_record(KEY) == (None, {"n": 1})
    assert 0 < await redis.ttl(f"{redis_prefix}:fsm:{KEY}:data") <= 300
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") is None
    assert await storage.create_delivery_log().result("m1", 0) == "<xml/>"

    # No changes, no answer: only the lock goes; a token that lost the lock frees nothing.
    second = await storage.open_turn(KEY, "m2", 60)
    assert second is not None and second.data == '{"n":1}' and second.state is None
    await storage.close_turn(KEY, "not-the-token", Changes())
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") == second.token.encode()
    await storage.close_turn(KEY, second.token, Changes(data_changed=True, data=""))
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") is None
    assert await redis.get(f"{redis_prefix}:delivery:m2") == b"pending"
    assert await storage.get_data(KEY) == {}


async def test_write_record_writes_buffered_changes(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, state_ttl=120)
    await storage.write_record(KEY, Changes(state_changed=True, state="S:b"))
    assert await storage.get_record(KEY) == ("S:b", {})
    await storage.write_record(KEY, Changes(data_changed=True, data='{"a":[1]}'))
    assert await storage.get_record(KEY) == ("S:b", {"a": [1]})
    assert 0 < await redis.ttl(f"{redis_prefix}:fsm:{KEY}:data") <= 120


async def test_open_turn_raises_when_redis_is_unreachable() -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    storage = RedisStorage.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5)
    try:
        with pytest.raises(storage.unavailable) as raised:
            await storage.open_turn(KEY, "m1", 60)
        assert isinstance(raised.value, RedisConnectionError)
    finally:
        await storage.close()


async def test_a_full_pool_makes_commands_wait_not_fail(redis_url: str) -> None:
    client = blocking_client(redis_url, socket_timeout=2, max_connections=2)
    pool = client.connection_pool
    assert isinstance(pool, WaitingConnectionPool)
    try:
        values = await asyncio.gather(*(client.echo(f"v{n}") for n in range(60)))
        assert values == [f"v{n}".encode() for n in range(60)]
        assert len(pool._available_connections) + len(pool._in_use_connections) <= 2
    finally:
        await client.aclose()


async def test_a_pool_wait_is_bounded_and_a_cancelled_waiter_hands_on(redis_url: str) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = blocking_client(redis_url, socket_timeout=0.3, max_connections=1)
    pool = client.connection_pool
    try:
        held = await pool.get_connection()
        started = time.monotonic()
        with pytest.raises(RedisConnectionError, match="No connection available"):
            await client.echo("late")
        assert 0.25 <= time.monotonic() - started < 1.0

        first = asyncio.create_task(client.echo("first"))
        second = asyncio.create_task(client.echo("second"))
        await asyncio.sleep(0.05)  # both wait for the one connection
        await pool.release(held)  # wakes `first`…
        first.cancel()  # …which goes away before using it: `second` gets it, not a timeout
        assert await asyncio.wait_for(second, 0.2) == b"second"
        with pytest.raises(asyncio.CancelledError):
            await first
    finally:
        await client.aclose()


def test_commands_are_packed_in_c_exactly_as_redis_py_packs_them() -> None:
    from redis.asyncio.connection import Connection
    from redis.exceptions import DataError

    ours, theirs = PackingConnection(), Connection()
    for command in [
        ("SET", "k", "朵什镇", "EX", 120),
        ("EVALSHA", "ab12", 2, b"key:1", "key:2", 0.25, -3, bytearray(b"x"), memoryview(b"yz")),
        ("CONFIG GET", "maxclients"),
        (b"CLIENT SETNAME", b"zwbot"),
        ("SET", "big", "长" * 20_000),
    ]:
        assert b"".join(ours.pack_command(*command)) == b"".join(theirs.pack_command(*command))
    with pytest.raises(DataError):
        ours.pack_command("SET", "k", None)


def test_the_client_packs_in_c_except_where_the_url_needs_its_own_connection() -> None:
    plain = blocking_client("redis://127.0.0.1:6379/0", socket_timeout=1)
    unix = blocking_client("unix:///tmp/redis.sock", socket_timeout=1)
    assert plain.connection_pool.connection_class is PackingConnection
    assert unix.connection_pool.connection_class is not PackingConnection
