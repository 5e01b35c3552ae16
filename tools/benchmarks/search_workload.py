"""Province-scale catalogues and citizen-like queries of all six classes, generated
deterministically from the real catalogue for the speed benchmark."""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Sequence

import opencc
from pypinyin import Style, lazy_pinyin

from search import Document, SynonymTable
from search.syllables import readings

QUALIFIERS = ("（县级）", "（市级）", "（省级）", "（乡镇）")
TEMPLATES = ("{}怎么办理", "请问{}需要什么材料", "我想{}去哪里办", "{}要什么手续吗", "怎么申请{}")
# What citizens write around the thing they ask about (the pool of `citizen_pool`).
QUESTIONS = (
    *TEMPLATES, "{}在哪里办", "{}要带什么", "办{}要多久", "{}需要什么条件", "{}怎么弄",
    "我要办{}", "{}？", "请问{}", "{}在哪办理啊", "{}网上能办吗", "{}收费吗", "咨询一下{}",
    "{}的流程", "{}去哪个部门", "想问下{}怎么办",
)  # fmt: skip
SUFFIXES = ("", "办理", "补办", "申请", "怎么办", "去哪办", "要什么材料", "多少钱")
KINDS = ("partial", "typo", "pinyin", "synonym", "colloquial", "variant")
POOL_KINDS = ("name", *KINDS, "question", "initials")


def multiply(base: Sequence[Document], size: int, seed: int = 7) -> list[Document]:
    """`size` documents: the real names across synthetic regions and departments; a quarter
    of the copies carry a level qualifier, as province-wide lists do."""
    rng = random.Random(seed)
    out: list[Document] = []
    copy = 0
    while len(out) < size:
        region = f"{620000 + copy * 7 % 10000:06d}"
        for doc in base:
            if len(out) >= size:
                break
            name = doc.name
            if copy and rng.random() < 0.25:
                name += rng.choice(QUALIFIERS)
            body = f"{region}000000{copy:08d}X0"
            out.append(
                dataclasses.replace(
                    doc,
                    code=f"{body}—{doc.code[-10:]}",
                    name=name,
                    department=f"{doc.department}（{region}）",
                    extra_codes=(),
                )
            )
        copy += 1
    return out


# Where a name falls apart into the pieces citizens would type on their own.
_PIECES = re.compile(r"[（）()【】\[\]、，,；;：:“”\"《》/\s]+|的|和|及|与|或者|或")


class QueryMaker:
    """Queries of the six classes of the development set, from random real names.
    `natural`: fragments are whole pieces of a name or their beginning or end (二手车交易,
    not 车交易登记的), as citizens cut names; otherwise any run of characters."""

    def __init__(self, base: Sequence[Document], seed: int = 11, natural: bool = False) -> None:
        self.rng = random.Random(seed)
        self.natural = natural
        self.names = [doc.name for doc in base if len(doc.name) >= 4]
        self.t2s = opencc.OpenCC("s2t")
        self.synonyms = [entry.colloquial for entry in SynonymTable.default().entries()]
        self.by_sound: dict[str, list[str]] = {}
        for name in self.names:
            for char in name:
                self.by_sound.setdefault(readings(char)[0], []).append(char)

    def fragment(self) -> str:
        if self.natural:
            return self.piece()
        name = self.rng.choice(self.names).split("（")[0].split("(")[0] or self.names[0]
        length = min(len(name), self.rng.randint(3, 8))
        start = self.rng.randint(0, len(name) - length)
        return name[start : start + length]

    def piece(self) -> str:
        """A piece of a name between punctuation and joining words, whole or cut at its
        beginning or end (at least two characters)."""
        for _ in range(20):
            pieces = [p for p in _PIECES.split(self.rng.choice(self.names)) if len(p) >= 2]
            if pieces:
                break
        else:
            return self.names[0][:4]
        piece = self.rng.choice(pieces)
        length = min(len(piece), self.rng.randint(2, 8))
        roll = self.rng.random()
        if roll < 0.4 or length == len(piece):
            return piece if len(piece) <= 12 else piece[-8:]
        return piece[:length] if roll < 0.6 else piece[-length:]

    def typo(self) -> str:
        text = list(self.fragment())
        at = self.rng.randrange(len(text))
        same = [c for c in self.by_sound.get(readings(text[at])[0], []) if c != text[at]]
        text[at] = self.rng.choice(same) if same else self.rng.choice("的一是在不了有和人这")
        return "".join(text)

    def make(self, kind: str) -> str:
        if kind == "name":  # the whole name, often without its bracketed qualifier
            name = self.rng.choice(self.names)
            return name if self.rng.random() < 0.5 else name.split("（")[0] or name
        if kind == "question":  # a longer question around a fragment or a colloquial word
            thing = self.fragment() if self.rng.random() < 0.7 else self.rng.choice(self.synonyms)
            return self.rng.choice(QUESTIONS).format(thing)
        if kind == "initials":  # first letters of a short name (lsjz), as some citizens type
            return "".join(s[0] for s in lazy_pinyin(self.fragment(), style=Style.NORMAL) if s)
        if kind == "partial":
            return self.fragment()
        if kind == "typo":
            return self.typo()
        if kind == "pinyin":
            syllables = lazy_pinyin(self.fragment(), style=Style.NORMAL)
            return (" " if self.rng.random() < 0.5 else "").join(syllables)
        if kind == "synonym":
            suffixes = SUFFIXES if self.natural else SUFFIXES[:4]
            return self.rng.choice(self.synonyms) + self.rng.choice(suffixes)
        if kind == "colloquial":
            return self.rng.choice(TEMPLATES).format(self.fragment())
        text = self.fragment()
        choice = self.rng.randrange(3)
        if choice == 0:
            return str(self.t2s.convert(text))
        if choice == 1:
            return "".join(_wide(c) for c in text) + "？"
        return f"【{text}】！！"

    def queries(self, count: int) -> list[str]:
        return [self.make(KINDS[i % len(KINDS)]) for i in range(count)]


def citizen_pool(
    base: Sequence[Document], seeds: Sequence[str] = (), size: int = 20_000, seed: int = 13
) -> list[str]:
    """`size` distinct citizen-like queries in a fixed random order: `seeds` (the development
    set) and then queries of every kind of variation made from the catalogue's names —
    whole and partial names, homophone typos, pinyin and initials, dictionary words,
    colloquial questions, traditional, full-width and punctuated forms."""
    maker = QueryMaker(base, seed, natural=True)
    pool = dict.fromkeys(query for query in seeds if query.strip())
    attempts = stale = 0
    while len(pool) < size:
        attempts += 1
        query = maker.make(POOL_KINDS[attempts % len(POOL_KINDS)]).strip()
        if query and query not in pool:
            pool[query] = None
            stale = 0
        elif (stale := stale + 1) > 5000:
            raise ValueError(f"only {len(pool)} distinct queries from this catalogue, not {size}")
    queries = list(pool)[:size]
    random.Random(seed).shuffle(queries)  # popularity (the rank) is unrelated to the kind
    return queries


class Zipf:
    """Draws from a list with probability ∝ 1 / rank**s (s ≈ 1: a few queries very often,
    most rarely — how people ask a public service)."""

    def __init__(self, items: Sequence[str], s: float = 1.0) -> None:
        if not items:
            raise ValueError("nothing to draw from")
        self.items = list(items)
        self.s = s
        total, cumulative = 0.0, []
        for rank in range(1, len(items) + 1):
            total += rank**-s
            cumulative.append(total)
        self._cumulative = cumulative

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self._cumulative)[0]

    def distinct_share(self, draws: int, rng: random.Random) -> float:
        """The share of `draws` messages that repeat no earlier one: the hit rate of an
        unbounded answer cache is 1 minus this (one cache for all workers)."""
        seen = {self.draw(rng) for _ in range(draws)}
        return len(seen) / max(draws, 1)


def _wide(char: str) -> str:
    """The full-width form of an ASCII character (what Chinese input methods often type)."""
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char
