"""The life-event direction of a query or an item name: new, change, end, replace, renew,
resume, transfer, void or info (`search/data/directions.tsv`), and whether an item goes the
other way."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import LCSseq

NEW = "new"
DIRECTIONS = frozenset(
    {NEW, "change", "end", "replace", "renew", "resume", "transfer", "void", "info"}
)
Directions = frozenset[str]
NEUTRAL: Directions = frozenset()
# A word of the table naming no direction: it only keeps a shorter word inside it from being
# read (更换 of 辅助器具配置（更换）申请 is not 换, a change; 过户籍 is not 过户).
NONE = "none"
PASSIVE = "被"
_BRACKETED = re.compile(r"[（(【\[〔《][^）)】\]〕》]*[）)】\]〕》]")


class DirectionFileError(ValueError):
    """A line of the direction table is not `word<TAB>direction`."""


def _load() -> dict[str, str]:
    text = resources.files("search.data").joinpath("directions.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[1].strip() not in DIRECTIONS | {NONE}:
            raise DirectionFileError(f"directions.tsv:{number}: expected word<TAB>direction")
        table[parts[0].strip()] = parts[1].strip()
    return table


WORDS = _load()
# Longest first, so 再注册 (renew) is seen before 注册 (new).
_WORD_RE = re.compile("|".join(map(re.escape, sorted(WORDS, key=lambda w: (-len(w), w)))))


@lru_cache(maxsize=65536)
def direction_of(text: str) -> Directions:
    """The directions a normalised text names: the non-new ones it contains, else `new` when
    it has a word for a first application, else none (a neutral text)."""
    found = {
        _read(text, match) for match in _WORD_RE.finditer(text) if not _passive(text, match)
    } - {NONE}
    later = frozenset(found - {NEW})
    if later:
        return later
    return frozenset({NEW}) if found else NEUTRAL


def without_directions(text: str) -> str:
    """The text without its words of a life event (「证丢了要补」 → 「证了要」)."""
    return _WORD_RE.sub("", text)


def _passive(text: str, match: re.Match[str]) -> bool:
    """True when the word follows 被: what was done to the citizen (户口被注销了, 证被吊销),
    not the life event asked for (that is named after it: 申请恢复, 补办), or a denial
    (「不是要注销 是要新办」: what is not wanted)."""
    before = text[max(0, match.start() - len(DENIED[0])) : match.start()]
    return (match.start() > 0 and text[match.start() - 1] == PASSIVE) or before.endswith(DENIED)


# Words before a direction word that deny it is wanted, longest first.
DENIED = ("不是要", "不是想", "并不是", "不是", "不要", "不用", "不想")
# 换 alone is a change (换园长, 换地址); a paper replaced (换社保卡, 社保卡洗坏了咋换) is a
# renewal unless what is changed is named.
CHANGE = "换"
PAPER_NAMED = re.compile("[证卡照本]")
# What a way's words may leave beside a paper (咋补: 补; 证书: 书): no thing of its own.
LEFT_BY_A_WAY = frozenset("补办领换书")


def left_by_a_way(char: str) -> bool:
    """Whether a character left beside a way's words names no thing (a paper word, 补 of 咋补)."""
    return char in LEFT_BY_A_WAY or PAPER_NAMED.match(char) is not None


DETAIL_NAMED = re.compile(
    "地址|名字|名称|姓名|法人|负责人|园长|法定代表人|经营范围|住所|电话|手机号|信息|性别|民族"
)


def _read(text: str, match: re.Match[str]) -> str:
    """The direction a word of the table names in this text (CHANGE read as a renewal)."""
    word = match.group()
    if word == CHANGE and PAPER_NAMED.search(text) and not DETAIL_NAMED.search(text):
        return "renew"
    return WORDS[word]


def direction_outside(text: str, spans: list[tuple[int, int]]) -> Directions:
    """`direction_of` counting only the words not wholly inside one of `spans` (the words of
    the dictionary that name a thing: 丢了工作 is 失业, not a lost paper)."""
    found = {
        _read(text, match)
        for match in _WORD_RE.finditer(text)
        if not any(start <= match.start() and match.end() <= end for start, end in spans)
        and not _passive(text, match)
    } - {NONE}
    later = frozenset(found - {NEW})
    if later:
        return later
    return frozenset({NEW}) if found else NEUTRAL


def either(first: Directions, second: Directions) -> Directions:
    """The directions two readings of one text name together (the query as typed and without
    its question words: 换个地址 names 换地址), by the rule of `direction_of`."""
    later = (first | second) - {NEW}
    if later:
        return later
    return first | second


RESUME = "resume"


def asked(query: Directions) -> Directions:
    """The directions a query asks for: a query naming `resume` tells what it undoes too
    (户口被注销了申请恢复, 挂失了又找到了, 停业了想恢复营业): that earlier event is its story,
    not what it asks; information about the resumed item stays asked."""
    if RESUME in query:
        return query & {RESUME, "info"}
    return query


def wanted(query: Directions) -> Directions:
    """What a query asks for: the directions it names, or the item itself (new) by default."""
    return query or _NEW_ONLY


_NEW_ONLY: Directions = frozenset({NEW})
_INFO_ONLY: Directions = frozenset({"info"})


def goes_the_other_way(item: Directions, query: Directions) -> bool:
    """True when the item's life event differs from what the query asks (注册 vs 注销, 补办 vs
    设立). A neutral item never does; an information item only when the query names a
    direction of its own (information items are ranked by their own rule otherwise), and an
    information item about another life event when the query asks for information."""
    if not item:
        return False
    want = query or _NEW_ONLY
    if not query and item <= _INFO_ONLY:
        return False
    if want == _NEW_ONLY and item == _NEW_ONLY:
        return False
    if item.isdisjoint(want):
        return True
    if "info" not in want:
        return False
    # An information item about a life event (补领离婚证预约: the appointment to replace the
    # certificate) goes that event's way too: the query must want the event, not only the info.
    # An information item naming no event is about the item itself (结婚登记预约 books a new
    # registration): not what a query wanting information on another event (补领…预约) asks for.
    events = item - _INFO_ONLY or _NEW_ONLY
    return events.isdisjoint(query - _INFO_ONLY or _NEW_ONLY)


@lru_cache(maxsize=65536)
def thing_of(name: str) -> str:
    """The name without its direction words and bracketed qualifiers: what the item is about."""
    return _WORD_RE.sub("", _BRACKETED.sub("", name))


def same_thing(first: str, second: str) -> bool:
    """Two item names about the same thing (个体工商户注销登记 and 个体工商户设立登记)."""
    a, b = thing_of(first), thing_of(second)
    shorter = min(len(a), len(b))
    if shorter < 2:
        return False
    return LCSseq.similarity(a, b) / shorter >= 0.85 and max(len(a), len(b)) <= 2.5 * shorter


# Words naming the kind of procedure, not the thing it is about (审批 of 林木采伐审批): in a
# query they qualify the thing like direction words do (想砍树需要审批吗 is about 砍树).
GENERIC_WORDS = ("审批", "许可", "手续", "审核", "批准", "申请", "登记", "备案")
# Words of item names for other events in an item's life (moving it, pledging it, lifting a
# loss report): in a query they qualify the thing too (学籍转出 is about 学籍, not 转出). Not
# 迁移: it names the procedure asked for itself (户口迁移审批; 户口想迁到天祝来 is read
# 户口迁移天祝来 by the citizen side), and weighing it less took that card from its query.
EVENT_WORDS = ("转出", "转入", "迁出", "迁入", "转移", "解挂", "抵押", "解封", "暂停")
_QUALIFIER_RE = re.compile(
    "|".join(
        map(
            re.escape,
            sorted(
                {*(w for w, d in WORDS.items() if d != NONE), *GENERIC_WORDS, *EVENT_WORDS},
                key=lambda w: (-len(w), w),
            ),
        )
    )
)


def qualified(text: str) -> str:
    """The text with its direction and procedure words marked `|` (they qualify the thing
    asked about and weigh less than it: 养蜂证到期换证 is about 养蜂证), or "" when it has
    none (or nothing else)."""
    marked = _QUALIFIER_RE.sub("|", text)
    return marked if marked != text and marked.replace("|", "") else ""
