"""A paper an item needs, said to be missing (「想领失业金 可我连社保卡都没有」): the item that
issues that paper first, then the item asked for, as an ordered list to tap.

The order is the data's own: the item asked for lists the paper among its materials, and
another item of the catalogue issues it (its name holds the paper's name and goes no other way
than a first application: 社会保障卡申领, not its 补领). Nothing is written per item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import Filter, FilterResult
from bot.fsm import FSMContext
from bot.router import Router
from catalogue.models import Item
from handlers.citizen import cards, texts
from handlers.citizen.clauses import clauses, find_plainly
from handlers.citizen.common import on_said
from handlers.citizen.filters import said
from handlers.citizen.guide_notes import PAPER_ENDS, paper_named
from handlers.citizen.memory import keep, recall
from handlers.citizen.searching import (
    Found,
    Searcher,
    find,
    is_clear,
    named_by_keyword,
    single,
    way_of,
)
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems, item_by_code
from search import normalise
from search.direction import NEW, direction_of
from search.normalise import longest_run

# A clause saying a paper is missing (「连社保卡都没有」 「社保卡还没办过」 「没办过身份证」):
# a word of lack, and a paper's ending (证 卡 照 本) in the same clause.
LACKING = re.compile(r"没有|没办|没得|还没|没领|没申请")
PAPER_END = re.compile(r"[证卡照本]")
MIN_WANTED = 2  # characters of the other clauses that may name the item wanted
ISSUER_RESULTS = 5  # the paper's first results looked at for the item that issues it


def _lacking_clause(parts: list[str]) -> int | None:
    """The index of the one clause that says a paper is missing."""
    lacking = [n for n, part in enumerate(parts) if LACKING.search(part) and PAPER_END.search(part)]
    return lacking[0] if len(lacking) == 1 else None


async def _wanted(
    words: str, search: Searcher, session: AsyncSession, cache: PublicItems | None
) -> Item | None:
    """The item the other clauses name confidently (by its keyword or clearly first)."""
    found, query = await find_plainly(search, session, words, cache)
    lead = named_by_keyword(found, fold(query)) or (found[0] if is_clear(found) else None)
    lead = lead or single(found)
    return lead.item if lead is not None and lead.hit.confident else None


def _issues(result: Found, paper: str) -> bool:
    """Whether a result issues the paper: its name, or one of its keywords, holds the
    paper's (个体工商户设立登记 is 办营业执照) and its name goes no way but a first
    application (社会保障卡申领; not 社会保障卡补领、换领、换发)."""
    item = result.item
    own = [fold(str(w)) for w in (item.name, *item.keywords, *item.aliases)]
    return (
        any(paper in word for word in own) and way_of(item.name) <= {NEW} and result.hit.confident
    )


async def _issuer(
    paper: str, search: Searcher, session: AsyncSession, cache: PublicItems | None, other: str = ""
) -> Item | None:
    """The one item (not `other`, a code) among the paper's first results that issues it."""
    found = await find(search, session, paper, cache)
    issuing = [f.item for f in found[:ISSUER_RESULTS] if f.item.code != other and _issues(f, paper)]
    return issuing[0] if len(issuing) == 1 else None


class LacksAPaper(Filter):
    """An item named with a paper it needs said to be missing, which another item issues:
    passes `first` (the issuer), `then` (the item asked for) and `paper`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        if not text or not LACKING.search(text) or not PAPER_END.search(text):
            return False  # most messages: no look-up
        search: Searcher | None = data.get("search")
        session: AsyncSession | None = data.get("session")
        if search is None or session is None:
            return False
        parts = clauses(text)
        at = _lacking_clause(parts)
        if at is None or len(parts) < 2:
            return False
        others = "".join(p for n, p in enumerate(parts) if n != at)
        if len(others) < MIN_WANTED or direction_of(normalise(others)) - {NEW}:
            return False  # 「补办」 「注销」…: not a first application needing the paper
        cache = data.get("public_items")
        wanted = await _wanted(others, search, session, cache)
        if wanted is None:
            return False
        needed = paper_named(wanted, parts[at])
        if needed is None or not needed.get("required", True):
            return False
        paper = fold(str(needed.get("name", "")))
        first = await _issuer(paper, search, session, cache, wanted.code)
        if first is None:
            return False
        return {"first": first, "then": wanted, "paper": str(needed.get("name", ""))}


# 「先办营业执照还是先办娱乐许可」: which of two first.
WHICH_FIRST = re.compile(
    r"先(?:办|弄|领|申请)?(?P<one>.{2,12}?)还是(?:先)?(?:办|弄|领|申请)?(?P<other>.{2,12})"
)
_ASKED_AFTER = re.compile(r"(?:呢|啊|吗|呀|好|对|合适|\?|？)+$")


async def _needs(
    later: Item, earlier: Item, search: Searcher, session: AsyncSession, cache: PublicItems | None
) -> str:
    """The name of a required paper of `later` that `earlier` issues ('' when none)."""
    for requirement in later.requirements:
        if not isinstance(requirement, dict) or not requirement.get("required", True):
            continue
        name = str(requirement.get("name", ""))
        paper = fold(name)
        if len(paper) < MIN_WANTED or not PAPER_END.search(paper[-1:]):
            continue
        issuer = await _issuer(paper, search, session, cache, later.code)
        if issuer is not None and issuer.code == earlier.code:
            return name
    return ""


async def _named(
    words: str, search: Searcher, session: AsyncSession, cache: PublicItems | None
) -> Item | None:
    """The item the words name, or the one item issuing the paper they name (「营业执照」:
    个体工商户设立登记, though its 变更 and 注销 hold the word too)."""
    named = await _wanted(words, search, session, cache)
    if named is None and PAPER_END.search(words[-1:]):
        named = await _issuer(fold(words), search, session, cache)
    return named


class WhichFirst(Filter):
    """「先办A还是先办B」 naming two items, one needing a paper the other issues: passes
    `first`, `then` and `paper` as `LacksAPaper` does."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        asked = WHICH_FIRST.search(text or "")
        search: Searcher | None = data.get("search")
        session: AsyncSession | None = data.get("session")
        if asked is None or search is None or session is None:
            return False
        cache = data.get("public_items")
        one = await _named(asked.group("one"), search, session, cache)
        other = await _named(_ASKED_AFTER.sub("", asked.group("other")), search, session, cache)
        if one is None or other is None or one.code == other.code:
            return False
        paper = await _needs(other, one, search, session, cache)
        if paper:
            return {"first": one, "then": other, "paper": paper}
        paper = await _needs(one, other, search, session, cache)
        return {"first": other, "then": one, "paper": paper} if paper else False


async def paper_first(
    event: Event,
    first: Item,
    then: Item,
    paper: str,
    state: FSMContext,
    trace: dict[str, str],
) -> str:
    """「想领失业金 可我连社保卡都没有」: the item issuing the paper, then the item asked for."""
    trace.update(answer="paper-first", code=then.code)
    memory = await keep(
        state,
        await recall(state),
        list_codes=[first.code, then.code],
        list_page=1,
        list_query=then.name,
        list_intent="",
        numbered="items",
        focus="list",
    )
    heading = texts.PAPER_FIRST.format(paper=paper)
    return cards.item_list([first, then], page=1, pages=memory.pages, heading=heading)


# 「道路旅客运输经营许可在哪办」 after a card: how to get one of the papers it needs.
GETTING_PAPER = re.compile(
    r"哪办|哪里办|哪儿办|哪达办|咋办|怎么办|在哪|去哪|哪里|哪儿|谁发|谁办|咋弄|哪开|咋开"
)
MIN_PAPER_RUN = 6  # characters of a paper's name said that name it, however it ends
MAX_BESIDE_PAPER = 4  # characters beside it: a question about getting it, nothing more


# A paper another office grants (a licence, a certificate), not a form the window hands out.
GRANTED_PAPER = re.compile(r"(?:证|证书|执照|许可|证明|批准文件|批复)$")
HANDED_OUT = re.compile(r"领取|下载|填写|自备")


def _paper_of(item: Item, said: str) -> str:
    """The name of the material of `item`, granted by some office, that the words name (a
    long run of it, or a shorter one ending as a paper's name does), when they say little
    else; '' otherwise (a form the window hands out: its guide says where)."""
    words = fold(GETTING_PAPER.sub("", said))
    for requirement in item.requirements:
        if not isinstance(requirement, dict) or HANDED_OUT.search(str(requirement.get("note"))):
            continue
        name = str(requirement.get("name", ""))
        if not GRANTED_PAPER.search(name):
            continue
        run = longest_run(words, fold(name))
        named = len(run) >= MIN_PAPER_RUN or (len(run) >= 3 and run.endswith(PAPER_ENDS))
        if named and len(words) - len(run) <= MAX_BESIDE_PAPER:
            return name
    return ""


class PaperOfTheCardAsked(Filter):
    """Right after a card, where or how to get one of the papers it needs, when no item of
    the catalogue issues it (「道路旅客运输经营许可在哪办」 after 客运车辆道路运输证): passes
    `card` and `paper`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        search: Searcher | None = data.get("search")
        if not text or not GETTING_PAPER.search(text) or state is None or session is None:
            return False
        memory = await recall(state)
        shown = memory.card_code if memory.focus == "card" else ""
        if memory.focus == "list" and memory.numbered == "items" and len(memory.list_codes) == 1:
            shown = memory.list_codes[0]  # 「您是不是想找：1. …」: the one entry
        if not shown or search is None:
            return False
        cache = data.get("public_items")
        card = await item_by_code(session, shown, cache)
        paper = _paper_of(card, text) if card is not None else ""
        if card is None or not paper:
            return False
        if await _issuer(fold(paper), search, session, cache, card.code) is not None:
            return False  # an item issues it: search answers with it
        found = await find(search, session, paper, cache)
        if found and found[0].hit.confident and found[0].item.code != card.code:
            return False  # an item of its name: search answers with it
        return {"card": card, "paper": paper}


async def paper_of_the_card(
    event: Event, card: Item, paper: str, state: FSMContext, trace: dict[str, str]
) -> str:
    """Not issued by any item here: whom to ask, the card's office (what was said is kept
    for 人工)."""
    trace.update(answer="paper-outside", code=card.code)
    await keep(state, await recall(state), unmatched=said(event) or paper)
    asked = texts.PAPER_OUTSIDE.format(
        paper=paper, item=card.name, name=cards.department_name(card), phone=cards.phone_of(card)
    )
    return f"{asked}\n{texts.OFFER_HUMAN}"


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-prerequisites")
    on_said(router, PaperOfTheCardAsked())(paper_of_the_card)
    on_said(router, LacksAPaper())(paper_first)
    on_said(router, WhichFirst())(paper_first)
    return router
