"""In-process storage: FSM, per-user locks and delivery log for a single worker."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.fsm import StorageKey
from bot.storage.base import BaseDeliveryLog, BaseEventIsolation, BaseStorage


class MemoryStorage(BaseStorage):
    """Dicts in this process; state is lost on restart and not shared between workers."""

    def __init__(self) -> None:
        self._states: dict[StorageKey, str] = {}
        self._data: dict[StorageKey, dict[str, Any]] = {}

    async def get_state(self, key: StorageKey) -> str | None:
        return self._states.get(key)

    async def set_state(self, key: StorageKey, state: str | None) -> None:
        if state is None:
            self._states.pop(key, None)
        else:
            self._states[key] = state

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return copy.deepcopy(self._data.get(key, {}))

    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None:
        if data:
            self._data[key] = copy.deepcopy(data)
        else:
            self._data.pop(key, None)

    def create_isolation(self) -> MemoryEventIsolation:
        return MemoryEventIsolation()

    def create_delivery_log(self) -> MemoryDeliveryLog:
        return MemoryDeliveryLog()


class MemoryEventIsolation(BaseEventIsolation):
    """An `asyncio.Lock` per user, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class MemoryDeliveryLog(BaseDeliveryLog):
    """Claims, results and nonces with expiry times; expired entries are swept as it goes."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._nonces: dict[str, float] = {}
        self._claims: dict[str, tuple[float, asyncio.Future[str]]] = {}
        self._swept_at = float("-inf")

    def _sweep(self) -> None:
        now = self._clock()
        if now - self._swept_at < 1.0:  # a full pass at most once a second
            return
        self._swept_at = now
        for nonce in [n for n, expiry in self._nonces.items() if expiry <= now]:
            del self._nonces[nonce]
        for key in [k for k, (expiry, _) in self._claims.items() if expiry <= now]:
            del self._claims[key]

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        self._sweep()
        if self._nonces.get(nonce, float("-inf")) > self._clock():
            return False
        self._nonces[nonce] = self._clock() + ttl
        return True

    async def claim(self, key: str, ttl: float) -> bool:
        self._sweep()
        entry = self._claims.get(key)
        if entry is not None and entry[0] > self._clock():
            return False
        self._claims[key] = (self._clock() + ttl, asyncio.get_running_loop().create_future())
        return True

    async def finish(self, key: str, body: str, ttl: float) -> None:
        entry = self._claims.get(key)
        future = entry[1] if entry else asyncio.get_running_loop().create_future()
        if not future.done():
            future.set_result(body)
        self._claims[key] = (self._clock() + ttl, future)

    async def result(self, key: str, timeout: float) -> str | None:
        entry = self._claims.get(key)
        if entry is None:
            return None
        future = entry[1]
        if future.done():
            return future.result()
        if timeout <= 0:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            return None
