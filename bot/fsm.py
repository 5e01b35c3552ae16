"""Per-user conversation state: `State`, `StatesGroup` and the `FSMContext` handlers receive."""

from __future__ import annotations

import copy
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


class FSMContext:
    """State and data of one user, read and written through the dispatcher's storage.

    While the dispatcher holds the user's lock it `prime`s the context with the record it
    read, so handlers' reads cost no storage round trip (nobody else may write meanwhile);
    writes still go to the storage at once and keep the primed copy in step.
    """

    def __init__(self, storage: BaseStorage, key: StorageKey) -> None:
        self.storage = storage
        self.key = key
        self._primed = False
        self._state: str | None = None
        self._data: dict[str, Any] = {}

    def prime(self, state: str | None, data: dict[str, Any]) -> None:
        """Serve reads from this record (only while holding the user's lock)."""
        self._primed, self._state, self._data = True, state, copy.deepcopy(data)

    def unprime(self) -> None:
        """Read from the storage again (the lock is released)."""
        self._primed, self._state, self._data = False, None, {}

    async def get_state(self) -> str | None:
        if self._primed:
            return self._state
        return await self.storage.get_state(self.key)

    async def set_state(self, state: State | str | None = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self.storage.set_state(self.key, value)
        self._state = value

    async def get_data(self) -> dict[str, Any]:
        if self._primed:
            return copy.deepcopy(self._data)
        return await self.storage.get_data(self.key)

    async def set_data(self, data: dict[str, Any]) -> None:
        await self.storage.set_data(self.key, data)
        if self._primed:
            self._data = copy.deepcopy(data)

    async def update_data(self, **values: Any) -> dict[str, Any]:
        data = await self.get_data()
        data.update(values)
        await self.set_data(data)
        return data

    async def clear(self) -> None:
        """Forget the state and the data."""
        await self.set_state(None)
        await self.set_data({})
