"""Filters of the citizen routers: each recognises one kind of question and passes its parts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import Filter, FilterResult, text_of
from bot.fsm import FSMContext
from catalogue import queries
from catalogue.codes import ITEM_CODE_LENGTH, normalize_code_text
from catalogue.models import Department, FundItem, FundType
from catalogue.outside_matters import OutsideMatter, hotlines, outside_matters
from catalogue.queries import RegionFunds, RegionMatch
from catalogue.queries.poverty import COUNTY_CODE_LENGTH, TOWN_CODE_LENGTH
from catalogue.scope import RegionScope, scope_of
from handlers.citizen import fund_answers, fund_details, parsing
from handlers.citizen.fund_names import fund_names
from handlers.citizen.guide_notes import PAPER_ENDS, paper_named
from handlers.citizen.life_event_choice import names_its_paper_short, paper_said_short
from handlers.citizen.memory import Memory, recall
from handlers.citizen.searching import entries_granted_by
from handlers.citizen.understanding import ITEM, Reading, departments, read
from handlers.citizen.understanding.reading import READER
from handlers.db.changes import CHANGES
from handlers.searching.public_items import item_by_code, items_by_codes
from search import normalise
from search.direction import (
    DETAIL_NAMED,
    NEW,
    asked,
    direction_of,
    left_by_a_way,
    without_directions,
)
from search.normalise import is_hanzi, longest_run

# 「这几年每年多少」 「历年各是多少」: every year the list has, which is what no year asks for
_EVERY_YEAR = re.compile(
    r"(?:这|近|最近|前)(?:几|些|两|三)年(?:来|里|间)?|近年来?|历年来?|每一?年|各年度?|逐年"
    r"|(?:各|分别)(?:是|自)?(?=多少|是|$)"
    # 「县上一年专项资金一共多少」: how much in a year, each year
    r"|一年(?=.{0,6}(?:一共|总共|多少|合计))"
)
# A town's (9 digits) or village's (12 digits) statistical code inside a sentence
_CODE_IN_TEXT = re.compile(r"(?<!\d)620623(?:\d{6}|\d{3})(?!\d)")
# What may stay around it besides fund words: what the code is called
_CODE_WORDS = re.compile(
    r"^(?:请问|帮我查下|帮我查一下|帮我查|查一下|查下|查查|查)?"
    r"(?:我们|咱们|俺们|咱|俺|我|这个|这|该)?(?:村|乡镇|镇|乡|社区)?的?(?:行政)?(?:统计|区划)?"
    r"(?:代码|编码|编号)?(?:是|为)?[:：]?的?(?:一共|总共)?(?:分了|分到了|分到|给了|拨了|得了)?"
    r"(?:有啥|有什么|有哪些|有多少|是多少|多少)?$"
)
_CODE_TEXT = re.compile(r"^[0-9A-Za-z\s\u2014\u2013\u2010\u2011\u2212\-一]+$")


_last_said: tuple[Event | None, str | None] = (None, None)


def said(event: Event) -> str | None:
    """What the citizen said, normalised; None for other kinds of message.

    Every filter of the citizen routers asks in turn about the same event: the answer for
    the last event asked about is kept (events are immutable)."""
    global _last_said
    last, text = _last_said
    if last is event:
        return text
    raw = text_of(event)
    # 「不对，我问的是低保资金」: what was meant is the question
    text = None if raw is None else parsing.after_a_correction(parsing.normalize(raw))
    _last_said = (event, text)
    return text


_last_read: tuple[Event | None, Reading | None] = (None, None)


def reading(event: Event) -> Reading | None:
    """The message understood (intent, aspect, the rest), once per event like `said`."""
    global _last_read
    last, understood = _last_read
    if last is event:
        return understood
    text = said(event)
    understood = read(text) if text else None
    _last_read = (event, understood)
    return understood


class Understood(Filter):
    """Any text the conversation layer read; passes `said` and `reading`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        if understood is None:
            return False
        return {"said": understood.text, "reading": understood}


class Intent(Filter):
    """A message of one of the given intents; passes `said` and `reading`."""

    def __init__(self, *intents: str) -> None:
        self.intents = frozenset(intents)

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        if understood is None or understood.intent not in self.intents:
            return False
        return {"said": understood.text, "reading": understood}


class SmallTalk(Filter):
    """Greetings, thanks, goodbyes, 「帮助」, 「你是机器人吗」; passes `said` and `reading`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        if understood is None or not understood.is_talk:
            return False
        if (
            parsing.is_next_page(understood.text) or parsing.is_none_fits(understood.text)
        ) and await _list_shown(data.get("state")):
            return False  # 「还有吗」 「都不是」 after a list: its next page, or none of it
        if parsing.parse_choice(understood.text) and await _numbered(data.get("state")):
            return False  # 「6」 (praise in chat slang) while a numbered list waits: the entry
        if sees_them_all(understood.text) and await _numbered(data.get("state")):
            return False  # 「都要」 while a numbered list waits: all its entries
        return {"said": understood.text, "reading": understood}


class Said(Filter):
    """Any non-empty text or voice recognition; passes `said`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        return {"said": text} if text else False


class HumanRequest(Filter):
    """「人工」, 「我要找工作人员」, 「转人工 高龄补贴停发了」; passes `problem`, what was said
    beside the request ('' when nothing)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if text is None:
            return False
        if parsing.is_human_request(text):
            return {"problem": ""}
        understood = reading(event)
        if understood is not None and understood.intent == "complaint":
            # 「电话一直打不通 转人工」: the complaint told and a person asked for: forwarded
            # as said, with where to complain at once (「我要投诉 找个人」 tells nothing yet:
            # the complaint asks for it)
            told = READER.strip_fillers(_ASKING_FOR_A_PERSON.sub("", text))
            if READER.mentions(text, "human") and len(told) >= MIN_TOLD:
                return {"problem": text, "complained": True}
            return False
        if understood is None or understood.intent != "human":
            return False
        return {"problem": understood.rest if understood.core else ""}


# The words of asking for a person or to complain, which tell no problem by themselves
_ASKING_FOR_A_PERSON = re.compile(
    "转人工|找人工|人工服务|人工客服|人工|真人|工作人员|找个人|找人|我要|我想|投诉|举报|给我|帮我|"
    "跟我|和我|对接|联系|处理|一下|说说|说明|[，,。！!？?\\s]"
)
MIN_TOLD = 3  # characters of a complaint told beside the request that forward it at once


class NoneFits(Filter):
    """「都不是」 right after a list of items."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        return (
            text is not None and parsing.is_none_fits(text) and await _list_shown(data.get("state"))
        )


class NextPage(Filter):
    """「下一页」."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        return text is not None and parsing.is_next_page(text)


# The last list asked for again (「再把刚才那个列表发一下」 「返回列表」 「刚才那几个呢」).
LIST_AGAIN = re.compile(
    r"^(?:请|麻烦)?(?:返回|回到|退回)(?:刚才的?|上一个|上个)?(?:列表|清单|上一级|上一页)?$"
    r"|^(?:请|麻烦)?(?:再|重新)?(?:把|将)?(?:刚才|刚刚|之前|上面|前面)?(?:那个|的)?"
    r"(?:列表|清单|单子|那几个|那几项)(?:再|重新)?(?:发|给|列|显示|看|说)?"
    r"(?:一下|一遍|一次|下)?(?:我|给我)?$"
)


class ListAgain(Filter):
    """「再把刚才那个列表发一下」 「返回列表」, while an item list is remembered."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text:
            return False
        compact = "".join(parsing.strip_particles(parsing.normalize(text)).split())
        if LIST_AGAIN.match(compact) is None:
            return False
        memory = await recall(data["state"]) if data.get("state") is not None else None
        return memory is not None and memory.numbered == "items" and bool(memory.list_codes)


# A number said as an entry's (「第一个」 「2号」), not a quantity (「一个月」).
_ORDINAL = re.compile(r"^(?:第.+|.+[个项条号步])$")


class Choice(Filter):
    """A list number (「3」 「第三个」), one counted from the end (「最后一个」), or a number
    with a question about that entry (「第一个要带什么」); passes `choice` and `aspect`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text:
            return False
        number = parsing.parse_choice(text)
        if number is not None:
            return {"choice": number, "aspect": None}
        state = data.get("state")
        understood = reading(event)
        if state is None or understood is None:
            return False
        memory = await recall(state)
        if memory.numbered and understood.aspect and _ORDINAL.match(understood.core):
            # 「第一个要带什么」, right after a list or after one of its entries was opened
            # (「第二步在哪办」, then 「第一步要带啥」): as 「那第二个呢」 picks another entry.
            number = parsing.parse_choice(understood.core)
            if number is not None:
                return {"choice": number, "aspect": understood.aspect}
        if memory.focus != "list" and memory.numbered not in ("places", "funds"):
            # 「最后一个」 says an entry only right after a list.
            from_end = parsing.parse_from_end(text)
            return (
                {"choice": from_end, "aspect": None} if from_end and not memory.numbered else False
            )
        from_end = parsing.parse_from_end(text)
        aspect = None
        if from_end is None and understood.aspect:
            # 「倒数第二个在哪办」: counted from the end, with a question about that entry
            from_end, aspect = parsing.parse_from_end(understood.core), understood.aspect
        if from_end is None:
            return False
        count = {
            "items": len(memory.page_codes()),
            "places": len(memory.place_codes),
            "funds": len(memory.fund_rows),
        }.get(memory.numbered, 0)
        if count == 0:
            return {"choice": from_end, "aspect": None}  # answered: there is no list
        if from_end > count:
            return False
        return {"choice": count - from_end + 1, "aspect": aspect}


MAX_CHOICE_WORDS = 8  # 「华藏寺镇那个」 「草原的」: a few words, not a new question
# A town said, then pointed at again (「我是华藏寺镇的 镇上办的那个」 「华藏寺镇上办的」): the town
# is the choice.
PLACE_AGAIN = re.compile("(?<=[镇乡])(?:镇上|乡上|乡里|镇里|这边|那边|上|里)$")
# 「镇上的 华藏寺」 「县上自然资源局那个」: the level said before the office's name
LEVEL_FIRST = re.compile("^(?:县上|县里|镇上|镇里|乡上|乡里)的?")


class ChoiceByWords(Filter):
    """Words that pick one entry of the list just shown (「打柴沟镇那个」 「草原的」): they are
    in exactly one entry's name (an item's with its department, a place's label); with a
    question about it when they point back at it (「补证那个多久」); passes `choice` and
    `aspect`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        state = data.get("state")
        session: AsyncSession | None = data.get("session")
        if understood is None or state is None or session is None:
            return False
        aspect = understood.aspect
        pointing = any(word in understood.rest for word in POINTING)  # 「补领的那个在哪办」
        words = LEVEL_FIRST.sub("", PLACE_AGAIN.sub("", understood.core))
        text = said(event) or ""
        changed = DETAIL_NAMED.search(text) is not None
        if aspect and not pointing and (changed or NEW_PAPER.search(text) is not None):
            # 「我是要改个地址」 after 设立, 注销 and 变更: 地址 is what is changed, no question
            # of where; 「补办身份证要多久」 after its 挂失 and 办理: the one entry going the way
            # said
            memory = await recall(state)
            shown = await _labels(memory, session, data.get("public_items"))
            going = _the_one_going_the_way(labels_of_items(memory, shown), text)
            if going is not None:
                # the address changed asks nothing of where; 多久 of the new paper is asked
                return {"choice": going, "aspect": None if changed else aspect}
        if aspect and not pointing and parsing.only_where_one_lives(understood.core):
            # 「我是打柴沟镇的 在哪办」: the one entry that town grants
            memory = await recall(state)
            town = await _the_entry_of_the_town(text, memory, session, data)
            if town is not None:
                return {"choice": town, "aspect": aspect}
        if aspect and not pointing:
            # 「农药证多久批下来」 after a checklist: the one entry whose paper is named
            paper = await _the_entry_whose_paper(words, aspect, state, session, data)
            if paper or len(words) < MIN_PAPER_SAID:
                return paper  # 「批下来要多久」: 批 alone names no entry
            # else 「评等级的要多久」: a few words of one entry's name, as below
        if not words or len(words) > MAX_CHOICE_WORDS or understood.intent != ITEM:
            return False
        memory = await recall(state)
        # An item's own name first (「草原的」: not every item of 林业和草原局), then with its
        # department (「华藏寺镇那个」).
        shown = await _labels(memory, session, data.get("public_items"))
        for labels in shown:
            hits = [n for n, label in enumerate(labels, start=1) if words in label]
            if len(hits) > 1 and not direction_of(normalise(text)):
                # 「县上自然资源局那个」: its 核发 and the 延期 of it; no way said, the item itself
                hits = _the_item_itself(hits, labels_of_items(memory, shown))
            if hits:
                return {"choice": hits[0], "aspect": aspect} if len(hits) == 1 else False
        for labels in shown:
            # 「草原上的」 「评等级的」: most of a few words, in one entry's name alone
            part = _in_one_label(words, labels)
            if part is not None:
                return {"choice": part, "aspect": aspect}
        going = _the_one_going_the_way(labels_of_items(memory, shown), text)
        if going is not None:
            # 「丢了要补的」 after 婚姻登记 and 补领结婚证: the one entry going the way said.
            return {"choice": going, "aspect": aspect}
        if memory.numbered == "items" and (pointing if aspect else points_back(text)):
            # 「一级残疾要人照顾的那个」: described, not named; the entry search ranks first
            # among those shown, clearly ahead of the others.
            # 「…要人照顾的那个」: also in the catalogue's words (照顾 → 护理).
            choice = _described(data.get("search"), memory.page_codes(), words) or _described(
                data.get("search"), memory.page_codes(), READER.plain(words)
            )
            return {"choice": choice, "aspect": aspect} if choice else False
        return False


async def _the_entry_of_the_town(
    text: str, memory: Memory, session: AsyncSession, data: Mapping[str, Any]
) -> int | None:
    """The number of the one entry of the item list shown whose office is the government of
    the one town the text names (by its name or one of its villages')."""
    if memory.focus != "list" or memory.numbered != "items":
        return None
    towns = await queries.towns_named(session=session, text=text)
    if len(towns) != 1:
        return None
    (town,) = towns
    shown = await _labels(memory, session, data.get("public_items"))
    labels = shown[-1] if shown else []
    hits = [n for n, label in enumerate(labels, start=1) if town in label]
    return hits[0] if len(hits) == 1 else None


VERB_AFTER = 2  # characters after the paper named that may be a verb (批, 办下来)
MIN_PAPER_SAID = 2  # characters of a paper's name said (农药证, 执照)
# 「打柴沟镇的规划许可证批下来」: a place said before the paper and a verb after it
MAX_PAPER_WORDS = MAX_CHOICE_WORDS + 6


async def _the_entry_whose_paper(
    words: str, aspect: str, state: FSMContext, session: AsyncSession, data: Mapping[str, Any]
) -> FilterResult:
    """The one entry of the list shown whose name holds the paper the words name, as written or
    the short way (农药证 of 农药经营许可证核发), with the question asked of it."""
    # a verb may follow what is named (「农药证批下来」 leaves 农药证批)
    ends = [at for at in range(len(words)) if words[at] in PAPER_ENDS]
    if not ends or len(words) - 1 - ends[-1] > VERB_AFTER or len(words) > MAX_PAPER_WORDS:
        return False
    words = words[: ends[-1] + 1]
    memory = await recall(state)
    if memory.focus != "list" or memory.numbered != "items":
        return False
    shown = await _labels(memory, session, data.get("public_items"))
    names = shown[0] if shown else []
    for cut in range(len(words) - MIN_PAPER_SAID + 1):
        # 「打柴沟镇的规划许可证」: the paper said after where one lives
        if cut and not parsing.only_where_one_lives(words[:cut]):
            continue
        paper = words[cut:]
        hits = [
            n
            for n, name in enumerate(names, start=1)
            if paper in name or paper_said_short(name, paper) == paper
        ]
        if hits:
            return {"choice": hits[0], "aspect": aspect} if len(hits) == 1 else False
    return False


FEW_WORDS = 4  # characters of a reply that may pick an entry by most of them


def _in_one_label(words: str, labels: list[str]) -> int | None:
    """The entry (from 1) whose label alone holds the longest run of the words, when the
    words are few and the run is at least half of them (「草原上」: 草原; 「评等级」: 等级)."""
    if len(words) > FEW_WORDS:
        return None
    for size in range(len(words) - 1, 1, -1):
        if 2 * size < len(words):
            break
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            hits = [n for n, label in enumerate(labels, start=1) if run in label]
            if len(hits) == 1:
                return hits[0]
            if hits:
                return None  # the run is in several: the words pick none
    return None


# 「两个都要残疾证吗」 「这几个都得带户口本不」: asked of every entry of the list shown.
EVERY_ENTRY = re.compile("(?:都|每个|每一个|每项|每样|各个)(?:要|得|需要|用|带|需)")


class PaperOfEveryEntry(Filter):
    """Whether a paper is needed, asked of every entry of the item list just shown (「两个都
    要残疾证吗」): passes `entries`, the items of the page shown, when the paper is one at
    least one of them lists among its materials."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        if not text or state is None or session is None or not EVERY_ENTRY.search(text):
            return False
        memory = await recall(state)
        if memory.focus != "list" or memory.numbered != "items" or not memory.list_codes:
            return False
        codes = memory.page_codes()
        found = await items_by_codes(session, codes, data.get("public_items"))
        entries = [found[code] for code in codes if code in found]
        if all(paper_named(item, text) is None for item in entries):
            return False
        return {"entries": entries}


# 「这几个有啥区别」 「哪个最快」 「分别要多久」: asked of every entry of the list shown.
EACH_ENTRY = re.compile(
    "区别|不同|不一样|分别|各自|这几个|这两个|这几项|哪个最|哪个更|哪一个最|哪一个更|哪个快|哪个便宜"
    # 「这些能在网上办吗」 「一共要多久」: every entry's
    "|这些|一共|总共|全部|每个|每一个|都能|都要|都得|都可以|都在|都收"
)
EVERY_ONE_SAID = re.compile("这些|这几个|一共|总共|全部|每个|每一个|都")
# The aspects one short line of each entry answers; 区别 and the like ask what each is.
EACH_ASPECTS = ("time", "fee", "place", "phone", "conditions", "hours", "online")


class EachEntryAsked(Filter):
    """A question asked of every entry of the item list just shown, to tell them apart
    (「这几个有啥区别」 「哪个最快」 「分别要多久」 「第2个和第3个有啥区别」): passes `entries`
    (the page shown, or the entries named, each with its number) and `aspect` (None: what
    each is)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        state, session = data.get("state"), data.get("session")
        if understood is None or state is None or session is None:
            return False
        if not EACH_ENTRY.search(understood.text) or sees_them_all(understood.text):
            return False  # 「都要」: to see them all, not to tell them apart
        # 「第2个和第3个有啥区别」: some entries, by their numbers
        numbers = parsing.entries_named(understood.core.strip(EACH_FILLER))
        if understood.core.strip(EACH_FILLER) and not numbers:
            return False  # 「身份证和户口本有啥区别」 names things of its own
        aspect = understood.aspect or (
            "time" if "快" in understood.text else "fee" if "便宜" in understood.text else None
        )
        if aspect is not None and aspect not in EACH_ASPECTS:
            return False
        memory = await recall(state)
        if memory.numbered != "items" or len(memory.list_codes) < 2:
            return False
        opened = memory.focus == "card" and memory.card_code in memory.page_codes()
        if memory.focus != "list" and not (opened and EVERY_ONE_SAID.search(understood.text)):
            return False  # 「一共要多久」 after opening one entry: still every entry's
        codes = memory.page_codes()
        numbers = numbers or list(range(1, len(codes) + 1))
        if max(numbers) > len(codes):
            return False
        found = await items_by_codes(session, codes, data.get("public_items"))
        entries = [(n, found[codes[n - 1]]) for n in numbers if codes[n - 1] in found]
        return {"entries": entries, "aspect": aspect} if len(entries) > 1 else False


# Several entries of the list asked to be seen (「第一个和第二个都看看」 「2和3」 「都要」
# 「两个都看看」): the words of wanting them, beside their numbers or alone for all.
SEE_THEM = re.compile(
    r"(?:都|全都|全部|一起)?(?:要|看|看看|看一下|瞅瞅|发|发给我|说说|讲讲)?(?:一下|下)?(?:吧|呗)?$"
)
ALL_OF_THE_LIST = re.compile(
    r"^(?:那|那就|就)?(?:这|那)?(?:两个|几个|两项|几项|些)?(?:都|全都|全部|统统)"
    r"(?:要|看|看看|看一下|瞅瞅|发|发给我|说说|讲讲|给我)(?:一下|下)?(?:吧|呗)?$"
)
MAX_SEEN = 5  # entries shown at once, each shortly


def sees_them_all(text: str) -> bool:
    """Whether the words ask to see every entry of the list shown (「都要」 「全部看看」)."""
    compact = "".join(parsing.strip_particles(parsing.normalize(text)).split())
    return ALL_OF_THE_LIST.match(compact) is not None


class SeveralEntriesAsked(Filter):
    """Right after an item list, several of its entries asked to be seen (「第二个和第三个」
    「1和2都要看」) or all of them (「都要」 「两个都看看」): passes `entries` (each with its number
    on the page)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        if not text or state is None or session is None:
            return False
        compact = "".join(parsing.strip_particles(parsing.normalize(text)).split())
        every = sees_them_all(text)
        numbers: list[int] = []
        if not every:
            wanting = SEE_THEM.search(compact)
            numbers = parsing.entries_named(compact[: wanting.start()] if wanting else compact)
            if len(numbers) < 2:
                return False
        memory = await recall(state)
        if memory.numbered != "items" or len(memory.list_codes) < 2:
            return False
        if memory.focus != "list" and memory.card_code not in memory.page_codes():
            return False
        codes = memory.page_codes()
        numbers = numbers or list(range(1, len(codes) + 1))
        if max(numbers) > len(codes):
            return False
        found = await items_by_codes(session, codes, data.get("public_items"))
        entries = [(n, found[codes[n - 1]]) for n in numbers[:MAX_SEEN] if codes[n - 1] in found]
        return {"entries": entries} if len(entries) > 1 else False


# What the words of such a question leave beside the entries (「这几个」 「最」 「快」).
EACH_FILLER = (
    "这几个两项哪一个最更快便宜区别不同一样分别各自啥什么有的是呢吗要个些一共总全部每都能得可以在收"
)


class ChoiceByPlace(Filter):
    """A town or office named after a list (「打柴沟镇的」) where it implements an entry's item
    under the same name, though that one was not shown (the county's entry was), with a
    question or none (「我是打柴沟镇的 在哪办」): passes `variant`, that item's code, when
    exactly one such item is meant, and `aspect`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        state = data.get("state")
        session: AsyncSession | None = data.get("session")
        searcher = data.get("search")
        if understood is None or state is None or session is None or searcher is None:
            return False
        words = PLACE_AGAIN.sub("", understood.core)  # 「我是打柴沟镇的 镇上能办吗」
        if understood.intent != ITEM or not words:
            return False
        aspect = understood.aspect
        if aspect is not None:
            # 「我是打柴沟镇的 在哪办」: the town where the asker lives, and a question
            if not parsing.only_where_one_lives(understood.core):
                return False
            towns = await queries.towns_named(session=session, text=understood.text)
            if len(towns) != 1:
                return False
            (words,) = towns
        if not MIN_PLACE_WORDS <= len(words) <= MAX_CHOICE_WORDS:
            return False
        memory = await recall(state)
        if memory.numbered != "items" or not memory.list_codes:
            return False
        if not any(words in name for name in await _department_names(session)):
            return False  # no office's name holds the words: no search needed
        shown = memory.page_codes()
        found = await items_by_codes(session, shown, data.get("public_items"))
        names = {item.name for item in found.values()}
        variants = {
            code
            for name in names
            for code in entries_granted_by(searcher, name, words)
            if code not in shown
        }
        return {"variant": variants.pop(), "aspect": aspect} if len(variants) == 1 else False


MIN_PLACE_WORDS = 2  # 「打柴沟」: a place's name, not one character of it
# Per region served: (the departments' generation, their names).
_NAMES: dict[RegionScope, tuple[int, tuple[str, ...]]] = {}


async def _department_names(session: AsyncSession) -> tuple[str, ...]:
    """The offices' names of the region the session serves, read again only when the
    departments change."""
    scope, generation = scope_of(session), CHANGES.generation("departments")
    known = _NAMES.get(scope)
    if known is None or known[0] != generation:
        summaries = await queries.departments(session=session)
        known = (generation, tuple(s.department.name for s in summaries))
        _NAMES[scope] = known
    return known[1]


# 「网吧审批那一步要多久」 after a checklist: its step
POINTING = ("的那个", "那个", "那一个", "那项", "那一项", "那条", "那一步", "这一步", "那步")
DESCRIBED_MARGIN = 0.1  # how far the entry described must be ahead of the next one shown


def points_back(text: str) -> bool:
    """Whether a message ends pointing at something shown (「…的那个」)."""
    return parsing.strip_particles(text).endswith(POINTING)


def _described(searcher: Any, codes: list[str], words: str) -> int | None:
    """The number of the entry shown that search ranks first for the words, when clearly."""
    if searcher is None or not words:
        return None
    scores: dict[str, float] = {}
    for hit in searcher.search(words, top=25, citizen=True):
        scores.setdefault(hit.document.code, hit.score)
    ranked = sorted((scores.get(code, 0.0), n) for n, code in enumerate(codes, start=1))
    if not ranked or ranked[-1][0] <= 0.0:
        return None
    runner_up = ranked[-2][0] if len(ranked) > 1 else 0.0
    return ranked[-1][1] if ranked[-1][0] - runner_up >= DESCRIBED_MARGIN else None


def labels_of_items(memory: Memory, labels: list[list[str]]) -> list[str]:
    """The names of the entries of an item list just shown (none for other lists)."""
    return labels[0] if memory.numbered == "items" and labels else []


# Getting a new paper for one lost (not reporting the loss).
NEW_PAPER = re.compile(
    r"补办|补领|补一个|补个|重新办|再办一个|(?:[咋怎如哪][么何里]?|要|去)补(?![贴助交缴偿])"
)


MIN_OTHER_THING = 2  # characters said that no entry's name holds: another thing named


def _names_another_thing(text: str, names: list[str]) -> bool:
    """Whether the words, without their ways and fillers, name a paper none of the entries
    is about (结婚证 of 「结婚证丢了咋补」 beside 居民身份证's entries; not the 地址 of 「门面搬了
    我是要换个地址」, which is what changes)."""
    rest = READER.strip_fillers(without_directions(normalise(read(text).core)))
    if not any(rest[i] in PAPER_ENDS for i in range(MIN_OTHER_THING, len(rest))):
        return False
    held = set("".join(names))
    other = [c for c in rest if is_hanzi(c) and c not in held and not left_by_a_way(c)]
    return len(other) >= MIN_OTHER_THING


def _the_one_going_the_way(names: list[str], text: str) -> int | None:
    """The number of the one entry whose name goes a way the words ask other than a first
    application (「丢了要补的」: 补领结婚证 of 婚姻登记 and 补领结婚证), when only one does."""
    said = direction_of(normalise(text))
    wish = asked(said) - {NEW}
    if wish and _names_another_thing(text, names):
        return None  # 「结婚证丢了咋补」 after 居民身份证's entries: another thing's way
    if not wish and said == {NEW}:
        # 「新办」 「我要新办的」: the one entry for a first application (新办, 设立), or
        # else the one whose name goes no way at all (核发 beside its 延续 and 变更)
        ways = [direction_of(normalise(name)) for name in names]
        going = [n for n, way in enumerate(ways, start=1) if NEW in way]
        going = going or [n for n, way in enumerate(ways, start=1) if not way]
        return going[0] if len(going) == 1 else None
    if not wish:
        return None
    if NEW_PAPER.search(text) and "挂失" not in text:
        # 「补办身份证要多久」 after its 挂失 and its 办理: a new paper, not the loss reported;
        # the entry that issues one (补领, or the paper's own 办理), of the entries of the
        # paper named when a checklist holds others (社保卡补领 beside 身份证's two)
        thing = normalise(NEW_PAPER.sub(" ", text))
        pool = [
            (n, name)
            for n, name in enumerate(names, start=1)
            if len(longest_run(thing, normalise(name))) >= MIN_PAPER_SAID
        ]
        pool = pool if len(pool) > 1 else list(enumerate(names, start=1))
        issuing = [n for n, name in pool if "挂失" not in name]
        if len(issuing) == 1 and len(pool) > 1 and any("挂失" in name for _, name in pool):
            return issuing[0]
    going = [n for n, name in enumerate(names, start=1) if wish & direction_of(normalise(name))]
    return going[0] if len(going) == 1 else None


def _the_item_itself(hits: list[int], names: list[str]) -> list[int]:
    """Of the entries hit (numbers from 1), the one whose name goes no way but a first
    application (核发 beside its 延期 or 变更), when exactly one does; else all of them."""
    itself = [
        n
        for n in hits
        if n <= len(names) and not asked(direction_of(normalise(names[n - 1]))) - {NEW}
    ]
    return itself if len(itself) == 1 else hits


async def _labels(memory: Memory, session: AsyncSession, cache: Any) -> list[list[str]]:
    """The entries of the list just shown: names alone, then names with departments."""
    if memory.numbered == "places":
        places = [await queries.region_by_code(session=session, code=c) for c in memory.place_codes]
        return [[p.label if p is not None else "" for p in places]]
    if memory.numbered != "items" or not memory.list_codes:
        return []
    codes = memory.page_codes()
    found = await items_by_codes(session, codes, cache)
    items = [found.get(code) for code in codes]
    names = [item.name if item is not None else "" for item in items]
    with_departments = []
    for item in items:
        department = item.department if item is not None else None
        owner = (department.short_name or department.name) if department is not None else ""
        with_departments.append(f"{item.name if item is not None else ''} {owner}")
    return [names, with_departments]


class Rating(Filter):
    """「评5」, 「好评」…; passes `score`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text:
            return False
        score = parsing.parse_rating(text)
        if score is None and parsing.rating_number(text) is not None:
            score = 0  # 「评6」: a rating out of range, answered with the range
        return {"score": score} if score is not None else False


_LETTER_RUN = re.compile("[A-Za-z]+")


def matter_said(text: str) -> tuple[OutsideMatter, str] | None:
    """The matter outside the catalogue the text names, with the words naming it (the longest
    said: 往来港澳通行证 before 港澳通行证), if it names one."""
    match = _outside_words().search(text)
    return (_OUTSIDE[match.group(0)], match.group(0)) if match is not None else None


_OUTSIDE = {word: matter for matter in outside_matters() for word in matter.said}


@lru_cache(maxsize=1)
def _outside_words() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(_OUTSIDE, key=len, reverse=True))))


class ServiceNumberAsked(Filter):
    """A service number asked about with nothing else said (「12345是干啥的电话」 「12333是哪
    里的」): the county's hotline or a national one of the outside matters; passes `number`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        match = parsing.SERVICE_NUMBER.search(text) if text else None
        if match is None:
            return False
        number = match.group(1)
        if number != parsing.SERVICE_HOTLINE and number not in hotlines():
            return False
        rest = match.string[: match.start()] + match.string[match.end() :]
        return {"number": number} if parsing.asks_what_a_number_is(rest) else False


class OutsideMatterAsked(Filter):
    """Words naming a matter the catalogue does not hold (「港澳通行证在哪办」 「公积金想取出
    来」), when search finds no item for the words naming it (a catalogue that holds one answers
    with its item); passes `matter` and `named`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        search = data.get("search")
        if understood is None or understood.intent != ITEM or search is None:
            return False
        found = matter_said(understood.text)
        if found is None or (found[0].urgent and not _SETTLED.search(understood.text)):
            # 「失火了能申请啥救助」 「儿子出车祸没了 有啥扶助」: a story of what happened; its
            # office answers only a claim settled afterwards (「车祸赔偿怎么办」)
            return False
        matter, named = found
        hits = search.search(named, top=OUTSIDE_CHECKED, citizen=True)
        if any(hit.confident and _names_the_matter(hit.document, named) for hit in hits):
            return False
        if await _a_paper_of_the_card(named, data):
            return False  # 「员工要健康证吗」 on 公共场所卫生许可: its 从业人员健康合格证明
        return {"matter": matter, "named": named}


async def _a_paper_of_the_card(named: str, data: Mapping[str, Any]) -> bool:
    """Whether, right after a card, the words naming an outside matter name one of the card's
    papers the short way (健康证 of 从业人员健康合格证明)."""
    state, session = data.get("state"), data.get("session")
    if state is None or session is None:
        return False
    memory = await recall(state)
    if memory.focus != "card" or not memory.card_code:
        return False
    card = await item_by_code(session, memory.card_code, data.get("public_items"))
    return card is not None and names_its_paper_short(card, named)


# Characters an emergency may be told in beside its word (「我家老人走失了」 「快 着火了」); a
# longer story tells what happened and asks something of it (「家里失火了房子烧了能申请啥
# 救助」: an item)
URGENT_TOLD = 5
# What is asked once the danger is past: help, money or a paper
_AFTERWARDS = re.compile("申请|补助|救助|补贴|能领|领啥|手续|材料|证明|补办|登记|保险|处罚")
# … or a claim settled afterwards (「车祸赔偿怎么办」): whom to ask, no emergency
_SETTLED = re.compile("赔偿|赔钱|理赔|责任认定|处理结果")


class UrgentMatterSaid(Filter):
    """An emergency said in a few words (「我家老人走失了」 「我要报警」 「着火了」): passes
    `matter` (its number is given at once, before any search)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        found = matter_said(text) if text else None
        if found is None or not found[0].urgent or text is None or points_back(text):
            return False  # 「发洪水抢险砍了树的那个」: an entry of a list described
        told = READER.strip_fillers(parsing.normalize(text).replace(found[1], ""))
        if sum(map(is_hanzi, told)) > URGENT_TOLD or _AFTERWARDS.search(told):
            return False
        if _SETTLED.search(told):
            return False  # 「房子烧了能申请啥救助」: what is asked afterwards is an item's
        return {"matter": found[0]}


def _names_the_matter(document: Any, named: str) -> bool:
    """Whether an item found for the words naming an outside matter is that matter: its name,
    a keyword or an alias holds the words (普通护照签发 for 护照), or a keyword is among them;
    not an item sharing a common word (《出生医学证明》 for 开个证明)."""
    words = (*document.keywords, *document.aliases)
    return named in document.name or any(named in w or w in named for w in words)


OUTSIDE_CHECKED = 3  # results of the words naming an outside matter that may show an item


class BindRequest(Filter):
    """「绑定 <村名>」; passes `place_name` (may be empty)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        name = parsing.parse_bind(text) if text else None
        state = data.get("state")
        if name is None and text and state is not None and (await recall(state)).focus == "bind":
            # 「绑定」, asked which village, then 「红大村」 or its code: that place.
            place = parsing.strip_particles(parsing.normalize(text))
            if parsing.names_place(place) or parsing.parse_region_code(place):
                return {"place_name": place}
        if name is None:
            # 「我是宽沟村的村干部 绑定一下」: the place is what is left of the words.
            understood = reading(event)
            if understood is None or understood.intent != "bind":
                return False
            if not READER.says_term(understood.text, "bind"):
                return False  # 「红大村」 alone only resembles 「绑定 红大村」: binding is said
            # a place's name has no letters: 「wo shi 西大滩村的 bangding一下」 typed the rest
            # in pinyin
            name = parsing.region_code_in(understood.core) or parsing.place_part(
                _LETTER_RUN.sub("", read(parsing.without_village_pointers(understood.text)).core)
            )
            if name and not (parsing.names_place(name) or parsing.parse_region_code(name)):
                return False  # 「社保卡绑定银行卡」 is not about a village
        return {"place_name": name}


# An office's name as said before a question of which items it handles (「民政局」 「县人社局」
# 「华藏寺镇政府」 「扶贫办公室」 「扶贫办」): a few characters ending in an office's word (a
# few more than its two or three before 办: 「我想注册办」 is no office).
_OFFICE = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{1,12}}?(?:局|政府|办公室|委员会)|县?[\u4e00-\u9fff]{{1,3}}?{parsing.OFFICE_BAN})"
)


class DepartmentItems(Filter):
    """An office named alone, or with words asking which items it handles (「民政局都能办啥」
    「卫健局管哪些事项」); passes `department`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event) or ""
        session: AsyncSession | None = data.get("session")
        office = _OFFICE.search(text)
        # Before any look-up (most messages): an office's word, and beside it only words
        # asking which items (「身份证咋办」 ends in 办 but names no office).
        if office is None or session is None:
            return False
        if not parsing.asks_department_items(office.string[office.end() :]):
            return False
        named = await departments.mention(session, text)
        if len(named.departments) != 1:
            return False
        department = named.departments[0]
        # Only the office's own name is taken out (「盖楼的施工证是在住建局办吗」 asks an item).
        own = [department.name, department.short_name, department.short_name.removeprefix("县")]
        said_as = max((n for n in own if n and n in text), key=len, default=named.named)
        if not parsing.asks_department_items(text.replace(said_as, " ", 1)):
            return False
        return {"department": department}


# The questions an office answers of itself: how to reach it, where it is, when it is open.
CONTACT_ASPECTS = frozenset({"phone", "place", "hours"})


_SERVICE_CENTRE = "服务中心"


class DepartmentContact(Filter):
    """An office named with a question of how to reach it (「民政局电话多少」 「人社局电话给一个」
    「公安局在哪」) and no item beside it: passes `department` and `aspect`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        session: AsyncSession | None = data.get("session")
        if understood is None or understood.aspect not in CONTACT_ASPECTS or session is None:
            return False
        # the core loses 办 as a word of doing: 「扶贫办电话」 said it right after the core
        with_ban = f"{understood.core}办"
        said = [understood.core, with_ban] if with_ban in understood.text else [understood.core]
        if _SERVICE_CENTRE in understood.text:
            # 「…便民服务中心在哪」: the core loses 服务中心 as a word of the place asked
            said.append(understood.text)
        said_office = next((t for t in said if parsing.department_word(t)), None)
        if said_office is None:
            return False
        named = await departments.mention(session, said_office)
        if len(named.departments) != 1:
            return False
        # beside the office named in the whole text: what is left once the question is read
        rest = named.rest if said_office != understood.text else read(named.rest).core
        if not parsing.asks_only_contact(rest):
            return False
        return {"department": named.departments[0], "aspect": understood.aspect}


# The county's service centre named as people do (not a town's: its name says the town); the
# words that name it only when nothing else was just shown (「你们窗口电话」 after a card: its)
_CENTRE_NAMED = re.compile(
    "政务服务中心|政务中心|政务服务大厅|政务大厅|办事大厅|服务大厅|便民服务中心"
)
_CENTRE = re.compile(f"{_CENTRE_NAMED.pattern}|服务中心|大厅|你们单位|你们那|你们|便民|政务")
# Words of the hours asked beside the time (「还能办吗」 「有人吗」 「期间」), and the time of
# day (「下午两点」 「12点到2点」)
_HOURS_WORDS = re.compile(
    r"能办|能去|有人|办事|办公|办|期间|时候|时间|现在|是|还|去|的|了|节|上"
    r"|上午|下午|午|早上|晚上|\d{1,2}(?:点|:)(?:半|\d{1,2}分?)?|[一二两三四五六七八九十]{1,3}点半?|到"
)


class CentreAsked(Filter):
    """The county's service centre asked of by name (「政务服务中心电话」 「大厅几点开门」), or
    office hours asked of a time with nothing else named (「周末上班吗」 「冬天几点下班」, and
    「冬天呢」 right after): passes `aspect` (hours, phone or place) and `when`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        text = said(event)
        if understood is None or not text:
            return False
        if understood.aspect not in CONTACT_ASPECTS:
            same = THE_SAME_OF.match(text.replace(" ", ""))
            if same is None or data.get("state") is None:
                return False
            if (await recall(data["state"])).focus != "centre":
                return False
            when, rest = parsing.times_asked(same.group(1))
            return {"aspect": "hours", "when": when} if when and not rest else False
        when = parsing.times_asked(text)[0]
        rest = parsing.times_asked(understood.core)[1]
        rest = _HOURS_WORDS.sub("", _CENTRE.sub("", rest)).replace(" ", "")
        if READER.strip_fillers(rest):
            return False
        named = _CENTRE_NAMED.search(text) is not None
        if not named and await _shown_before(data.get("state")):
            return False  # 「几点上班」 「你们电话多少」: of the card or list just shown
        if understood.aspect != "hours" and not (named or _CENTRE.search(text)):
            return False  # 「电话多少」: of what was just shown
        return {"aspect": understood.aspect, "when": when}


async def _shown_before(state: Any) -> bool:
    """Whether an item's card, a list of items, an office's or a matter's contact is what the
    citizen last read (what an hours question is then asked of)."""
    if state is None:
        return False
    memory = await recall(state)
    if memory.focus in ("department", "outside"):
        return True
    return memory.focus in ("card", "list", "") and bool(memory.card_code or memory.list_codes)


async def department_shown(state: Any, session: AsyncSession) -> Department | None:
    """The office whose contact the citizen's last answer gave (focus "department"), else
    None."""
    if state is None:
        return None
    memory = await recall(state)
    if memory.focus != "department" or not memory.department_id:
        return None
    found = await departments.by_ids(session, [memory.department_id])
    return found[0] if found else None


# The kinds of code an office has (「民政局的统一社会信用代码」), not a place's
OFFICE_CODE_KINDS = frozenset({"统一社会信用", "社会信用", "信用", "组织机构", "机构"})


class DepartmentCodeAsked(Filter):
    """An office named with the question of its code (「民政局的组织机构代码」 「人社局统一社会
    信用代码是多少」): passes `department` and `kind` (the kind of code said, or "")."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        asked = parsing.directory_question(text) if text else None
        if asked is None or asked.aspect != "code" or session is None:
            return False
        office = READER.strip_fillers(asked.named)
        if not parsing.department_word(office):
            return False
        named = await departments.mention(session, office)
        if len(named.departments) != 1 or READER.strip_fillers(named.rest):
            return False
        return {"department": named.departments[0], "kind": asked.kind}


class DepartmentFollowUp(Filter):
    """Right after an office's contact (by its name or code), another question of how to
    reach it with no item named (「电话给一个」 「几点上班」 「这个局在哪」): passes
    `department` and `aspect`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        understood = reading(event)
        session: AsyncSession | None = data.get("session")
        if understood is None or understood.aspect not in CONTACT_ASPECTS or session is None:
            return False
        if not parsing.asks_contact_of_the_office(understood.rest):
            return False
        department = await department_shown(data.get("state"), session)
        return {"department": department, "aspect": understood.aspect} if department else False


class OtherDepartmentAsked(Filter):
    """Right after an office's contact, another office asked the same way (「人社局电话」, then
    「那民政局呢」): passes `department` and `aspect` (its contact)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        same = THE_SAME_OF.match(text.replace(" ", "")) if text else None
        if same is None or session is None or not parsing.department_word(same.group(1)):
            return False
        if await department_shown(data.get("state"), session) is None:
            return False
        named = await departments.mention(session, same.group(1))
        if len(named.departments) != 1 or READER.strip_fillers(named.rest):
            return False
        return {"department": named.departments[0], "aspect": "phone"}


class CountyRowsNamed(Filter):
    """No place named, but words naming some of the county's poverty allocations or projects
    (「光伏扶贫在哪几个村」 「2017年整村推进资金分到了哪些村」); passes `year`, `about` (the words
    that name them) and `funds` (the county's, read once for both)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        if not text or session is None or not parsing.COUNTY_ROWS_CUE.search(text):
            return False
        year, _ = parsing.split_year(text)
        about, funds = await county_rows_named(session, text, year)
        return {"year": year, "about": about, "funds": funds} if about else False


async def county_rows_named(
    session: AsyncSession, text: str, year: int | None
) -> tuple[str, RegionFunds | None]:
    """The words of the text that name some of the county's poverty rows of the year (「光伏」),
    or '', and the county's rows read for it (None when none were read)."""
    fragments = parsing.row_fragments(text)
    if not fragments:
        return "", None
    funds = await queries.region_funds(session=session, region_code=parsing.COUNTY_CODE, year=year)
    if funds is None:
        return "", None
    return parsing.named_run(fragments, fund_answers.row_names(funds)), funds


class BoundWhich(Filter):
    """「我现在绑的是哪个村」."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        return bool(text) and parsing.asks_bound_village(text or "")


class MyVillage(Filter):
    """「我村资金 [年份]」; passes `topic`, `year` and `town` (「我们乡」: the place's town)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        parsed = parsing.parse_my_village(text) if text else None
        if parsed is None or text is None:
            return False
        if _CODE_IN_TEXT.search(parsing.normalize(text)) is not None:
            return False  # 「我们村代码是620623111203 有啥扶贫项目」: the code's village
        session: AsyncSession | None = data.get("session")
        rest = parsing.place_part(READER.strip_fillers(parsing.split_fund_topic(text)[1]))
        # 「我们村是哈溪镇双龙村 扶贫资金多少」: the place named, not the bound one
        if (
            session is not None
            and parsing.names_place(rest)
            and (await queries.find_regions(session=session, name=rest)).places
        ):
            return False
        return {"topic": parsed[0], "year": parsed[1], "town": parsing.says_my_town(text)}


# Questions whose words, beside a phone number, only ask whose it is (「…是哪个单位的电话」).
WHOSE_NUMBER = ("phone", "place")
WHOSE_WORDS = frozenset("谁哪里儿家个什么")  # left beside such a question: 「是谁的」 「哪里的」


class PhoneNumber(Filter):
    """Text that is only a telephone number (not an item code), or a landline number with
    words that only ask whose it is (「0935-3121410是哪个单位的」); passes `number`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text:
            return False
        number = parsing.parse_phone(text)
        if number:
            return {"number": number}
        inside = parsing.phone_in_words(text)
        if inside is None:
            return False
        number, words = inside
        reading = read(words)
        asks_whose = (
            reading.intent == ITEM
            and reading.aspect in WHOSE_NUMBER
            and set(reading.core) <= WHOSE_WORDS
        )
        return {"number": number} if asks_whose else False


class IdNumber(Filter):
    """A message with a resident identity number in it."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        return text is not None and parsing.has_id_number(text)


class RegionCode(Filter):
    """Text that is only a town's or village's statistical code; passes `region_code`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text:
            return False
        code = parsing.parse_region_code(text)
        if code:
            return {"region_code": code}
        # 「620623203201 扶贫资金」 「村代码620623203201 2016年的项目」: the code, then fund words
        match = _CODE_IN_TEXT.search(parsing.normalize(text))
        if match is None:
            return False
        rest = match.string[: match.start()] + " " + match.string[match.end() :]
        year, rest = parsing.split_year(rest)
        topic, leftover = parsing.split_fund_topic(rest)
        if topic is None and year is not None and not leftover.strip():
            topic = "funds"  # 「620623108211 2016」: the code and a year, the place's funds
        if topic is None or not _CODE_WORDS.match(leftover.replace(" ", "")):
            return False
        return {"region_code": match.group(0), "year": year}


class PartialRegionCode(Filter):
    """Text that is only the first digits of a town's or village's statistical code (a digit or
    two left off); passes `region_prefix`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        code = parsing.parse_partial_region_code(text) if text else None
        return {"region_prefix": code} if code else False


# A unified social credit code (GB 32100: 18 characters of digits and capitals but I, O, S, V,
# Z) or an organisation code (GB 11714: 8 + a check character, the dash before it often left
# out: 「DM6201211是哪个单位」), standing alone in the words; only a department's own code
# passes, so a nine-digit town code falls through.
_DEPARTMENT_CODE = re.compile(
    r"(?<![0-9A-Z])(?:[0-9A-HJ-NPQRTUWXY]{18}|[0-9A-Z]{8}-?[0-9X])(?![0-9A-Z])"
)


class DepartmentCode(Filter):
    """A department's unified social credit code or organisation code (「统一社会信用代码
    11620623DM62018444是哪个单位」): passes `department` and `code_text`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        if not text or session is None:
            return False
        match = _DEPARTMENT_CODE.search(text.upper())
        if match is None:
            return False
        found = await queries.department_by_code(session=session, code=match.group(0))
        return {"department": found, "code_text": match.group(0)} if found else False


class LooksLikeCode(Filter):
    """Text that is only a code (10+ letters and digits, mostly digits); passes `code_text`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text or not _CODE_TEXT.match(text):
            return False
        alnum = [c for c in text if c.isascii() and c.isalnum()]
        digits = sum(c.isdigit() for c in alnum)
        return {"code_text": text} if len(alnum) >= 10 and digits >= 5 else False


# An item code pasted inside a question (「620623000000DM62019830—XK00022000 还能办吗」): a run
# of letters, digits, dashes and spaces long enough to be the 32 characters of one.
_ITEM_CODE_IN_TEXT = re.compile(
    r"[0-9A-Za-z][0-9A-Za-z\s\u2014\u2013\u2010\u2011\u2212\-]{28,}[0-9A-Za-z]"
)
MAX_CODE_QUESTION = 12  # characters beside the code: a short question about it, not a paragraph


MIN_CODE_DIGITS = 20  # of an item code's 32 characters, most are digits


def _mistyped_code(run: str) -> bool:
    """Whether a run of letters and digits is an item code a key or two off (31 or 33
    characters, mostly digits): the code's answer says what is wrong and offers the nearest."""
    typed = normalize_code_text(run)
    near = abs(len(typed) - ITEM_CODE_LENGTH) <= queries.NEAR_EDITS
    return near and sum(c.isdigit() for c in typed) >= MIN_CODE_DIGITS


class CodeMeaningAsked(Filter):
    """What an item code's parts mean (「620623…QT00008000每一位代表什么」, 「XK是什么意思」, or
    right after a card 「这个编码啥意思」, or of no code 「事项编码是什么意思」); passes
    `code_text` (the code typed, else the card's, else "") and `categories` (table 1's letters
    said)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text:
            return False
        match = _ITEM_CODE_IN_TEXT.search(text)
        typed = match is not None and queries.canonical_code(match.group(0)) is not None
        if not parsing.asks_code_meaning(text, code_typed=typed):
            return False
        if match is not None and typed:
            return {"code_text": match.group(0), "categories": []}
        categories = parsing.categories_named(text)
        if categories:
            return {"code_text": "", "categories": categories}
        state = data.get("state")
        memory = await recall(state) if state is not None else None
        if memory is None or memory.focus != "card" or not memory.card_code:
            return {"code_text": "", "categories": []}  # how any item code reads
        return {"code_text": memory.card_code, "categories": []}


class CodeInWords(Filter):
    """An item's 32-character code with a short question about it (「…还能办吗」 「…在哪办」);
    passes `code_text` and `aspect`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        match = _ITEM_CODE_IN_TEXT.search(text or "")
        if match is None:
            return False
        if queries.canonical_code(match.group(0)) is None and not _mistyped_code(match.group(0)):
            return False
        rest = (match.string[: match.start()] + match.string[match.end() :]).strip()
        if len(rest) > MAX_CODE_QUESTION:
            return False
        aspect = read(rest).aspect if rest else None
        # 「这个编码是啥 <code>」 asks what the code names: the whole card, not its code line
        return {"code_text": match.group(0), "aspect": None if aspect == "code" else aspect}


async def _funds_shown(state: Any) -> Memory | None:
    """The memory when the citizen's last answer was about the fund list (「那X补助呢」 names
    another fund), else None."""
    if state is None:
        return None
    memory = await recall(state)
    return memory if memory.focus == "funds" else None


async def _asked_of_the_card(event: Event, state: Any) -> bool:
    """Whether the message asks a question about an item (its phone, place …) right after a
    card, with no more than where the asker lives."""
    understood = reading(event)
    if state is None or understood is None or understood.aspect is None:
        return False
    if not parsing.only_where_one_lives(understood.core):
        return False
    return (await recall(state)).focus == "card"


async def _numbered(state: Any) -> bool:
    """Whether a numbered list (items, places, steps) waits for its number."""
    return state is not None and bool((await recall(state)).numbered)


async def _names_an_entry_beside(place: str, data: Mapping[str, Any]) -> bool:
    """Whether, right after opening an entry of an item list, the place names another entry
    of it by its office (the towns' entries of 乡村建设规划许可证核发)."""
    state, session = data.get("state"), data.get("session")
    if state is None or session is None or not place:
        return False
    memory = await recall(state)
    if memory.focus != "card" or memory.card_code not in memory.page_codes():
        return False
    labels = await _labels(memory, session, data.get("public_items"))
    return any(place in label for label in (labels[-1] if labels else []))


async def _list_shown(state: Any) -> bool:
    """Whether the citizen's last answer was a list of items (a place's name may pick one)."""
    if state is None:
        return False
    return (await recall(state)).focus == "list"


# Words beside a place's name that are no part of it: who speaks (我是, 我们) and the town
# pointed at again (「我是大红沟镇的 镇上分到多少」, 「石门镇到乡镇的扶贫资金」).
# 镇上 only as a word of its own: 「赛什斯镇 上古城村」 holds 镇上 across two names.
NOT_THE_PLACES_NAME = re.compile(
    "我是|我们|咱们|俺们|到乡镇|(?:^|(?<=\\s)|(?<=的)|(?<=，)|(?<=,))(?:镇上|乡上|镇里|乡里)"
    # 「隔壁松山镇呢」: a neighbour named
    "|^(?:那|那么)?(?:隔壁|旁边|邻近|附近)的?"
)


# What is to be done asked after a place (「要批啥」 「咋办」 「啥手续」): an item's question, the
# place only where it is done.
ITEM_ASKED = re.compile(
    r"(?:批|办|弄|开|交|带|准备)(?:个|些|点)?(?:啥|什么|哪些)|手续|材料|(?:咋|怎么|怎样|如何)(?:办|弄|批)"
    r"|在哪(?:里|儿)?(?:办|批|弄)|(?:找|问)谁"
    # 「华藏寺镇 乡村建设规划许可证」 「打柴沟镇的建设规划证」: a procedure's or paper's name
    r"|许可|审批|登记|执照|备案|证"
)


class PlaceFunds(Filter):
    """「<村或镇> 扶贫/资金/项目 [年份]」 naming a known place; passes `match`, `year`, `topic`
    and `compared_with` (「17年比16年多分了多少」: the earlier year, else None). Right after a
    place's rows of one year, 「那天堂镇呢」 asks the other place's of that year."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        found = await self._found(event, data)
        if not isinstance(found, dict) or found["year"] is not None:
            return found
        if not THE_SAME_OF.match(said(event) or "") or data.get("state") is None:
            return found
        memory = await recall(data["state"])
        if memory.focus == "place" and memory.place_year_shown is not None:
            found["year"] = memory.place_year_shown
        return found

    async def _found(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        if not text or session is None:
            return False
        # 「不是东大滩乡那个，我问的是大红沟镇东圈湾村」: the place meant
        two_years, text = parsing.split_two_years(parsing.without_correction(text))
        compared = two_years[1] if two_years is not None else None
        year, rest = parsing.split_year(text)
        year = two_years[0] if two_years is not None else year
        # 「我屋里在朵什窑洞湾」: a town and its village said without 镇 and 村
        rest = await queries.spelled_out(session=session, text=rest)
        topic, place_text = parsing.split_fund_topic(rest)
        if topic is None and parsing.projects_by_progress(rest):
            # 「哪些项目取消了」: the county publishes no projects but its poverty projects
            topic, place_text = "projects", rest
        if topic is None:
            # 「圈湾村 2015」: a place's name and a year say enough; so does the name alone
            # (「天堂镇大湾村」), unless it may pick an entry of the list just shown.
            # 「窑洞湾村的夏菜基地」 「旦马乡大水村危房改造」: a place first, then what about it
            lead = parsing.place_part(parsing.without_home_lead(rest))
            bare = year is not None and await _a_bare_name(session, lead)  # 「松山2015」
            if not (parsing.names_place(lead) or bare or await _another_place_asked(rest, data)):
                return False
            if year is None and await _list_shown(data.get("state")):
                return False
            if year is None and await _names_an_entry_beside(lead, data):
                return False  # 「华藏寺镇的呢」 after 打柴沟镇's entry of a list: its own entry
            if ITEM_ASKED.search(rest.replace(lead, " ", 1)):
                return False  # 「在下河东村 想把老房子拆了重盖 要批啥」: where, then an item
            understood = reading(event)
            if (
                understood is not None
                and understood.aspect in CONTACT_ASPECTS
                and parsing.department_word(rest)
            ):
                return False  # 「打柴沟镇政府电话」: the town's office, not its funds
            if await _asked_of_the_card(event, data.get("state")):
                return False  # 「我是华藏寺镇的 该找谁问」 on a card: where the asker lives
            topic, place_text = "funds", lead
        county, place_text = parsing.without_county(parsing.fund_topic(place_text))
        place_text = NOT_THE_PLACES_NAME.sub(" ", place_text)
        pair = await _two_places(session, place_text)
        if pair is not None:
            # 「双龙村和大水村哪个分的多」: the two set beside each other
            return {
                "match": RegionMatch(place_text, [pair[0]]),
                "year": year,
                "topic": topic,
                "place_name": pair[0].name,
                "compared_with": None,
                "beside": pair[1],
            }
        named = await _named_exactly(session, parsing.place_part(place_text.replace(" ", "")))
        if named is not None:
            # 「哈溪镇扶贫资金」: a place's own name, whose characters may be fillers (哈).
            return {
                "match": named,
                "year": year,
                "topic": topic,
                "place_name": named.text,
                "compared_with": compared,
            }
        as_said = parsing.place_part(place_text.replace(" ", ""))
        place_text = parsing.place_part(READER.strip_fillers(place_text.replace(" ", "")))
        match = None
        if place_text and len(place_text) <= 20:
            match = await queries.find_regions(session=session, name=place_text)
        if (match is None or not match.places) and as_said != place_text and len(as_said) <= 20:
            # 「哈溪扶贫资金」 「那哈溪呢」: a place's name whose first character is a filler (哈)
            match = await queries.find_regions(session=session, name=as_said)
            place_text = as_said if match.places else place_text
        # 「哪些扶贫项目取消了」 「扶贫项目都弄完了没」: poverty projects said outright, the other
        # words naming no place.
        no_place = not (match and match.places) and not parsing.names_place(place_text)
        if no_place and any(word in rest for word in parsing.THIS_PLACE_WORDS):
            # 「这个村有啥扶贫项目」 right after a village: that village's (PlaceFollowUp)
            state = data.get("state")
            if state is not None and (await recall(state)).place_code:
                return False
        if (not place_text and (county or year is not None)) or (
            no_place and (parsing.says_poverty_projects(rest) or parsing.projects_by_progress(rest))
        ):
            # 「2016年扶贫资金一共分了多少」 「全县扶贫项目」: the whole county.
            whole = await queries.county_place(session=session, code=parsing.COUNTY_CODE)
            if whole is None:
                return False
            match = RegionMatch(text=whole.name, places=[whole])
            return {
                "match": match,
                "year": year,
                "topic": topic,
                "place_name": whole.name,
                "compared_with": compared,
            }
        if match is None or not match.places:
            return False
        return {
            "match": match,
            "year": year,
            "topic": topic,
            "place_name": place_text,
            "compared_with": compared,
        }


async def _another_place_asked(rest: str, data: Mapping[str, Any]) -> bool:
    """Whether, right after a place's rows, the words (without a year) ask the same of
    another place said without 镇 or 村 (「打柴沟呢」, not 「2016年的呢」)."""
    state = data.get("state")
    said_of = THE_SAME_OF.match(rest)
    if said_of is None or state is None or len(said_of.group(1)) < MIN_PLACE_STEM:
        return False
    return (await recall(state)).focus == "place"


async def _a_bare_name(session: AsyncSession, words: str) -> bool:
    """Whether the words are a town's or village's name without its 镇, 乡 or 村 (松山, 双龙)."""
    flat = words.replace(" ", "")
    if len(flat) < MIN_PLACE_STEM:
        return False
    match = await queries.find_regions(session=session, name=flat)
    return any(
        flat in (queries.core_name(p.name), queries.core_name(p.short_name)) for p in match.places
    )


# 「那天堂镇呢」 「打柴沟呢」: the same asked of another place.
THE_SAME_OF = re.compile(r"^(?:那|那么|还有)?([^，,。？?\s]{0,14}?)(?:的)?呢[?？]?$")
MIN_PLACE_STEM = 2  # characters of a place's name said without 镇 or 村 (石门, 打柴沟)


# 「双龙村和大水村」 「天堂镇跟哈溪镇比」: two places said together, to be set beside each other.
_COMPARING = re.compile("比较一下|比一下|比比|对比一下|对比|比较|相比")
_BETWEEN_PLACES = re.compile("和|跟|与|同|还是|比")


async def _two_places(
    session: AsyncSession, text: str
) -> tuple[queries.Place, queries.Place] | None:
    """The two places a text names joined by 和/跟/比, each one place only; else None."""
    parts = [p for p in _BETWEEN_PLACES.split(_COMPARING.sub("", text.replace(" ", ""))) if p]
    if len(parts) != 2:
        return None
    found = []
    for part in parts:
        name = parsing.place_part(part)
        if not parsing.names_place(name):
            return None
        match = await _named_exactly(session, name) or await queries.find_regions(
            session=session, name=name
        )
        if match.place is None:
            return None  # none, or several of that name: asked the usual way
        found.append(match.place)
    first, second = found
    return (first, second) if first.code != second.code else None


async def _named_exactly(session: AsyncSession, text: str) -> RegionMatch | None:
    """The places whose name (or town and name) the text is, word for word."""
    if not parsing.names_place(text):
        return None
    match = await queries.find_regions(session=session, name=text)
    exact = [
        p for p in match.places if text in (p.name, p.short_name, f"{p.town_name or ''}{p.name}")
    ]
    return match if exact else None


# 「咱们县有几个乡镇」: the county said without its name
_OUR_COUNTY = re.compile(r"^(?:我们|咱们|俺们|咱|俺|本)?县$")


class PlaceDirectoryAsked(Filter):
    """「华藏寺镇的代码」 「祁连镇有哪些村」 「天祝县有多少个乡镇」: what the county's list of
    places says of a place (its code, the places within it), not its funds. Passes `aspect` and
    `places`: those the name may be (several of one name), or none for the whole county."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        asked = parsing.directory_question(text) if text else None
        if asked is None or session is None or asked.kind in OFFICE_CODE_KINDS:
            return False
        county, named = parsing.without_county(READER.strip_fillers(asked.named))
        name = parsing.place_part(named.replace("藏族自治县", ""))
        if (county and not name) or _OUR_COUNTY.match(asked.named):
            return {"aspect": asked.aspect, "places": []}
        if not (parsing.names_place(name) or await _a_bare_name(session, name)):
            return False
        match = await _named_exactly(session, name) or await queries.find_regions(
            session=session, name=name
        )
        return {"aspect": asked.aspect, "places": match.places} if match.places else False


class DocumentNumber(Filter):
    """A message naming the document number of published poverty allocations or projects
    (「天扶贫发〔2016〕32号是啥项目」); passes `document`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        parsed = parsing.parse_document_number(text) if text else None
        if parsed is None or session is None:
            return False
        issuer, year, serial = parsed
        found = await queries.by_document(session=session, issuer=issuer, year=year, serial=serial)
        return {"document": found} if found is not None else False


# 「隔壁村呢」 「邻村分了多少」: a place next to the one shown, which the lists do not say.
NEIGHBOUR = re.compile(
    "(?:隔壁|邻近|旁边|附近|挨着|周边|周围|邻)的?(?:那个|那几个|几个)?(?:村|乡镇|乡|镇)"
)


class NeighbourAsked(Filter):
    """Right after a place's rows, a place next to it asked for by no name (「隔壁村呢」);
    passes `code`, the place shown."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state = data.get("state")
        if not text or state is None or NEIGHBOUR.search(text) is None:
            return False
        memory = await recall(state)
        if memory.focus != "place" or not memory.place_code:
            return False
        return {"code": memory.place_code}


# 「哪个多」 「比一下」 「两个一共多少」: the two places just shown, one after the other.
_THE_TWO = re.compile(
    "^(?:那|那么)?(?:这两个|两个|俩|这俩)?(?:村|镇|乡|地方)?(?:哪个|谁|哪边|哪一个)(?:的)?(?:多|少|更多|更少|钱多|钱少)"
    "|^(?:那|那么)?(?:两个|这两个|俩|这俩)(?:村|镇|乡|地方)?(?:一共|加起来|合计|总共)"
    "|^(?:那|那么)?(?:比一下|比比|比较一下|对比一下|差多少|相差多少|差了多少)"
)


class TwoPlacesShown(Filter):
    """Right after a place's rows that followed another place's, a question of the two
    (「哪个多」 「两个一共多少」); passes `year` (the year shown)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state = data.get("state")
        if not text or state is None or _THE_TWO.match(text.replace(" ", "")) is None:
            return False
        memory = await recall(state)
        if memory.focus != "place" or not memory.place_before or not memory.place_code:
            return False
        year, _ = parsing.split_year(text)
        return {"year": year if year is not None else memory.place_year_shown}


_WHO_GOT = re.compile("给了?谁|分给了?谁|谁拿|谁得")


class DocumentFollowUp(Filter):
    """Right after a poverty document's rows, 「都给了哪些村」 「一共多少钱」 「哪个乡镇最多」: that
    document again; passes `document`, `places_first` (which places was asked), `sources`
    and `ranking` (the most or least asked)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        state = data.get("state")
        if not text or session is None or state is None:
            return False
        which = parsing.WHICH_PLACES.search(text) is not None or _WHO_GOT.search(text) is not None
        ranking, _ = parsing.split_ranking(text)  # 「哪个乡镇最多」 「最少的是哪个」
        asked = parsing.asks_place_detail(text) or TOTAL_ASKED.search(text) or ranking
        if not (which or asked):
            # 「哈溪镇多少」 「那哈溪镇呢」: one place of the document's rows
            return await _a_place_of_the_document(text, session, state)
        subject = parsing.detail_subject(TOTAL_ASKED.sub(" ", text))
        if len(subject) > MAX_DETAIL_SUBJECT or parsing.names_place(subject):
            return False
        memory = await recall(state)
        parsed = (
            parsing.parse_document_number(memory.document) if memory.focus == "document" else None
        )
        if parsed is None:
            return False
        issuer, year, serial = parsed
        found = await queries.by_document(session=session, issuer=issuer, year=year, serial=serial)
        if found is None:
            return False
        return {
            "document": found,
            "places_first": which,
            "sources": parsing.asks_fund_source(text),
            "ranking": ranking,
        }


MAX_DETAIL_SUBJECT = 8  # 「易地搬迁配套」: what row is meant, not a new question
# 「哈溪镇多少」 「那哈溪镇呢」 「给了哈溪镇多少」: a place asked of the rows shown, nothing more.
_PLACE_OF_THE_ROWS = re.compile(
    r"^(?:那|那么)?(?:给了?|分给了?|到)?(?P<place>\S{2,12}?(?:村|镇|乡|社区))"
    r"(?:的)?(?:呢|多少|多少钱|分了多少|给了多少|有多少|是多少|分到多少|拿了多少)?$"
)


async def _a_place_of_the_document(text: str, session: AsyncSession, state: Any) -> FilterResult:
    """Right after a document's rows, a place of them asked alone: the document again (its
    handler narrows it to the place said)."""
    said_place = _PLACE_OF_THE_ROWS.match(parsing.strip_particles(parsing.normalize(text)))
    if said_place is None:
        return False
    memory = await recall(state)
    parsed = parsing.parse_document_number(memory.document) if memory.focus == "document" else None
    if parsed is None:
        return False
    found = await queries.by_document(
        session=session, issuer=parsed[0], year=parsed[1], serial=parsed[2]
    )
    if found is None:
        return False
    place = said_place.group("place")
    labels = {p.code: p.label for p in await queries.places(session=session)}
    if not any(place in labels.get(a.region_code, "") for a in found.allocations):
        return False
    return {"document": found, "places_first": False, "sources": False, "ranking": None}


class PlaceFollowUp(Filter):
    """Right after a place's funds, a message that only names a year or a topic
    (「2016年的呢」 「项目呢」 「项目进展怎么样」), or points only at the town or the county of
    the village or town shown (「那镇上一共呢」 「县上2016年的呢」); passes `year` (for the town
    or county, the one shown when none is said) and `code`, theirs ('' for the same place)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state = data.get("state")
        if not text or state is None:
            return False
        year, rest = parsing.split_year(text)
        level = parsing.points_up(rest)
        if level is not None:
            memory = await recall(state)
            code = memory.place_code
            if memory.focus != "place" or len(code) < TOWN_CODE_LENGTH:
                return False  # nothing below a county shown
            above = code[:TOWN_CODE_LENGTH] if level == "town" else code[:COUNTY_CODE_LENGTH]
            shown = year if year is not None else memory.place_year_shown
            return {"year": shown, "code": above}
        by_progress = parsing.progress_of_those_shown(rest) and not parsing.names_place(
            parsing.place_part(rest)
        )
        if not by_progress and parsing.asks_place_detail(rest):
            # 「文号呢」 「17年那个民宿的进展咋样」: a document or a project of the place.
            subject = parsing.detail_subject(rest)
            if len(subject) > MAX_DETAIL_SUBJECT or parsing.names_place(subject):
                return False
            return {"year": year, "code": ""} if await _place_shown(state) else False
        if by_progress or HOW_MUCH_ALONE.match(parsing.strip_particles(rest).replace(" ", "")):
            # 「哪些还没开工」: the projects shown, by their progress; 「多少钱」 「投了多少」:
            # those rows
            rows = await _place_shown(state)
            return {"year": year or rows.place_year_shown, "code": ""} if rows else False
        if TOTAL_ASKED.search(rest) and not READER.strip_fillers(
            parsing.fund_topic(TOTAL_ASKED.sub("", rest).replace(" ", ""))
        ):
            # 「一共多少」 「三年加起来多少」: the place shown, of the year shown or every year
            rows = await _place_shown(state)
            if rows is None:
                return False
            every = parsing.names_years(text)
            return {"year": None if every else year or rows.place_year_shown, "code": ""}
        topic, place_text = parsing.split_fund_topic(rest)
        if year is None and topic is None:
            return False
        place_text = parsing.without_this_place(place_text)  # 「这个村2017年的呢」
        left = READER.strip_fillers(parsing.fund_topic(place_text.replace(" ", "")))
        # 「搬迁项目呢」: a few words of what kind of project, but no other place
        if left and (topic is None or len(left) > 6 or parsing.names_place(left)):
            return False
        return {"year": year, "code": ""} if await _place_shown(state) else False


async def _place_shown(state: Any) -> Memory | None:
    """The memory, when a place's rows are what the citizen last read (or a document's rows
    of one place: 「天扶贫发〔2015〕8号 哈溪镇分了多少」); else None."""
    memory = await recall(state)
    return memory if memory.focus in ("place", "document") and memory.place_code else None


# Words that make 「哪个乡镇最多」 a question of poverty allocations; 专项资金 is the fund list's.
_ALLOCATION_WORDS = ("钱", "分", "扶贫")
# A ranking asked again of another year, the other end or the other level (「那16年呢」
# 「最少的呢」 「村呢」), right after places were ranked.
_RANKED_AGAIN = re.compile(
    r"^(?:那|那么|还有)?([^，,。？?\s]{0,8}?)(?:的)?(?:呢|咋样|怎么样)?[?？]?$"
)


class ProjectsRanked(Filter):
    """「哪个扶贫项目投资最多」 「2016年受益户最多的项目是哪个」 「天堂镇哪个项目最大」: the
    poverty projects (of a place said, else the county's; of the year said, or every year)
    ranked; passes `ranking`, `year` and `code` (the place's, else the county's)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        if not text or session is None:
            return False
        year, rest = parsing.split_year(text)
        ranking = parsing.asks_projects_ranked(rest)
        if ranking is None or any(word in rest for word in parsing.FUND_LIST_WORDS):
            return False
        code = parsing.COUNTY_CODE
        name = parsing.place_part(parsing.split_fund_topic(rest)[1].replace(" ", ""))
        if parsing.names_place(name):
            place = (await queries.find_regions(session=session, name=name)).place
            if place is None:
                return False  # a place not found, or several: asked the usual way
            code = place.code
        return {"ranking": ranking, "year": year, "code": code}


class PlacesRanked(Filter):
    """「哪个乡镇分的扶贫资金最多」 「天堂镇哪个村最多」 「各乡镇分了多少」: places ranked by
    what was allocated to them (of the year said, or the year shown, or every year); right
    after a ranking, 「16年呢」 「最少的呢」 「村呢」 rank again. Passes `ranking`, `year` and
    `town_code` (the town whose villages are ranked, '' for the county's)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        state = data.get("state")
        if not text or session is None or state is None:
            return False
        year, rest = parsing.split_year(text)
        placed, rest = parsing.split_place_rank(rest)
        if placed:
            return await self._where_it_stands(year, rest, session, state)
        ranking = parsing.asks_places_ranked(rest)
        if ranking is None:
            return await self._again(year, rest, state)
        if any(word in rest for word in parsing.FUND_LIST_WORDS):
            return False  # the special fund list is by department, not by place
        memory = await recall(state)
        shown = memory.focus in ("place", "ranking")
        allocations = any(word in rest for word in _ALLOCATION_WORDS)
        # 「2017年哪个村最多」: a year said is of the published allocations too
        if not (shown or allocations or year is not None or parsing.split_fund_topic(rest)[0]):
            return False  # 「哪个乡镇人最多」 is not about allocations
        if year is None and shown:
            year = memory.place_year_shown
        town_code = ""
        if ranking.villages:
            town_code = await _town_said(session, rest) or (
                memory.place_code
                if memory.focus == "place" and len(memory.place_code) == TOWN_CODE_LENGTH
                else ""
            )
        return {"ranking": ranking, "year": year, "town_code": town_code}

    @staticmethod
    async def _where_it_stands(
        year: int | None, rest: str, session: AsyncSession, state: FSMContext
    ) -> FilterResult:
        """「东大滩乡2017年排第几」, or 「全县排第几」 right after a place's rows: that place
        among the places of its level."""
        memory = await recall(state)
        name = parsing.place_part(parsing.split_fund_topic(rest)[1].replace(" ", ""))
        place = None
        if parsing.names_place(name):
            place = (await queries.find_regions(session=session, name=name)).place
        elif memory.focus in ("place", "ranking") and memory.place_code:
            place = await queries.region_by_code(session=session, code=memory.place_code)
            year = year if year is not None else memory.place_year_shown
        if place is None or place.level not in ("town", "village"):
            return False
        ranking = parsing.PlaceRanking(most=True, villages=place.level == "village")
        return {"ranking": ranking, "year": year, "town_code": "", "placed": place}

    @staticmethod
    async def _again(year: int | None, rest: str, state: FSMContext) -> FilterResult:
        again = _RANKED_AGAIN.match(rest.replace(" ", ""))
        if again is None:
            return False
        memory = await recall(state)
        if memory.focus != "ranking" or not memory.ranked:
            return False
        ranked, words = parsing.split_ranking(again.group(1))
        # 「最少的是哪个」: the other end asked, its asking words naming no level
        words = _ASKING_WHICH.sub("", _EVERY.sub("", words.replace(" ", "")))
        level = _RANKED_LEVELS.get(words)
        if level is None or (year is None and ranked is None and not level):
            return False  # 「天堂镇呢」: a place's own rows
        ranking = parsing.PlaceRanking(
            most=ranked.most if ranked is not None else memory.ranked_most,
            villages=(level or memory.ranked) == "villages",
        )
        within = memory.ranked_within if ranking.villages else ""
        shown = year if year is not None else memory.place_year_shown
        return {"ranking": ranking, "year": shown, "town_code": within}


_RANKED_LEVELS = {
    "": "",
    "村": "villages",
    "村子": "villages",
    "乡镇": "towns",
    "乡": "towns",
    "镇": "towns",
}
_EVERY = re.compile("各个|各|每个|所有|全部")
_ASKING_WHICH = re.compile("^的|是|哪一个|哪个|哪")


async def _town_said(session: AsyncSession, text: str) -> str:
    """The code of the one town a text names by its name (「天堂镇哪个村最多」), else ''."""
    said_towns = [
        town
        for town in await queries.towns(session=session)
        if any(name and name in text for name in (town.name, town.short_name))
    ]
    return said_towns[0].code if len(said_towns) == 1 else ""


# Words pointing at the fund just shown (「这个钱合作社能申请吗」) and how many other words a
# question about one of its details may hold (who asks: 合作社, 村上).
THE_MONEY_SHOWN = re.compile("(?:这个|这笔|那个|那笔|这)?(?:钱|资金|款)")
FEW_OTHER_WORDS = 4


class FundFollowUp(Filter):
    """Right after the special fund list, a message that only names a year, a department or a
    fund type (「2017年呢」 「民政局的呢」 「转移支付的呢」): the same question with that changed;
    passes what `FundListQuestion` passes."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        state = data.get("state")
        if not text or session is None or state is None:
            return False
        earlier, text = parsing.split_year_compared(text)
        ranking, text = parsing.split_ranking(text)
        year, rest = parsing.split_year(text)
        asked, fund_type, leftover = parsing.split_fund_list(rest)
        if (asked and fund_type is None) or "资金" in rest:
            return False  # 「2016 教育局 专项资金」 「2015年转移支付资金」: a question of its own
        # Only right after the fund list: checked before the department look-up, so that
        # other messages (almost all) cost no SQL here.
        memory = await recall(state)
        if memory.focus != "funds":
            return False
        if (earlier is not None or ranking is not None) and not READER.strip_fillers(
            THE_MONEY_SHOWN.sub("", parsing.fund_topic(rest.replace(" ", "")))
        ):
            # 「比15年多多少」 「哪个最多」: the list just shown set beside a year, or ranked
            shown = await departments.by_ids(session, memory.fund_departments)
            again = _asked_again(memory, shown, year, fund_type)
            return {**again, "compared_with": earlier, "ranking": ranking}
        # details first: the fund list's words include 的, which 「管的吧」 needs
        details, bare = parsing.split_fund_details(rest)
        bare = parsing.split_fund_list(bare)[2]
        left = READER.strip_fillers(parsing.fund_topic(bare.replace(" ", "")))
        if details and len(THE_MONEY_SHOWN.sub("", left)) <= FEW_OTHER_WORDS:
            # 「评上了几个 每个补了多少」: a detail of the fund just shown; 「营养餐那个咋分配的」
            # of one of the funds shown
            shown = await departments.by_ids(session, memory.fund_departments)
            again = _asked_again(memory, shown, year, fund_type)
            one = await _one_of_the_funds_shown(session, again, THE_MONEY_SHOWN.sub("", left))
            return {**again, "details": details, "topic": one or again["topic"]}
        if year is None and fund_type is None and (_only_the_total(rest) or _which_ones(rest)):
            # 「两项加起来一共多少」 「都有哪些」: the list just shown, asked again; 「三年一共
            # 多少」: of every year
            shown = await departments.by_ids(session, memory.fund_departments)
            return _asked_again(memory, shown, None, None, every_year=parsing.names_years(text))
        # 「2015年的总数」: that year's list, whose total is its first line
        named = await departments.mention(session, TOTAL_ASKED.sub(" ", leftover))
        stem = READER.strip_fillers(parsing.fund_topic(named.rest))
        if not named.named and MIN_FUND_WORDS <= len(stem) <= MAX_OFFICE_STEM:
            # 「17年民政的呢」: an office's field said alone, right after the list
            as_office = await departments.mention(session, f"{stem}局")
            named = as_office if as_office.departments else named
        if READER.strip_fillers(parsing.fund_topic(named.rest)) or (
            named.named and not named.departments
        ):
            return False  # other words, or an office not known: a question of its own
        if year is None and fund_type is None and not named.departments:
            return False
        found = named.departments or await departments.by_ids(session, memory.fund_departments)
        return _asked_again(memory, found, year, fund_type)


async def _one_of_the_funds_shown(session: AsyncSession, asked: dict[str, Any], words: str) -> str:
    """The words, when they name some but not all of the funds of the list asked again
    (「营养餐」 of the 教育局's two); '' otherwise."""
    words = READER.strip_fillers(words)
    if len(words) < MIN_FUND_WORDS:
        return ""
    rows = (
        await queries.fund_list(
            session=session,
            year=asked["year"],
            department_ids=[d.id for d in asked["departments"]] or None,
            fund_type=asked["fund_type"],
        )
    ).rows
    words = fund_as_written(words, rows)  # 「营养餐」: 营养改善计划
    named = fund_details.named_funds(rows, words)
    return words if named and len(named) < len(rows) else ""


MIN_FUND_WORDS = 2  # characters that may name one fund of a list (低保, 天保)
MAX_OFFICE_STEM = 4  # characters of an office's field said without 局 (民政, 农业农村)
_FIELD_CHARS = 3  # of a field said alone with the fund list's words (人社, 民政)


def _asked_again(
    memory: Memory,
    shown: list[Department],
    year: int | None,
    fund_type: FundType | None,
    *,
    every_year: bool = False,
) -> dict[str, Any]:
    """What `FundListQuestion` passes for the fund list just shown asked again, with the year,
    the departments or the fund type said instead (None: as before), or of every year."""
    year = None if every_year else year if year is not None else memory.fund_year
    kind = fund_type or (FundType(memory.fund_type) if memory.fund_type else None)
    parts = [f"{year}年" if year else "", shown[0].name if len(shown) == 1 else ""]
    return {
        "year": year,
        "fund_type": kind,
        "departments": shown,
        "unknown_department": "",
        "topic": memory.fund_topic,
        "what": " ".join(p for p in parts if p) or "全部",
        "competitive": memory.fund_competitive,
        # 「专项资金哪个部门最多」 then 「16年呢」: that year's most
        "ranking": parsing.ranking_recalled(memory.fund_ranking),
    }


# A sum asked for (「这三年加起来一共多少」): money, whatever else is said.
# How much, said alone of what was just shown (「多少钱」 「那个项目投了多少」)
HOW_MUCH_ALONE = re.compile(
    r"^(?:那|这)?(?:个|些)?(?:项目|工程)?(?:的)?(?:投资|投了|花了|用了|是|要|给了)?多少钱?$"
)
TOTAL_ASKED = re.compile(
    "(?:一共|总共|加起来|合计)(?:是|有|拨了|花了|投了)?多少|(?:的)?(?:总数|总额|总金额|合计数)(?:是)?(?:多少)?"
)
# The rows just shown pointed at (「这两项」 「几笔」): no fund named.
_THE_ROWS_SHOWN = re.compile("^(?:这|那)?[两三四五六七八九十几]?(?:项|笔|个)?(?:资金|钱)?$")


# Which rows they are, asked alone (「都有哪些」 「具体是哪几项」).
_WHICH_ONES = re.compile(
    "^(?:那)?(?:都|一共|具体|分别)?(?:有|是)?(?:哪些|哪几项|哪几个|哪几笔|啥|些啥|什么)(?:项目|资金)?$"
)


def _which_ones(text: str) -> bool:
    """Whether the words only ask which rows the list just shown holds."""
    return _WHICH_ONES.match(parsing.strip_particles(text).replace(" ", "")) is not None


def _only_the_total(text: str) -> bool:
    """Whether the words only ask the total of the rows just shown (「两项加起来一共多少」)."""
    if TOTAL_ASKED.search(text) is None:
        return False
    left = READER.strip_fillers(parsing.fund_topic(TOTAL_ASKED.sub(" ", text)))
    return _THE_ROWS_SHOWN.match(left.replace(" ", "")) is not None


# Words of applying for something (申请, 咋办): an item is asked for, not the money of a fund.
APPLYING = re.compile("申请|(?:咋|怎么|怎样|如何|能不能|可以)(?:办|领|申领)")


class FundListQuestion(Filter):
    """「2015 农牧局 专项资金」 「2017年低保资金是多少」 「财政专项资金」; passes `year`,
    `fund_type`, `departments`, `unknown_department`, `topic`, `what`, `details`,
    `compared_with` (a year to set the year asked beside) and `ranking`.

    A question that only says 资金 is about the fund list when it names a year, a department
    or a fund the list has (「低保」 abbreviates 城乡居民最低生活保障资金); otherwise it is an
    item's name (「住宅专项维修资金」) and item search answers it."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        session: AsyncSession | None = data.get("session")
        if not text or session is None:
            return False
        two_years, text = parsing.split_two_years(parsing.without_saying(text))
        compared, text = parsing.split_comparison(text)
        # 「17年专项资金比16年多了多少」: the year asked, then the one it is set beside
        earlier, text = parsing.split_year_compared(text)
        ranking, text = parsing.split_ranking(text)
        year, rest = parsing.split_year(text)
        if two_years is not None:
            year = two_years[0]
        elif earlier is not None and year is not None:
            two_years = (year, earlier)
        asked, fund_type, leftover = parsing.split_fund_list(rest)
        understood = reading(event)
        money = (
            "资金" in text
            or (understood is not None and understood.topic == "fund")
            or TOTAL_ASKED.search(text) is not None
            # 「哪个部门钱最多」: departments ranked are the fund list's
            or (ranking is not None and ranking.by == "department")
            # 「草原补奖这三年每年多少」: how much in each year is a fund's budget
            or ("多少" in text and parsing.names_years(text))
        )
        # 「牦牛藏羊那个钱咋申请」 「城乡医疗救助的管理办法」: a fund named as written, with a
        # detail it publishes asked, is a fund question without any money words
        as_written = not asked and year is None and await a_funds_detail_asked(session, text)
        applying = not asked and "资金" not in text and year is None and APPLYING.search(text)
        if applying and not as_written:
            # 「挣不来钱 能不能申请个最低生活的那个保障」: applying for the item, not its fund
            return False
        money = money or as_written
        if not asked and not money and year is None:
            # 「那城乡医疗救助呢」 right after a fund: that fund in the year asked before
            shown = await _funds_shown(data.get("state"))
            if shown is None:
                return False  # not about funds whatever the department: no query needed
            year = shown.fund_year
        named = await departments.mention(session, leftover)
        if not named.departments and parsing.points_at_an_office(named.named, leftover):
            # 「这个局2017年有啥专项资金」 right after an office's contact: that office
            office = await department_shown(data.get("state"), session)
            if office is not None:
                named = replace(named, departments=[office])
        stem = READER.strip_fillers(parsing.fund_topic(named.rest)).removesuffix("的")
        if not named.named and (asked or year) and MIN_FUND_WORDS <= len(stem) <= _FIELD_CHARS:
            # 「人社专项资金」 「2016 民政」: an office's field alone, when its name holds it
            as_office = await departments.mention(session, f"{stem}局")
            if any(stem in d.name or stem in d.short_name for d in as_office.departments):
                named = replace(as_office, rest="")
        # 「2017年全县低保资金一共拨了多少」: the list is the county's; 全县 names no fund.
        topic = _fund_words(named.rest)
        if not THE_MONEY_SHOWN.sub("", topic):
            topic = ""  # 「哪个部门钱最多」 「民政的钱」: 钱 names no fund
        if not asked and not money and not topic and not named.departments:
            return False  # a year alone (「2016年呢」) is no fund question
        details: list[str] = []
        unknown_topic = ""
        said_details, bare = parsing.split_fund_details(named.rest)
        competitive = said_details == ["competitive"] and not _fund_words(
            COMPETITIVE_ASKED.sub("", bare)
        )
        if competitive:
            topic = ""  # 「竞争性分配的资金有哪些」: the list's competitive funds
        if said_details and not _fund_words(bare):
            # 「专项资金有没有追加的」 「交通局专项资金咋分配的」: the words ask a detail, they
            # name no fund
            topic = ""
        if topic:
            rows = (await queries.fund_list(session=session, year=year)).rows
            if year is not None and not _names_fund(topic, rows):
                # 「2025年草原补奖资金」: a fund of other years (answered with those) is still
                # a fund question, not an item's name
                rows = (await queries.fund_list(session=session)).rows
            # Words of a detail may be around the fund's name (「危房改造的钱是不是调整过」
            # 「危房改造补助资金是按啥文件管的」), never in it (「危房改造补助资金」: 补助 is its
            # name's).
            details, named_topic = _fund_details(named.rest, topic, rows)
            if details:
                topic = named_topic
            elif not any(parsing.abbreviates(topic, r.project_name) for r in rows) and not (
                _names_fund(topic, rows)
            ):
                topic = fund_as_written(topic, rows)  # 「营养餐」: 营养改善计划
                if not _names_fund(topic, rows) and not asked:
                    if not _a_fund_unlisted(text, year, topic, data.get("search")):
                        return False
                    if (await county_rows_named(session, text, year))[0]:
                        return False  # 「16年到村的整村推进资金」: the county's poverty rows
                    unknown_topic, topic = _fund_words(named.rest, fillers=True), ""
        elif not asked and not (named.departments or year or competitive or ranking):
            return False
        elif "change" in said_details:
            details = ["change"]  # 「2016年专项资金调整了哪些」: the list's funds that changed
        elif said_details and not competitive and named.departments:
            # 「2016年交通局专项资金多少 咋分配的」: the office's funds, with what is published
            details = said_details
        found = named.departments
        unknown = named.named if named.named and not found else ""
        parts = [
            f"{year}年" if year else "",
            found[0].name if len(found) == 1 else "",
        ]
        what = " ".join(p for p in parts if p) or "全部"
        return {
            "year": year,
            "fund_type": fund_type,
            "departments": found,
            "unknown_department": unknown,
            "topic": topic,
            "what": what,
            "details": details,
            # the year before, or the earlier of two years named together
            "compared_with": (
                two_years[1]
                if two_years is not None
                else year - 1
                if compared and year is not None
                else None
            ),
            "ranking": ranking,
            "competitive": competitive,
            "unknown_topic": unknown_topic,
        }


_MONEY_OF_A_FUND = re.compile("资金|的钱.*多少|的钱.*几")


def _a_fund_unlisted(text: str, year: int | None, topic: str, search: Any) -> bool:
    """「2016年退耕还林资金多少」: the money of a year's fund the list does not have (said so,
    with that year's list), not an item's name (no item of those words is found)."""
    if year is None or not _MONEY_OF_A_FUND.search(text) or search is None:
        return False
    return not any(hit.confident for hit in search.search(topic, top=3, citizen=True))


async def a_funds_detail_asked(session: AsyncSession, text: str) -> bool:
    """Whether the text asks a detail of a fund (申报, 管理办法 …) and names, as written, a
    fund that publishes it, in words no public item's name holds (「最低生活保障每个月补多少」
    asks the item's standard)."""
    details, bare = parsing.split_fund_details(text)
    if not details:
        return False
    publishing = [n for n, published in await fund_names(session) if published & set(details)]
    run = longest_run_of(text, publishing)
    if run and not await queries.public_name_holds(session=session, words=run):
        return True
    # 「草原补奖是咋分的」 「营养餐是咋发的」: a fund said the short way or in everyday words
    said = _fund_words(bare)
    for topic in dict.fromkeys((said, READER.plain(said))):
        if (
            len(topic) >= MIN_SHORT_FUND
            and any(parsing.abbreviates(topic, name) for name in publishing)
            and not await queries.public_name_holds(session=session, words=topic)
        ):
            return True
    return False


MIN_SHORT_FUND = 3  # characters of a fund's short name (草原补奖, 营养餐) said with a detail


# The words left around 竞争性 when the competitive funds are asked for (「分配的」 「有哪些」).
COMPETITIVE_ASKED = re.compile("分配|的|有哪些|哪些|有几个|几个|有啥|都有|是|资金|专项")


def _names_fund(topic: str, rows: list[FundItem]) -> bool:
    return any(parsing.names_fund(topic, r.project_name) for r in rows)


MIN_WRITTEN_RUN = 3  # characters of a fund's name that, said in other words, name it


def fund_as_written(topic: str, rows: list[FundItem]) -> str:
    """The topic, or when it names no fund, the longest run of its words in the catalogue's
    own terms (「娃娃们营养餐」 → 孩子们营养改善计划) that a fund's name holds."""
    if _names_fund(topic, rows):
        return topic
    plain = READER.plain(topic)
    if _names_fund(plain, rows):  # 「看病困难救助」: 医疗困难救助
        return plain
    run = parsing.named_run([plain], [r.project_name for r in rows])
    return run if len(run) >= MIN_WRITTEN_RUN else topic


def _fund_words(text: str, fillers: bool = False) -> str:
    """The words naming a fund once question words (before and after the fillers: 「拨了」
    loses its 了 to them), fillers (unless `fillers`: the words as said, to be shown) and the
    county (the list is the county's) are gone."""
    # the county first: 「县上拨了」 would leave 县 once 上拨了 is gone
    county_gone = parsing.without_county(_EVERY_YEAR.sub("", text.replace(" ", "")))[1]
    flat = parsing.fund_topic(county_gone.replace(" ", ""))
    if fillers:
        return flat.replace(" ", "")
    return parsing.without_county(parsing.fund_topic(READER.strip_fillers(flat)))[1].replace(
        " ", ""
    )


MIN_NAME_RUN = 4  # characters of a fund's name, said as written, that are its name


def _longest_name_run(said: str, rows: list[FundItem]) -> str:
    """The longest run of the words that a fund's name holds as written ('' under
    MIN_NAME_RUN characters)."""
    return longest_run_of(said, [row.project_name for row in rows])


def longest_run_of(said: str, names: list[str]) -> str:
    """The longest run of the words that one of the names holds as written ('' under
    MIN_NAME_RUN characters)."""
    text = "".join(said.split())
    for size in range(len(text), MIN_NAME_RUN - 1, -1):
        for start in range(len(text) - size + 1):
            run = text[start : start + size]
            if any(run in name for name in names):
                return run
    return ""


def _fund_details(said: str, topic: str, rows: list[FundItem]) -> tuple[list[str], str]:
    """「牦牛藏羊产业发展咋申报 截止到啥时候」: the details asked about a fund the list has and
    publishes them for, and the fund's words; ([], topic) when it is no such question (「低保
    怎么申请」 asks for the 低保 item: the 低保 fund publishes no application guide)."""
    # 「危房改造补助资金是按啥文件管的」: a fund's name said as written keeps its words (补助)
    written = _longest_name_run(said, rows)
    details, bare = parsing.split_fund_details(said.replace(written, " ") if written else said)
    name = written or _fund_words(bare)
    if not details or not name:
        return [], topic
    name = fund_as_written(name, rows)  # 「危房改造中途」: 危房改造
    matching = fund_details.named_funds(rows, name)
    if not fund_details.answering_rows(matching, details):
        return [], topic
    return details, name
