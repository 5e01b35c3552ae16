"""Redis storage: FSM with a TTL, cross-process per-user locks and a shared delivery log."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis

from bot.fsm import StorageKey
from bot.storage.base import (
    DEFAULT_STATE_TTL,
    BaseDeliveryLog,
    BaseEventIsolation,
    BaseStorage,
)

_PENDING = "pending"
_DONE = "done:"


def _text(value: bytes | str | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class RedisStorage(BaseStorage):
    """State and data under `{prefix}:fsm:…`, expiring `state_ttl` seconds after the last write."""

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
    def from_url(cls, url: str, **kwargs: Any) -> RedisStorage:
        return cls(Redis.from_url(url), **kwargs)

    def _key(self, key: StorageKey, part: str) -> str:
        return f"{self.prefix}:fsm:{key}:{part}"

    async def get_state(self, key: StorageKey) -> str | None:
        return _text(await self.redis.get(self._key(key, "state")))

    async def set_state(self, key: StorageKey, state: str | None) -> None:
        if state is None:
            await self.redis.delete(self._key(key, "state"))
        else:
            await self.redis.set(self._key(key, "state"), state, ex=self.state_ttl)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        raw = _text(await self.redis.get(self._key(key, "data")))
        if not raw:
            return {}
        data = json.loads(raw)
        return data if isinstance(data, dict) else {}

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
    """A Redis lock per user, so one user's updates are serial across all workers."""

    def __init__(self, redis: Redis, *, prefix: str, timeout: float = 60.0) -> None:
        self.redis = redis
        self.prefix = prefix
        self.timeout = timeout

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        # `timeout` frees the lock of a crashed worker; a handler slower than that loses order.
        lock = self.redis.lock(f"{self.prefix}:lock:{key}", timeout=self.timeout, sleep=0.02)
        async with lock:
            yield


class RedisDeliveryLog(BaseDeliveryLog):
    """`SET NX` claims and result keys shared by every worker using the same Redis and prefix."""

    def __init__(self, redis: Redis, *, prefix: str, poll_interval: float = 0.03) -> None:
        self.redis = redis
        self.prefix = prefix
        self.poll_interval = poll_interval

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        key = f"{self.prefix}:nonce:{nonce}"
        return bool(await self.redis.set(key, "1", nx=True, px=max(1, int(ttl * 1000))))

    async def claim(self, key: str, ttl: float) -> bool:
        name = f"{self.prefix}:delivery:{key}"
        return bool(await self.redis.set(name, _PENDING, nx=True, px=max(1, int(ttl * 1000))))

    async def finish(self, key: str, body: str, ttl: float) -> None:
        name = f"{self.prefix}:delivery:{key}"
        await self.redis.set(name, _DONE + body, px=max(1, int(ttl * 1000)))

    async def result(self, key: str, timeout: float) -> str | None:
        # Polling keeps this simple and robust; retries are rare and waits last seconds at most.
        name = f"{self.prefix}:delivery:{key}"
        give_up = time.monotonic() + max(timeout, 0.0)
        while True:
            value = _text(await self.redis.get(name))
            if value is not None and value.startswith(_DONE):
                return value[len(_DONE) :]
            if value is None or time.monotonic() >= give_up:
                return None
            await asyncio.sleep(min(self.poll_interval, max(give_up - time.monotonic(), 0.0)))
