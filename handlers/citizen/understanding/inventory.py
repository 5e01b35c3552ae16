"""The phrase inventory (`phrases.json`): what citizens say per intent and per question about
an item, the filler words of speech, and the old and colloquial names of departments."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

TALK = "talk"  # small talk: answered in a sentence, never with a card or a list
ACT = "act"  # asks the bot to do something other than search (complain, 人工, 解绑 …)
DATA = "data"  # asks about public money (funds, poverty projects)


@dataclass(frozen=True)
class Entry:
    """One intent or aspect: its name, kind, the words that carry it and example messages."""

    name: str
    kind: str
    terms: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Inventory:
    """Everything the conversation layer learns from, read once from the package data."""

    intents: dict[str, Entry]
    aspects: dict[str, Entry]
    fillers: tuple[str, ...]
    department_aliases: dict[str, str]
    measure_words: tuple[str, ...] = ()
    # Measure words read only right after a number (两层楼; not 基层, 户口).
    counters: tuple[str, ...] = ()
    # Words of when and how far along (刚, 已经, 昨天), longest first: said inside a life event's
    # words (老人刚走了), they do not change what happened.
    when_words: tuple[str, ...] = ()
    # How people say what the catalogue writes otherwise (老头子 → 老年人), longest first.
    colloquial: tuple[tuple[str, str], ...] = ()
    # A complaint's words that also tell one's own situation (没人管): not a complaint when a
    # question about an item follows them.
    circumstances: frozenset[str] = frozenset()
    # 「俺家今年草原补奖发了多少钱」: whose (owners) before what was received — one's own records.
    own_owners: tuple[str, ...] = ()
    own_received: tuple[str, ...] = ()
    # Messages that only name an item (a search): the classifier's "none of the intents".
    searches: tuple[str, ...] = ()
    # Words said right before and after 人工's words that only say how to talk to the person
    # (跟 … 沟通): the phrase they make with them is one command. Longest first.
    human_before: tuple[str, ...] = ()
    human_after: tuple[str, ...] = ()
    human_asking: tuple[str, ...] = ()
    # How people say what guides write otherwise (门面 → 营业场所), longest first: for questions
    # about the card just shown that only the guide's sentences answer.
    guide_terms: tuple[tuple[str, str], ...] = ()
    # What citizens say of the answer just shown (「挺有用的」 「说得不清楚」): see Verdicts.
    verdicts: Verdicts | None = None


@dataclass(frozen=True)
class Verdicts:
    """Plain words judging an answer, by the score (1–5) they give it, with the degree words
    that may come before them and the words naming what was said (说得, 这个回答)."""

    levels: dict[str, int]
    strong: tuple[str, ...]  # longest first: 非常 before 很
    mild: tuple[str, ...]
    said_by: tuple[str, ...]
    needs_degree: frozenset[str]


def _entries(raw: dict[str, Any], default_kind: str) -> dict[str, Entry]:
    return {
        name: Entry(
            name=name,
            kind=str(value.get("kind", default_kind)),
            terms=tuple(str(t).lower() for t in _terms(value)),
            examples=tuple(str(e) for e in value.get("examples", [])),
        )
        for name, value in raw.items()
    }


def _terms(value: dict[str, Any]) -> list[Any]:
    """An entry's terms: those listed, then every person of `people` followed by every way of
    acting of `acting` (家里人 + 去办: 「家里人去办」)."""
    people, acting = value.get("people", []), value.get("acting", [])
    return [*value.get("terms", []), *(f"{p}{a}" for p in people for a in acting)]


def parse(raw: dict[str, Any]) -> Inventory:
    """An inventory from the JSON structure of `phrases.json` (checked: kinds are known)."""
    intents = _entries(raw["intents"], ACT)
    aspects = _entries(raw["aspects"], "aspect")
    for entry in intents.values():
        if entry.kind not in (TALK, ACT, DATA):
            raise ValueError(f"intent {entry.name}: unknown kind {entry.kind!r}")
    aliases = {str(k): str(v) for k, v in raw["department_aliases"]["names"].items()}
    fillers = tuple(sorted({str(f) for f in raw["fillers"]}, key=lambda w: (-len(w), w)))
    measures = tuple(str(m) for m in raw.get("measure_words", []))
    spoken = raw.get("colloquial", {}).get("words", {})
    colloquial = _pairs_longest_first(spoken)
    joined = raw.get("joined_to_human", {})
    return Inventory(
        verdicts=_verdicts(raw.get("verdicts")),
        human_before=_longest_first(joined.get("before", [])),
        human_after=_longest_first(joined.get("after", [])),
        human_asking=_longest_first(joined.get("asking", [])),
        intents=intents,
        aspects=aspects,
        fillers=fillers,
        department_aliases=aliases,
        measure_words=measures,
        counters=tuple(str(c) for c in raw.get("counters", [])),
        when_words=_longest_first(raw.get("when_words", {}).get("words", [])),
        colloquial=colloquial,
        guide_terms=_pairs_longest_first(raw.get("guide_terms", {}).get("words", {})),
        searches=tuple(str(s) for s in raw.get("searches", {}).get("examples", [])),
        circumstances=frozenset(
            str(w).lower() for w in raw.get("circumstances", {}).get("words", [])
        ),
        own_owners=_longest_first(raw.get("own_money", {}).get("owners", [])),
        own_received=_longest_first(raw.get("own_money", {}).get("received", [])),
    )


def _verdicts(raw: dict[str, Any] | None) -> Verdicts | None:
    if raw is None:
        return None
    levels: dict[str, int] = {}
    for score, words in raw["levels"].items():
        if not 1 <= int(score) <= 5:
            raise ValueError(f"verdicts: score {score!r} is not 1–5")
        for word in words:
            if str(word) in levels:
                raise ValueError(f"verdicts: {word!r} has two scores")
            levels[str(word)] = int(score)
    return Verdicts(
        levels=levels,
        strong=_longest_first(raw.get("strong", [])),
        mild=_longest_first(raw.get("mild", [])),
        said_by=_longest_first(raw.get("said_by", [])),
        needs_degree=frozenset(str(w) for w in raw.get("needs_degree", [])),
    )


def _pairs_longest_first(words: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Said → written pairs, the longest said words first; several written ways of one said
    word (a list) are kept apart by 「|」, which no text holds."""
    pairs = (
        (str(k), "|".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in words.items()
    )
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


def _longest_first(words: list[Any]) -> tuple[str, ...]:
    return tuple(sorted({str(w) for w in words}, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def inventory() -> Inventory:
    """The inventory shipped with the package."""
    text = resources.files(__package__).joinpath("phrases.json").read_text(encoding="utf-8")
    return parse(json.loads(text))
