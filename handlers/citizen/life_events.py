"""一件事: a citizen describes a life event ("孩子出生了要办什么", "想开个小卖部卖烟") and gets a
short ordered checklist of the items it needs, each with its guide link; a number then opens
that item's card (the list is remembered like any item list).

Recognition is data-driven: the trigger phrases of the events in force (shipped and staff's,
`catalogue.life_events`). A message that names one of the event's own items asks about that
item, not the event, and is left to item search.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import Filter, FilterResult
from bot.fsm import FSMContext
from bot.router import Router
from catalogue.life_events import LifeEvent, events_stamp, life_events
from handlers.citizen.cards import shorten
from handlers.citizen.common import on_said
from handlers.citizen.filters import said
from handlers.citizen.fitting import fit
from handlers.citizen.life_event_steps import resolved_steps
from handlers.citizen.links import item_url
from handlers.citizen.memory import keep, recall
from handlers.settings import Settings
from search import normalise

# How often a worker checks whether staff changed the events (a cheap stamp query).
REFRESH_SECONDS = 30.0
OVERVIEW_WORDS = ("一件事", "一件事一次办")
INTRO = "「{name}」一般要办这些事，按顺序："
NOTHING = "「{name}」要办的事项，本县目录里暂时没有找到。请到县政务服务中心咨询，或回复“人工”。"
HINT = "回复序号看办事指南（材料、地点、电话）。"
OVERVIEW = "可以问这些“一件事”：{names}。直接说您的情况就行，比如“孩子出生了要办什么”。"


@dataclass(frozen=True)
class _Known:
    """The events in force, with each event's normalised triggers and item words."""

    events: tuple[LifeEvent, ...]
    triggers: tuple[tuple[str, LifeEvent], ...]  # longest first
    own_words: dict[str, tuple[str, ...]]  # event name → its items' names and terms

    @classmethod
    def of(cls, events: list[LifeEvent]) -> _Known:
        pairs = [(normalise(t), e) for e in events for t in e.triggers if normalise(t)]
        pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
        own = {
            e.name: tuple(
                w for s in e.steps for w in map(normalise, (*s.names, *s.terms)) if len(w) >= 3
            )
            for e in events
        }
        return cls(tuple(events), tuple(pairs), own)

    def match(self, text: str) -> LifeEvent | None:
        """The event whose longest trigger the text holds, unless it names the event's item."""
        plain = normalise(text)
        for trigger, event in self.triggers:
            if trigger in plain:
                if any(word in plain for word in self.own_words[event.name]):
                    return None
                return event
        return None


class _Cache:
    """The events of one database, re-read when staff change them (checked now and then)."""

    def __init__(self) -> None:
        self.known: _Known | None = None
        self.stamp: tuple[int, Any] | None = None
        self.checked = 0.0

    async def get(self, session: AsyncSession) -> _Known:
        now = time.monotonic()
        if self.known is not None and now - self.checked < REFRESH_SECONDS:
            return self.known
        stamp = await events_stamp(session)
        if self.known is None or stamp != self.stamp:
            self.known = _Known.of(await life_events(session))
            self.stamp = stamp
        self.checked = now
        return self.known


_CACHES: weakref.WeakKeyDictionary[Any, _Cache] = weakref.WeakKeyDictionary()


async def known_events(session: AsyncSession) -> _Known:
    """The events in force for the session's database (cached per engine)."""
    engine = session.bind.sync_engine if session.bind is not None else None
    if engine is None:
        return _Known.of(await life_events(session))
    cache = _CACHES.get(engine)
    if cache is None:
        cache = _CACHES[engine] = _Cache()
    return await cache.get(session)


class LifeEventQuestion(Filter):
    """A message describing a life event (or asking which 一件事 there are); passes `life_event`
    (None for the overview)."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        session = data.get("session")
        if not text or not isinstance(session, AsyncSession):
            return False
        known = await known_events(session)
        found = known.match(text)
        if found is not None:
            return {"life_event": found}
        if normalise(text) in OVERVIEW_WORDS:
            return {"life_event": None}
        return False


async def answer(
    event: Event,
    life_event: LifeEvent | None,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """The ordered checklist of the event's items that exist, with links; remembered as a list."""
    if life_event is None:
        known = await known_events(session)
        trace.update(answer="life-events")
        return OVERVIEW.format(names="、".join(e.name for e in known.events))
    steps = await resolved_steps(session, life_event)
    trace.update(answer="life-event", event=life_event.name)
    if not steps:
        return NOTHING.format(name=life_event.name)
    memory = await recall(state)
    await keep(
        state,
        memory,
        list_codes=[step.item.code for step in steps],
        list_page=1,
        list_query=life_event.name,
        list_intent="",
        numbered="items",
    )
    lines = [INTRO.format(name=life_event.name)]
    for number, step in enumerate(steps, start=1):
        name = step.item.name
        doing = step.label if step.label == name else f"{step.label}——{name}"
        lines.append(f"{number}. {shorten(doing, 60)}")
        lines.append(f"   {item_url(settings.public_base_url, step.item.code)}")
    return fit(lines, [], [HINT])


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-life-events")
    on_said(router, LifeEventQuestion())(answer)
    return router
