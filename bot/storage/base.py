"""Abstract storage: FSM state and data, per-user locks, and the delivery log (dedup, nonces)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, ClassVar

from bot.fsm import Changes, StorageKey, load_data

DEFAULT_STATE_TTL = 48 * 3600


@dataclass(frozen=True, slots=True)
class Opening:
    """What a storage learnt and took in the one round trip opening a delivery.

    `claimed` is False for a delivery another one owns; `replayed` for a nonce seen before
    (nothing claimed then). A claimed delivery may also hold the user's lock under `token`
    with the user's record read (`state`, `data` as JSON text), and carry the count of the
    counter asked for.
    """

    claimed: bool
    replayed: bool = False
    token: str = ""
    state: str | None = None
    data: str = ""
    count: int | None = None


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

    #: The errors meaning "storage unreachable" that `open_turn` and `close_turn` may raise;
    #: callers then go step by step (isolation, delivery log, storage), which degrade.
    unavailable: ClassVar[tuple[type[BaseException], ...]] = ()

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """State and data together (one round trip where the storage can)."""
        return await self.get_state(key), await self.get_data(key)

    async def write_record(self, key: StorageKey, changes: Changes) -> None:
        """Write buffered changes (one round trip where the storage can)."""
        if changes.state_changed:
            await self.set_state(key, changes.state)
        if changes.data_changed:
            await self.set_data(key, load_data(changes.data))

    async def open_turn(
        self,
        key: StorageKey,
        delivery: str,
        ttl: float,
        *,
        nonce: tuple[str, float] | None = None,
        counter: tuple[str, int] | None = None,
    ) -> Opening | None:
        """Remember `nonce` (name, ttl), claim `delivery` for `ttl` seconds, and for a claim
        take `key`'s lock and read its record, and count `counter` (name, expiry seconds) —
        in one round trip. None when this storage has no such shortcut: the caller then uses
        the delivery log, the isolation and `get_record` one by one (as it does when the lock
        was busy: `Opening.token` empty)."""
        return None

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
        """End a turn `open_turn` locked: write `changes`, record `body` as the answer to
        `delivery` (when given) for `ttl` seconds, and release the lock if `token` still
        holds it — in one round trip."""
        raise NotImplementedError(f"{type(self).__name__} opens no turns")

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
