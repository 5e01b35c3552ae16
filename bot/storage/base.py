"""The storage seam: FSM state and data, and the `Turn` every delivered message runs in.

A storage answers aiogram's four FSM calls and opens one `Turn` per message:

    async with storage.turn(key, delivery) as turn:   # claim, count, lock, read
        if turn.claimed:
            ...                                        # handlers read and write turn.context
            turn.answer(body)
                                                       # on exit: write, record answer, unlock

A storage never degrades by itself: when it cannot be reached its calls raise one of its
`unavailable` errors. Deciding what happens then is `bot.storage.resilient`'s job alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar

from bot.fsm import Changes, FSMContext, StorageKey, load_data

DEFAULT_STATE_TTL = 48 * 3600
#: FSM state and data as a storage reads them in a turn: the state, the data's JSON text.
Record = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One delivery of a message, to claim so that the message is handled once.

    `key` names the message (every delivery of it has the same); the answer is kept `ttl`
    seconds for retries. A claim without an answer holds only `lease` seconds: a handler
    answers (or gives up with "success") within its deadline, so a claim still pending
    after the lease belongs to a worker that died, and the next delivery claims it again.
    `nonce` (name, ttl) is remembered first: a replayed nonce claims nothing.
    `count_key` (name, expiry seconds) names a per-user counter counted with a claim.
    """

    key: str
    ttl: float
    lease: float
    nonce: tuple[str, float] | None = None
    count_key: tuple[str, int] | None = None


class StorageUnavailable(Exception):
    """Neither the storage nor its fallback could be reached: the message is not handled."""


class Turn(ABC):
    """One message's time with the storage, as an async context manager.

    Entering claims the delivery (none for a plain `Delivery`-less turn), counts it, takes
    the user's lock and reads the user's record into `context`; leaving writes what the
    handlers changed, records the answer and releases the lock. A turn that did not claim
    (`claimed` False: another delivery owns the message; `replayed`: the nonce was seen)
    holds nothing and writes nothing. `open` and `close` are the same two steps for a
    caller whose turn outlives one block (an answer delivered after the deadline); `claim`
    is the first part of `open` alone, for a caller that must not wait for a busy lock
    before it knows whether it claimed (the rest of `open` then waits for the lock).
    """

    def __init__(self, storage: BaseStorage, key: StorageKey, delivery: Delivery | None) -> None:
        self.storage = storage
        self.key = key
        self.delivery = delivery
        self.context = FSMContext(storage, key)
        self.claimed = delivery is None
        self.replayed = False
        self.count: int | None = None
        self.opened = False  # `claim` ran
        self.locked = False  # the user's lock is held and the record read
        self.closed = False
        self.answered = False  # the answer is recorded already (`answer_now`)
        self._answer: str | None = None

    @property
    def holds(self) -> bool:
        """Whether this turn holds the user's lock (and so writes when it closes)."""
        return self.locked

    async def claim(self) -> Turn:
        """Claim and count, and take the user's lock if it is free (one round trip)."""
        if not self.opened:
            record = await self._open()
            self.opened = True
            if record is not None:
                self._prime(record)
        return self

    async def open(self) -> Turn:
        """Claim, count, lock (waiting while it is busy) and read; raises the storage's
        `unavailable` errors."""
        await self.claim()
        if self.claimed and not self.locked:
            self._prime(await self._lock())
        return self

    def _prime(self, record: Record) -> None:
        self.context.prime(*record)
        self.locked = True

    def answer(self, body: str) -> None:
        """The answer to record for the delivery when the turn closes."""
        self._answer = body

    async def answer_now(self, body: str) -> None:
        """Record the answer at once, the lock still held (an answer given at the deadline)."""
        if self.delivery is not None and not self.answered:
            await self._record(body)
            self.answered = True
            self._answer = None

    async def close(self) -> None:
        """Write, record the answer, unlock — once; nothing for a turn that holds nothing."""
        if self.closed or not self.holds:
            self.closed = True
            return
        self.closed = True
        changes = self.context.take_changes()
        self.context.unprime()
        answer = self._answer if self.delivery is not None and not self.answered else None
        await self._close(changes, answer)

    async def __aenter__(self) -> Turn:
        return await self.open()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @abstractmethod
    async def _open(self) -> Record | None:
        """Set `replayed`, `claimed` and `count`; for a claim, take the user's lock if it is
        free: the user's record then, else None."""

    @abstractmethod
    async def _lock(self) -> Record:
        """Wait for the user's lock, take it and read the user's record."""

    @abstractmethod
    async def _close(self, changes: Changes, answer: str | None) -> None:
        """Write `changes`, record `answer` (unless None) and release the lock."""

    async def _record(self, body: str) -> None:
        assert self.delivery is not None
        await self.storage.record_answer(self.delivery.key, body, self.delivery.ttl)


class BaseStorage(ABC):
    """FSM state and data per `StorageKey`, the turns of messages, and their answers."""

    #: The errors meaning "this storage cannot be reached" (what a fallback takes over on).
    unavailable: ClassVar[tuple[type[BaseException], ...]] = ()

    @abstractmethod
    async def get_state(self, key: StorageKey) -> str | None: ...

    @abstractmethod
    async def set_state(self, key: StorageKey, state: str | None) -> None: ...

    @abstractmethod
    async def get_data(self, key: StorageKey) -> dict[str, Any]: ...

    @abstractmethod
    async def set_data(self, key: StorageKey, data: dict[str, Any]) -> None: ...

    @abstractmethod
    def turn(self, key: StorageKey, delivery: Delivery | None = None) -> Turn:
        """The turn of one message of `key`'s user (see `Turn`)."""

    @abstractmethod
    async def answer_of(self, delivery: str, timeout: float) -> str | None:
        """The answer recorded for `delivery`, waiting up to `timeout` seconds while it is
        claimed; None when it is not answered by then or nobody holds it any more."""

    @abstractmethod
    async def record_answer(self, delivery: str, body: str, ttl: float) -> None:
        """Record `body` as the answer every later delivery of `delivery` gets."""

    @abstractmethod
    async def remember_nonce(self, nonce: str, ttl: float) -> bool:
        """True the first time `nonce` is seen within `ttl` seconds, False for a replay."""

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """State and data together."""
        return await self.get_state(key), await self.get_data(key)

    async def write_record(self, key: StorageKey, changes: Changes) -> None:
        """Write a turn's buffered changes outside a turn."""
        if changes.state_changed:
            await self.set_state(key, changes.state)
        if changes.data_changed:
            await self.set_data(key, load_data(changes.data))

    async def warm(self) -> None:  # noqa: B027 - optional hook
        """Open connections before traffic comes (nothing to open by default)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
