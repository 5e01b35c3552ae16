"""Redis storage: FSM with a TTL, cross-process per-user locks and a shared delivery log."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from bot.fsm import StorageKey
from bot.storage.base import (
    DEFAULT_STATE_TTL,
    BaseDeliveryLog,
    BaseEventIsolation,
    BaseStorage,
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


def _text(value: bytes | str | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _decode_data(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    data = json.loads(raw)
    return data if isinstance(data, dict) else {}


class RedisStorage(BaseStorage):
    """State and data under `{prefix}:fsm:…`, expiring `state_ttl` seconds after the last write.

    While Redis is unreachable, reads give "no state" and "no data" (logged as errors) so
    stateless handlers keep answering; writes raise, so a multi-step flow fails visibly.
    """

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

    @classmethod
    def from_url(cls, url: str, *, socket_timeout: float = 2.0, **kwargs: Any) -> RedisStorage:
        """A storage on a new client; a hung Redis costs `socket_timeout`, not the deadline."""
        client = Redis.from_url(
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
        payload = json.dumps(data, ensure_ascii=False)
        await self.redis.set(self._key(key, "data"), payload, ex=self.state_ttl)

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
