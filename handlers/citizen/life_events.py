"""一件事: a citizen describes a life event ("孩子出生了要办什么", "想开个小卖部卖烟") and gets a
short ordered checklist of the items it needs, each with its guide link; a number then opens
that item's card (the list is remembered like any item list).

Recognition is data-driven: the trigger phrases of the events in force (shipped and staff's,
`catalogue.life_events`), said as written or with a few words between their characters
(「开个小超市」 holds 开超市, 「成立种植合作社」 holds 成立合作社). A message that names one of
the event's own items (its name or one of its keywords, longer than the trigger heard, or all
the message is) asks about that item, not the event, and is left to item search.

A step no item of the catalogue serves is shown as the department to ask, with its phone, when
the event names one; otherwise it is left out. Nothing is invented.
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
from catalogue.life_events import LifeEvent, ResolvedStep, events_stamp, life_events
from handlers.citizen import texts
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
NOTHING = "「{name}」要办的事项，{here}目录里暂时还没有收录。请到{centre}咨询，或回复“人工”。"
HINT = "回复序号看办事指南（材料、地点、电话）。"
ASK = "{label}：{here}目录暂无此事项，请咨询{department}{phone}"
NO_ITEMS = "「{name}」要办的事，按顺序："
# Words between a trigger's characters: at most this many in all (「办农民专业合作社」 holds
# 办…合作社 with 4), and only for triggers this long (two characters apart say too little).
MAX_GAP = 4
MIN_GAPPED = 3
OFFER = "需要帮助请回复“人工”。"
OVERVIEW = "可以问这些“一件事”：{names}。直接说您的情况就行，比如“孩子出生了要办什么”。"


@dataclass(frozen=True)
class _Known:
    """The events in force, with each event's normalised triggers and item words."""

    events: tuple[LifeEvent, ...]
    triggers: tuple[tuple[str, LifeEvent], ...]  # longest first
    own_words: dict[str, tuple[str, ...]]  # event name → its items' names and terms
    # The triggers that may be said with words between their characters, with the set of
    # their characters (a text lacking one of them cannot hold the trigger spread out).
    gappable: tuple[tuple[str, LifeEvent, frozenset[str]], ...] = ()

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
        gappable = tuple((t, e, frozenset(t)) for t, e in pairs if len(t) >= MIN_GAPPED)
        return cls(tuple(events), tuple(pairs), own, gappable)

    def match(self, text: str) -> tuple[LifeEvent, str] | None:
        """The event a trigger of which the text holds, and the words that said it: the longest
        trigger said as written, else the trigger said with the fewest words between its
        characters; none when the text names one of the event's own steps."""
        plain = normalise(text)
        heard = next(((t, e, t) for t, e in self.triggers if t in plain), None)
        if heard is None:
            present = set(plain)
            gapped = [
                (span, trigger, event)
                for trigger, event, chars in self.gappable
                if chars <= present and (span := _spread(trigger, plain))
            ]
            if gapped:
                span, trigger, event = min(
                    gapped, key=lambda g: (len(g[0]) - len(g[1]), -len(g[1]))
                )
                heard = (trigger, event, span)
        if heard is None:
            return None
        _, event, span = heard
        if any(word in plain for word in self.own_words[event.name]):
            return None
        return event, span


def _spread(trigger: str, text: str) -> str:
    """The shortest stretch of `text` holding the trigger's characters in order with at most
    MAX_GAP other characters in between ('' when there is none)."""
    best = ""
    start = text.find(trigger[0])
    while start != -1:
        at, ok = start, True
        for char in trigger[1:]:
            at = text.find(char, at + 1, at + 2 + MAX_GAP)
            if at == -1:
                ok = False
                break
        span = text[start : at + 1] if ok else ""
        if span and len(span) - len(trigger) <= MAX_GAP and (not best or len(span) < len(best)):
            best = span
        start = text.find(trigger[0], start + 1)
    return best


def names_own_item(plain: str, span: str, steps: list[ResolvedStep]) -> bool:
    """Whether the text names an item of the event rather than the event: an item's name or
    keyword holding the words heard and longer (「孩子出生证」), or all that was said
    (「迁户口」)."""
    for step in steps:
        if step.item is None:
            continue
        for word in (step.item.name, *step.item.keywords, *step.item.aliases):
            said = normalise(str(word))
            if len(said) < 2 or said not in plain:
                continue
            if said == plain or (span in said and len(said) > len(span)):
                return True
    return False


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
            life_event, span = found
            steps = await resolved_steps(session, life_event)
            if names_own_item(normalise(text), span, steps):
                return False
            return {"life_event": life_event, "steps": steps}
        if normalise(text) in OVERVIEW_WORDS:
            return {"life_event": None, "steps": []}
        return False


async def answer(
    event: Event,
    life_event: LifeEvent | None,
    steps: list[ResolvedStep],
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """The ordered checklist of the event's steps: each item that exists with its link
    (numbered: a number opens it, the list is remembered), each other step with the department
    to ask."""
    if life_event is None:
        known = await known_events(session)
        trace.update(answer="life-events")
        return OVERVIEW.format(names="、".join(e.name for e in known.events))
    trace.update(answer="life-event", event=life_event.name)
    if not steps:
        return wording.say(NOTHING, name=life_event.name)
    codes = [step.item.code for step in steps if step.item is not None]
    if codes:
        memory = await recall(state)
        await keep(
            state,
            memory,
            list_codes=codes,
            list_page=1,
            list_query=life_event.name,
            list_intent="",
            numbered="items",
            focus="list",
        )
    lines = [(INTRO if codes else NO_ITEMS).format(name=life_event.name)]
    number = 0
    for step in steps:
        if step.item is None:
            department = step.department
            if department is None:
                continue
            phone = f"（{department.phone}）" if department.phone else ""
            name = department.short_name or department.name
            ask = wording.say(ASK, label=step.label, department=name, phone=phone)
            lines.append("· " + ask)
            continue
        number += 1
        name = step.item.name
        doing = step.label if step.label == name else f"{step.label}——{name}"
        lines.append(f"{number}. {shorten(doing, 60)}")
        lines.append(f"   {item_url(settings.public_base_url, step.item.code)}")
    return fit(lines, [], [HINT if codes else OFFER])


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-life-events")
    on_said(router, LifeEventQuestion())(answer)
    return router
