"""Per-user conversation state: `State`, `StatesGroup` and the `FSMContext` handlers receive."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from bot.storage.base import BaseStorage


class State:
    """One step of a conversation; named `Group:attribute` when declared in a `StatesGroup`."""

    def __init__(self, state: str | None = None) -> None:
        self._state = state
        self.group: type[StatesGroup] | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        if self._state is None:
            self._state = f"{owner.__name__}:{name}"

    @property
    def state(self) -> str:
        if self._state is None:
            raise RuntimeError("a State needs a name: declare it inside a StatesGroup")
        return self._state

    def __eq__(self, other: object) -> bool:
        if isinstance(other, State):
            return self.state == other.state
        if isinstance(other, str):
            return self.state == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.state)

    def __repr__(self) -> str:
        return f"State({self._state!r})"


class StatesGroup:
    """Declare states as class attributes: `class Apply(StatesGroup): name = State()`."""

    __states__: ClassVar[tuple[State, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        states = tuple(value for value in vars(cls).values() if isinstance(value, State))
        for state in states:
            state.group = cls
        cls.__states__ = states

    @classmethod
    def state_names(cls) -> frozenset[str]:
        return frozenset(state.state for state in cls.__states__)


@dataclass(frozen=True, slots=True)
class StorageKey:
    """Whose state: the receiving account (or WeCom agent) and the user."""

    bot_id: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.bot_id}:{self.user_id}"


def dump_data(data: dict[str, Any]) -> str:
    """FSM data as the JSON text storages keep ("" for no data)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) if data else ""


def load_data(raw: str | None) -> dict[str, Any]:
    """FSM data from its JSON text (anything but a JSON object reads as no data)."""
    if not raw:
        return {}
    data = json.loads(raw)
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True, slots=True)
class Changes:
    """FSM writes buffered during a turn, written together at its end."""

    state_changed: bool = False
    state: str | None = None
    data_changed: bool = False
    data: str = ""  # JSON text (`dump_data`): "" deletes the data

    def __bool__(self) -> bool:
        return self.state_changed or self.data_changed


NO_CHANGES = Changes()


class FSMContext:
    """State and data of one user, read and written through the dispatcher's storage.

    While the dispatcher holds the user's lock it `prime`s the context with the record it
    read: reads then cost no storage round trip (nobody else may write meanwhile) and writes
    are buffered until the dispatcher `take_changes` to write them in one go before it lets
    the lock go. The primed data is kept as JSON text, so every `get_data` is a fresh copy a
    handler may change freely (FSM data must be JSON, as the Redis storage keeps it).
    """

    def __init__(self, storage: BaseStorage, key: StorageKey) -> None:
        self.storage = storage
        self.key = key
        self._primed = False
        self._state: str | None = None
        self._raw = ""
        self._state_changed = False
        self._data_changed = False

    @property
    def primed(self) -> bool:
        return self._primed

    def prime(self, state: str | None, data: dict[str, Any] | str | None) -> None:
        """Serve reads from this record and buffer writes (only while holding the user's lock).

        `data` is the data read, or its JSON text as the storage returned it.
        """
        raw = data if isinstance(data, str) else dump_data(data or {})
        self._primed, self._state, self._raw = True, state, raw
        self._state_changed = self._data_changed = False

    def take_changes(self) -> Changes:
        """The writes buffered since `prime` (or the last call), to write them now."""
        if not (self._state_changed or self._data_changed):
            return NO_CHANGES
        changes = Changes(self._state_changed, self._state, self._data_changed, self._raw)
        self._state_changed = self._data_changed = False
        return changes

    def unprime(self) -> None:
        """Read from and write to the storage again (the lock is released).

        Buffered writes not taken by then are dropped: take them first."""
        self._primed, self._state, self._raw = False, None, ""
        self._state_changed = self._data_changed = False

    @property
    def primed_text(self) -> str | None:
        """The primed data as its JSON text (None when not primed): what is derived from the
        data may be kept under it, since the text is all the data there is."""
        return self._raw if self._primed else None

    def may_hold(self, name: str) -> bool:
        """False when the primed data surely has no key `name` (its JSON text does not even
        mention it), so a caller may skip reading it; True otherwise."""
        return not self._primed or f'"{name}"' in self._raw

    async def get_state(self) -> str | None:
        if self._primed:
            return self._state
        return await self.storage.get_state(self.key)

    async def set_state(self, state: State | str | None = None) -> None:
        value = state.state if isinstance(state, State) else state
        if self._primed:
            self._state, self._state_changed = value, True
            return
        await self.storage.set_state(self.key, value)

    async def get_data(self) -> dict[str, Any]:
        if self._primed:
            return load_data(self._raw)
        return await self.storage.get_data(self.key)

    async def set_data(self, data: dict[str, Any]) -> None:
        if self._primed:
            self._raw, self._data_changed = dump_data(data), True
            return
        await self.storage.set_data(self.key, data)

    async def update_data(self, **values: Any) -> dict[str, Any]:
        data = await self.get_data()
        data.update(values)
        await self.set_data(data)
        return data

    async def clear(self) -> None:
        """Forget the state and the data."""
        await self.set_state(None)
        await self.set_data({})
