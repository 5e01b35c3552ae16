"""Bot storage that keeps working when Redis stops: it falls back to in-process memory.

`bot`'s RedisStorage already degrades per call (reads give "no state", locks, nonces and
the delivery log fall back to the process) but lets writes fail. This wrapper adds the rest:
conversation writes go to memory instead of failing the citizen's message, and a breaker
stops asking a dead Redis on every call for `retry_after` seconds after a failure.

While Redis is unreachable each worker keeps FSM state, per-user locks, nonces and the
delivery log in its own memory: citizens keep getting answers, a retry that reaches the same
worker is still absorbed, and a retry reaching another worker may run the handler again.
Staff commands stay exactly-once because their receipts are in the database, not in Redis.
State kept in memory meanwhile is not copied back (a conversation may restart)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from bot.fsm import Changes, StorageKey
from bot.storage.base import BaseDeliveryLog, BaseEventIsolation, BaseStorage, Opening
from bot.storage.memory import MemoryStorage
from handlers.observability import metrics
from handlers.observability.logs import get_logger

T = TypeVar("T")
UNAVAILABLE = (RedisError, OSError, TimeoutError)
log = get_logger(__name__)


class _Breaker:
    """Whether to try Redis now: not for `retry_after` seconds after it failed."""

    def __init__(self, retry_after: float, clock: Callable[[], float]) -> None:
        self.retry_after = retry_after
        self.clock = clock
        self.down_since: float | None = None

    @property
    def closed(self) -> bool:
        return self.down_since is None or self.clock() - self.down_since >= self.retry_after

    def failed(self, error: BaseException) -> None:
        if self.down_since is None:
            log.warning("Redis unreachable: storage falls back to process memory", error=str(error))
            metrics.record_error("redis")
        self.down_since = self.clock()

    def succeeded(self) -> None:
        if self.down_since is not None:
            log.info("Redis reachable again: storage back on Redis")
        self.down_since = None


class FallbackStorage(BaseStorage):
    """`FallbackStorage(RedisStorage(...))`: Redis while it answers, memory while it does not.

    A turn opens on Redis in one round trip while the breaker lets it; otherwise (or when
    that fails) `open_turn` gives None and the dispatcher goes step by step through this
    storage's isolation and delivery log, which fall back to memory.
    """

    unavailable = UNAVAILABLE

    def __init__(
        self,
        primary: BaseStorage,
        fallback: BaseStorage | None = None,
        *,
        retry_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback or MemoryStorage()
        self.breaker = _Breaker(retry_after, clock)

    async def call(
        self, on_primary: Callable[[], Awaitable[T]], on_fallback: Callable[[], Awaitable[T]]
    ) -> T:
        """`on_primary()` while Redis answers, else `on_fallback()`."""
        if self.breaker.closed:
            try:
                value = await on_primary()
            except UNAVAILABLE as error:
                self.breaker.failed(error)
            else:
                self.breaker.succeeded()
                return value
        return await on_fallback()

    @property
    def degraded(self) -> bool:
        """True while Redis is considered down."""
        return not self.breaker.closed

    async def get_state(self, key: StorageKey) -> str | None:
        return await self.call(
            lambda: self.primary.get_state(key), lambda: self.fallback.get_state(key)
        )

    async def set_state(self, key: StorageKey, state: str | None) -> None:
        await self.call(
            lambda: self.primary.set_state(key, state), lambda: self.fallback.set_state(key, state)
        )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self.call(
            lambda: self.primary.get_data(key), lambda: self.fallback.get_data(key)
        )

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        return await self.call(
            lambda: self.primary.get_record(key), lambda: self.fallback.get_record(key)
        )

    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None:
        await self.call(
            lambda: self.primary.set_data(key, data), lambda: self.fallback.set_data(key, data)
        )

    async def write_record(self, key: StorageKey, changes: Changes) -> None:
        await self.call(
            lambda: self.primary.write_record(key, changes),
            lambda: self.fallback.write_record(key, changes),
        )

    async def open_turn(
        self,
        key: StorageKey,
        delivery: str,
        ttl: float,
        *,
        nonce: tuple[str, float] | None = None,
        counter: tuple[str, int] | None = None,
    ) -> Opening | None:
        if not self.breaker.closed:
            return None
        try:
            opening = await self.primary.open_turn(key, delivery, ttl, nonce=nonce, counter=counter)
        except UNAVAILABLE as error:
            self.breaker.failed(error)
            return None
        self.breaker.succeeded()
        return opening

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
        # The turn was opened on Redis; while Redis is considered down the caller writes
        # through this storage and its delivery log instead (memory), the lock expires.
        if not self.breaker.closed:
            raise RedisConnectionError("Redis considered down")
        try:
            await self.primary.close_turn(
                key, token, changes, delivery=delivery, body=body, ttl=ttl
            )
        except UNAVAILABLE as error:
            self.breaker.failed(error)
            raise
        self.breaker.succeeded()

    def create_isolation(self) -> BaseEventIsolation:
        return _FallbackIsolation(self)

    def create_delivery_log(self) -> BaseDeliveryLog:
        return _FallbackDeliveryLog(self)

    async def close(self) -> None:
        await self.primary.close()
        await self.fallback.close()


class _FallbackIsolation(BaseEventIsolation):
    def __init__(self, storage: FallbackStorage) -> None:
        self.storage = storage
        self.primary = storage.primary.create_isolation()
        self.fallback = storage.fallback.create_isolation()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        breaker = self.storage.breaker
        if breaker.closed:
            manager = self.primary.lock(key)
            try:
                await manager.__aenter__()
            except UNAVAILABLE as error:
                breaker.failed(error)
            else:
                breaker.succeeded()
                try:
                    yield
                finally:
                    try:
                        await manager.__aexit__(None, None, None)
                    except UNAVAILABLE as error:  # the lock expires by itself in Redis
                        breaker.failed(error)
                return
        async with self.fallback.lock(key):
            yield


class _FallbackDeliveryLog(BaseDeliveryLog):
    def __init__(self, storage: FallbackStorage) -> None:
        self.storage = storage
        self.primary = storage.primary.create_delivery_log()
        self.fallback = storage.fallback.create_delivery_log()
        self.local_claims: set[str] = set()

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        return await self.storage.call(
            lambda: self.primary.remember_nonce(nonce, ttl),
            lambda: self.fallback.remember_nonce(nonce, ttl),
        )

    async def claim(self, key: str, ttl: float) -> bool:
        async def in_memory() -> bool:
            claimed = await self.fallback.claim(key, ttl)
            if claimed:
                self.local_claims.add(key)
            return claimed

        return await self.storage.call(lambda: self.primary.claim(key, ttl), in_memory)

    async def admit(self, nonce: str, nonce_ttl: float, key: str, ttl: float) -> bool | None:
        async def in_memory() -> bool | None:
            admitted = await self.fallback.admit(nonce, nonce_ttl, key, ttl)
            if admitted:
                self.local_claims.add(key)
            return admitted

        return await self.storage.call(
            lambda: self.primary.admit(nonce, nonce_ttl, key, ttl), in_memory
        )

    async def finish(self, key: str, body: str, ttl: float) -> None:
        # A claim made in memory during the outage is finished in memory.
        if key in self.local_claims:
            self.local_claims.discard(key)
            await self.fallback.finish(key, body, ttl)
            return
        await self.storage.call(
            lambda: self.primary.finish(key, body, ttl),
            lambda: self.fallback.finish(key, body, ttl),
        )

    async def result(self, key: str, timeout: float) -> str | None:
        return await self.storage.call(
            lambda: self.primary.result(key, timeout), lambda: self.fallback.result(key, timeout)
        )
