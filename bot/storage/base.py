"""Abstract storage: FSM state and data, per-user locks, and the delivery log (dedup, nonces)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.fsm import StorageKey

DEFAULT_STATE_TTL = 48 * 3600


class BaseStorage(ABC):
    """FSM state and data per `StorageKey`, plus the isolation and delivery log that go with it."""

    @abstractmethod
    async def get_state(self, key: StorageKey) -> str | None: ...

    @abstractmethod
    async def set_state(self, key: StorageKey, state: str | None) -> None: ...

    @abstractmethod
    async def get_data(self, key: StorageKey) -> dict[str, Any]: ...

    @abstractmethod
    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None: ...

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """State and data together (one round trip where the storage can)."""
        return await self.get_state(key), await self.get_data(key)

    @abstractmethod
    def create_isolation(self) -> BaseEventIsolation:
        """Per-user locks reaching as far as this storage does (one process, or all)."""

    @abstractmethod
    def create_delivery_log(self) -> BaseDeliveryLog:
        """Dedup and nonce memory reaching as far as this storage does."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


class BaseEventIsolation(ABC):
    """One user's updates are handled one at a time."""

    @abstractmethod
    def lock(self, key: StorageKey) -> AbstractAsyncContextManager[None]: ...


class BaseDeliveryLog(ABC):
    """What happened to each delivery: first claims run, retries read the finished body."""

    @abstractmethod
    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        """True the first time `nonce` is seen within `ttl` seconds, False for a replay."""

    @abstractmethod
    async def claim(self, key: str, ttl: float) -> bool:
        """True for the first delivery of `key`; False when another delivery owns it."""

    async def admit(self, nonce: str, nonce_ttl: float, key: str, ttl: float) -> bool | None:
        """`remember_nonce`, then for a new nonce `claim`: None for a replayed nonce, else
        whether this delivery claimed `key` (one round trip where the log can)."""
        if not await self.remember_nonce(nonce, nonce_ttl):
            return None
        return await self.claim(key, ttl)

    @abstractmethod
    async def finish(self, key: str, body: str, ttl: float) -> None:
        """Record the response body every later delivery of `key` gets."""

    @abstractmethod
    async def result(self, key: str, timeout: float) -> str | None:
        """The finished body of `key`, waiting up to `timeout` seconds; None if not ready."""
