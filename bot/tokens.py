"""Where access tokens are cached and who may refresh them: this process, or all via Redis."""

from __future__ import annotations

import asyncio
import json
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    suppress,
)
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError


@dataclass(frozen=True, slots=True)
class CachedToken:
    token: str
    expires_at: float  # seconds since the epoch


class TokenStore(ABC):
    """The cached token and the lock a refresher holds."""

    @abstractmethod
    async def get(self) -> CachedToken | None: ...

    @abstractmethod
    async def set(self, token: CachedToken) -> None: ...

    @abstractmethod
    def refresh_lock(self) -> AbstractAsyncContextManager[None]: ...


class MemoryTokenStore(TokenStore):
    """One process: the token in memory, an `asyncio.Lock` around refreshes."""

    def __init__(self) -> None:
        self._token: CachedToken | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> CachedToken | None:
        return self._token

    async def set(self, token: CachedToken) -> None:
        self._token = token

    @asynccontextmanager
    async def refresh_lock(self) -> AsyncIterator[None]:
        async with self._lock:
            yield


class RedisTokenStore(TokenStore):
    """All workers: the token under `{prefix}:token:{app_id}`, one refresher under a Redis lock."""

    def __init__(self, redis: Redis, app_id: str, *, prefix: str = "zwbot") -> None:
        self.redis = redis
        self.key = f"{prefix}:token:{app_id}"
        self._local = asyncio.Lock()

    async def get(self) -> CachedToken | None:
        raw = await self.redis.get(self.key)
        if raw is None:
            return None
        data = json.loads(raw)
        return CachedToken(str(data["token"]), float(data["expires_at"]))

    async def set(self, token: CachedToken) -> None:
        payload = json.dumps({"token": token.token, "expires_at": token.expires_at})
        await self.redis.set(self.key, payload, exat=max(int(token.expires_at), 1))

    @asynccontextmanager
    async def refresh_lock(self) -> AsyncIterator[None]:
        async with self._local, self.redis.lock(f"{self.key}:lock", timeout=30, sleep=0.05):
            yield


#: What Redis raises when it is away or answers too late.
REDIS_DOWN = (RedisError, OSError, asyncio.TimeoutError)


class SharedTokenStore(TokenStore):
    """All workers through Redis (`RedisTokenStore`: one `stable_token` owner per appid);
    while Redis is away, this process's own copy and lock. That is safe with `stable_token`:
    a call without force_refresh gets the appid's current token, so workers refreshing on
    their own meanwhile do not invalidate each other's."""

    def __init__(self, redis: Redis, app_id: str, *, prefix: str = "zwbot") -> None:
        self.shared = RedisTokenStore(redis, app_id, prefix=prefix)
        self.local = MemoryTokenStore()

    async def get(self) -> CachedToken | None:
        try:
            return await self.shared.get()
        except REDIS_DOWN:
            return await self.local.get()

    async def set(self, token: CachedToken) -> None:
        await self.local.set(token)
        with suppress(*REDIS_DOWN):  # the process's copy serves until Redis is back
            await self.shared.set(token)

    @asynccontextmanager
    async def refresh_lock(self) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(self.shared.refresh_lock())
            except REDIS_DOWN:
                await stack.enter_async_context(self.local.refresh_lock())
            yield
