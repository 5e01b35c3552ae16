"""The root router: owns storage, per-user isolation and workflow data; feeds events in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.continuation import MORE_KEY, asks_for_more, keep_rest, next_part
from bot.events import Event
from bot.filters import text_of
from bot.fsm import FSMContext, StorageKey
from bot.replies import Reply, as_reply
from bot.router import Router
from bot.storage.base import BaseStorage
from bot.storage.memory import MemoryStorage
from bot.types import UNHANDLED

log = logging.getLogger("bot.dispatcher")

#: Names the per-user counter of an event and its expiry in seconds (None: not counted).
TurnCounter = Callable[[Event], "tuple[str, int] | None"]


@dataclass(eq=False, slots=True)
class Turn:
    """One claimed (or refused) delivery of an event, from `open_turn` to `close_turn`.

    With a `token` the user's lock is held since the opening and `context` is primed with
    the user's record: FSM writes wait in it until `close_turn` writes them, records the
    answer and releases the lock, all in one round trip.
    """

    event: Event
    delivery: str
    context: FSMContext
    claimed: bool
    token: str = ""
    count: int | None = None
    closed: bool = False


class Dispatcher(Router):
    """`dp = Dispatcher(storage=..., db=...)`; every keyword is injectable into handlers.

    `turn_counter`, when set, names a per-user counter the storage counts while opening a
    delivery; its count reaches middlewares and handlers as `data["turn_count"]` (absent when
    the storage could not count, e.g. in memory or while Redis is down).
    """

    def __init__(
        self, *, storage: BaseStorage | None = None, name: str = "dispatcher", **workflow: Any
    ) -> None:
        super().__init__(name=name)
        self.storage = storage or MemoryStorage()
        self.isolation = self.storage.create_isolation()
        self.delivery_log = self.storage.create_delivery_log()
        self.workflow_data: dict[str, Any] = dict(workflow)
        self.turn_counter: TurnCounter | None = None

    def __getitem__(self, name: str) -> Any:
        return self.workflow_data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.workflow_data[name] = value

    def fsm_context(self, event: Event) -> FSMContext:
        """The FSM context of the event's sender on the receiving account."""
        return FSMContext(self.storage, StorageKey(event.to_user, event.user_id))

    async def feed_event(self, event: Event, **kwargs: Any) -> Reply | None:
        """Route one event, holding the sender's lock; the reply, or None if unhandled."""
        return await self._feed_locking(event, self.fsm_context(event), None, kwargs)

    async def open_turn(
        self, event: Event, delivery: str, ttl: float, *, nonce: tuple[str, float] | None = None
    ) -> Turn | None:
        """Claim `delivery` for `ttl` seconds (remembering `nonce` first); None for a replayed
        nonce. Where the storage can, the user's lock and record come in the same round trip."""
        context = self.fsm_context(event)
        counter = None
        if self.turn_counter is not None and not asks_for_more(text_of(event)):
            counter = self.turn_counter(event)
        try:
            opening = await self.storage.open_turn(
                context.key, delivery, ttl, nonce=nonce, counter=counter
            )
        except self.storage.unavailable as error:
            log.error("storage unavailable opening %s (%s); going step by step", delivery, error)
            opening = None
        if opening is None:
            if nonce is None:
                return Turn(event, delivery, context, await self.delivery_log.claim(delivery, ttl))
            admitted = await self.delivery_log.admit(nonce[0], nonce[1], delivery, ttl)
            return None if admitted is None else Turn(event, delivery, context, admitted)
        if opening.replayed:
            return None
        if opening.token:
            context.prime(opening.state, opening.data)
        return Turn(event, delivery, context, opening.claimed, opening.token, opening.count)

    async def feed_turn(self, turn: Turn, **kwargs: Any) -> Reply | None:
        """Route the event of a claimed turn; with the lock held since the opening, writes
        wait for `close_turn`, else the lock is taken and released here as in `feed_event`."""
        if turn.token:
            return await self._route(turn.event, turn.context, turn.count, kwargs)
        return await self._feed_locking(turn.event, turn.context, turn.count, kwargs)

    async def close_turn(self, turn: Turn, body: str | None, ttl: float) -> None:
        """Write the turn's buffered FSM changes, record `body` (unless None) as the answer
        to its delivery for `ttl` seconds and release the lock it holds. Safe to call twice."""
        if turn.closed:
            return
        turn.closed = True
        if not turn.token:
            if body is not None:
                await self.delivery_log.finish(turn.delivery, body, ttl)
            return
        changes = turn.context.take_changes()
        turn.context.unprime()
        try:
            await self.storage.close_turn(
                turn.context.key,
                turn.token,
                changes,
                delivery=None if body is None else turn.delivery,
                body=body or "",
                ttl=ttl,
            )
            return
        except self.storage.unavailable as error:
            # The lock expires by itself; the rest goes where the storage degrades to.
            log.error(
                "storage unavailable closing %s (%s); going step by step", turn.delivery, error
            )
        if changes:
            try:
                await self.storage.write_record(turn.context.key, changes)
            except self.storage.unavailable as error:
                # The answer is ready: losing the conversation step beats losing the answer.
                log.error("FSM changes of %s lost (%s)", turn.delivery, error)
        if body is not None:
            await self.delivery_log.finish(turn.delivery, body, ttl)

    async def _feed_locking(
        self, event: Event, state: FSMContext, count: int | None, kwargs: dict[str, Any]
    ) -> Reply | None:
        async with self.isolation.lock(state.key):
            raw_state, fsm_data = await self.storage.get_record(state.key)
            state.prime(raw_state, fsm_data)  # reads under the lock need no round trip
            try:
                return await self._route(event, state, count, kwargs)
            finally:
                changes = state.take_changes()
                state.unprime()
                if changes:
                    await self.storage.write_record(state.key, changes)

    async def _route(
        self, event: Event, state: FSMContext, count: int | None, kwargs: dict[str, Any]
    ) -> Reply | None:
        if asks_for_more(text_of(event)):
            kept = await next_part(state)
            if kept is not None:
                return kept
        elif state.may_hold(MORE_KEY):
            # A new question drops the rest of an old answer.
            await keep_rest(state, [])
        data: dict[str, Any] = {
            **self.workflow_data,
            **kwargs,
            "dispatcher": self,
            "state": state,
            "raw_state": await state.get_state(),
        }
        if count is not None:
            data["turn_count"] = count
        result = await self.propagate(event, data)
        return None if result is UNHANDLED else as_reply(result)
