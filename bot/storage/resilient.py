"""What happens when the storage fails: the one place that decides it.

`ResilientStorage(primary, fallback)` works on `primary` (Redis) while it answers and on
`fallback` while it does not. A breaker stops asking a dead primary on every call for
`retry_after` seconds after a failure; it is told the truth, because no storage below it
degrades by itself: every failure of the primary raises through to here.

- A turn whose opening fails on the primary opens on the fallback (claim, lock and record
  there). Only when the fallback fails too does the turn raise `StorageUnavailable`, and the
  message is answered "busy" rather than handled without a claim.
- A turn opened on the primary whose closing fails writes its changes and its answer to the
  fallback (the primary's lock expires by itself).
- Plain FSM calls, nonces and answers go to the primary, else the fallback.
- For `recovery_window` seconds after the primary came back, a delivery claimed on it is
  first looked up on the fallback: a message claimed there during the outage is answered
  with that claim's answer, not handled a second time.

While the primary is down the fallback is the only lock table and the only delivery log of
the worker. With a fallback shared by every worker (a database) a message is still claimed
once across workers, and a conversation continues on whichever worker gets the next message.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from bot.fsm import NO_CHANGES, Changes, StorageKey
from bot.storage.base import BaseStorage, Delivery, Record, StorageUnavailable, Turn

T = TypeVar("T")
log = logging.getLogger("bot.storage")
# WeChat retries a message for about 15 s: for this long after the primary came back, a
# delivery claimed there is checked against the fallback, where its first delivery may have
# been claimed during the outage.
RECOVERY_WINDOW = 30.0


class Breaker:
    """Whether to try the primary now: not for `retry_after` seconds after it failed.

    `on_failure` hears of the failure that took the primary down (once per outage)."""

    def __init__(
        self,
        retry_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.retry_after = retry_after
        self.clock = clock
        self.on_failure = on_failure
        self.down_since: float | None = None
        self.recovered_at: float | None = None

    @property
    def closed(self) -> bool:
        return self.down_since is None or self.clock() - self.down_since >= self.retry_after

    def failed(self, error: BaseException) -> None:
        if self.down_since is None:
            log.warning("storage unreachable (%s): working on the fallback", error)
            if self.on_failure is not None:
                self.on_failure(error)
        self.down_since = self.clock()

    def succeeded(self) -> None:
        if self.down_since is not None:
            log.info("storage reachable again: back from the fallback")
            self.recovered_at = self.clock()
        self.down_since = None

    def recovered_within(self, seconds: float) -> bool:
        """Whether the primary came back less than `seconds` ago."""
        return self.recovered_at is not None and self.clock() - self.recovered_at < seconds


class ResilientStorage(BaseStorage):
    """`ResilientStorage(RedisStorage(...), SqlStorage(...))`: see the module's docstring."""

    def __init__(
        self,
        primary: BaseStorage,
        fallback: BaseStorage,
        *,
        breaker: Breaker | None = None,
        recovery_window: float = RECOVERY_WINDOW,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker or Breaker()
        self.recovery_window = recovery_window

    @property
    def degraded(self) -> bool:
        """True while the primary is considered down."""
        return not self.breaker.closed

    async def call(self, operation: Callable[[BaseStorage], Awaitable[T]]) -> T:
        """`operation(primary)` while the primary answers, else `operation(fallback)`."""
        if self.breaker.closed:
            try:
                value = await operation(self.primary)
            except self.primary.unavailable as error:
                self.breaker.failed(error)
            else:
                self.breaker.succeeded()
                return value
        try:
            return await operation(self.fallback)
        except self.fallback.unavailable as error:
            raise StorageUnavailable(f"primary and fallback unreachable: {error}") from error

    async def get_state(self, key: StorageKey) -> str | None:
        return await self.call(lambda storage: storage.get_state(key))

    async def set_state(self, key: StorageKey, state: str | None) -> None:
        await self.call(lambda storage: storage.set_state(key, state))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return await self.call(lambda storage: storage.get_data(key))

    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None:
        await self.call(lambda storage: storage.set_data(key, data))

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        return await self.call(lambda storage: storage.get_record(key))

    async def write_record(self, key: StorageKey, changes: Changes) -> None:
        await self.call(lambda storage: storage.write_record(key, changes))

    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        return await self.call(lambda storage: storage.remember_nonce(nonce, ttl))

    async def record_answer(self, delivery: str, body: str, ttl: float) -> None:
        await self.call(lambda storage: storage.record_answer(delivery, body, ttl))

    async def answer_of(self, delivery: str, timeout: float) -> str | None:
        return await self.call(lambda storage: storage.answer_of(delivery, timeout))

    def turn(self, key: StorageKey, delivery: Delivery | None = None) -> Turn:
        return ResilientTurn(self, key, delivery)

    async def warm(self) -> None:
        """Warm the primary; a primary down now is the breaker's business at the first turn."""
        with contextlib.suppress(*self.primary.unavailable):
            await self.primary.warm()

    async def close(self) -> None:
        try:
            await self.primary.close()
        finally:
            await self.fallback.close()


class ResilientTurn(Turn):
    """A turn on the primary, or on the fallback when the primary fails."""

    storage: ResilientStorage

    def __init__(
        self, storage: ResilientStorage, key: StorageKey, delivery: Delivery | None
    ) -> None:
        super().__init__(storage, key, delivery)
        self.inner: Turn | None = None

    async def _open(self) -> Record | None:
        storage = self.storage
        if storage.breaker.closed:
            inner = storage.primary.turn(self.key, self.delivery)
            try:
                record = await inner._open()
            except storage.primary.unavailable as error:
                storage.breaker.failed(error)
            else:
                storage.breaker.succeeded()
                recovering = storage.breaker.recovered_within(storage.recovery_window)
                if inner.claimed and recovering and await self._taken_on_fallback(inner, record):
                    return None
                return self._opened(inner, record)
        inner = storage.fallback.turn(self.key, self.delivery)
        try:
            record = await inner._open()
        except storage.fallback.unavailable as error:
            raise StorageUnavailable(f"no turn could be opened: {error}") from error
        return self._opened(inner, record)

    async def _lock(self) -> Record:
        storage, inner = self.storage, self.inner
        assert inner is not None
        if inner.storage is storage.primary:
            try:
                return await inner._lock()
            except storage.primary.unavailable as error:
                storage.breaker.failed(error)
            # The primary went away while the lock was busy: this worker's fallback lock.
            inner = storage.fallback.turn(self.key)
            self.inner = inner
        try:
            return await inner._open() or await inner._lock()
        except storage.fallback.unavailable as error:
            raise StorageUnavailable(f"no lock could be taken: {error}") from error

    async def _taken_on_fallback(self, inner: Turn, record: Record | None) -> bool:
        """Whether the fallback holds this delivery (claimed there during the outage just
        over); if so the primary's turn gives up its claim to that one's answer."""
        storage, delivery = self.storage, self.delivery
        if delivery is None:
            return False
        probe_delivery = replace(delivery, nonce=None, count_key=None)
        probe = storage.fallback.turn(self.key, probe_delivery)
        try:
            locked = await probe._open()
            if probe.claimed:  # unknown there: ours (its claim there lapses unanswered)
                if locked is not None:
                    await probe._close(NO_CHANGES, None)
                return False
            answer = await storage.fallback.answer_of(delivery.key, 0)
        except storage.fallback.unavailable:
            return False
        log.info("%s was claimed during the outage: answered from the fallback", delivery.key)
        if record is not None:  # the lock goes; the answer is kept for retries
            await inner._close(NO_CHANGES, answer)
        elif answer is not None:
            await self._record_on(storage.primary, answer)
        self.claimed, self.count = False, inner.count
        return True

    def _opened(self, inner: Turn, record: Record | None) -> Record | None:
        self.inner = inner
        self.claimed, self.replayed, self.count = inner.claimed, inner.replayed, inner.count
        inner.opened = True
        return record

    async def _close(self, changes: Changes, answer: str | None) -> None:
        storage, inner = self.storage, self.inner
        assert inner is not None
        if inner.storage is storage.fallback:
            claimed_there = inner.delivery is not None
            await self._on_fallback(inner._close(changes, answer if claimed_there else None))
            if answer is not None and not claimed_there:
                await self._on_fallback(self._record_on(storage.fallback, answer))
            return
        try:
            await inner._close(changes, answer)
        except storage.primary.unavailable as error:
            storage.breaker.failed(error)
        else:
            storage.breaker.succeeded()
            return
        # The primary's lock expires by itself; what the turn wrote and answered is kept.
        await self._on_fallback(storage.fallback.write_record(self.key, changes))
        if answer is not None:
            await self._on_fallback(self._record_on(storage.fallback, answer))

    async def _record(self, body: str) -> None:
        storage, inner = self.storage, self.inner
        if inner is not None and inner.storage is storage.primary:
            try:
                await self._record_on(storage.primary, body)
            except storage.primary.unavailable as error:
                storage.breaker.failed(error)
            else:
                return
        await self._on_fallback(self._record_on(storage.fallback, body))

    async def _record_on(self, target: BaseStorage, body: str) -> None:
        assert self.delivery is not None
        await target.record_answer(self.delivery.key, body, self.delivery.ttl)

    async def _on_fallback(self, step: Awaitable[None]) -> None:
        try:
            await step
        except self.storage.fallback.unavailable as error:
            raise StorageUnavailable(f"fallback unreachable: {error}") from error
