"""Redis storage: FSM with a TTL, and turns shared by every worker — two round trips a message.

A turn opens with one Lua script (nonce, claim, counter, the user's lock, the user's record)
and closes with another (FSM writes, the answer, unlock). Nothing here catches a Redis error:
an unreachable Redis raises (`RedisStorage.unavailable`), and `bot.storage.resilient`
decides what happens then.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from bot.fsm import Changes, StorageKey, dump_data, load_data
from bot.storage.base import DEFAULT_STATE_TTL, BaseStorage, Delivery, Record, Turn

T = TypeVar("T")

_PENDING = "pending"
_DONE = "done:"
# The opening of a turn. First, a lock this process failed to release (token ARGV[7], unless
# '') is released. Then the nonce (unless ARGV[1] is '0'), the claim (unless ARGV[2] is '0'),
# for a claim the counter (unless ARGV[6] is '0'), and the user's lock with the user's record.
# KEYS: nonce, delivery, lock, state, data, counter. ARGV: nonce ms, claim ms, 'pending',
# lock token, lock ms, counter expiry s, stale token. Returns {-1} replayed, {0} not
# claimed, or {1, count or nil, 1 when locked, state, data}.
_OPEN = """
if ARGV[7] ~= '' and redis.call('GET', KEYS[3]) == ARGV[7] then redis.call('DEL', KEYS[3]) end
if ARGV[1] ~= '0' and not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return {-1}
end
if ARGV[2] ~= '0' and not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[2]) then
  return {0}
end
local count = false
if ARGV[6] ~= '0' then
  count = redis.call('INCR', KEYS[6])
  if count == 1 then redis.call('EXPIRE', KEYS[6], ARGV[6]) end
end
if not redis.call('SET', KEYS[3], ARGV[4], 'NX', 'PX', ARGV[5]) then return {1, count, 0} end
local record = redis.call('MGET', KEYS[4], KEYS[5])
return {1, count, 1, record[1], record[2]}
"""
# The user's lock alone, for a turn whose opening found it busy. KEYS: lock, state, data.
# ARGV: token, lock ms. Returns {} while busy, else {state, data}.
_LOCK = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('MGET', KEYS[2], KEYS[3])
"""
# The end of a turn: FSM writes ('' keep, 'del', 'set' with the value), the delivery's
# answer (when ARGV[6] is not ''), the lock released when it still holds the token ARGV[8].
# KEYS: state, data, delivery, lock. ARGV: state op, state, data op, data, ttl s,
# answer, answer ms, token.
_CLOSE = """
if ARGV[1] == 'set' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[5])
elseif ARGV[1] == 'del' then redis.call('DEL', KEYS[1]) end
if ARGV[3] == 'set' then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5])
elseif ARGV[3] == 'del' then redis.call('DEL', KEYS[2]) end
if ARGV[6] ~= '' then redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7]) end
if ARGV[8] ~= '' and redis.call('GET', KEYS[4]) == ARGV[8] then redis.call('DEL', KEYS[4]) end
return 1
"""
#: Commands one storage may have in flight; more wait for one to finish.
GATE_SIZE = 64
#: How often a turn whose user's lock is busy asks again, and a retry polls for the answer.
POLL_INTERVAL = 0.02


class CommandGate:
    """At most `size` commands in flight; more wait (up to `wait` seconds) for a free place.

    It bounds the connections a worker opens (redis-py's default pool opens one per command
    in flight) without redis-py's `BlockingConnectionPool`: on Python 3.11 that pool waits on
    an `asyncio.Condition`, which loses the wake-up of a waiter cancelled right after it was
    notified (https://github.com/python/cpython/issues/112202, not fixed in 3.11), so the
    next waiter sleeps until another release or its timeout. `asyncio.Semaphore` hands a
    cancelled waiter's wake-up on to the next one.
    """

    def __init__(self, size: int = GATE_SIZE, *, wait: float = 2.0) -> None:
        self.size = size
        self.wait = wait
        self._slots = asyncio.Semaphore(size)

    async def run(self, command: Callable[[], Awaitable[T]]) -> T:
        """`await command()` once a place is free; "No connection available." after `wait`."""
        if self._slots.locked():  # all places taken: wait, but not for ever
            try:
                async with asyncio.timeout(self.wait):
                    await self._slots.acquire()
            except TimeoutError:
                raise RedisConnectionError("No connection available.") from None
        else:
            await self._slots.acquire()  # a free place is taken at once
        try:
            return await command()
        finally:
            self._slots.release()


def redis_client(
    url: str, *, socket_timeout: float = 2.0, connect_timeout: float | None = None, **kwargs: Any
) -> Redis:
    """A client that fails within `socket_timeout` when Redis hangs, not at the deadline."""
    return Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout if connect_timeout is None else connect_timeout,
        **kwargs,
    )


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _ops(changed: bool, value: str | None) -> tuple[str, str]:
    if not changed:
        return "", ""
    return ("set", value) if value else ("del", "")


def _text(value: bytes | str | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class RedisStorage(BaseStorage):
    """State and data under `{prefix}:fsm:…`, expiring `state_ttl` seconds after the last write.

    `name` turns a user's `StorageKey` text and a delivery's key into the part of a Redis key
    that names them (e.g. a keyed hash, so that no raw openid is written in a key name);
    the default keeps them as they are.
    """

    unavailable = (RedisError, OSError, TimeoutError)

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "zwbot",
        state_ttl: int = DEFAULT_STATE_TTL,
        lock_timeout: float = 60.0,
        name: Callable[[str], str] = str,
        gate: CommandGate | None = None,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.state_ttl = state_ttl
        self.lock_timeout = lock_timeout
        self.name = name
        self.gate = gate or CommandGate()
        self._open = redis.register_script(_OPEN)
        self._lock = redis.register_script(_LOCK)
        self._close = redis.register_script(_CLOSE)
        # Locks whose release failed (Redis unreachable), released by the user's next opening
        # rather than blocking the user until they expire.
        self.unreleased: dict[StorageKey, str] = {}

    async def warm(self) -> None:
        """Open as many connections as the gate lets commands be in flight, before traffic:
        under full load an on-demand connect waits for the busy event loop, can pass its
        timeout and be taken for an outage (then every message probes the fallback for the
        recovery window)."""
        await asyncio.gather(*(self.gate.run(self.redis.ping) for _ in range(self.gate.size)))

    @classmethod
    def from_url(cls, url: str, *, socket_timeout: float = 2.0, **kwargs: Any) -> RedisStorage:
        """A storage on a new client; a hung Redis costs `socket_timeout`, not the deadline."""
        gate = CommandGate(wait=socket_timeout)
        return cls(redis_client(url, socket_timeout=socket_timeout), gate=gate, **kwargs)

    def fsm_key(self, key: StorageKey, part: str) -> str:
        return f"{self.prefix}:fsm:{self.name(str(key))}:{part}"

    def lock_key(self, key: StorageKey) -> str:
        return f"{self.prefix}:lock:{self.name(str(key))}"

    def delivery_key(self, delivery: str) -> str:
        return f"{self.prefix}:delivery:{self.name(delivery)}"

    async def get_state(self, key: StorageKey) -> str | None:
        return _text(await self.gate.run(lambda: self.redis.get(self.fsm_key(key, "state"))))

    async def set_state(self, key: StorageKey, state: str | None) -> None:
        await self.write_record(key, Changes(state_changed=True, state=state))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        raw = await self.gate.run(lambda: self.redis.get(self.fsm_key(key, "data")))
        return load_data(_text(raw))

    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None:
        await self.write_record(key, Changes(data_changed=True, data=dump_data(data)))

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        names = [self.fsm_key(key, "state"), self.fsm_key(key, "data")]
        state, raw = await self.gate.run(lambda: self.redis.mget(names))
        return _text(state), load_data(_text(raw))

    async def write_record(self, key: StorageKey, changes: Changes) -> None:
        if changes:
            await self.run_close(key, "", changes, None)

    def turn(self, key: StorageKey, delivery: Delivery | None = None) -> Turn:
        return RedisTurn(self, key, delivery)

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        name = f"{self.prefix}:nonce:{nonce}"
        return bool(await self.gate.run(lambda: self.redis.set(name, "1", nx=True, px=_ms(ttl))))

    async def record_answer(self, delivery: str, body: str, ttl: float) -> None:
        name = self.delivery_key(delivery)
        await self.gate.run(lambda: self.redis.set(name, _DONE + body, px=_ms(ttl)))

    async def answer_of(self, delivery: str, timeout: float) -> str | None:
        # Polling keeps this simple and robust; retries are rare and waits last seconds at most.
        name = self.delivery_key(delivery)
        give_up = time.monotonic() + max(timeout, 0.0)
        while True:
            value = _text(await self.gate.run(lambda: self.redis.get(name)))
            if value is not None and value.startswith(_DONE):
                return value[len(_DONE) :]
            if value is None or time.monotonic() >= give_up:
                return None  # None: the claim's lease ran out (its worker died)
            await asyncio.sleep(min(POLL_INTERVAL, max(give_up - time.monotonic(), 0.0)))

    async def run_close(
        self, key: StorageKey, token: str, changes: Changes, answer: tuple[str, str, float] | None
    ) -> None:
        """The closing script: `changes`, `answer` (delivery, body, ttl), unlock `token`."""
        delivery, body, ttl = answer if answer is not None else (None, "", 0.0)
        keys = [
            self.fsm_key(key, "state"),
            self.fsm_key(key, "data"),
            self.delivery_key(delivery) if delivery is not None else self.fsm_key(key, ""),
            self.lock_key(key),
        ]
        state_op, state = _ops(changes.state_changed, changes.state)
        data_op, data = _ops(changes.data_changed, changes.data)
        args: list[str | int] = [
            state_op,
            state,
            data_op,
            data,
            self.state_ttl,
            _DONE + body if delivery is not None else "",
            _ms(ttl),
            token,
        ]
        await self.gate.run(lambda: self._close(keys=keys, args=args))

    async def close(self) -> None:
        await self.redis.aclose()


class RedisTurn(Turn):
    """A turn in two round trips (three or more only while the user's lock is busy)."""

    storage: RedisStorage

    def __init__(self, storage: RedisStorage, key: StorageKey, delivery: Delivery | None) -> None:
        super().__init__(storage, key, delivery)
        self.token = secrets.token_hex(8)

    async def _open(self) -> Record | None:
        storage, delivery = self.storage, self.delivery
        lock = storage.lock_key(self.key)
        stale = storage.unreleased.pop(self.key, "")
        nonce = delivery.nonce if delivery else None
        counter = delivery.count_key if delivery else None
        keys = [
            f"{storage.prefix}:nonce:{nonce[0]}" if nonce else lock,
            storage.delivery_key(delivery.key) if delivery else lock,
            lock,
            storage.fsm_key(self.key, "state"),
            storage.fsm_key(self.key, "data"),
            f"{storage.prefix}:{counter[0]}" if counter else lock,
        ]
        args: list[int | str] = [
            _ms(nonce[1]) if nonce else 0,
            _ms(delivery.lease) if delivery else 0,
            _PENDING,
            self.token,
            _ms(storage.lock_timeout),
            max(1, counter[1]) if counter else 0,
            stale,
        ]
        try:
            reply = await storage.gate.run(lambda: storage._open(keys=keys, args=args))
        except BaseException:
            if stale:
                storage.unreleased[self.key] = stale
            raise
        if reply[0] < 0:
            self.replayed = True
            return None
        if reply[0] == 0:
            return None
        self.claimed = True
        self.count = None if reply[1] is None else int(reply[1])
        if reply[2]:
            return _text(reply[3]), _text(reply[4]) or ""
        return None  # the lock is busy: `_lock` waits for it

    async def _lock(self) -> Record:
        # Another message of this user is being handled (by any worker): wait for its end;
        # its lock expires after `lock_timeout` at worst (a worker that died holding it).
        storage = self.storage
        keys = [
            storage.lock_key(self.key),
            *(storage.fsm_key(self.key, p) for p in ("state", "data")),
        ]
        args: list[str | int] = [self.token, _ms(storage.lock_timeout)]
        while True:
            record = await storage.gate.run(lambda: storage._lock(keys=keys, args=args))
            if record:
                return _text(record[0]), _text(record[1]) or ""
            await asyncio.sleep(POLL_INTERVAL)

    async def _close(self, changes: Changes, answer: str | None) -> None:
        delivery = self.delivery
        answered = (delivery.key, answer, delivery.ttl) if delivery and answer is not None else None
        try:
            await self.storage.run_close(self.key, self.token, changes, answered)
        except BaseException:
            self.storage.unreleased[self.key] = self.token
            raise
