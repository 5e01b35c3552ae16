"""An index entry: the documents sharing one searchable text, with its precomputed forms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from search.direction import WORDS as DIRECTION_WORDS
from search.direction import Directions, direction_of
from search.document import Document
from search.normalise import normalise
from search.query import INFO_WORDS
from search.syllables import bigrams, encode, positions, spoken

# Words of an item's life after the first application; a query naming none of them most
# likely means the first application (新办/设立/申领), so such items rank a little lower.
# The words of `search/data/directions.tsv` are ranked by the direction rule instead.
LIFECYCLE_WORDS = (
    "注销", "变更", "延续", "补办", "补发", "补领", "补证", "换发", "换领", "换证", "遗失",
    "损毁", "歇业", "停业", "恢复", "撤销", "迁出", "迁入", "转出", "转入", "延期", "过户",
    "解挂", "挂失", "重置", "修改", "终止", "暂停", "更正", "期满", "到期", "校验", "复核",
    "重新", "撤回", "解除", "注册证书", "增加", "密码", "作废", "缴销", "核销",
)  # fmt: skip
_BRACKETED = re.compile(r"[（(【\[〔][^）)】\]〕]*[）)】\]〕]")
# Items for a special group of people, named in brackets or before the thing (机动车驾驶证初次
# 申领(外国人申领…), 军人退役养老保险关系转移接续): a citizen of the county who does not name
# the group wants the ordinary item (大陆居民, 城乡居民, 企业职工), so these rank a little lower
# (机关事业单位: civil servants' own pension and insurance items).
SPECIAL_GROUPS = (
    "外国人",
    "外籍",
    "境外",
    "外交人员",
    "港澳台居民",
    "台湾居民",
    "华侨",
    "军人",
    "随军",
    "武警",
    "军警",
    "大学生",
    "机关事业单位",
)
# Never in a normalised text (letters, digits, hanzi): a character or pair of characters is
# in the joined related texts exactly when it is in one of them.
AUX_SEPARATOR = "\x00"
PENALTY_CATEGORY = "CF"
MILD_CATEGORIES = frozenset({"QZ", "JD"})  # coercion and inspection: rarely what citizens want


def pairs(text: str) -> frozenset[str]:
    """Adjacent character pairs (the single character of a one-character text)."""
    if len(text) == 1:
        return frozenset((text,))
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def entry_key(doc: Document) -> str:
    """Documents with the same key share one entry (province lists repeat names)."""
    aux = "\x01".join(text_fields(doc)[1:])
    return f"{normalise(doc.name)}\x00{aux}"


def text_fields(doc: Document) -> tuple[str, ...]:
    """Normalised name, then the other searchable texts (parent, sub item, aliases, keywords)."""
    name = normalise(doc.name)
    seen = {name, ""}
    out = [name]
    for text in (doc.parent_name, doc.sub_name, *doc.aliases, *doc.keywords):
        value = normalise(text)
        if value not in seen:
            seen.add(value)
            out.append(value)
    return tuple(out)


@dataclass(slots=True)
class Entry:
    """Mutable only through `SearchIndex` (under its lock); `docs` is replaced, never edited."""

    eid: int
    name: str
    core: str  # the name without bracketed qualifiers such as （县级）
    actions: tuple[str, ...]  # lifecycle words of the name that name no direction
    directions: Directions  # life-event direction of the name (search/direction.py)
    aux: tuple[str, ...]
    aux_text: str  # the related texts joined by AUX_SEPARATOR: one `in` finds a pair in any
    name_sound: str  # encoded syllables of the most likely reading
    sound_pairs: frozenset[str]
    info_only: bool
    booking: bool  # an information item that books the service (预约): a service of sorts
    kinds: Mapping[int, frozenset[str]]  # kinds of a family of SIBLINGS the name names
    groups: frozenset[str]  # the SPECIAL_GROUPS the name is for (most: none)
    docs: tuple[Document, ...] = field(default=())
    penalty_only: bool = False  # every document is a penalty item

    @classmethod
    def create(cls, eid: int, doc: Document) -> Entry:
        name, *aux = text_fields(doc)
        syllables = spoken(name)
        core = normalise(_BRACKETED.sub("", doc.name)) or name
        return cls(
            eid=eid,
            name=name,
            core=core,
            actions=tuple(
                word for word in LIFECYCLE_WORDS if word in name and word not in DIRECTION_WORDS
            ),
            directions=direction_of(name),
            aux=tuple(aux),
            aux_text=AUX_SEPARATOR.join(aux),
            name_sound=encode(syllables),
            sound_pairs=frozenset(sound_pairs_of(name)),
            info_only=any(word in name for word in INFO_WORDS),
            booking="预约" in name,
            kinds=kinds_of(name),
            groups=frozenset(group for group in SPECIAL_GROUPS if group in name),
        )

    def set_docs(self, docs: tuple[Document, ...]) -> None:
        """Replace the documents (one assignment each: readers see old or new, never half)."""
        self.penalty_only = bool(docs) and all(is_penalty(doc) for doc in docs)
        self.docs = docs


# Kinds of one family (the branches of social insurance, marriage and divorce, birth and
# death, the licensed professions): a name about another kind than the one the query names
# answers another question (医师资格证 is not 教师资格证, one character apart).
PROFESSIONS = (
    "教师",
    "医师",
    "护士",
    "律师",
    "兽医",
    "药师",
    "导游",
    "公证员",
    "建造师",
    "乡村医生",
)
SIBLINGS = (
    ("养老", "医疗", "失业", "工伤", "生育"),
    ("结婚", "离婚"),
    ("出生", "死亡"),
    PROFESSIONS,
)
_NO_KINDS: Mapping[int, frozenset[str]] = {}


def kinds_of(text: str) -> Mapping[int, frozenset[str]]:
    """The kinds of each family of SIBLINGS a text names, by family (most name none)."""
    found: dict[int, frozenset[str]] = {}
    for family, kinds in enumerate(SIBLINGS):
        named = frozenset(kind for kind in kinds if kind in text)
        if named:
            found[family] = named
    return found or _NO_KINDS


def sound_pairs_of(text: str) -> set[str]:
    """Syllable-pair tokens of a normalised text, every reading of polyphones."""
    return bigrams(positions((text,)))


def is_penalty(doc: Document) -> bool:
    """A penalty (处罚) item: category CF, or an uncategorised `对……的处罚`."""
    if doc.category:
        return doc.category == PENALTY_CATEGORY
    name = doc.name.rstrip("）)")
    return doc.name.startswith("对") and ("处罚" in name[-6:] or "罚款" in name[-6:])
