"""Province-scale catalogues and citizen-like queries of all six classes, generated
deterministically from the real catalogue for the speed benchmark."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence

import opencc
from pypinyin import Style, lazy_pinyin

from search import Document, SynonymTable
from search.syllables import readings

QUALIFIERS = ("（县级）", "（市级）", "（省级）", "（乡镇）")
TEMPLATES = ("{}怎么办理", "请问{}需要什么材料", "我想{}去哪里办", "{}要什么手续吗", "怎么申请{}")


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


class QueryMaker:
    """Queries of the six classes of the development set, from random real names."""

    def __init__(self, base: Sequence[Document], seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.names = [doc.name for doc in base if len(doc.name) >= 4]
        self.t2s = opencc.OpenCC("s2t")
        self.synonyms = [entry.colloquial for entry in SynonymTable.default().entries()]
        self.by_sound: dict[str, list[str]] = {}
        for name in self.names:
            for char in name:
                self.by_sound.setdefault(readings(char)[0], []).append(char)

    def fragment(self) -> str:
        name = self.rng.choice(self.names).split("（")[0].split("(")[0] or self.names[0]
        length = min(len(name), self.rng.randint(3, 8))
        start = self.rng.randint(0, len(name) - length)
        return name[start : start + length]

    def typo(self) -> str:
        text = list(self.fragment())
        at = self.rng.randrange(len(text))
        same = [c for c in self.by_sound.get(readings(text[at])[0], []) if c != text[at]]
        text[at] = self.rng.choice(same) if same else self.rng.choice("的一是在不了有和人这")
        return "".join(text)

    def make(self, kind: str) -> str:
        if kind == "partial":
            return self.fragment()
        if kind == "typo":
            return self.typo()
        if kind == "pinyin":
            syllables = lazy_pinyin(self.fragment(), style=Style.NORMAL)
            return (" " if self.rng.random() < 0.5 else "").join(syllables)
        if kind == "synonym":
            return self.rng.choice(self.synonyms) + self.rng.choice(("", "办理", "补办", "申请"))
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
        kinds = ("partial", "typo", "pinyin", "synonym", "colloquial", "variant")
        return [self.make(kinds[i % len(kinds)]) for i in range(count)]


def _wide(char: str) -> str:
    """The full-width form of an ASCII character (what Chinese input methods often type)."""
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char
