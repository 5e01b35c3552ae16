"""Items: codes, questions with an item ("开网吧要什么材料"), search, lists, choices, no match."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event, VoiceMessage
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.code_explanation import explain_code
from catalogue.codes import ITEM_CODE_LENGTH, normalize_code_text
from catalogue.models import Department, Item, RetiredCode
from catalogue.region_directory import RegionDirectory
from catalogue.regions import region_directory, shipped_regions
from handlers.citizen import cards, parsing, texts
from handlers.citizen.checklist import checklist_shown
from handlers.citizen.clauses import (
    SearchedClauses,
    asked_beside_who,
    clause_that_knows,
    clauses_agree,
    find_plainly,
)
from handlers.citizen.common import on_said
from handlers.citizen.conversation import common_hours
from handlers.citizen.filters import (
    Choice,
    ChoiceByPlace,
    ChoiceByWords,
    CodeInWords,
    CodeMeaningAsked,
    DepartmentCode,
    DepartmentCodeAsked,
    DepartmentContact,
    DepartmentFollowUp,
    DepartmentItems,
    EachEntryAsked,
    ListAgain,
    LooksLikeCode,
    NextPage,
    NoneFits,
    OtherDepartmentAsked,
    PaperOfEveryEntry,
    SeveralEntriesAsked,
    Understood,
    matter_said,
)
from handlers.citizen.filters import said as text_said
from handlers.citizen.fitting import fit
from handlers.citizen.guide_notes import (
    MAX_NOTES,
    PAPER,
    PAPER_ENDS,
    guide_sentences,
    in_formal_terms,
    lost_paper_notes,
    name_run_of,
    names_its_paper,
    notes_about,
    notes_on_a_death,
    paper_named,
)
from handlers.citizen.life_event_choice import names_its_paper_short, paper_said_short
from handlers.citizen.life_events import (
    FirstStepAsked,
    ask_line,
    keep_step_asked,
    stop_answer,
    stops_what_it_gave,
    the_step_every_case_needs,
)
from handlers.citizen.links import items_url
from handlers.citizen.memory import Memory, keep, recall, remember
from handlers.citizen.other_ways import going_that_way
from handlers.citizen.outside import outside_answer
from handlers.citizen.prerequisites import GETTING_PAPER
from handlers.citizen.retired_names import retired_names
from handlers.citizen.searching import (
    DOING,
    ENFORCEMENT,
    MAX_GUESSES,
    MIN_RUN,
    SURE_SCORE,
    TOWN_OFFICE,
    Found,
    Searcher,
    answers,
    close_to_lead,
    entries_granted_by,
    find,
    going_the_asked_way,
    is_clear,
    name_run,
    named_by_keyword,
    named_thing,
    says_what_it_does,
    shares_a_thing,
    sharing_the_name,
    single,
    suggestions,
    the_way_asked,
    thing_said,
    way_of,
)
from handlers.citizen.several import items_named_apart
from handlers.citizen.sub_items import sub_items
from handlers.citizen.taps import numbered
from handlers.citizen.typing_slips import typed_in_pinyin, written_as_named
from handlers.citizen.understanding import Reading, departments
from handlers.citizen.understanding.reading import MIN_CORE, READER
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems, item_by_code, items_by_codes
from handlers.settings import Settings
from search import normalise
from search.direction import (
    NEW,
    asked,
    direction_of,
    left_by_a_way,
    same_thing,
    without_directions,
)

# Words asking which items there are (「残疾人补贴有哪些」 「植被恢复费都有哪些」).
SEVERAL = ("有哪些", "有哪几", "有几种", "哪几种", "都有啥", "都有什么", "有几个")
# Words about a matter as a whole (「社保卡相关的」 「教师资格证的事」 「个体户的那几个」): every
# item of it is meant, not the first application alone.
AS_A_WHOLE = (
    "相关",
    "那几个",
    "那几项",
    "这几个",
    "的几个",
    "几个事项",
    "的事",
    "方面的",
    "的手续",
    "业务",
)
# Questions that ask how to get an item (「身份证咋办」): among items sharing the name said, the
# one for a first application answers them.
GETTING = frozenset({"procedure"})
NEW_ONLY = frozenset({NEW})


def _show(item: Item, settings: Settings, intent: str | None, trace: dict[str, str]) -> str:
    trace.update(answer=f"card:{intent}" if intent else "card", code=item.code)
    return cards.answer(item, settings.public_base_url, intent)


async def _keep_list(
    state: FSMContext,
    memory: Memory,
    items: Sequence[Item],
    query: str,
    intent: str | None = None,
    **also: Any,
) -> Memory:
    """Remember an item list just shown (its first page), so that numbers pick from it."""
    return await keep(
        state,
        memory,
        list_codes=[item.code for item in items],
        list_page=1,
        list_query=query,
        list_intent=intent or "",
        numbered="items",
        focus="list",
        step_asked="",
        **also,
    )


async def _list(
    state: FSMContext,
    memory: Memory,
    items: list[Item],
    query: str,
    intent: str | None,
    trace: dict[str, str],
    heading: str = "找到以下事项",
) -> str:
    await _keep_list(state, memory, items, query, intent)
    trace.update(answer="list")
    shown = items[: len(memory.page_codes(1))]
    return cards.item_list(shown, page=1, pages=memory.pages, heading=heading)


async def _card(
    session: AsyncSession,
    state: FSMContext,
    memory: Memory,
    item: Item,
    settings: Settings,
    intent: str | None,
    trace: dict[str, str],
    said: str = "",
    words: str = "",
) -> str:
    """Show the item; what was said is kept for 「人工」 when its words (without the question
    about an aspect) say more than the item's own (「高龄补贴怎么还没发下来 是不是停了」: the
    card may not answer it)."""
    unanswered = said if words and not _only_its_words(words, item) else ""
    again = memory.focus == "card" and memory.card_code == item.code
    subs = await sub_items(session, item) if intent is None else []
    if subs:
        # 「乡村建设规划许可」 (a main item, 主项): done by its sub-items, each to pick
        await _keep_list(state, memory, subs, item.name, card_code=item.code, unmatched=unanswered)
        trace.update(answer="main-item", code=item.code)
        shown = subs[: len(memory.page_codes(1))]
        return cards.main_item_answer(item, shown, memory.pages, settings.public_base_url)
    await keep(state, memory, card_code=item.code, focus="card", unmatched=unanswered)
    answer = _show(item, settings, intent, trace)
    if again and intent is not None and words:
        # 「执照早都寻不着了咋办」 of the card just shown: what its guide says of 执照, too.
        return cards.with_notes(answer, notes_about(item, words, answer))
    # 「我爸上个月去世了 他的高龄补贴咋弄」: what the guide says then
    notes = notes_on_a_death(item, said, answer)
    beyond = _words_beyond(words, item) if intent is not None else ""
    if beyond:
        # 「低保要公示几天」: what its guide says of the words beyond its own (公示期7天)
        notes += [note for note in notes_about(item, beyond, answer) if note not in notes]
    # 「我爸79岁能领高龄补贴吗」: whether the age said meets the guide's
    return cards.with_age_verdict(cards.with_notes(answer, notes[:MAX_NOTES]), item, said)


MIN_BEYOND_NAME = 2  # characters said beside the name several items share (营业执照)
MAX_EVENTS_OF_ONE_THING = 5  # 设立, 变更, 注销, 补领, 延续: the first results looked at


async def _items_about(
    topic: str, search: Searcher, session: AsyncSession, public_items: PublicItems | None
) -> list[Item]:
    """The items search finds for a thing whose name or keywords hold it as said."""
    said = fold(topic)
    return [
        f.item
        for f in await find(search, session, topic, public_items)
        if any(said in fold(str(w)) for w in (f.item.name, *f.item.keywords, *f.item.aliases))
    ]


def _asks_as_a_whole(text: str) -> bool:
    """Whether the words ask which items there are or about a matter as a whole."""
    return any(word in text for word in (*SEVERAL, *AS_A_WHOLE))


# What, said after a thing's word, tells where on it (草原上, 林子里), not what is done.
WHERE_ON = frozenset("上里")


def _of_one_thing(found: list[Found], query: str) -> list[Found]:
    """The first results about the same thing as the first, confident, one (申领 and 补领 of
    社会保障卡), or holding the words of its name that were said (教师资格 of 认定 and 补发),
    or the paper said that its own keyword names (结婚证 of 婚姻登记 and 补领结婚证)."""
    if not found or not found[0].hit.confident:
        return []
    first = found[0].item.name
    run = name_run_of(fold(first), fold(query))
    said = run if len(run) >= PAPER else None
    if run[-1:] in WHERE_ON and len(run) - 1 >= MIN_RUN:
        said = run[:-1]  # 「草原上的事项」: 草原, of every item about it, not 在草原上 of one
    if said is None:
        own = [fold(str(w)) for w in (*found[0].item.keywords, *found[0].item.aliases)]
        paper = max((name_run_of(w, fold(query)) for w in own), key=len, default="")
        said = paper if len(paper) >= PAPER and paper.endswith(PAPER_ENDS) else None
    return [
        f
        for f in found[:MAX_EVENTS_OF_ONE_THING]
        if same_thing(first, f.item.name) or (said and said in fold(f.item.name))
    ]


def _the_item_itself(shared: list[Found], query: str) -> Found | None:
    """Of several items sharing the name said, the item itself (设立, 申领: a first
    application) when the words name no direction but say more than that name (「个体户营业
    执照」: the licence, not its change or its ending); 「个体户登记」, all of whose words are
    in each name, is still a choice."""
    words = fold(parsing.strip_particles(query))
    if direction_of(normalise(words)) or _asks_as_a_whole(words):
        return None
    own = [f for f in shared if direction_of(normalise(f.item.name)) <= NEW_ONLY]
    if len(own) != 1:
        return None
    if not all(same_thing(own[0].item.name, f.item.name) for f in shared):
        return None  # different things listed, not one thing's events
    name = fold(own[0].item.name)
    beyond = sum(1 for char in words if char not in name)  # 营业执照 of 个体户营业执照
    return own[0] if beyond >= MIN_BEYOND_NAME else None


def _only_its_words(words: str, item: Item) -> bool:
    """Whether every character said beside fillers is in the item's name or keywords."""
    return not _words_beyond(words, item, MIN_BEYOND_RUN - 1)


MIN_BEYOND_RUN = 2  # characters in a row, none of the item's own, that say something of it


def _words_beyond(words: str, item: Item, shortest: int = MIN_BEYOND_RUN) -> str:
    """The runs of at least `shortest` characters said beside fillers that are not in the
    item's name or keywords, space-separated (「低保公示」 of 最低生活保障: 公示)."""
    own = fold(" ".join((item.name, *item.keywords, *item.aliases)))
    runs = re.split(f"[{re.escape(own)}]+", READER.strip_fillers(fold(words))) if own else []
    return " ".join(run for run in runs if len(run) >= shortest)


async def choose(
    event: Event,
    choice: int,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    public_items: PublicItems | None = None,
    aspect: str | None = None,
) -> str:
    """A number picks from the last item list (places are handled by the village router);
    a question asked with it (「第一个要带什么」) is answered of that entry."""
    memory = await recall(state)
    if memory.numbered != "items" or not memory.list_codes:
        return texts.NO_LIST
    codes = memory.page_codes()
    if not 1 <= choice <= len(codes):
        return texts.BAD_CHOICE.format(number=choice, count=len(codes))
    item = await item_by_code(session, codes[choice - 1], public_items)
    if item is None:
        return texts.GONE
    stopped = await _a_step_stopping_it(memory, session, item)
    if stopped is not None and aspect is None:
        # 「家人去世」 then 「1」: 领高龄津贴：告知民政局停发 — whom to tell, not how to apply
        await keep(state, memory, card_code=item.code, focus="card")
        trace.update(answer="life-event-stop", code=item.code)
        return stop_answer(item, stopped, settings.public_base_url)
    return await _card(
        session, state, memory, item, settings, aspect or memory.list_intent or None, trace
    )


async def _a_step_stopping_it(memory: Memory, session: AsyncSession, item: Item) -> str | None:
    """The label of the checklist's step the item serves, when that step ends what the item
    gave rather than applies for it; None otherwise (or no checklist was shown)."""
    if not memory.list_query:
        return None
    shown = await checklist_shown(memory, session)
    step = next(
        (s.step for s in shown or [] if s.step.item and s.step.item.code == item.code), None
    )
    return step.label if step is not None and stops_what_it_gave(step.label, item) else None


async def first_step(
    event: Event,
    in_order: bool | None,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    public_items: PublicItems | None = None,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """「先办哪个」 after a list: a life event's first step (its card, as 「1」 gives, or whom
    to ask when no item serves it); the entries of any other list are alternatives, so which
    one is asked."""
    if in_order is None:
        trace.update(answer="no-order-yet")
        return texts.NO_ORDER_YET
    if not in_order:
        trace.update(answer="not-in-order")
        return texts.NOT_IN_ORDER
    shown = await checklist_shown(await recall(state), session)
    if shown and shown[0].step.item is None:
        # 「第一步干啥」 after 家人去世: a step no item serves comes first (死亡医学证明)
        trace.update(answer="life-event-first-outside")
        await keep_step_asked(state, shown[0].step)
        return texts.FIRST_STEP_OUTSIDE.format(ask=ask_line(shown[0].step, wording))
    return await choose(event, 1, session, state, settings, trace, public_items)


async def paper_of_every_entry(
    event: Event, entries: list[Item], settings: Settings, trace: dict[str, str]
) -> str:
    """「两个都要残疾证吗」 after a list: for each entry, whether its materials list the paper
    (and as what); the numbers still open the entries."""
    text = text_said(event) or ""
    trace.update(answer="paper-of-entries")
    lines = []
    for number, item in enumerate(entries, start=1):
        named = paper_named(item, text)
        if named is None:
            verdict = "申请材料里没有这一项"
        elif named.get("required", True):
            verdict = f"要，申请材料有“{named.get('name', '')}”"
        else:
            verdict = (
                f"不一定，“{named.get('name', '')}”非必需（{named.get('note', '') or '视情况'}）"
            )
        lines.append(f"{number}. {cards.shorten(item.name, 40)}：{verdict}")
    return fit(lines, [], [texts.PAPER_HINT])


async def each_entry(
    event: Event, entries: list[tuple[int, Item]], aspect: str | None, trace: dict[str, str]
) -> str:
    """「这几个有啥区别」 「哪个最快」 after a list: one line per entry, to tell them apart."""
    trace.update(answer="each-entry")
    return cards.each_entry_answer(entries, aspect)


async def several_entries(
    event: Event,
    entries: list[tuple[int, Item]],
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「第一个和第二个都看看」 「都要」 after a list: those entries, each shortly."""
    trace.update(answer="several-entries", code=entries[0][1].code)
    return cards.entries_answer(entries, settings.public_base_url)


async def choose_variant(
    event: Event,
    variant: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    public_items: PublicItems | None = None,
    aspect: str | None = None,
) -> str:
    """The place named after a list implements an entry's item itself: its own card, with
    what is asked now or was asked of the list (「电话多少」 … 「打柴沟镇的」 → that town's
    phone)."""
    memory = await recall(state)
    item = await item_by_code(session, variant, public_items)
    if item is None:
        return texts.GONE
    return await _card(
        session, state, memory, item, settings, aspect or memory.list_intent or None, trace
    )


MAX_DEPARTMENT_LIST = 50  # entries kept for numbers and 下一页; the web page has them all


def _most_common(values: list[str]) -> str:
    """The value most of them give ("" when none gives one); the first on a tie."""
    given = [v for v in values if v]
    return max(given, key=given.count, default="")


async def department_code(
    event: Event,
    department: Department,
    code_text: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
) -> str:
    """「统一社会信用代码…是哪个单位」: whose code it is, and how to reach that office."""
    kind = "统一社会信用代码" if len(code_text) == queries.USCC_LENGTH else "组织机构代码"
    named = texts.DEPARTMENT_CODE.format(code=code_text, name=department.name, kind=kind)
    contact = await department_contact(event, department, "phone", session, state, trace)
    return f"{named}\n{contact}"


async def department_code_asked(
    event: Event,
    department: Department,
    kind: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
) -> str:
    """「民政局的组织机构代码」: the office's codes as published (the kind asked first), and
    how to reach it."""
    codes = [("统一社会信用代码", department.uscc), ("组织机构代码", department.org_code)]
    if "机构" in kind:
        codes.reverse()
    lines = [
        texts.DEPARTMENT_CODE_OF.format(name=department.name, kind=label, code=code)
        for label, code in codes
        if code
    ] or [texts.DEPARTMENT_NO_CODE.format(name=department.name)]
    contact = await department_contact(event, department, "phone", session, state, trace)
    trace.update(answer="department-code-asked")
    return "\n".join([*lines, contact])


async def department_contact(
    event: Event | None,
    department: Department,
    aspect: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
) -> str:
    """「民政局电话多少」 「公安局在哪」: the office's phone and address, and where and when
    most of its public items are handled; a question about one of them names the item."""
    trace.update(answer="department-contact", code=str(department.id))
    page = await queries.items_page(
        session=session, department_id=department.id, per_page=MAX_DEPARTMENT_LIST
    )
    where = f"{department.address}，" if department.address else ""
    if department.phone:
        name, phone = department.name, department.phone
        lines = [texts.DEPARTMENT_CONTACT.format(name=name, where=where, phone=phone)]
    else:
        lines = [f"{department.name}：{where}{texts.NO_PHONE_GIVEN}"]
    location = _most_common([item.location for item in page.items])
    if location and aspect in ("place", "phone"):
        lines.append(texts.DEPARTMENT_WINDOW.format(location=location))
    hours = _most_common([item.hours for item in page.items])
    if hours and aspect == "hours":
        lines.append(texts.DEPARTMENT_HOURS.format(hours=hours))
    applied_for = [item for item in page.items if item.category not in ENFORCEMENT]
    if applied_for:
        lines.append(texts.DEPARTMENT_ITEM_ASKED.format(example=applied_for[0].name))
    # 「在哪」 「这个局有啥专项资金」 next are asked of this office
    await remember(state, unmatched="", focus="department", department_id=department.id)
    return "\n".join(lines)


async def department_items(
    event: Event,
    department: Department,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「民政局都能办啥」: the office's public items, five at a time, with its place and phone."""
    trace.update(answer="department-items", code=str(department.id))
    name = department.short_name or department.name
    where = f"{department.address}，" if department.address else ""
    contact = (
        texts.DEPARTMENT_CONTACT.format(name=department.name, where=where, phone=department.phone)
        if department.phone
        else ""
    )
    page = await queries.items_page(
        session=session, department_id=department.id, per_page=MAX_DEPARTMENT_LIST
    )
    if not page.items:
        return "\n".join(p for p in (texts.DEPARTMENT_NO_ITEMS.format(name=name), contact) if p)
    # What a citizen applies for first; penalties and inspections last.
    listed = sorted(page.items, key=lambda item: item.category in ENFORCEMENT)
    memory = await _keep_list(state, await recall(state), listed, department.name)
    shown = listed[: len(memory.page_codes(1))]
    heading = texts.DEPARTMENT_ITEMS.format(name=name, count=page.total)
    listing = cards.item_list(shown, page=1, pages=memory.pages, heading=heading)
    link = texts.DEPARTMENT_ALL.format(
        url=items_url(settings.public_base_url, department_id=department.id)
    )
    return "\n".join(p for p in (listing, contact, link) if p)


async def none_fits(event: Event, state: FSMContext, trace: dict[str, str]) -> str:
    """「都不是」 after a list: put another way, or 人工 (which forwards what was asked)."""
    memory = await recall(state)
    await keep(state, memory, numbered="", focus="", unmatched=memory.list_query)
    trace.update(answer="none-fits")
    return texts.NONE_FITS


async def next_page(
    event: Event,
    session: AsyncSession,
    state: FSMContext,
    public_items: PublicItems | None = None,
) -> str:
    """The next five of the last list."""
    memory = await recall(state)
    if memory.numbered != "items" or not memory.list_codes:
        return texts.NO_LIST
    last = memory.list_page >= memory.pages
    if not last:
        await keep(state, memory, list_page=memory.list_page + 1)
    shown = await _page_shown(memory, session, public_items)
    if last:
        # 「还有别的没」 on the last page: these are all, shown again to pick from
        listed = cards.item_list(
            shown, page=memory.list_page, pages=memory.pages, heading=texts.NO_MORE_PAGES
        )
        return f"{listed}\n{texts.NONE_OF_THEM}"
    return cards.item_list(shown, page=memory.list_page, pages=memory.pages)


async def _page_shown(
    memory: Memory, session: AsyncSession, public_items: PublicItems | None
) -> list[Item]:
    """The published items of the page of the last list shown, in its order."""
    found = await items_by_codes(session, memory.page_codes(), public_items)
    return [found[c] for c in memory.page_codes() if c in found]


async def list_again(
    event: Event,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    public_items: PublicItems | None = None,
) -> str:
    """「再把刚才那个列表发一下」: the page of the last list shown, to pick from again."""
    memory = await keep(state, await recall(state), focus="list")
    shown = await _page_shown(memory, session, public_items)
    trace.update(answer="list-again")
    return cards.item_list(
        shown, page=memory.list_page, pages=memory.pages, heading=texts.LIST_AGAIN
    )


async def code(
    event: Event,
    code_text: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    aspect: str | None = None,
) -> str:
    """A typed code: the item, a choice among bodies, a retired code, or what is wrong with it;
    with a question about it (「…在哪办」), that answer of the item."""
    lookup = await queries.look_up_code(session=session, text=code_text)
    if lookup.item is not None:
        return await _card(
            session, state, await recall(state), lookup.item, settings, aspect, trace
        )
    if lookup.candidates:
        return await _list(state, await recall(state), lookup.candidates, code_text, None, trace)
    if lookup.retired is not None:
        trace.update(answer="retired", code=lookup.retired.code)
        if lookup.merged_into is not None:
            await remember(
                state,
                list_codes=[lookup.merged_into.code],
                list_page=1,
                list_intent="",
                numbered="items",
            )
        return cards.retired_answer(lookup.retired, lookup.merged_into, settings.public_base_url)
    if lookup.near:  # a slip of a key: the items whose codes are that close, to tap
        typed = len(normalize_code_text(lookup.text))
        length = texts.NEAR_CODE_LENGTH.format(length=typed) if typed != ITEM_CODE_LENGTH else ""
        heading = texts.NEAR_CODE.format(code=lookup.text.strip(), length=length)
        memory = await recall(state)
        answer = await _list(state, memory, lookup.near, code_text, aspect, trace, heading)
        trace.update(answer="near-code")
        return answer
    if len(lookup.partial) == 1:  # a part of one item's code only (DM62010780XK00001000)
        return await _card(
            session, state, await recall(state), lookup.partial[0], settings, aspect, trace
        )
    if lookup.partial:  # 「DM62010780」: a body's items; 「…—XK00001」: the main item's and subs
        typed = len(normalize_code_text(lookup.text))
        heading = texts.PARTIAL_CODE.format(code=lookup.text.strip(), length=typed)
        memory = await recall(state)
        answer = await _list(state, memory, lookup.partial, code_text, aspect, trace, heading)
        trace.update(answer="partial-code")
        return answer
    trace.update(answer="bad-code")
    return cards.code_problem_answer(lookup)


@lru_cache(maxsize=1)
def _county_regions() -> RegionDirectory:
    """The county's towns and villages as shipped, to name a code's place segments."""
    return region_directory(shipped_regions())


async def code_meaning(
    event: Event,
    code_text: str,
    categories: list[str],
    session: AsyncSession,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """What an item code's parts mean, or what the category letters said stand for."""
    if categories:
        trace.update(answer="category-meaning")
        return cards.category_meaning_answer(categories)
    if not code_text:
        trace.update(answer="code-rules")
        return cards.code_rules_answer()
    item = await queries.item_by_code(session=session, code=code_text)
    explanation = explain_code(code_text, _county_regions())
    trace.update(answer="code-meaning", code=explanation.canonical or code_text)
    return cards.code_meaning_answer(explanation, item, settings.public_base_url)


async def search_and_answer(
    event: Event,
    said: str,
    reading: Reading,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    search: Searcher | None = None,
    public_items: PublicItems | None = None,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """Words → the item card, the answer to the question asked, a list, or a polite no-match.

    A question alone (「电话多少」) is about what was just shown; so is a question whose
    other words name no item: they never start a new search."""
    if search is None:
        raise RuntimeError("no search index: put `search` in the dispatcher's workflow data")
    memory = await recall(state)
    aspect = reading.aspect
    other_way = await _the_card_going_another_way(said, memory, search, session, public_items)
    if other_way is not None:
        # 「证丢了要补的那个」 right after 教师资格认定: its 补发, the card's thing going that way
        return await _card(
            session, state, memory, other_way, settings, aspect, trace, said, reading.core
        )
    towns_entry = await _the_towns_entry_of_the_card(
        said, reading, memory, session, search, public_items
    )
    if towns_entry is not None:
        # 「我是华藏寺镇的 该找谁问」 on 乡村建设规划许可证核发: the town's own entry of it
        return await _card(session, state, memory, towns_entry, settings, aspect, trace)
    if aspect is not None and not reading.core:
        return await _follow_up(
            aspect, memory, session, state, settings, trace, public_items, wording, _asked(said)
        )
    back = POINTED_BACK.search(said) is not None  # 「刚才身份证那个要带啥」: an earlier item
    if aspect is not None and back and memory.card_before and _only_pointing(reading.core):
        # 「上一个多久」 「前面那个要本人去吗」: the card shown before the last one
        before = await item_by_code(session, memory.card_before, public_items)
        if before is not None:
            return await _card(session, state, memory, before, settings, aspect, trace)
    # 「身份证那个多久」 on 社会保障卡申领 (which lists 居民身份证): a thing pointed at by its
    # name is an item of its own, unless the card's own name or keywords say it
    pointed = POINTING_AT.search(said) is not None
    if aspect is not None and (back or pointed) and memory.card_before:
        # 「刚才高龄那个多久」: the card before the last, when its own words say the thing
        before = await item_by_code(session, memory.card_before, public_items)
        core = POINTED_BACK.sub("", reading.core)
        if before is not None and core and _own_words_say(before, core):
            return await _card(session, state, memory, before, settings, aspect, trace)
    # 「身份证咋办」 on 个体工商户设立登记 (which lists 居民身份证): how to get that paper is
    # a question of its own, not one about the card
    papers = not pointed and not GETTING_PAPER.search(said)
    if (
        aspect is not None
        and not back
        and await _about_the_card(reading.core, memory, session, public_items, papers=papers)
    ):
        # 「补办要带啥」 on 社会保障卡补领: its words are the item's own, no new search.
        return await _follow_up(
            aspect, memory, session, state, settings, trace, public_items, wording, _asked(said)
        )
    if _asks_whether_needed(said) and await _asks_for_its_paper(
        reading.core, memory, session, public_items
    ):
        # 「没领结婚证能开不 要结婚证吗」 on 出生医学证明: whether a paper it lists is needed.
        return await _follow_up(
            "materials",
            memory,
            session,
            state,
            settings,
            trace,
            public_items,
            wording,
            reading.core,
        )
    unlisted = await _a_thing_it_does_not_list(said, reading, memory, session, public_items)
    if unlisted is not None:
        # 「要结婚证吗」 on 户口迁移审批, which lists none: not needed, by what it does list
        trace.update(answer="not-mentioned", code=unlisted[0].code)
        notes = notes_about(unlisted[0], unlisted[1])
        return cards.not_mentioned_answer(unlisted[0], settings.public_base_url, unlisted[1], notes)
    lost = await _lost_paper_of_the_card(said, memory, session, public_items)
    if lost is not None:
        # 「执照原件找不见了咋办」 on 个体工商户注销登记: what its materials say of a lost one
        trace.update(answer="guide-notes", code=lost[0].code)
        return cards.notes_answer(lost[0], settings.public_base_url, lost[1])
    topic = parsing.listed_topic(said) if aspect is None else ""
    about = await _items_about(topic, search, session, public_items) if topic else []
    if len(about) > 1:
        # 「草原方面能办的都有啥」 「农药的都列一下」: every item about the thing
        return await _list(state, memory, about, topic, None, trace)
    query = reading.rest if aspect is not None else said
    several = await items_named_apart(said, search, session, public_items)
    if several:
        # 「执照和农药证都要改吗」: each thing asked, in the order said
        return await _list(state, memory, [f.item for f in several], query, aspect, trace)
    found = await find(search, session, query, public_items)
    written = written_as_named(query, found) if typed_in_pinyin(query) else ""
    if written:
        # 「lin shi shen fen zheng」: read on as the name writes it (临时身份证)
        said = query = written
        found = await find(search, session, query, public_items)
    # 「我们家不是低保户，那个生活补贴能领不」: asked of the item the other clause names
    beside = await asked_beside_who(search, session, said, public_items)
    if beside is not None:
        # 「我们家是低保户 娃娃又残疾 有生活补助没」: who they are is no part of what is asked
        found, query = beside
    # 「啥样的人能领」: one character beside the question (领) names an item only when search
    # clearly finds one as written (「开网吧要什么材料」 leaves 网; 「办的流程是啥样」 leaves 样,
    # whose sound is 养 of 养殖小区).
    by_sound = bool(found) and found[0].hit.reasons[:1] == ("pinyin",)
    unsure = not answers(found) or (
        len(reading.core) < MIN_CORE and (by_sound or not is_clear(found))
    )
    # 「得有啥证明」: a paper of no kind said is what any item asks for, not an item's name
    unsure = unsure or (aspect == "materials" and fold(reading.core) in ANY_PAPER)
    if aspect is not None and unsure and memory.focus in ("card", "list"):
        return await _follow_up(
            aspect, memory, session, state, settings, trace, public_items, wording, _asked(said)
        )
    if not answers(found) or not found[0].hit.confident:
        # Plain speech (「嗯那个请问一下我家老头子…」 「在地里打口井」): the words in the
        # catalogue's words, without fillers and measure words, may do better.
        found, query = await find_plainly(search, session, query, public_items, found)
    told = None
    # A story in several clauses: each clause alone may point to the first result.
    doubted = bool(found) and not found[0].hit.confident
    searched = SearchedClauses(search, session, said, public_items) if doubted else None
    if searched is not None and await clauses_agree(searched, found[0]):
        told = found[0]._replace(hit=replace(found[0].hit, confident=True))
        found = [told, *found[1:]]
    elif searched is not None and aspect is None:
        # … or one clause alone to another, the others only telling the situation (each
        # clause searched once for both).
        known = await clause_that_knows(searched)
        if known is not None:
            found, query = known
    towns = await queries.towns_named(session=session, text=said) if _same_named(found) else None
    towns_own = _the_towns_own(found, said, towns, reading.core) if towns is not None else None
    if towns_own is not None and towns_own.hit.confident:
        # 「在打柴沟镇下河东村 想把老房子拆了重盖 要批啥」: of the entries of one name, the town's
        return await _card(session, state, memory, towns_own.item, settings, aspect, trace)
    # The words as said (「办身份证」 is not 「身份证」, which two items share).
    as_said = fold(parsing.strip_particles(query))
    # 「计划生育家庭的扶助」: 的 is no part of the name the 奖励 and 特别 扶助金 share
    shared = sharing_the_name(found, as_said) or sharing_the_name(found, as_said.replace("的", ""))
    whole = _asks_as_a_whole(said) and not direction_of(normalise(said))
    if len(shared) > 1 and aspect in GETTING and not whole:
        # 「身份证咋办」: how to get it; the items for its other life events are not asked
        # (「个体户的手续」, naming no way, asks about them all).
        asked = going_the_asked_way(shared, said)
        if len(asked) == 1:
            return await _card(session, state, memory, asked[0].item, settings, aspect, trace)
    if len(shared) > 1:
        # 「个体户营业执照」: more words than the shared name, no other way asked.
        itself = _the_item_itself(shared, query)
        if itself is not None:
            return await _card(session, state, memory, itself.item, settings, aspect, trace)
        return await _list(state, memory, [f.item for f in shared], query, aspect, trace)
    words = fold(query)
    listed = answers(found)
    if len(listed) > 1 and any(word in said for word in SEVERAL):
        # 「残疾人补贴有哪些」: which items there are, not the one a keyword names; with every
        # result about the same thing as the first (「个体户 登记的 有几种」: its 变更 too,
        # though the fillers left it below the others).
        kin = [f for f in _of_one_thing(found, query) if f not in listed]
        return await _list(state, memory, [f.item for f in listed + kin], query, aspect, trace)
    alike = _named_alike(found, reading, said) if aspect is None else []
    if len(alike) > 1:
        # 「网吧」 「营业执照」 alone: the thing, each item search is sure of a choice
        return await _list(state, memory, [f.item for f in alike], query, aspect, trace)
    kin = _of_one_thing(found, query) if whole else []
    if len(kin) > 1:
        # 「社保卡相关的事项有哪些」 「教师资格证的事」: the thing's items, for each event of it.
        return await _list(state, memory, [f.item for f in kin], query, aspect, trace)
    # 「办个营业执照」 「想砍几棵树」: a measure word or a quantity between a keyword's characters
    chosen = (
        named_by_keyword(found, words)
        or named_by_keyword(found, READER.without_measures(words))
        or named_by_keyword(found, READER.without_quantities(words))
    )
    chosen = chosen or (found[0] if is_clear(found) else None)
    # 「结婚证」 alone names the thing, each of its items a choice; a sentence about it asks
    # the way it says, none said asking for the item itself
    core = READER.read(said).core if written else reading.core  # 「jie hun zheng」 too
    bare = fold(core) == fold(parsing.strip_particles(said))
    chosen = chosen or (None if bare else _clear_of_other_ways(found, said))
    chosen = chosen or told or single(found)
    if chosen is not None and not chosen.hit.confident and _says_its_keyword(chosen, found, words):
        chosen = chosen._replace(hit=replace(chosen.hit, confident=True))
    if chosen is not None or found:
        # 「结婚证找不见了 咋补」: 补领, not 登记; 「身份证过期了重新办」: not its 挂失.
        lead = chosen or found[0]
        way = the_way_asked(lead, found, said)
        chosen = way if way is not lead else chosen
    if chosen is None or not chosen.hit.confident:
        # 「身份证快到期了要换个新的去哪换」: the words name the first result's thing, and no
        # other's; the rest of the sentence only made search unsure.
        named = named_thing(found, words, said)
        if named is not None and (chosen is None or named.item.code == chosen.item.code):
            chosen = named
    # 「听说还有个筹建审批 那个还用办不」 「网吧筹建审批咋办」: an item abolished (or merged) is
    # said so, whatever search finds for the other words (no public item's name holds the
    # retired name's words said)
    retired = await _retired_named(said, session)
    if retired is not None:
        trace.update(answer="retired-named", code=retired.code)
        merged = retired.merged_into
        into = await queries.item_by_code(session=session, code=merged) if merged else None
        return cards.retired_answer(retired, into, settings.public_base_url, named=True)
    if chosen is not None and chosen.hit.confident:
        then = await _replaced_after_the_loss(
            chosen.item, said, aspect, search, session, public_items
        )
        if then is not None:
            # 「身份证丢了咋办」: report the loss, then get a new one, as the guide says
            heading = texts.LOSS_FIRST
            return await _list(state, memory, [chosen.item, then], query, None, trace, heading)
        return await _card(
            session, state, memory, chosen.item, settings, aspect, trace, said, reading.core
        )
    if not _says_another_items_word(found, fold(said), memory.card_code):
        # 「听说有人偷偷开黑网吧」 says another item's keyword (the penalty's 黑网吧), however
        # doubtfully search finds it: not a question about the guide of the card shown.
        answered = await _in_the_guide_shown(
            memory, reading, session, state, settings, trace, public_items
        )
        if answered:
            return answered
    said_things = sum(1 for char in reading.core if "\u4e00" <= char <= "\u9fff")
    if chosen is not None:
        # Search is not confident the words are about it: a choice to tap, never the answer;
        # none when no guess shares a thing with the words (「驾驶证到期了要换本」: other
        # licences' renewals share only the way).
        guesses = [chosen, *(f for f in answers(found) if f is not chosen)]
        if said_things >= MIN_RUN and not any(
            shares_a_thing(f, fold(said), words) for f in guesses
        ):
            guesses = []
        return await _no_match(said, guesses, memory, state, trace, aspect, wording)
    if listed and listed[0].hit.score >= SURE_SCORE:
        asked = going_the_asked_way(listed, said) if aspect in GETTING else []
        if len(asked) == 1 and asked[0].hit.confident:
            # 「个体的营业执照咋办」: 设立登记, not its 注销 or 变更.
            return await _card(session, state, memory, asked[0].item, settings, aspect, trace)
        itself = _the_item_itself(listed[:MAX_EVENTS_OF_ONE_THING], query)
        if itself is not None:
            return await _card(session, state, memory, itself.item, settings, aspect, trace)
        return await _list(state, memory, [f.item for f in listed], query, aspect, trace)
    # Weak matches only (「采矿许可证」 → 林木采伐许可证): offered as guesses, with 人工.
    close = listed or suggestions(found)
    if said_things >= MIN_RUN and not any(shares_a_thing(f, fold(said), words) for f in close):
        # 「港澳通行证在哪办」 「买张火车票」 「退休了要办什么」: guesses sharing no thing with
        # the words are no help.
        close = []
    return await _no_match(said, close, memory, state, trace, aspect, wording)


async def _retired_named(said: str, session: AsyncSession) -> RetiredCode | None:
    """The one abolished or merged item of the deployment whose name the words say a run of
    (name_run: at least NAME_RUN characters) that no public item's name holds (「听说还有个
    筹建审批 那个还用办不」: 筹建审批, of the abolished 内资设立…营业场所筹建审批)."""
    words = fold(said)
    best, named = "", list[str]()
    for code, name in await retired_names(session):
        run = name_run(name, words)
        if not run or len(run) < len(best):
            continue
        if len(run) > len(best):
            best, named = run, []
        named.append(code)
    if len(named) != 1 or await queries.public_name_holds(session=session, words=best):
        return None
    return await queries.retired_code(session=session, code=named[0])


def _clear_of_other_ways(found: list[Found], said: str) -> Found | None:
    """The first result, search sure of it, when the results that made it unclear all go
    another way than the words ask (「想当老师要考啥证」: 教师资格认定, not its 补发、换发; no
    way said asks for the item itself)."""
    if not found or not found[0].hit.confident:
        return None
    going = going_the_asked_way(found, said)
    if len(going) == len(found) or not going or going[0] is not found[0]:
        return None
    return found[0] if is_clear(going) else None


# Words for papers of no kind in particular: asked for beside a question of materials, they
# name no item.
ANY_PAPER = frozenset({"证明", "证件", "材料", "资料", "手续", "东西", "证", "文件", "表格"})


def _named_alike(found: list[Found], reading: Reading, said: str) -> list[Found]:
    """The results search is sure of when the words are a thing's name alone (「网吧」
    「营业执照」: nothing done, asked or said besides) and name several of them as a whole
    (「独女户奖励」 says 奖励 of one only: not alike)."""
    words = fold(parsing.strip_particles(said))
    if not words or words[0] in DOING or reading.intent != "item":
        return []
    if direction_of(normalise(said)):
        return []
    sure = [f for f in answers(found) if f.hit.confident]
    if len(sure) < 2:
        return []
    said_of = [thing_said(f.item, words) for f in sure]
    # every character said is of the thing, and more than one item is named by all of it
    return sure if said_of.count(len(words)) > 1 else []


def _same_named(found: list[Found]) -> list[Found]:
    """The close results sharing the first one's name, when there are several (the county's
    bureau and towns each grant 乡村建设规划许可证核发)."""
    close = close_to_lead(found)
    same = [f for f in close if f.item.name == close[0].item.name] if close else []
    return same if len(same) >= 2 else []


def _the_towns_own(
    found: list[Found], said: str, towns: frozenset[str], core: str = ""
) -> Found | None:
    """Of the results sharing the first one's name, the one whose town's government grants
    it, when the words name that town and no other's (`towns`: those named, also by one of
    their villages); sure when search is sure of the name or scores it SURE_SCORE, or when
    every close result has that name (no other item in doubt, only whose entry: the town
    said tells)."""
    same = _same_named(found)
    own = [
        f
        for f in same
        if f.item.department is not None
        and (town := TOWN_OFFICE.search(f.item.department.name)) is not None
        and (town.group(1) in said or town.group(1) in towns)
    ]
    if len(own) != 1:
        return None
    close = close_to_lead(found)
    sure = same[0].hit.confident or same[0].hit.score >= SURE_SCORE or len(same) == len(close)
    sure = sure or _names_it_beside_a_town(core, own[0].item.name, towns)
    return own[0]._replace(hit=replace(own[0].hit, confident=sure))


def _names_it_beside_a_town(core: str, name: str, towns: frozenset[str]) -> bool:
    """Whether the words, without the town named, name the item as written or the short way
    (「打柴沟镇 建设规划证」 of 乡村建设规划许可证核发)."""
    words = fold(core)
    for town in towns:
        words = words.replace(fold(town), "")
    if len(words) < MIN_BEYOND_RUN or len(words) == len(fold(core)):
        return False
    return words in name or paper_said_short(name, words) == words


OWN_WORD = 3  # characters of an item's keyword that, said as written, name that item


def _says_another_items_word(found: list[Found], said: str, card_code: str | None) -> bool:
    """Whether the words say a keyword or alias (OWN_WORD characters or more) of a result
    other than the card shown."""
    for result in found:
        if result.item.code == card_code:
            continue
        words = (fold(str(w)) for w in (*result.item.keywords, *result.item.aliases))
        if any(len(word) >= OWN_WORD and word in said for word in words):
            return True
    return False


# 「要结婚证吗」 「没有户口本行不」: whether something is needed (need word, yes-no question).
NEED_WORDS = ("要", "需", "得", "带", "没")
YES_NO = ("吗", "不", "么", "没有", "行不", "能不")


def _asks_whether_needed(said: str) -> bool:
    return any(w in said for w in NEED_WORDS) and any(w in said for w in YES_NO)


MAX_THING = 8  # characters of a thing asked whether needed (「结婚证」 「营业执照」)


async def _a_thing_it_does_not_list(
    said: str,
    reading: Reading,
    memory: Memory,
    session: AsyncSession,
    public_items: PublicItems | None,
) -> tuple[Item, str] | None:
    """Right after a card, whether a paper is needed (「要结婚证吗」 「需要营业执照不」) that
    its materials do not list and its conditions do not name: the card and the thing."""
    if reading.aspect is not None or memory.focus != "card" or not memory.card_code:
        return None
    if not _asks_whether_needed(said) or LOST_SAID.search(said):
        return None
    thing = reading.core.removeprefix("办")
    if not PAPER <= len(thing) <= MAX_THING or not thing.endswith(PAPER_ENDS):
        return None
    if direction_of(normalise(thing)):
        return None  # 「要补办吗」: another way of the card's thing
    item = await item_by_code(session, memory.card_code, public_items)
    if item is None or names_its_paper(item, thing) or thing in (item.conditions or ""):
        return None
    if names_its_paper_short(item, thing):
        return None  # 「要办健康证吗」: its 从业人员健康合格证明, the short way
    return item, thing


async def _asks_for_its_paper(
    core: str, memory: Memory, session: AsyncSession, public_items: PublicItems | None
) -> bool:
    """Whether the words, right after a card, ask about a paper the card's materials list
    (「要结婚证吗」 「没领结婚证能开不」 on 出生医学证明, which lists 结婚证): the paper's name,
    at least PAPER characters of it as written, and at most LEFT_OVER other characters of
    substance (「结婚证丢了咋补」 says more: a new search)."""
    if len(core) < PAPER or memory.focus != "card" or not memory.card_code:
        return False
    item = await item_by_code(session, memory.card_code, public_items)
    if item is None:
        return False
    return names_its_paper(item, core)


SAYS_KEYWORD = 4  # a keyword this long, said as written by the first result's own words


def _says_its_keyword(chosen: Found, found: list[Found], words: str) -> bool:
    """Whether the first result, which search is not sure of, is one the words name by one of
    its own keywords of at least SAYS_KEYWORD characters, as staff wrote it (「在县城开个小旅馆
    要办卫生许可证不」 says 卫生许可证): the long keyword is the evidence the rest of a long
    sentence dilutes. A run of its name is not enough (another region's 「经营许可证」)."""
    if not found or chosen.item.code != found[0].item.code:
        return False
    own = [fold(str(w)) for w in (*chosen.item.keywords, *chosen.item.aliases)]
    # Only in a longer sentence: the keyword alone is search's to judge (a search unsure of
    # 「办身份证」 offers it to tap).
    if any(len(w) >= SAYS_KEYWORD and w in words and w != words for w in own):
        return True
    # how many left out: 「想砍一批树」 「打个机井」 → 打机井
    return says_what_it_does(chosen.item, READER.without_quantities(words))


async def _the_towns_entry_of_the_card(
    said: str,
    reading: Reading,
    memory: Memory,
    session: AsyncSession,
    searcher: Searcher,
    public_items: PublicItems | None,
) -> Item | None:
    """Right after a card, a question about it said with the asker's town or village and
    nothing else (「我是打柴沟镇的 在哪办」): the entry of the same name that town's government
    grants, else the card itself (the county's window serves that town too)."""
    if reading.aspect is None or memory.focus != "card" or not memory.card_code:
        return None
    if not parsing.only_where_one_lives(reading.core):
        return None
    towns = await queries.towns_named(session=session, text=said)
    if len(towns) != 1:
        return None
    card = await item_by_code(session, memory.card_code, public_items)
    if card is None:
        return None
    (town,) = towns
    for code in entries_granted_by(searcher, card.name, town):
        return await item_by_code(session, code, public_items) or card
    return card


# Words pointing back past the card just shown (「刚才身份证那个」 「之前那个低保的」): the thing
# they name is an item asked about before, not a paper the card lists.
POINTED_BACK = re.compile("刚才|刚刚|之前|前面|先前|上一个|前一个|上一项|前一项|上个|前个")
# 「身份证那个」 「高龄的那项」: a thing named, then pointed at
POINTING_AT = re.compile(r"[\u4e00-\u9fff]{2}(?:的)?那(?:个|一个|项|一项|条)")
# What is left of 「上一个」 「前面那个」 once the question is read: pointing words only
_POINTING_ONLY = re.compile(
    r"^(?:刚才|刚刚|之前|前面|先前|上|前)?(?:的)?(?:一个|个|一项|项|那个|那一个|那项|那)?(?:的)?$"
)


def _only_pointing(core: str) -> bool:
    """Whether the words beside a question only point back (「上一个」 「前面」 「刚才那个」)."""
    return _POINTING_ONLY.match(core.replace(" ", "")) is not None


async def _about_the_card(
    core: str,
    memory: Memory,
    session: AsyncSession,
    public_items: PublicItems | None,
    *,
    papers: bool = True,
) -> bool:
    """Whether the words beside a question only repeat the card just shown: every character
    is in its name, one of its keywords (「补办」 for 社会保障卡补领、换领、换发) or, with
    `papers`, one of its papers (「要带啥证明」 for 临时救助, which lists 致困原因相关证明)."""
    if not core or memory.focus != "card" or not memory.card_code:
        return False
    item = await item_by_code(session, memory.card_code, public_items)
    if item is None:
        return False
    listed = (str(r.get("name", "")) for r in item.requirements if isinstance(r, dict))
    own = fold(" ".join((item.name, *item.keywords, *item.aliases, *(listed if papers else ()))))
    return all(char in own for char in core)


def _own_words_say(item: Item, core: str) -> bool:
    """Whether the item's name, a keyword or an alias holds the words as said (「高龄」 of
    80周岁以上老年人高龄津贴发放, 「结婚」 of a keyword 结婚登记)."""
    words = fold(core.removesuffix("的"))
    return len(words) >= MIN_RUN and any(
        words in fold(name) for name in (item.name, *item.keywords, *item.aliases)
    )


async def _lost_paper_of_the_card(
    said: str, memory: Memory, session: AsyncSession, public_items: PublicItems | None
) -> tuple[Item, list[str]] | None:
    """Right after a card, a paper it lists said to be lost, when its materials say what to do
    then: the card and those notes."""
    if memory.focus != "card" or not memory.card_code:
        return None
    if "replace" not in asked(direction_of(normalise(said))):
        return None
    item = await item_by_code(session, memory.card_code, public_items)
    notes = lost_paper_notes(item, said) if item is not None else []
    return (item, notes) if item is not None and notes else None


async def _the_card_going_another_way(
    said: str,
    memory: Memory,
    search: Searcher,
    session: AsyncSession,
    public_items: PublicItems | None,
) -> Item | None:
    """Right after a card, words asking only for a way of its thing's life the card does not
    go (丢了要补, 注销的): the one item of that thing going that way, if there is one. Words
    naming another thing (「结婚证丢了」 after 居民身份证) are a new search."""
    if memory.focus != "card" or not memory.card_code:
        return None
    ways = asked(direction_of(normalise(said)))
    wish = ways - {NEW}
    if not wish and ways == NEW_ONLY:
        # 「新办」 alone: the card's thing applied for the first time (the card itself when it
        # is that application: 燃气经营许可证新办)
        return await _first_application_of_the_card(said, memory, search, session, public_items)
    card = await item_by_code(session, memory.card_code, public_items) if wish else None
    if card is None:
        return None
    name = fold(card.name)
    rest = READER.strip_fillers(without_directions(normalise(said)))
    if wish & direction_of(normalise(card.name)):
        # 「怎么补」 on 社会保障卡补领: the card goes that way already, nothing else named
        return None if rest else card
    # 「证书丢了咋补」: 书 of 证书, and 补 left of 咋补, name no other thing
    if sum(1 for c in rest if c not in name and not left_by_a_way(c)) > 1:
        return None
    # 「过期了咋办」 after 居民身份证办理: no item of it goes that way, the card itself answers
    # (its guide covers 换领), never another thing's 延续 found by the way alone
    return await going_that_way(card, wish, search, session, public_items) or card


async def _first_application_of_the_card(
    said: str,
    memory: Memory,
    search: Searcher,
    session: AsyncSession,
    public_items: PublicItems | None,
) -> Item | None:
    """Right after a card, only a first application asked (「新办」 「我要新办的」): the card when
    it goes no other way, else its thing's one first application; None when other words are
    said (「新办营业执照」 is a search)."""
    if READER.strip_fillers(without_directions(normalise(said))):
        return None
    card = await item_by_code(session, memory.card_code, public_items)
    if card is None:
        return None
    if not asked(direction_of(normalise(card.name))) - {NEW}:
        return card
    return await going_that_way(card, NEW_ONLY, search, session, public_items)


def _asked(said: str) -> str:
    """The words of a follow-up that may be in the guide: all that was said (「我给我妈代办
    行不」: 代办, which the reading takes for a question about materials)."""
    return fold(said)


async def _in_the_guide_shown(
    memory: Memory,
    reading: Reading,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    public_items: PublicItems | None,
) -> str:
    """Right after a card, or a list of one entry (「您是不是想找：1. 教师资格认定」), words search
    finds no item for (「还要登报吗」 「要狗的相片不」 「普通话要几级」): what its guide says of
    them, when it says something; after a longer list, what the guide of the one entry that
    says something of them says (「村上要出个啥」 after building a house: 村民委员会意见);
    '' otherwise."""
    if not reading.core:
        return ""
    shown = _the_one_shown(memory)
    if shown:
        item = await item_by_code(session, shown, public_items)
        # 「人没了还给发吗」: what the guide says of a death, when no word of it is said
        notes = (
            notes_about(item, _asked(reading.text)) or notes_on_a_death(item, reading.text)
            if item is not None
            else []
        )
    elif memory.focus == "list" and memory.numbered == "items":
        item, notes = await _the_entry_that_says(memory, reading, session, public_items)
        if item is not None:
            await keep(state, memory, card_code=item.code, focus="card")  # asked of it next
    else:
        return ""
    if item is None or not notes:
        return ""
    if reading.aspect is not None:
        # 「临时的当天能拿到不」: the time limits asked, then what the guide says of 临时
        await keep(state, memory, card_code=item.code, focus="card")
        answer = _show(item, settings, reading.aspect, trace)
        return cards.with_notes(answer, [n for n in notes if n.split("：", 1)[-1] not in answer])
    trace.update(answer="guide-notes", code=item.code)
    answer = cards.notes_answer(item, settings.public_base_url, notes)
    return cards.with_age_verdict(answer, item, reading.text)  # 「我男朋友21岁能登记吗」


async def _the_entry_that_says(
    memory: Memory, reading: Reading, session: AsyncSession, public_items: PublicItems | None
) -> tuple[Item | None, list[str]]:
    """Of the item list just shown, the one entry whose guide says something of the words,
    with what it says; entries of one name saying the same (the county's and the towns')
    count as one."""
    found = await items_by_codes(session, memory.page_codes(), public_items)
    said: dict[tuple[str, tuple[str, ...]], Item] = {}
    for code in memory.page_codes():
        item = found.get(code)
        notes = tuple(notes_about(item, _asked(reading.text))) if item is not None else ()
        if item is not None and notes:
            said.setdefault((item.name, notes), item)
    if len(said) != 1:
        return None, []
    (((_, notes), item),) = said.items()
    return item, list(notes)


def _the_one_shown(memory: Memory) -> str:
    """The code of the card just shown, or of the only entry of the item list just shown."""
    if memory.focus == "card":
        return memory.card_code
    if memory.focus == "list" and memory.numbered == "items" and len(memory.list_codes) == 1:
        return memory.list_codes[0]
    return ""


# What may be asked of the office to ask for a step no item serves.
STEP_CONTACT = frozenset({"phone", "place", "where", "hours"})


async def _the_steps_office(
    memory: Memory, aspect: str, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    """The contact of the office to ask for the step just answered, the checklist kept
    shown (its numbers and 「下一步」 still work); its name alone when no office is known."""
    found = await departments.by_ids(session, [memory.department_id])
    if not found:
        trace.update(answer="step-no-office")
        return texts.STEP_NO_OFFICE.format(step=memory.step_asked)
    answer = await department_contact(None, found[0], aspect, session, state, trace)
    await keep(state, await recall(state), focus="list")
    return answer


async def _follow_up(
    aspect: str,
    memory: Memory,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    public_items: PublicItems | None,
    wording: texts.Wording,
    words: str = "",
) -> str:
    """A question about what was just shown: after a list, which one (by number) first; the
    guide's sentences about the other `words` asked with it follow the answer (「我给我妈代办行
    不」: 代办)."""
    if memory.focus == "list" and memory.numbered == "items" and len(memory.list_codes) == 1:
        # A list of one (「您是不是想找：1. …」): the question is about it, no need to ask which.
        only = await item_by_code(session, memory.list_codes[0], public_items)
        if only is not None:
            await keep(state, memory, card_code=only.code, focus="card")
            return _show(only, settings, aspect, trace)
    if memory.focus == "list" and memory.step_asked and aspect in STEP_CONTACT:
        # 「电话多少」 after whom to ask for a step no item serves (特种行业许可): that office
        return await _the_steps_office(memory, aspect, session, state, trace)
    if memory.focus == "list" and memory.numbered == "items" and memory.list_codes:
        shown = await _page_shown(memory, session, public_items)
        every = await the_step_every_case_needs(
            session, memory.list_query, shown, aspect, words, story=memory.unmatched
        )
        if every is not None:
            # after a checklist, the one step every case takes (the others are for some)
            await keep(state, memory, card_code=every.code, focus="card")
            return _show(every, settings, aspect, trace)
        same = cards.said_alike(shown, aspect)
        if same:
            # 「在几号窗口」 after a main item's sub-items: the same for each, no need to ask
            trace.update(answer="same-for-each")
            return same
        await keep(state, memory, list_intent=aspect)
        trace.update(answer="which")
        heading = texts.WHICH_ONE.format(what=cards.ASPECT_NAMES.get(aspect, ""))
        return cards.item_list(shown, page=memory.list_page, pages=memory.pages, heading=heading)
    outside = matter_said(memory.outside) if memory.focus == "outside" else None
    if outside is not None:
        # 「电话多少」 after 「护照在哪办」: who handles that matter, again
        trace.update(answer="outside")
        return await outside_answer(session, outside[0], outside[1], wording)
    # After a place's funds, 「电话多少」 is not about an item card shown earlier.
    about_card = memory.card_code and memory.focus in ("card", "")
    last = await item_by_code(session, memory.card_code, public_items) if about_card else None
    if last is None:
        hours = await common_hours(session) if aspect == "hours" else ""
        trace.update(answer="common-hours" if hours else "ask-what")
        return wording.say(texts.COMMON_HOURS, hours=hours) if hours else texts.ASK_WHAT
    await keep(state, memory, focus="card")
    answer = _show(last, settings, aspect, trace)
    answer = cards.with_notes(answer, notes_about(last, words, answer) if words else [])
    return cards.with_age_verdict(answer, last, words)  # 「我爸79岁能领吗」


# A paper said to be lost (not its loss reported): 「身份证丢了」 「找不着了」 「叫人偷了」.
LOST_SAID = re.compile(r"丢了|掉了|丢失|丢哪|搞丢|弄丢|找不到|找不着|寻不着|不见了|被偷|偷了")
# A guide saying what comes after a loss is reported: a new paper (「挂失申报后原证件作废，
# 请及时补领」).
GET_A_NEW_ONE = re.compile(r"补领|补办|重新申领|重新办理")


async def _replaced_after_the_loss(
    item: Item,
    said: str,
    aspect: str | None,
    search: Searcher,
    session: AsyncSession,
    public_items: PublicItems | None,
) -> Item | None:
    """For an item that reports a loss (挂失) and whose guide says a new paper is got after it,
    the item that gives the new one, when the words say the paper was lost and do not ask for
    the report alone: a first application or a 补领 of the same thing."""
    if aspect not in (None, *GETTING) or not LOST_SAID.search(said):
        return None
    if "挂失" in said and not GET_A_NEW_ONE.search(said):
        return None  # 「身份证丢了 去哪挂失」: the loss report only
    if "挂失" not in item.name or not GET_A_NEW_ONE.search(" ".join(guide_sentences(item))):
        return None
    thing = item.name.split("挂失")[0]
    if len(thing) < MIN_RUN:
        return None
    for found in await find(search, session, thing, public_items):
        other = found.item
        if other.code == item.code or thing not in other.name or "挂失" in other.name:
            continue
        if found.hit.confident and way_of(other.name) <= {NEW, "replace"}:
            return other
    return None


def _in_order_said(close: list[Found], said: str) -> list[Found]:
    """The guesses each named in the message in the order they were said (「社保卡也弄丢了
    想领失业金」: the card first), when two or more are; the others after, as ranked."""
    words = in_formal_terms(fold(said))

    def where(found: Found) -> int:
        item = found.item
        own = [fold(str(w)) for w in (*item.keywords, *item.aliases)]
        own.append(name_run_of(fold(item.name), words))
        places = [words.find(w) for w in own if len(w) >= PAPER and w in words]
        return min(places, default=len(words))

    places = [where(f) for f in close]
    if sum(1 for place in places if place < len(words)) < 2:
        return close
    return [f for _, f in sorted(zip(places, close, strict=True), key=lambda pair: pair[0])]


async def _no_match(
    said: str,
    close: list[Found],
    memory: Memory,
    state: FSMContext,
    trace: dict[str, str],
    aspect: str | None = None,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    close = _in_order_said(close[:MAX_GUESSES], said)
    memory.unmatched = said
    if not close and READER.says_term(said, "personal"):
        # 「传材料的地方在哪 我把pdf传上去」: handing in here, of no item found, is what cannot
        # be served; where it is done instead.
        trace.update(answer="personal")
        await keep(state, memory)
        return "\n".join((wording.say(texts.PERSONAL), texts.ASK_HOTLINE, texts.OFFER_HUMAN))
    if close:
        # The closest items may be right: offer them, never "not found" above them.
        variant = (memory.fallback + 1) % len(texts.NONE_OF_THESE)
        lines = [texts.SUGGEST]
        names = [f.item.name for f in close]
        lines += [
            numbered(
                n,
                cards.paused(f.item) + cards.shorten(f.item.name, 40),
                cards.told_apart(f.item, names),
            )
            for n, f in enumerate(close, start=1)
        ]
        lines.append(texts.LIST_HINT + "。" + texts.NONE_OF_THESE[variant])
        memory.list_codes = [f.item.code for f in close]
        memory.list_page = 1
        memory.list_intent = aspect or ""
        memory.numbered = "items"
        memory.focus = "list"
        trace.update(answer="suggest")
    else:
        variant = (memory.fallback + 1) % len(texts.NO_MATCH)
        lines = [texts.NO_MATCH[variant].format(said=cards.shorten(said, 20))]
        trace.update(answer="no-match")
    memory.fallback = variant
    lines.append(texts.OFFER_HUMAN)
    await keep(state, memory)
    return "\n".join(lines)


async def unheard(event: VoiceMessage) -> str:
    """A voice message WeChat could not recognise."""
    return texts.EMPTY_VOICE


async def blank(event: Event) -> str:
    """An empty message (spaces only)."""
    return texts.ASK_WHAT


async def other_kinds(event: Event) -> str:
    """Pictures, locations and links."""
    return texts.ONLY_TEXT


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-items")
    on_said(router, FirstStepAsked())(first_step)
    on_said(router, NoneFits())(none_fits)
    on_said(router, ListAgain())(list_again)
    on_said(router, NextPage())(next_page)  # 「换一个」: not the entry going the way 换 says
    on_said(router, PaperOfEveryEntry())(paper_of_every_entry)
    on_said(router, EachEntryAsked())(each_entry)
    on_said(router, SeveralEntriesAsked())(several_entries)
    on_said(router, Choice())(choose)
    on_said(router, ChoiceByWords())(choose)
    on_said(router, ChoiceByPlace())(choose_variant)
    on_said(router, DepartmentCode())(department_code)
    on_said(router, DepartmentCodeAsked())(department_code_asked)
    on_said(router, CodeMeaningAsked())(code_meaning)
    on_said(router, LooksLikeCode())(code)
    on_said(router, CodeInWords())(code)
    on_said(router, DepartmentContact())(department_contact)
    on_said(router, DepartmentFollowUp())(department_contact)
    on_said(router, OtherDepartmentAsked())(department_contact)
    on_said(router, DepartmentItems())(department_items)
    on_said(router, Understood())(search_and_answer)
    router.voice()(unheard)
    router.text()(blank)
    router.image()(other_kinds)
    router.location()(other_kinds)
    router.link()(other_kinds)
    return router
