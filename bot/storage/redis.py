"""Redis storage: FSM with a TTL, cross-process per-user locks and a shared delivery log."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection, Connection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import DataError, LockError, MaxConnectionsError, RedisError

try:
    import hiredis
except ImportError:  # pragma: no cover - hiredis is a dependency; redis-py works without it
    hiredis = None  # type: ignore[assignment]

from bot.fsm import Changes, StorageKey, dump_data, load_data
from bot.storage.base import (
    DEFAULT_STATE_TTL,
    BaseDeliveryLog,
    BaseEventIsolation,
    BaseStorage,
    Opening,
)
from bot.storage.memory import MemoryDeliveryLog, MemoryEventIsolation

log = logging.getLogger("bot.storage")

_PENDING = "pending"
_DONE = "done:"
# The nonce and, for a new nonce, the claim, in one round trip: -1 replayed, 1 claimed, 0 not.
_ADMIT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return -1 end
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
# The opening of a delivery: the nonce (unless ARGV[1] is '0'), the claim, then for a claim
# the counter (unless ARGV[6] is '0') and the user's lock with the user's record.
# First of all, a lock this process failed to release (token ARGV[7], unless '') is released.
# KEYS: nonce, delivery, lock, state, data, counter. ARGV: nonce ms, claim ms, 'pending',
# lock token, lock ms, counter expiry s, stale token. Returns {-1} replayed, {0} not
# claimed, or {1, count or nil, 1 when locked, state, data}.
_OPEN = """
if ARGV[7] ~= '' and redis.call('GET', KEYS[3]) == ARGV[7] then redis.call('DEL', KEYS[3]) end
if ARGV[1] ~= '0' and not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return {-1}
end
if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[2]) then return {0} end
local count = false
if ARGV[6] ~= '0' then
  count = redis.call('INCR', KEYS[6])
  if count == 1 then redis.call('EXPIRE', KEYS[6], ARGV[6]) end
end
if not redis.call('SET', KEYS[3], ARGV[4], 'NX', 'PX', ARGV[5]) then return {1, count, 0} end
local record = redis.call('MGET', KEYS[4], KEYS[5])
return {1, count, 1, record[1], record[2]}
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
#: Connections one worker may open; more commands in flight wait for a free one.
POOL_SIZE = 64


class WaitingConnectionPool(ConnectionPool):
    """redis-py's pool, except that with every connection in use a command waits (up to
    `timeout` seconds) for one to be released instead of failing with "Too many
    connections". Not redis-py's `BlockingConnectionPool`: on Python 3.11 its
    `asyncio.Condition` loses the wake-up of a waiter cancelled after being woken, so the
    next waiter sleeps until another release or its timeout (the cancelled-waiter test
    fails with it); it also costs a condition and a timeout on every command while
    connections are free (the usual case)."""

    def __init__(self, *args: Any, timeout: float = 2.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout = timeout
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def get_connection(self, *args: Any, **kwargs: Any) -> AbstractConnection:
        give_up: float | None = None
        while True:
            if self.can_get_connection():
                try:
                    connection: AbstractConnection = await super().get_connection()  # type: ignore[no-untyped-call]
                except MaxConnectionsError:
                    pass  # taken in between: wait like the others
                else:
                    return connection
            loop = asyncio.get_running_loop()
            give_up = loop.time() + self.timeout if give_up is None else give_up
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout_at(give_up):
                    await waiter
            except BaseException as error:
                if waiter.done() and not waiter.cancelled():
                    self._wake_one()  # hand on the release this waiter will not use
                elif waiter in self._waiters:
                    self._waiters.remove(waiter)
                if isinstance(error, TimeoutError):
                    raise RedisConnectionError("No connection available.") from None
                raise

    async def release(self, connection: AbstractConnection) -> None:
        await super().release(connection)
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return


class PackingConnection(Connection):
    """A connection packing commands with hiredis's C packer, as redis-py's synchronous
    client does when hiredis is installed (its asyncio client packs in Python: one encode
    call per argument)."""

    def pack_command(self, *args: Any) -> list[bytes]:
        if isinstance(args[0], str):
            args = (*args[0].encode().split(), *args[1:])
        elif b" " in args[0]:
            args = (*args[0].split(), *args[1:])
        args = tuple(bytes(arg) if isinstance(arg, bytearray | memoryview) else arg for arg in args)
        try:
            return [hiredis.pack_command(args)]
        except TypeError as error:
            raise DataError(str(error)) from error


def blocking_client(url: str, *, socket_timeout: float, **kwargs: Any) -> Redis:
    """A client whose pool waits (up to `socket_timeout`) for a free connection instead of
    failing with "Too many connections" when many messages are in flight at once (and
    packs commands in C when hiredis is there)."""
    if hiredis is not None and not url.startswith(("unix:", "rediss:")):
        kwargs.setdefault("connection_class", PackingConnection)
    pool = WaitingConnectionPool.from_url(
        url,
        max_connections=kwargs.pop("max_connections", POOL_SIZE),
        timeout=socket_timeout,
        socket_timeout=socket_timeout,
        **kwargs,
    )
    return Redis.from_pool(pool)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _ops(changed: bool, value: str | None) -> tuple[str, str]:
    if not changed:
        return "", ""
    return ("set", value) if value else ("del", "")


def _text(value: bytes | str | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _decode_data(raw: str | None) -> dict[str, Any]:
    return load_data(raw)


class RedisStorage(BaseStorage):
    """State and data under `{prefix}:fsm:…`, expiring `state_ttl` seconds after the last write.

    While Redis is unreachable, reads give "no state" and "no data" (logged as errors) so
    stateless handlers keep answering; writes raise, so a multi-step flow fails visibly.
    `open_turn` and `close_turn` raise too (`unavailable`): callers go step by step then.
    """

    unavailable = (RedisError, OSError, TimeoutError)

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "zwbot",
        state_ttl: int = DEFAULT_STATE_TTL,
        lock_timeout: float = 60.0,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.state_ttl = state_ttl
        self.lock_timeout = lock_timeout
        self._open = redis.register_script(_OPEN)
        self._close = redis.register_script(_CLOSE)
        # Locks whose release failed (Redis unreachable), released by the user's next opening
        # rather than blocking the user until they expire.
        self._unreleased: dict[StorageKey, str] = {}

    @classmethod
    def from_url(cls, url: str, *, socket_timeout: float = 2.0, **kwargs: Any) -> RedisStorage:
        """A storage on a new client; a hung Redis costs `socket_timeout`, not the deadline."""
        client = blocking_client(
            url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout
        )
        return cls(client, **kwargs)

    def _key(self, key: StorageKey, part: str) -> str:
        return f"{self.prefix}:fsm:{key}:{part}"

    async def get_state(self, key: StorageKey) -> str | None:
        try:
            return _text(await self.redis.get(self._key(key, "state")))
        except RedisError as exc:
            log.error("Redis unavailable reading FSM state (%s); treating as no state", exc)
            return None

    async def set_state(self, key: StorageKey, state: str | None) -> None:
        if state is None:
            await self.redis.delete(self._key(key, "state"))
        else:
            await self.redis.set(self._key(key, "state"), state, ex=self.state_ttl)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        try:
            raw = _text(await self.redis.get(self._key(key, "data")))
        except RedisError as exc:
            log.error("Redis unavailable reading FSM data (%s); treating as empty", exc)
            return {}
        return _decode_data(raw)

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        try:
            state, raw = await self.redis.mget([self._key(key, "state"), self._key(key, "data")])
        except RedisError as exc:
            log.error("Redis unavailable reading FSM state (%s); treating as no state", exc)
            return None, {}
        return _text(state), _decode_data(_text(raw))

    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None:
        if not data:
            await self.redis.delete(self._key(key, "data"))
            return
        payload = dump_data(data)
        await self.redis.set(self._key(key, "data"), payload, ex=self.state_ttl)

    async def write_record(self, key: StorageKey, changes: Changes) -> None:
        if changes:
            await self._run_close(key, "", changes, None, "", 0.0)

    async def open_turn(
        self,
        key: StorageKey,
        delivery: str,
        ttl: float,
        *,
        nonce: tuple[str, float] | None = None,
        counter: tuple[str, int] | None = None,
    ) -> Opening | None:
        lock = self._lock_key(key)
        token = secrets.token_hex(8)
        stale = self._unreleased.get(key, "")
        keys = [
            f"{self.prefix}:nonce:{nonce[0]}" if nonce else lock,
            f"{self.prefix}:delivery:{delivery}",
            lock,
            self._key(key, "state"),
            self._key(key, "data"),
            f"{self.prefix}:{counter[0]}" if counter else lock,
        ]
        args: list[int | str] = [
            _ms(nonce[1]) if nonce else 0,
            _ms(ttl),
            _PENDING,
            token,
            _ms(self.lock_timeout),
            max(1, counter[1]) if counter else 0,
            stale,
        ]
        reply = await self._open(keys=keys, args=args)
        if stale:
            self._unreleased.pop(key, None)
        if reply[0] < 0:
            return Opening(claimed=False, replayed=True)
        if reply[0] == 0:
            return Opening(claimed=False)
        count = None if reply[1] is None else int(reply[1])
        if not reply[2]:
            return Opening(claimed=True, count=count)
        state, data = _text(reply[3]), _text(reply[4])
        return Opening(claimed=True, token=token, state=state, data=data or "", count=count)

    async def close_turn(
        self,
        key: StorageKey,
        token: str,
        changes: Changes,
        *,
        delivery: str | None = None,
        body: str = "",
        ttl: float = 0.0,
    ) -> None:
        await self._run_close(key, token, changes, delivery, body, ttl)

    async def _run_close(
        self,
        key: StorageKey,
        token: str,
        changes: Changes,
        delivery: str | None,
        body: str,
        ttl: float,
    ) -> None:
        keys = [
            self._key(key, "state"),
            self._key(key, "data"),
            f"{self.prefix}:delivery:{delivery}" if delivery is not None else self._key(key, ""),
            self._lock_key(key),
        ]
        state_op, state = _ops(changes.state_changed, changes.state)
        data_op, data = _ops(changes.data_changed, changes.data)
        answer = _DONE + body if delivery is not None else ""
        args: list[str | int] = [
            state_op,
            state,
            data_op,
            data,
            self.state_ttl,
            answer,
            _ms(ttl),
            token,
        ]
        try:
            await self._close(keys=keys, args=args)
        except self.unavailable:
            if token:
                self._unreleased[key] = token
            raise

    def _lock_key(self, key: StorageKey) -> str:
        # The same name `RedisEventIsolation` locks: both ways of locking exclude each other.
        return f"{self.prefix}:lock:{key}"

    def create_isolation(self) -> RedisEventIsolation:
        return RedisEventIsolation(self.redis, prefix=self.prefix, timeout=self.lock_timeout)

    def create_delivery_log(self) -> RedisDeliveryLog:
        return RedisDeliveryLog(self.redis, prefix=self.prefix)

    async def close(self) -> None:
        await self.redis.aclose()


class RedisEventIsolation(BaseEventIsolation):
    """A Redis lock per user, so one user's updates are serial across all workers.

    While Redis is unreachable the lock falls back to this process (logged as an error):
    users keep getting answers, ordering then holds per worker only.
    """

    def __init__(self, redis: Redis, *, prefix: str, timeout: float = 60.0) -> None:
        self.redis = redis
        self.prefix = prefix
        self.timeout = timeout
        self._fallback = MemoryEventIsolation()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        # `timeout` frees the lock of a crashed worker; a handler slower than that loses order.
        lock = self.redis.lock(f"{self.prefix}:lock:{key}", timeout=self.timeout, sleep=0.02)
        try:
            await lock.acquire()
        except RedisError as exc:
            log.error("Redis lock unavailable (%s); ordering falls back to this process", exc)
            async with self._fallback.lock(key):
                yield
            return
        try:
            yield
        finally:
            try:
                await lock.release()
            except (LockError, RedisError) as exc:
                log.error("Redis lock release failed (%s); it expires by itself", exc)


class RedisDeliveryLog(BaseDeliveryLog):
    """`SET NX` claims and result keys shared by every worker using the same Redis and prefix.

    While Redis is unreachable each call falls back to an in-process log (logged as an
    error): retries reaching the same worker are still absorbed, nobody is refused.
    """

    def __init__(self, redis: Redis, *, prefix: str, poll_interval: float = 0.03) -> None:
        self.redis = redis
        self.prefix = prefix
        self.poll_interval = poll_interval
        self._fallback = MemoryDeliveryLog()
        self._admit = redis.register_script(_ADMIT)

    def _degraded(self, operation: str, exc: RedisError) -> None:
        log.error("Redis delivery log unavailable for %s (%s); using this process", operation, exc)

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        key = f"{self.prefix}:nonce:{nonce}"
        try:
            return bool(await self.redis.set(key, "1", nx=True, px=max(1, int(ttl * 1000))))
        except RedisError as exc:
            self._degraded("nonce", exc)
            return await self._fallback.remember_nonce(nonce, ttl)

    async def admit(self, nonce: str, nonce_ttl: float, key: str, ttl: float) -> bool | None:
        keys = [f"{self.prefix}:nonce:{nonce}", f"{self.prefix}:delivery:{key}"]
        args: list[int | str] = [max(1, int(nonce_ttl * 1000)), max(1, int(ttl * 1000)), _PENDING]
        try:
            admitted = int(await self._admit(keys=keys, args=args))
        except RedisError as exc:
            self._degraded("admit", exc)
            return await self._fallback.admit(nonce, nonce_ttl, key, ttl)
        return None if admitted < 0 else admitted == 1

    async def claim(self, key: str, ttl: float) -> bool:
        name = f"{self.prefix}:delivery:{key}"
        try:
            return bool(await self.redis.set(name, _PENDING, nx=True, px=max(1, int(ttl * 1000))))
        except RedisError as exc:
            self._degraded("claim", exc)
            return await self._fallback.claim(key, ttl)

    async def finish(self, key: str, body: str, ttl: float) -> None:
        name = f"{self.prefix}:delivery:{key}"
        try:
            await self.redis.set(name, _DONE + body, px=max(1, int(ttl * 1000)))
        except RedisError as exc:
            self._degraded("finish", exc)
            await self._fallback.finish(key, body, ttl)

    async def result(self, key: str, timeout: float) -> str | None:
        # Polling keeps this simple and robust; retries are rare and waits last seconds at most.
        name = f"{self.prefix}:delivery:{key}"
        give_up = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                value = _text(await self.redis.get(name))
            except RedisError as exc:
                self._degraded("result", exc)
                return await self._fallback.result(key, max(give_up - time.monotonic(), 0.0))
            if value is not None and value.startswith(_DONE):
                return value[len(_DONE) :]
            if value is None or time.monotonic() >= give_up:
                return None
            await asyncio.sleep(min(self.poll_interval, max(give_up - time.monotonic(), 0.0)))
