"""一件事: a citizen describes a life event ("孩子出生了要办什么", "想开个小卖部卖烟") and gets a
short ordered checklist of the items it needs, each with its guide link; a number then opens
that item's card (the list is remembered like any item list).

Recognition is data-driven: the trigger phrases of the events in force (shipped and staff's,
`catalogue.life_events`), said as written or with a few words between their characters
(「开个小超市」 holds 开超市, 「成立种植合作社」 holds 成立合作社). A message that names one of
the event's own items (its name or one of its keywords, longer than the trigger heard, or all
the message is) asks about that item, not the event, and is left to item search. So is a
message whose other words — beside the trigger, which then only says the circumstance — name
an item: by the item's name, keyword or alias said as written (「失业了社保卡丢了咋补」,
「下岗了 失业金在哪领」), or as search's confident first answer when the words say more of its
name or keywords than of any step's (「刚结婚 结婚证弄丢了咋补」, 「开个理发店要卫生证吗」;
not 「人走了户口咋销」, whose 户口 is as much the event's step 户口注销's). A trigger followed by
的 only says whose thing is asked (「养牛场的防疫证」): search's confident answer for what follows
is the answer, even one of the event's own steps. Words that are themselves a trigger
(「盖房子」 is an item's keyword and the event) keep the event.

A step no item of the catalogue serves is shown as the department to ask, with its phone, when
the event names one; otherwise it is left out. Nothing is invented.
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import Filter, FilterResult
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.life_events import LifeEvent, ResolvedStep, events_stamp, life_events
from catalogue.models import Item
from handlers.citizen import cards, parsing, texts
from handlers.citizen.cards import shorten
from handlers.citizen.clauses import WHO_THEY_ARE, clauses, names_nothing
from handlers.citizen.common import on_said
from handlers.citizen.filters import PaperOfEveryEntry, points_back, said
from handlers.citizen.fitting import fit
from handlers.citizen.guide_notes import (
    DEATH_IN_GUIDE,
    MAX_NOTES,
    PAPER_ENDS,
    guide_sentences,
    name_run_of,
    names_its_paper,
    notes_on_a_death,
)
from handlers.citizen.life_event_choice import (
    CONDITION_MARK,
    LICENCE_SAID,
    MIN_NAMING,
    asks_another_way,
    goes_the_way_asked,
    one_outside_step_named,
    one_step_named,
    other_steps_line,
    ruled_out,
    stops_its_item,
    the_money,
    the_step_pointed_to,
    the_trades_licence,
)
from handlers.citizen.life_event_steps import resolved_steps
from handlers.citizen.links import item_url
from handlers.citizen.memory import keep, recall
from handlers.citizen.other_ways import going_that_way
from handlers.citizen.searching import (
    MIN_RUN,
    TOWN_OFFICE,
    Searcher,
    answers,
    find,
    is_clear,
    name_run,
    thing_said,
)
from handlers.citizen.understanding import read
from handlers.citizen.understanding.reading import READER
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems, item_by_code
from handlers.settings import Settings
from search import normalise
from search.direction import NEW, asked, direction_of
from search.normalise import is_hanzi, longest_run
from search.syllables import encode, spoken

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
OTHER_STEPS = "「{name}」要办的其他事，回复“{name}”查看。"
OVERVIEW = "可以问这些“一件事”：{names}。直接说您的情况就行，比如“孩子出生了要办什么”。"


MATCHED_TEXTS = 4096  # texts whose event match is kept per set of events
MIN_HEARD = 3  # characters of a trigger that may be matched by its sound (理法店)
HANZI_RUN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class _Known:
    """The events in force, with each event's normalised triggers and item words."""

    events: tuple[LifeEvent, ...]
    triggers: tuple[tuple[str, LifeEvent], ...]  # longest first
    own_words: dict[str, tuple[str, ...]]  # event name → its items' names and terms
    trigger_words: frozenset[str]  # every event's triggers, folded
    # The triggers that may be said with words between their characters, with the set of
    # their characters (a text lacking one of them cannot hold the trigger spread out).
    gappable: tuple[tuple[str, LifeEvent, frozenset[str]], ...] = ()
    # The positions in `triggers` and in `gappable` of the triggers starting with each
    # character: a text holds a trigger, as written or spread out, only when it holds the
    # trigger's first character, so a message looks at those alone (in the same order).
    starts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    gappable_starts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # The parts of events' names that are no trigger of theirs, normalised (「开网吧」).
    name_parts: frozenset[str] = frozenset()
    # Triggers as heard (one code per fuzzy syllable: 理法店 sounds as 理发店), longest first,
    # with the positions of those starting with each syllable.
    sounds: tuple[tuple[str, str], ...] = ()
    sound_starts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # The items many events take in every case (the business licence, the hygiene licence):
    # no one trade's own.
    common: frozenset[str] = frozenset()
    # What `match` found for recent texts (a pure function of the text and the events; every
    # message asks, and citizens repeat themselves): emptied when full.
    matched: dict[str, tuple[LifeEvent, str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    heard: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, events: list[LifeEvent]) -> _Known:
        pairs = [(normalise(t), e) for e in events for t in _said_by(e) if normalise(t)]
        written = {(normalise(t), e.name) for e in events for t in e.triggers}
        # Longest first; of the same length, an event's own trigger before another's verb
        # variant of one (staff's 搞农家乐 before the 搞农家乐 of 开饭馆's 开农家乐).
        pairs.sort(key=lambda pair: (-len(pair[0]), (pair[0], pair[1].name) not in written))
        own = {
            e.name: tuple(
                w for s in e.steps for w in map(normalise, (*s.names, *s.terms)) if len(w) >= 3
            )
            for e in events
        }
        said = frozenset(fold(t) for e in events for t in _said_by(e))
        gappable = tuple((t, e, frozenset(t)) for t, e in pairs if len(t) >= MIN_GAPPED)
        sounds = tuple(
            (encode(spoken(t)), t)
            for t, _ in pairs
            if len(t) >= MIN_HEARD and all(map(is_hanzi, t))
        )
        return cls(
            tuple(events),
            tuple(pairs),
            own,
            said,
            gappable,
            _by_first_character(t for t, _ in pairs),
            _by_first_character(t for t, _, _ in gappable),
            frozenset(
                normalise(p)
                for e in events
                for p in _with_other_verbs(_name_parts(e))
                if p not in e.triggers
            ),
            sounds,
            _by_first_character(sound for sound, _ in sounds),
            _taken_by_many(events),
        )

    def match(self, text: str) -> tuple[LifeEvent, str] | None:
        """The event a trigger of which the text holds, and the words that said it: the longest
        trigger said as written unless another event's was said wholly before it (the situation
        told first), else the trigger said with the fewest words between its characters; none
        when the text names one of the event's own steps."""
        if text in self.matched:
            return self.matched[text]
        found = self._match(text)
        if len(self.matched) >= MATCHED_TEXTS:
            self.matched.clear()
        self.matched[text] = found
        return found

    def _match(self, text: str) -> tuple[LifeEvent, str] | None:
        plain = normalise(text)
        present = set(plain)
        # Words of when between a trigger's words leave it said as written (「老人刚走了」).
        loose, kept = READER.without_when(plain)
        # The situation told first is the event (「刚结婚 … 户口迁过来要办啥」: 结婚, whose steps
        # hold the 户口迁移 said after it), not 「家里老人」 inside 「家里老人去世了」.
        said_as_written: list[tuple[int, int, str, LifeEvent, str]] = []
        for position in _positions(self.starts, present):
            trigger, event = self.triggers[position]
            start = plain.find(trigger)
            if start != -1:
                said_as_written.append((start, position, trigger, event, trigger))
            elif loose != plain and (found := loose.find(trigger)) != -1:
                start, end = kept[found], kept[found + len(trigger) - 1] + 1
                said_as_written.append((start, position, trigger, event, plain[start:end]))
        heard = None
        if said_as_written:
            # The longest trigger, of two as long the one ending later (「家里老人刚走了」: what
            # happened, 老人走了, said of whom, 家里老人), unless another event's was said wholly
            # before it.
            start, _, trigger, event, span = min(
                said_as_written, key=lambda s: (-len(s[2]), -s[0] - len(s[4]), s[1])
            )
            before = [s for s in said_as_written if s[0] + len(s[4]) <= start and s[3] is not event]
            if before:
                _, _, trigger, event, span = min(before, key=lambda s: (s[0], s[1]))
            heard = (trigger, event, span)
        if heard is not None and heard[0] == plain and heard[0] in self.name_parts:
            return None  # 「开网吧」 alone: an item's keyword as much as the event's name
        gappable = (self.gappable[i] for i in _positions(self.gappable_starts, present))
        gapped = [
            (span, trigger, event)
            for trigger, event, chars in gappable
            if chars <= present and (span := _spread(trigger, plain))
        ]
        if heard is not None:
            # A short trigger said inside another event's longer one said spread out only says
            # what kind (「想成立个养牛合作社」: 养牛 inside 成立…合作社).
            _, inner_event, inner = heard
            gapped = [
                g
                for g in gapped
                if inner in g[0] and len(g[1]) > len(inner) and g[2] is not inner_event
            ]
        if gapped:
            # The fewest words between, then the thing named at the end said whole (「开个
            # 小饭店」: 饭店 of 开个饭店, not 小…店 of 开个小店), then the fewest breaks,
            # then the longest trigger.
            span, trigger, event = min(
                gapped,
                key=lambda g: (
                    len(g[0]) - len(g[1]),
                    not g[0].endswith(g[1][-2:]),
                    _breaks(g[1], g[0]),
                    -len(g[1]),
                ),
            )
            heard = (trigger, event, span)
        if heard is None:
            return None
        _, event, span = heard
        if span in plain and plain[plain.find(span) + len(span) :].startswith(QUALIFIES):
            # 「办个养牛的合作社」: 养牛 only says what kind; the event is what follows it,
            # when the words without it say one (「养牛场的防疫证」 keeps the farm).
            qualified = self.match(plain.replace(span, "", 1))
            if qualified is not None and qualified[0] is not event:
                # its words as said, with the kind inside them (「办个养牛的合作社」)
                said = qualified[1] if qualified[1] in plain else _spread(qualified[1], plain)
                return qualified[0], said or qualified[1]
        if any(_named(word, plain) for word in self.own_words[event.name]) and not (
            asks_all_steps(plain) or needed_as_well(plain)
        ):
            # 「盖房子要办乡村建设规划许可证吗」, unless all is asked (「全套手续」) or the step
            # is named as needed as well (「听说还要办规划许可证」)
            return None
        return event, span

    def as_heard(self, text: str) -> str | None:
        """The text with a trigger typed by its sound (「开个理法店」: 理发店) written as the
        trigger, when a run of its hanzi sounds like one and shares at least half of its
        characters; None otherwise (kept for recent texts, as `match` keeps its own)."""
        if text in self.heard:
            return self.heard[text]
        found = self._as_heard(text)
        if len(self.heard) >= MATCHED_TEXTS:
            self.heard.clear()
        self.heard[text] = found
        return found

    def _as_heard(self, text: str) -> str | None:
        plain = normalise(text)
        for run in HANZI_RUN.findall(plain):
            if len(run) < MIN_HEARD:
                continue
            heard = encode(spoken(run))
            if len(heard) != len(run):
                continue
            for position in _positions(self.sound_starts, set(heard)):
                sound, trigger = self.sounds[position]
                at = heard.find(sound)
                if at == -1:
                    continue
                span = run[at : at + len(trigger)]
                same = sum(a == b for a, b in zip(span, trigger, strict=True))
                if span != trigger and 2 * same >= len(trigger):
                    return plain.replace(span, trigger, 1)
        return None

    def by_steps_words(self, text: str) -> tuple[LifeEvent, str] | None:
        """With no trigger said, the event every step of which is asked for (「宅基地上盖两层楼
        要办哪些手续」) and whose steps' own words the text says, the words of no other event's
        steps: the event is recognised by its items, not only by its triggers."""
        plain = normalise(text)
        if not asks_all_steps(plain):
            return None
        saying = [
            event
            for event in self.events
            if any(
                word in plain and self._only_of(word, event) for word in self.own_words[event.name]
            )
        ]
        return (saying[0], "") if len(saying) == 1 else None

    def _only_of(self, word: str, event: LifeEvent) -> bool:
        """Whether no other event's steps have the word among their own."""
        return not any(
            word in self.own_words[other.name] for other in self.events if other is not event
        )


# After a word, these make it the place where something is done (「宅基地上盖房」), not a
# thing asked about.
PLACE_AFTER = ("上", "里")


def _named(word: str, plain: str) -> bool:
    """Whether the text says the word other than as a place (「宅基地上」)."""
    at = plain.find(word)
    while at != -1:
        if not plain.startswith(PLACE_AFTER, at + len(word)):
            return True
        at = plain.find(word, at + 1)
    return False


NAME_PARTS = re.compile(r"[、/]")
NAME_PART = 3  # a shorter part (结婚) is a word of other things too (结婚证)
BRACKETED = re.compile(r"[（(][^）)]*[）)]")


# Verbs of setting something up that people use for one another (开个小店, 办个小店, 搞个小店,
# 弄个合作社; 盘个小超市: taking over a shop someone ran, which then is opened anew): a trigger
# starting with one is also said with each of the others.
SETTING_UP = ("开", "办", "搞", "弄", "盘")


def _said_by(event: LifeEvent) -> tuple[str, ...]:
    """What says the event: its triggers, and its own name's parts (「开网吧」, 「开歌舞厅、KTV」
    → 开歌舞厅 and KTV; 「建厂房（企业建设项目）」 → 建厂房), which staff need not repeat,
    each starting with a verb of setting up also with the others (办合作社 → 弄合作社)."""
    return _with_other_verbs((*event.triggers, *_name_parts(event)))


def _name_parts(event: LifeEvent) -> tuple[str, ...]:
    parts = NAME_PARTS.split(BRACKETED.sub("", event.name))
    return tuple(part.strip() for part in parts if len(part.strip()) >= NAME_PART)


def _with_other_verbs(said: tuple[str, ...]) -> tuple[str, ...]:
    other_verbs = (
        verb + phrase[1:]
        for phrase in said
        if len(phrase) >= NAME_PART and phrase[0] in SETTING_UP
        for verb in SETTING_UP
    )
    return tuple(dict.fromkeys((*said, *other_verbs)))


COMMON_STEP = 3  # events taking an item in every case that make it no one trade's own


def _taken_by_many(events: Iterable[LifeEvent]) -> frozenset[str]:
    """The item names at least COMMON_STEP events take in every case (no condition)."""
    counted: dict[str, int] = {}
    for event in events:
        for name in {n for s in event.steps if CONDITION_MARK not in s.label for n in s.names}:
            counted[name] = counted.get(name, 0) + 1
    return frozenset(name for name, count in counted.items() if count >= COMMON_STEP)


def _by_first_character(triggers: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """Each first character → the positions of the triggers starting with it, in order."""
    starts: dict[str, list[int]] = {}
    for position, trigger in enumerate(triggers):
        starts.setdefault(trigger[0], []).append(position)
    return {char: tuple(positions) for char, positions in starts.items()}


def _positions(starts: dict[str, tuple[int, ...]], present: set[str]) -> list[int]:
    """The positions of the triggers whose first character is present, in order."""
    return sorted(p for char in present for p in starts.get(char, ()))


def _spread(trigger: str, text: str) -> str:
    """The shortest stretch of `text` holding the trigger's characters in order with at most
    MAX_GAP other characters in between, and fewer than the trigger has ('' when there is
    none)."""
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
        # fewer words between than the trigger has characters (「生意不做了那个」 does not
        # hold 生了个: four words between its three)
        gap = min(MAX_GAP, len(trigger) - 1)
        if span and len(span) - len(trigger) <= gap and (not best or len(span) < len(best)):
            best = span
        start = text.find(trigger[0], start + 1)
    return best


def _breaks(trigger: str, span: str) -> int:
    """How many times words come between the trigger's characters in `span` (a stretch from
    `_spread` holding them in order)."""
    breaks, at = 0, 0
    for char in trigger[1:]:
        found = span.find(char, at + 1)
        breaks += found != at + 1
        at = found
    return breaks


NAMING_APART = 3  # a step item's keyword this long, said apart from the trigger, names it


def names_own_item(
    plain: str, span: str, steps: list[ResolvedStep], triggers: frozenset[str] = frozenset()
) -> bool:
    """Whether the text names an item of the event rather than the event: an item's name or
    keyword holding the words heard and longer (「孩子出生证」), or all that was said
    (「迁户口」), or one of at least NAMING_APART characters said beyond the words heard and
    no trigger itself (「娃娃刚生下来 出生证明在哪开」, though 刚…出生 was heard spread out)."""
    for step in steps:
        if step.item is None or stops_what_it_gave(step.label, step.item):
            # 「我爸去世了，他吃低保」: the 低保 tells the circumstance of a step ending it
            continue
        for word in (step.item.name, *step.item.keywords, *step.item.aliases):
            said = normalise(str(word))
            if len(said) < 2 or said not in plain:
                continue
            if said == plain or (span in said and len(said) > len(span)):
                return True
            if len(said) >= NAMING_APART and said not in span and fold(said) not in triggers:
                return True
    return False


QUALIFIES = "的"  # right after the trigger: the trigger says whose thing is asked about


async def names_other_item(
    rest: str,
    life_event: LifeEvent,
    known: _Known,
    searcher: Searcher,
    session: AsyncSession,
    cache: PublicItems | None,
) -> bool:
    """Whether the words said beside the trigger (`rest`, folded) ask about an item: one of the
    results for them is named by its name, keyword or alias as written (a word that is itself
    some event's trigger does not count), or the first result is confident and the words say
    more of its name or keywords than of any step's names and terms (「开个理发店要卫生证吗」:
    卫生证 is the keyword of the event's own step; 「人走了户口咋销」: 户口 is as much the step
    户口注销's as 户口迁移审批's)."""
    if len(rest) < MIN_NAMING:
        return False
    if rest.startswith(QUALIFIES):
        # 「养牛场的防疫证」: the trigger only says whose; what follows is asked, even when it
        # is one of the event's own steps.
        asked = rest[len(QUALIFIES) :]
        if len(read(asked).core) >= MIN_NAMING:
            found = await find(searcher, session, asked, cache)
            if answers(found) and found[0].hit.confident:
                return True
    found = await find(searcher, session, rest, cache)
    # 「有没有护理的补贴」 says the keyword 护理补贴 with a 的 between its words.
    joined = rest.replace(QUALIFIES, "")
    for result in found:
        for word in (result.item.name, *result.item.keywords, *result.item.aliases):
            named = fold(str(word))
            if len(named) < MIN_NAMING or named in known.trigger_words:
                continue
            if named in rest or (len(named) >= NAMING_APART and named in joined):
                return True
    if not (answers(found) and found[0].hit.confident):
        return False
    first = found[0].item
    # Compared without the question and words of speech (「需要办理哪些事」 names nothing).
    core = read(rest).core
    if len(core) < MIN_NAMING:
        return False
    about_item = _shared(core, (first.name, *first.keywords, *first.aliases))
    about_step = _shared(core, [w for step in life_event.steps for w in (*step.names, *step.terms)])
    return about_item >= MIN_NAMING and about_item > about_step


def _clauses_beside(text: str, span: str) -> list[str]:
    """The clauses apart from the one telling the situation (its trigger `span`) that name
    something (「有啥补助」 names no item: help of any kind is what the situation's steps are)."""
    told = fold(span)
    return [c for c in clauses(text) if told not in fold(c) and not names_nothing(c, MIN_NAMING)]


async def _plus_the_item_asked(
    text: str,
    span: str,
    life_event: LifeEvent,
    steps: list[ResolvedStep],
    data: Mapping[str, Any],
) -> dict[str, Any] | None:
    """When what to do is asked (「现在要办啥」) and a clause apart names an item none of the
    steps is (「社保卡也弄丢了」), the checklist with that item first; else None."""
    searcher = data.get("search")
    if searcher is None or WHAT_TO_DO.search(text) is None:
        return None
    other = await _a_clause_asks_another_item(
        text, span, steps, searcher, data["session"], data.get("public_items")
    )
    if other is None:
        return None
    return {"life_event": life_event, "steps": [ResolvedStep(other.name, other), *steps]}


async def _a_clause_asks_another_item(
    text: str,
    span: str,
    steps: list[ResolvedStep],
    searcher: Searcher,
    session: AsyncSession,
    cache: PublicItems | None,
) -> Item | None:
    """The item a clause apart from the one telling the situation, searched alone, finds and
    search is sure of, when it is none of the event's steps and shares no word with them
    (「两口子过不下去了 离婚去哪办」: 婚姻登记; not 「孩子出生了 户口咋上」, whose 户口 is the
    step 出生登记（上户口）)."""
    said_of_steps = [fold(s.label) for s in steps]
    said_of_steps += [fold(s.item.name) for s in steps if s.item is not None]
    own = {s.item.code for s in steps if s.item is not None}
    for clause in _clauses_beside(text, span):
        # a word any benefit has (补助 of 丧葬补助金) is no step's own
        words = fold(parsing.BENEFIT_WORDS.sub(" ", clause))
        if any(len(longest_run(words, step)) >= MIN_NAMING for step in said_of_steps):
            continue
        # as said, then without the words around what is asked (「听说有失独的补助」)
        for words in dict.fromkeys((clause, read(clause).core or clause)):
            found = await find(searcher, session, words, cache)
            if answers(found) and found[0].hit.confident:
                if found[0].item.code not in own:
                    return found[0].item
                break
    return None


# Words that make a clause a question (「户口咋落」 「要办啥」), not a telling of the situation.
CLAUSE_ASKS = re.compile(r"[咋吗啥哪呢么?？]|怎么|什么|多少|几|能不能|可不可以|要不要|行不")


async def _a_clause_asks_a_step(
    text: str,
    span: str,
    steps: list[ResolvedStep],
    searcher: Searcher,
    session: AsyncSession,
    cache: PublicItems | None,
) -> ResolvedStep | None:
    """The one step with an item that a clause apart from the one telling the situation,
    searched alone, finds and search is sure of (「嫁到天祝来了，户口咋落」: 户口迁移审批, a
    step of marrying); None when no clause or several do."""
    asked: dict[str, ResolvedStep] = {}
    by_code = {s.item.code: s for s in steps if s.item is not None}
    if len(clauses(text)) < 2:
        return None
    for clause in _clauses_beside(text, span):
        if CLAUSE_ASKS.search(clause) is None or WHO_THEY_ARE.match(clause):
            continue  # 「家里又是低保户」 tells the situation, it asks for nothing
        found = await find(searcher, session, clause, cache)
        sure = answers(found) and found[0].hit.confident and is_clear(found)
        # 「户口咋上」 finds 出生医学证明 first, sharing no word: no step of it is asked
        if sure and thing_said(found[0].item, fold(clause)) >= MIN_RUN:
            step = by_code.get(found[0].item.code)
            if step is not None:
                asked[step.item.code if step.item else ""] = step
    return next(iter(asked.values())) if len(asked) == 1 else None


async def _spread_over_a_name(
    span: str,
    known: _Known,
    searcher: Searcher,
    session: AsyncSession,
    cache: PublicItems | None,
    text: str = "",
) -> bool:
    """Whether a trigger heard spread out is spread over an item's own word (「开黑网吧」 holds
    开…网吧, and 黑网吧 is the keyword of the penalty for running one without a licence), or
    ends where a paper's name goes on (「要去扯结婚证」: 要…结婚, then 证 — 结婚证 is a word of
    婚姻登记's keyword 领结婚证): that item is meant, not the event."""
    heard = fold(span)
    if heard in known.trigger_words:
        return False  # said as written
    plain = fold(text)
    at = plain.find(heard)
    after = plain[at + len(heard) : at + len(heard) + 1] if at != -1 else ""
    if after and after in PAPER_ENDS:
        paper = heard[-2:] + after
        for result in await find(searcher, session, paper, cache):
            words = (result.item.name, *result.item.keywords, *result.item.aliases)
            if any(paper in fold(str(word)) for word in words):
                return True
    for result in await find(searcher, session, heard, cache):
        for word in (*result.item.keywords, *result.item.aliases):
            named = fold(str(word))
            if len(named) >= NAMING_APART and named in heard and named not in known.trigger_words:
                return True
    return False


async def _shares_its_name(
    item: Item, searcher: Searcher, session: AsyncSession, cache: PublicItems | None
) -> bool:
    """Whether another public item (another body's) has the item's very name."""
    found = await find(searcher, session, item.name, cache)
    return any(f.item.name == item.name and f.item.code != item.code for f in found)


# Aspects that only an item has (「开网吧要什么材料」: the one item's materials); how to go about
# it (procedure) is asked of an event too (「孩子出生了咋办」).
ITEM_ASPECTS = frozenset(
    {
        "materials",
        "conditions",
        "fee",
        "phone",
        "place",
        "where",
        "hours",
        "time",
        "online",
        "forms",
        "code",
        "proxy",
        "payment",
        "basis",
        "status",
    }
)


async def asks_an_items_aspect(
    text: str, searcher: Searcher, session: AsyncSession, cache: PublicItems | None
) -> bool:
    """Whether the message asks an aspect only an item has, of an item search is confident of
    and sure about (「开网吧需要哪些材料」), not of the whole event (「开个饭馆在哪办」)."""
    if read(text).aspect not in ITEM_ASPECTS:
        return False
    found = await find(searcher, session, text, cache)
    return is_clear(found) and found[0].hit.confident


# Words asking for all the steps or their order (「都要办啥」 「先办啥后办啥」): the checklist.
ALL_STEPS = (
    "都要办",
    "都得办",
    "都需要办",
    "先办啥",
    "先办什么",
    "先办哪",
    "后办啥",
    "后办什么",
    "什么顺序",
    "啥顺序",
    "哪些都要",
    # 「全套手续」 「一件事都要办啥」 「要办些啥」 「需要哪些审批」: every step, not one item
    "全套",
    "一件事",
    "办些啥",
    "办些什么",
    "要办哪些",
    "需要办哪些",
    "哪些手续",
    "哪些审批",
    "哪些证",
    "哪些许可",
    # 「要批啥」: which approvals, i.e. 哪些审批
    "批啥",
    "批什么",
    # 「挂失加补办一条龙」: the whole run of them
    "一条龙",
    # 「一样一样给我说下」: one after another, each of them
    "一样一样",
    "一项一项",
    "一个一个",
    "一步一步",
    "一条一条",
    "挨个",
)
# 「需要哪几个证」 「得跑几样手续」: how many papers, so every one of them.
SEVERAL_PAPERS = re.compile("(?:哪几|几)(?:个|样|种|项)?(?:证|手续|许可|审批|部门)")


# 「有啥补贴能领」 「能享受哪些政策」: which benefits there are, not one of them.
WHICH_BENEFITS = re.compile(f"(?:啥|什么|哪些|哪几样|哪几种)(?:{parsing.BENEFIT_WORDS.pattern})")


# 「户口和身份证都要咋弄」 「这些都咋办」 「能申请的都有哪些」: 都 before how or what to do
# (or what there is) is every step asked.
EVERY_ONE = re.compile("都(?:要|得|需要|该|有)?(?:咋|怎么|怎样|如何|办|弄|搞|啥|什么|哪些)")


# 「开个理发店 听说还要办卫生证」 「结婚了户口也得迁」: a paper needed *as well* — the one named
# beside the others the situation takes, so all of them are asked; not how much longer
# (「还要多久」 「还要等几天」) or what to bring for one (「还要带啥」).
AS_WELL = re.compile("(?:还|也)(?:要|得|需要|用)(?:再)?(?!多久|多长|等|几天|多少|带|交)")


def asks_all_steps(rest: str) -> bool:
    """Whether the words beside the trigger ask for every step or for their order."""
    return (
        any(words in rest for words in ALL_STEPS)
        or EVERY_ONE.search(rest) is not None
        or SEVERAL_PAPERS.search(rest) is not None
    )


def needed_as_well(rest: str) -> bool:
    """Whether the words beside the trigger ask whether a paper is needed as well (AS_WELL)."""
    return AS_WELL.search(rest) is not None


async def names_several_steps(
    rest: str,
    steps: list[ResolvedStep],
    known: _Known,
    searcher: Searcher,
    session: AsyncSession,
    cache: PublicItems | None,
) -> bool:
    """Whether the words beside the trigger name two or more of the event's steps (「户口身份证
    这些都要弄」, 「身份证社保卡都在里面」): each by an item's name, keyword or alias said as
    written (no trigger), the item being the step's or about the same document (社保卡 names
    社会保障卡申领, the same card as the step 社会保障卡补领). One named step is a question
    about that item (「开个理发店要卫生证吗」), left to the rules that follow."""
    if len(rest) < 2 * MIN_NAMING:
        return False
    named: list[Item] = []
    for result in await find(searcher, session, rest, cache):
        for word in (result.item.name, *result.item.keywords, *result.item.aliases):
            said = fold(str(word))
            if len(said) >= MIN_NAMING and said in rest and said not in known.trigger_words:
                named.append(result.item)
                break
    documents: list[Item] = []
    for item in named:
        if any(_same_document(item, other) for other in documents):
            continue  # 「身份证」 and 「居民身份证挂失」 say one document
        if any(step.item is not None and _same_document(step.item, item) for step in steps):
            documents.append(item)
    return len(documents) >= 2


def _same_document(one: Item, other: Item) -> bool:
    """Whether two items are one or about the same document (names sharing NAME_RUN
    characters in a row: 社会保障卡申领 and 社会保障卡补领)."""
    return one.code == other.code or bool(name_run(fold(one.name), fold(other.name)))


def _shared(text: str, words: Iterable[str]) -> int:
    """The longest stretch of `text` that one of the words holds (characters)."""
    best = 0
    for word in words:
        folded = fold(str(word))
        for start in range(len(text)):
            length = best + 1
            while start + length <= len(text) and text[start : start + length] in folded:
                best = length
                length += 1
    return best


# A clause telling what the business sells (「开个农资门市 卖化肥农药 咋办证」): it describes the
# business, naming no paper; asked of (卖农药要啥证) or qualifying one (卖农药的证) it names one.
GOODS_SOLD = re.compile(
    "^(?:也|还|主要|就|专门|只|光)?(?:卖|经营|销售)"
    "(?!.*(?:的|证|许可|备案|执照|手续|吗|不|啥|什么|咋|怎么|哪|要|得|需))"
    ".{1,8}$"
)


def without_goods_sold(text: str) -> str:
    """The text without the clauses that only tell what the business sells (GOODS_SOLD)."""
    said = clauses(text)
    kept = [c for c in said if GOODS_SOLD.match(c) is None]
    return " ".join(kept) if len(kept) < len(said) else text


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
        found = known.match(text) or known.by_steps_words(text)
        counted = READER.without_quantities(text)
        if found is None and counted != text and (found := known.match(counted)) is not None:
            text = counted  # 「想在村里盖个两层楼」: how many is not what is done
        aged = parsing.with_elder_age(text) if found is None else text
        if aged != text and (found := known.match(aged)) is not None:
            text = aged  # 「我妈今年满80了」: an elder's age, as the events say it (八十多了)
        heard = known.as_heard(text) if found is None else None
        if heard is not None and (found := known.match(heard)) is not None:
            text = heard  # 「开个理法店」: 理发店 typed by its sound
        if found is not None and await _asks_for_the_cards_paper(text, session, data):
            # 「残疾证要带吗」 right after a card listing 残疾人证: that card's materials.
            return False
        if found is not None and await PaperOfEveryEntry().check(event, data):
            # 「两个都要残疾证吗」 right after a list: each entry's materials.
            return False
        if found is not None and await _asks_of_the_step_shown(text, found, session, data):
            # 「几级残疾才能领」 right after the card of 重度残疾人护理补贴: a question about it.
            return False
        if found is not None and points_back(text) and not asks_all_steps(fold(text)):
            # 「一级残疾要人照顾的那个」 describes an entry of the list just shown; 「我是要开网吧
            # 办许可的那个」 one item of the event, not all of it.
            return False
        if found is not None:
            life_event, span = found
            steps = await resolved_steps(session, life_event)
            searcher = data.get("search")
            # 「卖化肥农药」 said apart tells the business, not the paper asked for.
            told = without_goods_sold(text)
            # the trigger's place kept apart: 「爸妈都六十多了 有啥政策」 is no 「都有啥」
            rest = fold(told).replace(fold(span), " ", 1).strip() if fold(span) else fold(told)
            shown = await _the_one_shown(steps, data.get("state"), known)
            if (
                shown is not None
                and searcher is not None
                and await _a_clause_asks_another_item(
                    text, span, steps, searcher, session, data.get("public_items")
                )
            ):
                shown = None  # 「两口子过不下去了 离婚去哪办」 after a checklist: not its entry
            if shown is not None and not asks_all_steps(rest):
                # 「我是想开个网吧 是哪个」 after a list of 网吧's licence, penalty and check:
                # the one entry the event takes
                return {"life_event": life_event, "steps": steps, "step_item": shown}
            if asks_all_steps(rest) or (
                searcher is not None
                # the whole message: the trigger may end a step's name (「身份证和社保卡都丢了」:
                # 卡都丢了 holds 社保卡's 卡)
                and await names_several_steps(
                    fold(text), steps, known, searcher, session, data.get("public_items")
                )
            ):
                return await _with_a_second_event(text, span, life_event, steps, known, data)
            if asks_another_way(rest, steps):
                # 「我失业了，社保卡也弄丢了，现在要办啥」: another thing going that way, beside
                return await _plus_the_item_asked(text, span, life_event, steps, data) or False
            if needed_as_well(rest):
                # 「开个理发店 听说还要办卫生证」: one paper named beside the others the
                # situation takes, so the whole checklist (it is on it).
                return await _with_a_second_event(text, span, life_event, steps, known, data)
            if names_own_item(normalise(told), span, steps, known.trigger_words):
                return False
            if searcher is not None and await _spread_over_a_name(
                span, known, searcher, session, data.get("public_items"), text
            ):
                return False
            step_item = (
                one_step_named(read(rest).core, steps)
                or the_money(rest, steps)
                or the_trades_licence(rest, life_event, steps, known.events)
            )
            if step_item is not None and _asks_all_beside(text, step_item, steps):
                # 「我爸去世了，他吃低保，要办啥手续」: a circumstance told, every step asked
                return await _with_a_second_event(text, span, life_event, steps, known, data)
            outside_step = None if step_item else one_outside_step_named(read(rest).core, steps)
            if outside_step is not None:
                # 「老人去世了 死亡证明在哪开」: that step, which no item of the county serves
                return {"life_event": life_event, "steps": steps, "outside_step": outside_step}
            if step_item is not None and goes_the_way_asked(step_item, rest):
                if searcher is not None and await _shares_its_name(
                    step_item, searcher, session, data.get("public_items")
                ):
                    # 「农村盖房子的许可」: the county's and the towns' entries of one name, a
                    # choice search offers.
                    return False
                return {"life_event": life_event, "steps": steps, "step_item": step_item}
            pointed = the_step_pointed_to(told, steps)
            clause_step = (
                await _a_clause_asks_a_step(
                    text, span, steps, searcher, session, data.get("public_items")
                )
                if pointed is None and searcher is not None
                else None
            )
            if clause_step is not None and clause_step.item is not None:
                # 「嫁到天祝来了，户口咋落」: the situation told, then one of its steps asked
                beside = other_steps_line(clause_step, steps)
                return {
                    "life_event": life_event,
                    "steps": steps,
                    "step_item": clause_step.item,
                    "beside": beside,
                }
            if (
                pointed is None
                and searcher is not None
                and await _a_clause_asks_another_item(
                    text, span, steps, searcher, session, data.get("public_items")
                )
            ):
                # 「两口子过不下去了 离婚去哪办」: the situation told, then an item asked; but
                # 「我爸去世了 他开的小卖部咋办」 tells the circumstance of one step (注销); and
                # what to do about both asked: the checklist with that item
                return await _plus_the_item_asked(text, span, life_event, steps, data) or False
            if pointed is not None and pointed.item is not None:
                whole = await _with_a_second_event(text, span, life_event, steps, known, data)
                if len(whole["steps"]) != len(steps) and not _tells_the_step(
                    text, span, pointed, life_event, known
                ):
                    return whole  # 「我妈八十二了 瘫在床上」: an old person's steps too
                # 「家里着火了 能申请啥救助」: the help the story's circumstances call for,
                # the others named after it
                beside = other_steps_line(pointed, steps)
                return {
                    "life_event": life_event,
                    "steps": steps,
                    "step_item": pointed.item,
                    "beside": beside,
                }
            if WHICH_BENEFITS.search(rest) is not None:
                # 「我娃一级残疾 家里是低保户 有啥补贴能领」: which benefits, each step paying one
                return await _with_a_second_event(text, span, life_event, steps, known, data)
            if searcher is not None and await asks_an_items_aspect(
                text, searcher, session, data.get("public_items")
            ):
                return False
            if searcher is not None and await names_other_item(
                rest, life_event, known, searcher, session, data.get("public_items")
            ):
                return False
            return await _with_a_second_event(text, span, life_event, steps, known, data)
        if normalise(text) in OVERVIEW_WORDS:
            return {"life_event": None, "steps": []}
        return False


def _tells_the_step(
    text: str, span: str, step: ResolvedStep, life_event: LifeEvent, known: _Known
) -> bool:
    """Whether the words telling the step's circumstance are what sets off another event (「我爸
    去世了 他开的小卖部」: 小卖部 is the shop he had, to close, not a shop to open)."""
    beside = normalise(text).replace(normalise(span), " ", 1)
    other = known.match(beside)
    if other is None or other[0] is life_event:
        return False
    other_words = fold(normalise(other[1]))
    said = (fold(normalise(w)) for w in step.when)
    return any(word in other_words or other_words in word for word in said if word in fold(beside))


async def _the_one_shown(steps: list[ResolvedStep], state: Any, known: _Known) -> Item | None:
    """Right after an item list (not an event's checklist), the one entry of the page shown
    that is a step of the event, when exactly one is."""
    if state is None:
        return None
    memory = await recall(state)
    if memory.focus != "list" or memory.numbered != "items":
        return None
    if any(memory.list_query == other.name for other in known.events):
        return None  # a checklist: another event told next is its own checklist
    shown = set(memory.page_codes())
    taken = [item for item in _items(steps) if item.code in shown]
    return taken[0] if len(taken) == 1 and len(shown) > 1 else None


# An age of eighty or more (「86了」 「九十二岁」 「八十多」), told beside another situation.
OLD_AGE = re.compile(
    r"(?:[89]\d|1[01]\d)(?:周岁|岁|了)|(?:八|九)十[一二三四五六七八九]?(?:周岁|岁|了)|(?:八|九)十多"
)
OLD_PERSON = "高龄老人"


async def _with_a_second_event(
    text: str,
    span: str,
    life_event: LifeEvent,
    steps: list[ResolvedStep],
    known: _Known,
    data: dict[str, Any],
) -> dict[str, Any]:
    """`_and_a_second_event`, each step granted by the town the words name (or a village of
    it) being that town's entry (`_the_towns_entries`)."""
    answer = await _and_a_second_event(text, span, life_event, steps, known, data)
    session, searcher = data.get("session"), data.get("search")
    if isinstance(session, AsyncSession) and searcher is not None:
        cache = data.get("public_items")
        answer["steps"] = await _the_towns_entries(text, answer["steps"], searcher, session, cache)
    return answer


async def _the_towns_entries(
    text: str,
    steps: list[ResolvedStep],
    searcher: Searcher,
    session: AsyncSession,
    cache: PublicItems | None,
) -> list[ResolvedStep]:
    """The steps, each whose item the town the words name grants too (the county's bureau
    and the towns each grant 乡村建设规划许可证核发) as that town's entry: 「在打柴沟镇下河东村
    盖房子」 goes to 打柴沟镇's 便民服务中心."""
    towns = await queries.towns_named(session=session, text=text)
    if len(towns) != 1:
        return steps
    (town,) = towns
    localised = []
    for step in steps:
        item = step.item
        if item is not None:
            for result in await find(searcher, session, item.name, cache):
                office = result.item.department
                granted = TOWN_OFFICE.search(office.name) if office is not None else None
                if result.item.name == item.name and granted and granted.group(1) == town:
                    step = ResolvedStep(step.label, result.item, step.department)
                    break
        localised.append(step)
    return localised


async def _and_a_second_event(
    text: str,
    span: str,
    life_event: LifeEvent,
    steps: list[ResolvedStep],
    known: _Known,
    data: dict[str, Any],
) -> dict[str, Any]:
    """The filter's answer for an event, with a second situation told beside it: 「家里老人八十
    多了 还有个一级残疾的娃」 gets both checklists; 「他名下开的小卖部要关掉」 that event's items
    going the way asked (注销), as no shop is opened."""
    answer: dict[str, Any] = {"life_event": life_event, "steps": steps}
    # 「我爷爷86了」: an age of 80 or more tells of an old person as 高龄老人 does
    beside = OLD_AGE.sub(OLD_PERSON, normalise(text).replace(normalise(span), " ", 1))
    other = known.match(beside)
    if other is not None and other[0] is life_event:
        # 「家里老人八十多了又是残疾」: the event told twice (家里老人, 八十多了); a second one
        # may follow its other words
        for trigger in life_event.triggers:
            beside = beside.replace(normalise(trigger), " ")
        other = known.match(beside)
    session = data.get("session")
    if other is None or other[0] is life_event or other[1] not in beside:
        return answer
    if not isinstance(session, AsyncSession):
        return answer
    other_steps = await resolved_steps(session, other[0])
    shown = {item.code for item in _items(steps)}
    if not asks_another_way(beside, other_steps, ways=None):
        more = [s for s in other_steps if s.item is None or s.item.code not in shown]
        return {**answer, "steps": steps + more, "also": other[0]}
    searcher = data.get("search")
    if searcher is None:
        return answer
    ending = await _going_the_way_asked(
        beside, other_steps, searcher, session, data.get("public_items")
    )
    more = [s for s in ending if s.item is not None and s.item.code not in shown]
    return {**answer, "steps": steps + more}


async def _going_the_way_asked(
    words: str,
    steps: list[ResolvedStep],
    search: Searcher,
    session: AsyncSession,
    public_items: PublicItems | None,
) -> list[ResolvedStep]:
    """The steps' items going the way the words ask instead (a shop closed: 个体工商户注销登记
    for 个体工商户设立登记), each as a step of its own name; none when no way is asked."""
    wish = asked(direction_of(normalise(words))) - {NEW}
    going: list[ResolvedStep] = []
    for step in steps:
        if step.item is None or not wish:
            continue
        other = await going_that_way(step.item, wish, search, session, public_items)
        if other is not None and all(g.item is not other for g in going):
            going.append(ResolvedStep(other.name, other))
    return going


SHORT_QUESTION = 4  # characters of substance beside the trigger: a question about the card
# Words asking what there is to do or get (「家里有残疾人 能办啥」 「日子过不下去了 能办点啥」):
# the event, even after a card.
WHAT_THERE_IS = re.compile("(?:办|有|领)(?:点|些)?(?:啥|什么|哪些)|能申请|能享受")


async def _asks_of_the_step_shown(
    text: str, found: tuple[LifeEvent, str], session: AsyncSession, data: dict[str, Any]
) -> bool:
    """Whether the message, right after the card of one of the event's own items, asks about
    that card in a few words (「几级残疾才能领」 after 重度残疾人护理补贴), not for the event;
    or, after any card whose guide says what a death changes, tells of one and asks of it
    (「去世了还发吗」 after 高龄津贴)."""
    state = data.get("state")
    life_event, span = found
    rest = fold(text).replace(fold(span), "", 1)
    if state is None or asks_all_steps(rest) or WHAT_THERE_IS.search(rest) is not None:
        return False
    if len(read(rest).core) > SHORT_QUESTION:
        return False
    memory = await recall(state)
    if memory.focus != "card" or not memory.card_code:
        return False
    steps = await resolved_steps(session, life_event)
    # a step that stops its item (a death's 高龄津贴) is asked of as the death rule below says
    if any(
        s.item is not None and s.item.code == memory.card_code and not stops_its_item(s)
        for s in steps
    ):
        return True
    card = await item_by_code(session, memory.card_code, data.get("public_items"))
    if card is None or not notes_on_a_death(card, text):
        return False
    # 「还给发吗」 asks of the card (one word of its own aside); 「后事咋办」 names what the
    # event is about
    own = fold(" ".join((card.name, *card.keywords, *card.aliases)))
    return sum(1 for char in read(rest).core if char not in own) <= 1


# 「要结婚证吗」 「还得带残疾证不」: whether one paper is needed, and nothing else said.
WHETHER_A_PAPER = re.compile(
    r"^(?:那|那么)?(?:还|也)?(?:要|得|用|需)(?:带|交|有|办|开)?(?P<paper>[^，,。\s]{2,8})(?:吗|不|么|没|没有)$"
)


async def _asks_for_the_cards_paper(text: str, session: AsyncSession, data: dict[str, Any]) -> bool:
    """Whether the message, right after a card, asks about a paper the card's materials list,
    or whether one paper is needed at all (「要结婚证吗」 on 营业执照: the card's question)."""
    state = data.get("state")
    if state is None:
        return False
    memory = await recall(state)
    if memory.focus != "card" or not memory.card_code:
        return False
    alone = WHETHER_A_PAPER.match(normalise(text).replace("需要", "要"))
    if alone is not None and alone.group("paper").endswith(PAPER_ENDS):
        return True
    item = await item_by_code(session, memory.card_code, data.get("public_items"))
    return item is not None and names_its_paper(item, read(text).core)


async def answer(
    event: Event,
    life_event: LifeEvent | None,
    steps: list[ResolvedStep],
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    wording: texts.Wording = texts.TIANZHU,
    step_item: Item | None = None,
    also: LifeEvent | None = None,
    beside: str = "",
    outside_step: ResolvedStep | None = None,
) -> str:
    """The ordered checklist of the event's steps: each item that exists with its link
    (numbered: a number opens it, the list is remembered), each other step with the department
    to ask; `also`: a second event told in the same message, its steps after the first's;
    `beside`: a line after the card of the one step asked for (the event's other steps);
    `outside_step`: the one step asked for, which no item serves: whom to ask."""
    if life_event is None:
        known = await known_events(session)
        trace.update(answer="life-events")
        return OVERVIEW.format(names="、".join(e.name for e in known.events))
    memory = await recall(state)
    if step_item is not None:
        # 「开宾馆要的卫生许可」: the one step asked for, as its card (the question asked of it).
        trace.update(answer="life-event-step", event=life_event.name, code=step_item.code)
        await keep(state, memory, card_code=step_item.code, focus="card")
        text = said(event) or ""
        aspect = read(text).aspect
        label = next((s.label for s in steps if s.item and s.item.code == step_item.code), "")
        if label and stops_what_it_gave(label, step_item) and not APPLYING.search(text):
            # 「我爸去世了 他吃低保」 「他的低保咋办」: the 低保 to be stopped, not applied for
            return stop_answer(step_item, label, settings.public_base_url, aspect)
        card = cards.answer(step_item, settings.public_base_url, aspect)
        if not beside:
            return card
        # the others before the card's link, as far as the message has room
        lines = card.splitlines()
        link = next((i for i, line in enumerate(lines) if "/items/" in line), len(lines))
        return fit(lines[:link], [beside], lines[link:], keep_tail=len(lines) - link)
    if outside_step is not None:
        trace.update(answer="life-event-outside-step", event=life_event.name)
        await keep_step_asked(state, outside_step, unmatched=said(event) or "")
        ask = ask_line(outside_step, wording)
        return "\n".join([ask, OTHER_STEPS.format(name=life_event.name), OFFER])
    trace.update(answer="life-event", event=life_event.name)
    # 「开个小卖部，不卖烟」: a step whose case the citizen said is not theirs is left out
    steps = [step for step in steps if not ruled_out(step, said(event) or "")]
    # A checklist may not answer what was asked (「残疾补贴发到哪张卡上了」): 「人工」 next
    # forwards the words.
    memory.unmatched = said(event) or ""
    if not steps:
        await keep(state, memory)
        return wording.say(NOTHING, name=life_event.name)
    codes = [step.item.code for step in steps if step.item is not None]
    memory.step_asked = ""
    if codes:
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
    else:
        await keep(state, memory)
    name = f"{life_event.name}」和「{also.name}" if also is not None else life_event.name
    lines = [(INTRO if codes else NO_ITEMS).format(name=name)]
    number = 0
    for step in steps:
        if step.item is None:
            if step.department is not None or step.office:
                lines.append("· " + ask_line(step, wording))
            continue
        number += 1
        lines.append(f"{number}. {shorten(step_line(step.label, step.item.name), 60)}")
        office = step.item.department
        if office is not None and TOWN_OFFICE.search(office.name) and step.item.location:
            # a town's own entry (`_the_towns_entries`): where in the town, and its phone
            phone = f" {step.item.phone}" if step.item.phone else ""
            lines.append("   " + shorten(f"在{step.item.location}办{phone}", 60))
        lines.append(f"   {item_url(settings.public_base_url, step.item.code)}")
    return fit(lines, [], [HINT if codes else OFFER])


# A checklist's step that ends what an item gave (「领高龄津贴：告知民政局停发」)
STOPPING = re.compile("停发|停止|注销|告知")


def stops_what_it_gave(label: str, item: Item) -> bool:
    """Whether the step ends what the item gave (a benefit stopped after a death) rather than
    applies for it; an item that is itself an ending (个体工商户注销登记) is applied for."""
    return STOPPING.search(label) is not None and STOPPING.search(item.name) is None


# Words applying for what a stop step ends (「他走了 我们家低保怎么申请」): the item itself.
APPLYING = re.compile("申请|申领|新办|想办")
# What a stop step's answer may show beside whom to tell: where, when, which phone.
CONTACT_ASPECTS = frozenset({"phone", "place", "where", "hours"})
# 「要办啥手续」 「该干啥」: what is to be done, every step.
WHAT_TO_DO = re.compile("(?:啥|什么|哪些)手续|办(?:啥|什么)|(?:干|做)(?:啥|什么)|咋整")


def _asks_all_beside(text: str, item: Item, steps: list[ResolvedStep]) -> bool:
    """Whether a clause of its own asks what is to be done, beside the clause telling the
    benefit a step ends (「他吃低保，要办啥手续」; not 「她领的高龄补贴要去办啥」: what to do
    about it)."""
    label = next((s.label for s in steps if s.item and s.item.code == item.code), "")
    if not label or not stops_what_it_gave(label, item):
        return False
    return any(
        WHAT_TO_DO.search(clause) and one_step_named(read(clause).core, steps) is None
        for clause in clauses(text)
    )


def stop_answer(item: Item, label: str, base_url: str, aspect: str | None = None) -> str:
    """Such a step opened: what it is, what the guide says of the ending, whom to tell (and
    where, or when, if that was asked)."""
    told = [s for s in guide_sentences(item) if DEATH_IN_GUIDE.search(s)][:MAX_NOTES]
    shown = aspect if aspect in CONTACT_ASPECTS else "phone"
    lines = cards.answer(item, base_url, shown).splitlines()
    lines[1:1] = [texts.STEP_STOPS.format(step=label), *told]
    return "\n".join(lines)


async def keep_step_asked(state: FSMContext, step: ResolvedStep, **changes: Any) -> None:
    """Remember that whom to ask for this step was the answer (the checklist stays shown)."""
    office = step.department.id if step.department is not None else 0
    await keep(state, await recall(state), step_asked=step.label, department_id=office, **changes)


def ask_line(step: ResolvedStep, wording: texts.Wording) -> str:
    """A step no item serves: 「注销户口：本县目录暂无此事项，请咨询县公安局（…）」."""
    department = step.department
    if department is not None:
        phone = f"（{department.phone}）" if department.phone else ""
        name = department.short_name or department.name
    else:
        phone, name = "", f"当地{step.office}"
    return wording.say(ASK, label=step.label, department=name, phone=phone)


def _items(steps: list[ResolvedStep]) -> list[Item]:
    return [step.item for step in steps if step.item is not None]


def step_line(label: str, name: str) -> str:
    """A step as the checklist shows it: the item's own name first, as the window and every
    list of the bot name it, then the step in plain words when they say more
    (「失业保险金申领（领失业保险金）」; 「办营业执照（个体工商户设立登记）」 →
    「个体工商户设立登记（办营业执照）」)."""
    plain = BRACKETED.sub("", label).strip() if name in label else label
    plain = "".join(plain.replace(name, "").split()).strip("：:—")
    if not plain or plain in name:
        return name
    return f"{name}——{plain}" if "（" in plain else f"{name}（{plain}）"


async def the_step_every_case_needs(
    session: AsyncSession,
    list_query: str,
    listed: list[Item],
    aspect: str,
    told: str = "",
    story: str = "",
) -> Item | None:
    """Of a life event's checklist just shown (`list_query` its name, `listed` its entries),
    the one entry whose step every case takes (no condition before its label: 「需要砍树：」
    is for some only), when exactly one is: a question about the checklist asks about it
    (「批下来要多长时间」 after building a house) — unless several bodies grant it (the
    county's bureau and the towns) and answer it differently (their phones). Else the one
    entry whose circumstances the question tells (「急得很 能不能先给点」: 临时救助). Of several
    every case takes, the one the `story` that brought the checklist named (「…房子也买了，
    户口想迁过来」: 户口迁移审批, not the 身份证 that changes with it)."""
    known = await known_events(session)
    event = next((e for e in known.events if e.name == list_query), None)
    if event is None:
        return None
    steps = await resolved_steps(session, event)
    labels = {s.item.name: s.label for s in steps if s.item}
    every = [i for i in listed if i.name in labels and CONDITION_MARK not in labels[i.name]]
    pointed = the_step_pointed_to(told, steps) if told else None
    if not every and pointed is not None and pointed.item is not None:
        code = pointed.item.code
        return next((item for item in listed if item.code == code), None)
    if len(every) > 1 and story:
        # the words of the story beside the situation's own (「开个理发店」 names no one step)
        situation = known.match(story)
        beside = story.replace(situation[1], " ") if situation is not None else story
        every = _named_in_the_story(every, beside) or every
    if len(every) > 1:
        # 「开液化气站」 then 「要带啥材料」: the trade's own licence, not the business licence
        # every shop takes
        own = [item for item in every if item.name not in known.common]
        every = own if len(own) == 1 and LICENCE_SAID in own[0].name else every
    if len(every) != 1:
        return None
    if (every[0].region_code or "") != parsing.COUNTY_CODE:
        return every[0]  # the town's own, shown for the town the citizen told
    # several bodies grant it (the county's bureau and the towns): whose is asked, unless
    # the answer is the same for each (「批下来要多长时间」: 7个工作日 everywhere; not the phone)
    granting = await queries.items_by_basic_code(session=session, basic_code=every[0].basic_code)
    answers = {LINK.sub("", cards.answer(item, "", aspect)) for item in granting}
    return every[0] if len(answers) <= 1 else None


LINK = re.compile(r"\S*/items/\S+")
STORY_NAMING = 2  # characters of an item's name or keyword a story says that name it


def _named_in_the_story(items: list[Item], story: str) -> list[Item]:
    """The one item whose name or keywords the story says a run of, longer than any other's;
    [] when none or several do."""
    told = fold(normalise(story))
    runs = {
        item.code: max(
            (name_run_of(fold(str(w)), told) for w in (item.name, *item.keywords)), key=len
        )
        for item in items
    }
    longest = max((len(run) for run in runs.values()), default=0)
    named = [item for item in items if len(runs[item.code]) == longest]
    return named if longest >= STORY_NAMING and len(named) == 1 else []


# 「先办哪个」 「第一步干啥」 「从哪开始」: which step comes first.
FIRST_ASKED = re.compile(
    "^(?:那|那么|那我|我)?(?:"
    "(?:先|首先|最先|第一步|一开始)(?:得|要|该|应该|需要)?(?:办|弄|跑|去|干|搞|做)?"
    "(?:哪个|哪一个|哪样|哪一样|啥|什么|哪项|哪一项|哪步|哪一步|哪个部门|哪里|哪儿|哪)"
    "|从哪(?:个|里|儿|一步|步)?(?:开始|下手|办起)"
    # 「第一步在哪办」 「头一步找谁」: where the first step is done
    "|(?:第一步|头一步)(?:得|要|该)?(?:在哪里?|去哪里?|在哪儿|找谁|找哪个部门)(?:办|弄|开|跑|去)?"
    ")(?:呢|啊|呀|吧|嘛)*$"
)


class FirstStepAsked(Filter):
    """Which step comes first (「先办哪个」), right after an item list: passes `in_order`,
    whether the list is a life event's checklist (whose first entry is the answer) or a
    choice between alternatives, which have no order; None when nothing was listed yet."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        if not text or state is None or not isinstance(session, AsyncSession):
            return False
        if FIRST_ASKED.match(normalise(text)) is None:
            return False
        memory = await recall(state)
        known = await known_events(session)
        checklist = any(e.name == memory.list_query for e in known.events)
        if memory.numbered == "items" and memory.list_page == 1 and checklist:
            return {"in_order": True}  # also after opening one of its steps
        if memory.focus != "list":
            # nothing listed just now to put in order: what they want to do is asked
            return {"in_order": None}
        return {"in_order": False} if memory.numbered == "items" else False


class OutsideStepOfTheChecklist(Filter):
    """Right after a life event's checklist, a question naming one of its steps that no item
    serves (「合作社登记在哪办」 「社保关系转移在哪办」): passes `life_event`, `steps` and
    `outside_step`, whom to ask being the answer."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        if not text or state is None or not isinstance(session, AsyncSession):
            return False
        memory = await recall(state)
        if memory.focus != "list" or memory.numbered != "items" or not memory.list_query:
            return False
        known = await known_events(session)
        life_event = next((e for e in known.events if e.name == memory.list_query), None)
        told = known.match(text)
        if life_event is None or (told is not None and told[0].name != life_event.name):
            return False  # 「准备在宅基地上盖新房子 要办啥」 tells another situation
        steps = await resolved_steps(session, life_event)
        step = one_outside_step_named(read(text).core, steps, thing_alone=True)
        if step is None:
            return False
        if told is not None and one_outside_step_named(fold(told[1]), steps, True) is not step:
            return False  # the situation told again; 「死亡证明哪达开」: its trigger is the step
        return {"life_event": life_event, "steps": steps, "outside_step": step}


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-life-events")
    on_said(router, OutsideStepOfTheChecklist())(answer)
    on_said(router, LifeEventQuestion())(answer)
    return router
