"""Finding items for citizens' words: the live index, re-checked against the database."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Item
from handlers.citizen.parsing import abbreviates
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems, items_by_codes
from search import normalise
from search.direction import asked, direction_of, goes_the_other_way
from search.document import Hit

MAX_RESULTS = 25  # five pages of five
# Scores are in [0, ~1.1] (codes up to 1.3): see search/index.py.
MIN_SCORE = 0.5  # below this a hit is a guess, not an answer
SUGGEST_SCORE = 0.25  # good enough to suggest after "not found"
CLEAR_SCORE = 0.8  # a first hit this good …
CLEAR_MARGIN = 0.08  # … and this far ahead of the second is the answer itself
# Measured on tests/search/devset.tsv over the real 6,318 items: 0.8/0.08
# gives 128 cards, none wrong; 0.75/0.05 gives 155 cards, 3 of them wrong.
# Enforcement powers (处罚, 强制, 监督) share words with the licence a citizen applies for
# ("开网吧"); they do not compete with it for the first place.
ENFORCEMENT = frozenset({"CF", "QZ", "JD"})
# Words that ask about enforcement itself (「无证经营燃气怎么处罚」).
ENFORCEMENT_WORDS = ("罚", "处罚", "违法", "违规", "查处", "没收", "强制", "检查", "监督")


@lru_cache(maxsize=32_768)
def way_of(text: str) -> frozenset[str]:
    """The directions a text names (`direction_of` its normalised form), kept for the item
    names compared with every message (a pure function of the text; the sets are frozen)."""
    return direction_of(normalise(text))


@lru_cache(maxsize=32_768)
def _run_grams(name: str) -> frozenset[str]:
    """The NAME_RUN-character runs of a folded name: a message sharing none of them has no
    run of the name (`name_run` is then "" without looking)."""
    return frozenset(name[at : at + NAME_RUN] for at in range(len(name) - NAME_RUN + 1))


@lru_cache(maxsize=32_768)
def _folded_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """An item's keywords and aliases folded, those shorter than two characters left out."""
    return tuple(said for word in words if len(said := fold(str(word))) >= 2)


class Searcher(Protocol):
    """What the citizen routers need of the live search index."""

    def search(self, query: str, *, top: int = 5, citizen: bool = True) -> list[Hit]: ...


class Found(NamedTuple):
    """A hit whose item is public right now (the index may lag a moment behind the database)."""

    hit: Hit
    item: Item


async def find(
    searcher: Searcher, session: AsyncSession, query: str, cache: PublicItems | None = None
) -> list[Found]:
    """Public items for a query, best first (through the app's item cache when given)."""
    hits = searcher.search(query, top=MAX_RESULTS, citizen=True)
    codes = [h.document.code for h in hits]
    items = await items_by_codes(session, codes, cache)
    return [Found(h, items[code]) for h, code in zip(hits, codes, strict=True) if code in items]


def is_clear(found: list[Found]) -> bool:
    """Whether the first result is clearly what was meant."""
    if not found:
        return False
    first = found[0].hit
    if any(reason.startswith("code:") for reason in first.reasons):
        return True
    # The best other result that competes with it (only the first one counts).
    lead_enforces = found[0].item.category in ENFORCEMENT
    rival = next(
        (f for f in found[1:] if lead_enforces or f.item.category not in ENFORCEMENT), None
    )
    if rival is None:
        return first.score >= MIN_SCORE
    return first.score >= CLEAR_SCORE and first.score - rival.hit.score >= CLEAR_MARGIN


RELATIVE_CUTOFF = 0.6  # a listed result scores at least this share of the first one


def answers(found: list[Found]) -> list[Found]:
    """Results good enough to list: above the floor and not far below the first."""
    if not found:
        return []
    floor = max(MIN_SCORE, found[0].hit.score * RELATIVE_CUTOFF)
    return [f for f in found if f.hit.score >= floor]


SINGLE_SCORE = 0.6  # the only result good enough to list, this good, is the answer itself
SURE_SCORE = 0.7  # a list led by a weaker result is offered as guesses, with 人工
MAX_GUESSES = 5


def sharing_the_name(found: list[Found], words: str) -> list[Found]:
    """The listed results whose names all carry the words said, in order (「社会保障卡」 is in
    申领 and 补领 alike): when there are several, the citizen must choose."""
    if len(words) < 2:
        return []
    listed = answers(found)
    if any(fold(f.item.name) == words for f in listed):
        return []
    shared = [f for f in listed if abbreviates(words, fold(f.item.name))]
    if any(word in words for word in ENFORCEMENT_WORDS):
        return shared
    # 「燃气经营许可证」 is in the licence's name and in the penalty for working without it:
    # a citizen naming the licence applies for it; the penalty is asked with its own words.
    applied = [f for f in shared if f.item.category not in ENFORCEMENT]
    return applied or shared


def named_by_keyword(found: list[Found], words: str) -> Found | None:
    """The one result whose own keyword or alias the words say, the longest one winning
    (「结婚证丢了能补不」 → 补领结婚证, whose keyword is 结婚证丢了). A keyword that the
    result's own name and another listed result's name both hold names neither (「捡了个身份证」:
    身份证 is a keyword of 居民身份证办理 and in the name of 居民身份证挂失申报、丢失招领); a
    result whose name goes another way than the words ask (申领 for 补办) is not named."""
    names = {f.item.code: fold(f.item.name) for f in answers(found)}
    asked = direction_of(normalise(words))
    grams = {words[at : at + NAME_RUN] for at in range(len(words) - NAME_RUN + 1)}
    best: dict[str, tuple[float, Found]] = {}
    for result in found:
        if result.hit.score < SUGGEST_SCORE:
            continue
        item = result.item
        other_way = goes_the_other_way(way_of(item.name), asked)
        if asked and other_way:
            continue  # 「社保卡补办」: 社保卡 is 申领's keyword, but 补办 is not its way
        # A long run of the name said names the result as a keyword does, a keyword as long
        # a little better (「补领结婚证」 holds 领结婚证, a keyword of 中国内地公民婚姻登记, and
        # the whole of its own name; 「领结婚证」 is that keyword and a run of 补领结婚证). Words
        # naming no life event ask for the item itself, so a run never names its ending
        # (「道路运输经营许可」 is not 道路旅客运输经营许可（注销）).
        name = fold(item.name)
        run = ""
        if not other_way and not grams.isdisjoint(_run_grams(name)):
            run = name_run(name, words)
        weighed: list[tuple[str, float]] = []
        if len(said := fold(run)) >= 2 and said in words:
            weighed.append((said, len(said) - RUN_SHORTFALL))
        for said in _folded_words((*item.keywords, *item.aliases)):
            if said in words:  # most keywords: the names need not be looked at
                weighed.append((said, len(said)))
        for said, weight in weighed:
            shared = said in name and any(
                said in other for code, other in names.items() if code != item.code
            )
            if not shared:
                length = max(weight, best.get(item.code, (0.0, result))[0])
                best[item.code] = (length, result)
    if not best:
        return None
    longest = max(length for length, _ in best.values())
    winners = [r for length, r in best.values() if length == longest]
    return winners[0] if len(winners) == 1 else None


# Characters that begin words saying what is to be done (开网吧, 砍树, 领失业金): words
# beginning so ask for doing it, not for the thing as a whole.
DOING = frozenset("开办领申补换考砍打养盖修交缴迁注挂查要想挖卖拆")


def says_what_it_does(item: Item, words: str) -> bool:
    """Whether the words say one of the item's keywords that tell what is done to what (砍树,
    打井), the doing and then the rest with at most one character between (「砍了树」 「打机井」),
    and more besides (the keyword alone is search's to judge)."""
    for keyword in _folded_words((*item.keywords, *item.aliases)):
        if len(keyword) < 2 or keyword[0] not in DOING or keyword == words:
            continue
        if re.search(re.escape(keyword[0]) + ".?" + re.escape(keyword[1:]), words):
            return True
    return False


NAME_RUN = 4  # a run of an item's name this long, said as it is, names the item
RUN_SHORTFALL = 0.5  # … as a keyword one character shorter would


def name_run(name: str, words: str) -> str:
    """The longest run of `name` that the words say as it is, when at least NAME_RUN long."""
    best = ""
    for start in range(len(words) - NAME_RUN + 1):
        end = start + max(NAME_RUN, len(best) + 1)
        while end <= len(words) and words[start:end] in name:
            best = words[start:end]
            end += 1
    return best


def going_the_asked_way(found: list[Found], said: str) -> list[Found]:
    """The results whose names do not go another way than the words ask (「身份证咋办」 asks
    how to get one, not how to report it lost; 「营业执照咋办」 is not its 注销 or 变更)."""
    wish = asked(direction_of(normalise(said)))  # 挂失了又找到了 asks to resume only
    return [f for f in found if not goes_the_other_way(way_of(f.item.name), wish)]


def single(found: list[Found]) -> Found | None:
    """The only result good enough to list, when it is good enough to be the answer."""
    listed = answers(found)
    if len(listed) == 1 and listed[0].hit.score >= SINGLE_SCORE:
        return listed[0]
    return None


def suggestions(found: list[Found], limit: int = 3) -> list[Found]:
    """Closest results to suggest when nothing answered."""
    return [f for f in found if f.hit.score >= SUGGEST_SCORE][:limit]


# Words naming a kind of procedure, in the names of items of every kind (许可, 审批, 登记 …):
# they say what is done, not what it is done about, so saying them names no item.
PROCEDURE_WORDS = (
    "许可证",
    "许可",
    "审批",
    "登记",
    "办理",
    "申请",
    "申领",
    "核发",
    "备案",
    "证明",
    "证书",
    "资格",
    "认定",
    "确认",
    "新办",
    "服务",
    "管理",
    "经营",
    "设立",
    "县级",
    "权限",
    "发放",
    "手续",
    # What every item asks to be handed in: 「材料我拍照发你了」 says no thing of a penalty
    # naming 原材料.
    "材料",
    # The verb alone (「港澳通行证在哪办」 searched as 港澳通行证办 shares 证办 with 居民身份证
    # 办理: one character of a thing, not two).
    "办",
    # Who, not what: parties named in items of every kind (对…单位和个人的奖励, 城乡居民…):
    # 「个人所得税」 shares nothing with 对植物检疫工作先进单位、个人的奖励.
    "个人",
    "单位",
    "居民",
    # How, not what: 「网上挂号」 shares 网上 with 互联网上网服务, no thing.
    "网上",
    "线上",
    "手机上",
)
MIN_RUN = 2  # characters in a row, shared with a name, that may say a thing


def _thing_marks(text: str) -> list[bool]:
    """Per character of `text`: whether it is outside every procedure word."""
    marks = [True] * len(text)
    for word in PROCEDURE_WORDS:
        start = text.find(word)
        while start != -1:
            for at in range(start, start + len(word)):
                marks[at] = False
            start = text.find(word, start + 1)
    return marks


# Characters of grammar that begin or end no word of a thing: a run shared with a name only by
# them (「要在草场上」 and 野外用火's 「需要在草原上」 share 要在草) says no more than its other
# characters.
GRAMMAR_CHARS = frozenset("在要的了得把被想")


def thing_said(item: Item, words: str, *, procedure: bool = False) -> int:
    """How many characters of the words say what the item is about: characters in runs of at
    least MIN_RUN shared with the item's name, a keyword or an alias, procedure words left out
    unless `procedure` (「户口从武威迁移过来」 says 户口 and 迁移 of 户口迁移审批: 4; 「采矿许可证」
    says only 许可证 of 林木采伐许可证: 0, or 3 with `procedure`)."""
    marks = [True] * len(words) if procedure else _thing_marks(words)
    own = [fold(str(w)) for w in (item.name, *item.keywords, *item.aliases)]
    best = 0
    for name in own:
        covered = [False] * len(words)
        start = 0
        while start < len(words):
            end = start + 1
            while end <= len(words) and words[start:end] in name:
                end += 1
            run = end - 1 - start
            if run >= MIN_RUN:
                first, last = start, start + run
                while first < last and words[first] in GRAMMAR_CHARS:
                    first += 1
                while last > first and words[last - 1] in GRAMMAR_CHARS:
                    last -= 1
                if last - first >= MIN_RUN:
                    for at in range(first, last):
                        covered[at] = True
                start += run
            else:
                start += 1
        best = max(best, sum(1 for at, c in enumerate(covered) if c and marks[at]))
    return best


NAMED_THING = 3  # characters of what an item is about that, said, name it


def named_thing(found: list[Found], words: str, said: str) -> Found | None:
    """The first result when the words name what it is about (NAMED_THING characters of its
    name or keywords beside procedure words) more than they name any close result going the
    way the words ask: search is then unsure only because of the other words of a sentence
    (「身份证快到期了要换个新的」 says 身份证 of 居民身份证办理, and its 挂失 goes another
    way; 「老年证在哪办」 says only 老年 of the 高龄津贴: a guess, left a guess)."""
    if not found or found[0].hit.score < SUGGEST_SCORE:
        return None
    lead = found[0]
    named = thing_said(lead.item, words)
    if named < NAMED_THING or len(words) - named < NAMED_THING:
        return None  # few other words (「办身份证」): search's doubt is its own, not the sentence's
    wish = asked(direction_of(normalise(said))) - {"new"}
    close = close_to_lead(found)
    lead_way = way_of(lead.item.name) & wish
    if wish and not lead_way and any(way_of(f.item.name) & wish for f in close):
        return None  # 「小卖部不干了要注销」: the 注销 is asked, not the shop's licence
    # With a way asked, results going another way are no rivals (「身份证到期了换个新的」 is
    # not its 挂失); without, they are (「营业执照年报」 is none of 设立, 变更, 注销).
    rivals = [
        f
        for f in close[1:]
        if f.item.category not in ENFORCEMENT
        and not (wish and goes_the_other_way(way_of(f.item.name), wish))
    ]
    if any(thing_said(f.item, words) >= named for f in rivals):
        return None
    return lead._replace(hit=replace(lead.hit, confident=True))


# How a town's government is named as a department (天祝藏族自治县打柴沟镇人民政府): the
# town's own entry of an item the county's bureau and the towns each grant.
TOWN_OFFICE = re.compile(r"县([\u4e00-\u9fff]{2,4}?[镇乡])人民政府")


SAME_NAMED = 25  # results of an item's name looked at for the entries of that name


def entries_granted_by(searcher: Searcher, name: str, office: str) -> list[str]:
    """The codes of the items named exactly `name` whose department's name holds `office`
    (「打柴沟镇」: its town government's entry of 乡村建设规划许可证核发)."""
    return [
        hit.document.code
        for hit in searcher.search(name, top=SAME_NAMED, citizen=True)
        if hit.document.name == name and office in hit.document.department
    ]


def close_to_lead(found: list[Found]) -> list[Found]:
    """The results worth suggesting that score at least RELATIVE_CUTOFF of the first one."""
    if not found:
        return []
    floor = max(SUGGEST_SCORE, found[0].hit.score * RELATIVE_CUTOFF)
    return [f for f in found if f.hit.score >= floor]


def the_way_asked(chosen: Found, found: list[Found], said: str) -> Found:
    """The close result going the way the words ask (补, 换, 注销 …) instead of `chosen` when
    chosen's name goes no way and it is the only close one that does, the words naming its thing
    (「结婚证找不见了 咋补」 → 补领结婚证, not 婚姻登记); or, when chosen's name goes another way,
    the only close one going none whose thing the words name (「身份证快过期了 重新办」 → 居民
    身份证办理, not its 挂失)."""
    wish = asked(direction_of(normalise(said))) - {"new"}
    if not wish:
        return chosen
    way = way_of(chosen.item.name)
    words = fold(said)
    close = close_to_lead(found)
    if way & wish:
        # 「结婚证找不着了能补吗」: the lead goes the way asked, no other close one does, and the
        # words name its thing: it is the answer, not a choice between it and 婚姻登记.
        rivals = [f for f in close if f is not chosen and way_of(f.item.name) & wish]
        if rivals or thing_said(chosen.item, words) < MIN_RUN:
            return chosen
        return chosen._replace(hit=replace(chosen.hit, confident=True))
    if not way:
        ways = [
            f for f in close if way_of(f.item.name) & wish and thing_said(f.item, words) >= MIN_RUN
        ]
    else:
        ways = [
            f for f in close if not way_of(f.item.name) and thing_said(f.item, words) >= NAMED_THING
        ]
    if len(ways) != 1:
        return chosen
    return ways[0]._replace(hit=replace(ways[0].hit, confident=True))


SYNONYM = "synonym:"


def shares_a_thing(guess: Found, said: str, words: str) -> bool:
    """Whether a guess shares a thing with what was said: a run of its name or keywords in the
    words as said or as searched (「想当老师要考啥证」 searched as 教师资格考证), or a synonym
    search used whose every character was said and whose meaning names the guess's thing
    (「砍几棵树」 for 砍树→林木采伐; not 货车 for 「火车票」, nor 失业保险金申领 for 考驾照→
    驾驶证初次申领, which share only the procedure word 申领, nor 失业保险金申领 for 医保→医疗
    保险, which share only 保险: a meaning names a thing in NAMED_THING characters)."""
    if thing_said(guess.item, said) >= MIN_RUN or thing_said(guess.item, words) >= MIN_RUN:
        return True
    used = (r[len(SYNONYM) :].split("→", 1) for r in guess.hit.reasons if r.startswith(SYNONYM))
    return any(
        source
        and all(char in said for char in source)
        # 到期了 → 延续 names a way, not a thing (「驾驶证到期了要换本」 shares nothing with
        # 农药经营许可证延续)
        and not direction_of(normalise(meaning))
        and thing_said(guess.item, fold(meaning)) >= min(NAMED_THING, len(meaning))
        for source, meaning in (pair for pair in used if len(pair) == 2)
    )
