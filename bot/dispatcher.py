"""The root router: owns the storage and the workflow data; feeds each event in its turn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.continuation import asks_for_more, continuation
from bot.events import Event
from bot.filters import text_of
from bot.fsm import FSMContext, StorageKey
from bot.replies import Reply, as_reply
from bot.router import Router
from bot.storage.base import BaseStorage, Delivery, Turn
from bot.storage.memory import MemoryStorage
from bot.types import UNHANDLED

#: Names the per-user counter of an event and its expiry in seconds (None: not counted).
TurnCounter = Callable[[Event], "tuple[str, int] | None"]


class Dispatcher(Router):
    """`dp = Dispatcher(storage=..., db=...)`; every keyword is injectable into handlers.

    Every event is handled in a `Turn` of the storage (`turn`, then `feed`): the sender's
    lock is held and the sender's record read once, and FSM writes wait until the turn ends.
    `turn_counter`, when set, names a per-user counter the storage counts while claiming a
    delivery; its count reaches middlewares and handlers as `data["turn_count"]` (absent when
    the storage could not count, e.g. in memory). A built-in outer middleware answers "更多"
    from the parts kept of a long reply (`bot.continuation`).
    """

    def __init__(
        self, *, storage: BaseStorage | None = None, name: str = "dispatcher", **workflow: Any
    ) -> None:
        super().__init__(name=name)
        self.storage = storage or MemoryStorage()
        self.workflow_data: dict[str, Any] = dict(workflow)
        self.turn_counter: TurnCounter | None = None
        self.outer_middleware(continuation)

    def __getitem__(self, name: str) -> Any:
        return self.workflow_data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.workflow_data[name] = value

    def storage_key(self, event: Event) -> StorageKey:
        """Whose state: the sender on the receiving account."""
        return StorageKey(event.to_user, event.user_id)

    def fsm_context(self, event: Event) -> FSMContext:
        """The FSM context of the event's sender, outside any turn."""
        return FSMContext(self.storage, self.storage_key(event))

    def turn(self, event: Event, delivery: Delivery | None = None) -> Turn:
        """The storage's turn for `event` (claiming `delivery` when given, counted with the
        `turn_counter`; "更多" is never counted)."""
        counter = self.turn_counter
        if delivery is not None and counter is not None and not asks_for_more(text_of(event)):
            delivery = replace(delivery, count_key=counter(event))
        return self.storage.turn(self.storage_key(event), delivery)

    async def feed(self, event: Event, turn: Turn, **kwargs: Any) -> Reply | None:
        """Route `event` inside its open `turn`; the reply, or None if unhandled."""
        state = turn.context
        data: dict[str, Any] = {
            **self.workflow_data,
            **kwargs,
            "dispatcher": self,
            "state": state,
            "raw_state": await state.get_state(),
        }
        if turn.count is not None:
            data["turn_count"] = turn.count
        result = await self.propagate(event, data)
        return None if result is UNHANDLED else as_reply(result)

    async def feed_event(self, event: Event, **kwargs: Any) -> Reply | None:
        """Route one event in a turn of its own (no delivery to claim)."""
        async with self.turn(event) as turn:
            return await self.feed(event, turn, **kwargs)
