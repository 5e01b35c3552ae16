"""In-process storage: FSM, per-user locks and the answers of deliveries, for one worker."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.fsm import Changes, StorageKey, dump_data
from bot.storage.base import BaseStorage, Delivery, Record, Turn


@dataclass(slots=True)
class _Claim:
    expires: float
    answer: asyncio.Future[str] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class UserLocks:
    """An `asyncio.Lock` per user of this process, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    async def try_acquire(self, key: StorageKey) -> bool:
        """Take `key`'s lock if nobody holds or waits for it (a free lock is taken at once)."""
        if key in self._locks:  # entries live only while the lock is held or waited for
            return False
        await self.acquire(key)
        return True

    async def acquire(self, key: StorageKey) -> None:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._leave(key)
            raise

    def release(self, key: StorageKey) -> None:
        self._locks[key][0].release()
        self._leave(key)

    def _leave(self, key: StorageKey) -> None:
        lock, users = self._locks[key]
        if users <= 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)


class MemoryStorage(BaseStorage):
    """Dicts in this process; lost on restart and not shared between workers."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._states: dict[StorageKey, str] = {}
        self._data: dict[StorageKey, dict[str, Any]] = {}
        self.locks = UserLocks()
        self._nonces: dict[str, float] = {}
        self._claims: dict[str, _Claim] = {}
        self._swept_at = float("-inf")

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

    def turn(self, key: StorageKey, delivery: Delivery | None = None) -> Turn:
        return MemoryTurn(self, key, delivery)

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        self._sweep()
        if self._nonces.get(nonce, float("-inf")) > self._clock():
            return False
        self._nonces[nonce] = self._clock() + ttl
        return True

    def claim(self, key: str, lease: float) -> bool:
        """Claim `key` for `lease` seconds unless a live claim or an answer holds it."""
        self._sweep()
        held = self._claims.get(key)
        if held is not None and held.expires > self._clock():
            return False
        self._claims[key] = _Claim(self._clock() + lease)
        return True

    async def record_answer(self, delivery: str, body: str, ttl: float) -> None:
        claim = self._claims.get(delivery) or _Claim(0.0)
        if not claim.answer.done():
            claim.answer.set_result(body)
        claim.expires = self._clock() + ttl
        self._claims[delivery] = claim

    async def answer_of(self, delivery: str, timeout: float) -> str | None:
        claim = self._claims.get(delivery)
        if claim is None or (claim.expires <= self._clock() and not claim.answer.done()):
            return None
        if claim.answer.done():
            return claim.answer.result()
        if timeout <= 0:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(claim.answer), timeout)
        except TimeoutError:
            return None

    def _sweep(self) -> None:
        now = self._clock()
        if now - self._swept_at < 1.0:  # a full pass at most once a second
            return
        self._swept_at = now
        for nonce in [n for n, expiry in self._nonces.items() if expiry <= now]:
            del self._nonces[nonce]
        for key in [k for k, claim in self._claims.items() if claim.expires <= now]:
            del self._claims[key]


class MemoryTurn(Turn):
    """A turn on `MemoryStorage`: the claim, then the user's `asyncio.Lock`."""

    storage: MemoryStorage

    async def _open(self) -> Record | None:
        storage, delivery = self.storage, self.delivery
        if delivery is not None:
            if delivery.nonce and not await storage.remember_nonce(*delivery.nonce):
                self.replayed = True
                return None
            self.claimed = storage.claim(delivery.key, delivery.lease)
            if not self.claimed:
                return None
        if not await storage.locks.try_acquire(self.key):
            return None
        return await self._read()

    async def _lock(self) -> Record:
        await self.storage.locks.acquire(self.key)
        return await self._read()

    async def _read(self) -> Record:
        try:
            state, data = await self.storage.get_record(self.key)
        except BaseException:
            self.storage.locks.release(self.key)
            raise
        return state, dump_data(data)

    async def _close(self, changes: Changes, answer: str | None) -> None:
        try:
            await self.storage.write_record(self.key, changes)
            if answer is not None:
                await self._record(answer)
        finally:
            self.storage.locks.release(self.key)
