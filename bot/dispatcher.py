"""The root router: owns storage, per-user isolation and workflow data; feeds events in."""

from __future__ import annotations

from typing import Any

from bot.continuation import asks_for_more, keep_rest, next_part
from bot.events import Event
from bot.filters import text_of
from bot.fsm import FSMContext, StorageKey
from bot.replies import Reply, as_reply
from bot.router import Router
from bot.storage.base import BaseStorage
from bot.storage.memory import MemoryStorage
from bot.types import UNHANDLED


class Dispatcher(Router):
    """`dp = Dispatcher(storage=..., db=...)`; every keyword is injectable into handlers."""

    def __init__(
        self, *, storage: BaseStorage | None = None, name: str = "dispatcher", **workflow: Any
    ) -> None:
        super().__init__(name=name)
        self.storage = storage or MemoryStorage()
        self.isolation = self.storage.create_isolation()
        self.delivery_log = self.storage.create_delivery_log()
        self.workflow_data: dict[str, Any] = dict(workflow)

    def __getitem__(self, name: str) -> Any:
        return self.workflow_data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.workflow_data[name] = value

    def fsm_context(self, event: Event) -> FSMContext:
        """The FSM context of the event's sender on the receiving account."""
        return FSMContext(self.storage, StorageKey(event.to_user, event.user_id))

    async def feed_event(self, event: Event, **kwargs: Any) -> Reply | None:
        """Route one event, holding the sender's lock; the reply, or None if unhandled."""
        state = self.fsm_context(event)
        async with self.isolation.lock(state.key):
            raw_state, fsm_data = await self.storage.get_record(state.key)
            state.prime(raw_state, fsm_data)  # reads under the lock need no round trip
            try:
                if asks_for_more(text_of(event)):
                    kept = await next_part(state, data=fsm_data)
                    if kept is not None:
                        return kept
                else:
                    # A new question drops the rest of an old answer.
                    await keep_rest(state, [], data=fsm_data)
                data: dict[str, Any] = {
                    **self.workflow_data,
                    **kwargs,
                    "dispatcher": self,
                    "state": state,
                    "raw_state": raw_state,
                }
                result = await self.propagate(event, data)
            finally:
                state.unprime()
        return None if result is UNHANDLED else as_reply(result)
