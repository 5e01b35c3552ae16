"""What is not an item search: small talk, complaints, 人工 in other words, 解绑, requests the
county cannot serve here (progress, booking) and telephone numbers typed alone."""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.events import Event
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.models import Department, Item, VillageBinding
from catalogue.queries.visibility import public_item
from catalogue.scope import scope_of
from handlers.citizen import cards, parsing, texts
from handlers.citizen.cards import department_name, phone_of
from handlers.citizen.common import on_said
from handlers.citizen.filters import (
    IdNumber,
    Intent,
    PhoneNumber,
    ServiceNumberAsked,
    SmallTalk,
    a_funds_detail_asked,
)
from handlers.citizen.filters import said as said_text
from handlers.citizen.guide_notes import MAX_NOTES, guide_sentences
from handlers.citizen.memory import Citizen, recall, remember
from handlers.citizen.outside import service_number, whom_to_ask_of_matter
from handlers.citizen.searching import (
    ENFORCEMENT,
    MAX_GUESSES,
    MIN_RUN,
    SUGGEST_SCORE,
    Searcher,
    answers,
    find,
    shares_a_thing,
    thing_said,
)
from handlers.citizen.taps import tap
from handlers.citizen.understanding import Reading
from handlers.citizen.understanding.reading import READER
from handlers.citizen.understanding.scorer import fold
from handlers.db.kept import KeptUntilChanged
from handlers.guards.privacy import keyed_hash
from handlers.searching.public_items import PublicItems, item_by_code
from handlers.settings import Settings
from search.normalise import longest_run

_TALK = {
    "thanks": texts.THANKS,
    "ack": texts.ACK,
    "goodbye": texts.GOODBYE,
    "identity": texts.IDENTITY,
    "language": texts.LANGUAGE,
    "offtopic": texts.OFFTOPIC,
}


def examples() -> list[str]:
    """The example questions as tappable lines."""
    return [
        "· " + tap(example, example, number)
        for number, example in enumerate(texts.TALK_EXAMPLES, start=1)
    ]


async def small_talk(
    event: Event,
    reading: Reading,
    state: FSMContext,
    trace: dict[str, str],
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """Greetings, thanks, goodbyes, help and 「你是机器人吗」: a sentence, never a card.
    「有人吗」 greets too; what is asked next that cannot be served here goes to staff."""
    trace.update(answer=f"talk:{reading.intent}")
    if reading.intent in _TALK:
        return wording.say(_TALK[reading.intent])
    head = texts.HELP if reading.intent == "help" else wording.say(texts.GREETING)
    if reading.intent == "presence":
        await state.set_state(Citizen.person_asked)
        return "\n".join([head, *examples(), texts.PRESENCE])
    return "\n".join([head, *examples(), texts.OFFER_HUMAN])


def own_region(session: AsyncSession) -> str:
    """The code prefix of the session's home region and the regions within it (the county's
    when every region is served: search evaluation only)."""
    scope = scope_of(session)
    return parsing.COUNTY_CODE if scope.everywhere else scope.within


async def supervision_phone(session: AsyncSession) -> str:
    """The supervision phone most of the home region's public items give (its complaints
    line; other regions' catalogues loaded beside it, and the province's and city's items,
    do not count); '' when none gives one. Kept per worker and region until the items
    change (`handlers.db.kept`): it is counted over every item."""
    return await _PHONES.get(session, own_region(session))


async def _count_for_region(session: AsyncSession, region: str) -> str:
    return await _count_supervision_phone(session)


_PHONES: KeptUntilChanged[str, str] = KeptUntilChanged(("items",), _count_for_region)


async def _most_given(session: AsyncSession, column: InstrumentedAttribute[str]) -> str:
    """The value of `column` most of the home region's public items give ("" if none does)."""
    row = await session.execute(
        select(column, func.count().label("n"))
        .where(
            public_item(scope_of(session)),
            column != "",
            Item.region_code.like(f"{own_region(session)}%"),
        )
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(1)
    )
    found = row.first()
    return str(found[0]) if found else ""


async def _count_supervision_phone(session: AsyncSession) -> str:
    return await _most_given(session, Item.supervision_phone)


# A guess (not listed) names the item of what cannot be served when it shares this long a run
# with the words: a whole name's word (婚姻登记), not one syllable pair.
GUESS_RUN = 4
# Words of a complaint that may be said of a matter rather than of the service (「有人偷砍林场
# 的树 往哪举报」 「孤寡老汉没儿没女 国家管不管」): the item the words name answers first.
ABOUT_A_MATTER = ("举报", "管不管", "有没有人管", "谁来管管", "jubao")
MATTER_RESULTS = 3  # the first results looked at for the item a matter's words name
# Words telling of a wrongdoing (「邻居没经过批准就盖房子」): who punishes it answers first.
WRONGDOING = ("举报", "未经", "没经过", "没批", "私自", "偷偷", "擅自", "违法", "违规")


async def complaint(
    event: Event,
    said: str,
    reading: Reading,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    search: Searcher | None = None,
    public_items: PublicItems | None = None,
) -> str:
    """A complaint: the supervision phone and 12345 at once, and 人工 with the words kept.
    A complaint that asks for a person too (「我要投诉，找个人跟我对接一下」) is 人工 as well:
    the next message, the complaint described, becomes the ticket. A report or a 「管不管」
    about a matter an item names (盗伐林木 → its penalty, 孤寡老人 → 特困供养) shows that item's
    phone first: whose business it is."""
    matter = None
    beside = said
    for word in ABOUT_A_MATTER:
        beside = beside.replace(word, " ")
    # 「村里评低保不公平 我要举报」: a complaint of its own words (不公平), not a matter's
    if search is not None and beside != said and not READER.mentions(beside, "complaint"):
        found = await find(search, session, reading.core, public_items)
        named = [
            f.item
            for f in found[:MATTER_RESULTS]
            if shares_a_thing(f, fold(said), fold(reading.core))
        ]
        if any(word in said for word in WRONGDOING):
            named.sort(key=lambda item: item.category not in ENFORCEMENT)
        matter = named[0] if named else None
    phone = await supervision_phone(session)
    # 「人工」 next forwards the complaint itself as the ticket.
    wants_person = READER.mentions(said, "human")
    # The complaint described next is a ticket of its own, not an addition to an older one.
    await remember(state, unmatched=said, **({"ticket": 0} if wants_person else {}))
    if wants_person:
        await state.set_state(Citizen.describing_problem)
    trace.update(answer="complaint-human" if wants_person else "complaint")
    lines = complaint_lines(phone, wants_person)
    if matter is not None and not wants_person:
        # whose business it is: the item's phone (and the supervision phone, 12345), 人工;
        # what is asked next (「多长时间能处理完」) is about it
        trace.update(answer="complaint-matter", code=matter.code)
        await remember(state, card_code=matter.code, focus="card")
        return "\n".join((cards.answer(matter, settings.public_base_url, "phone"), lines[-1]))
    return "\n".join(lines)


def complaint_lines(phone: str, wants_person: bool = False) -> list[str]:
    """Where to complain at once: the supervision phone (`phone`), 12345, and 人工 (the
    complaint described next, when a person was asked for)."""
    lines = [texts.COMPLAINT_HEAD]
    if phone:
        lines.append(f"· 监督投诉电话：{phone}")
    if "12345" not in phone:
        lines.append(texts.COMPLAINT_HOTLINE)
    lines.append(texts.COMPLAINT_DESCRIBE if wants_person else texts.COMPLAINT_HUMAN)
    return lines


async def common_hours(session: AsyncSession) -> str:
    """The office hours most of the home region's public items give (its service centre's)."""
    return await _most_given(session, Item.hours)


async def common_location(session: AsyncSession) -> str:
    """The window most of the home region's public items give (one of its service centre's)."""
    return await _most_given(session, Item.location)


async def whom_to_ask(
    session: AsyncSession,
    state: FSMContext,
    reading: Reading,
    search: Searcher | None,
    public_items: PublicItems | None,
) -> str:
    """Whom to ask instead, for what cannot be served here: the window phone of the item the
    words name (「我的低保批下来没有」: 民政's), else who handles the matter outside the
    catalogue they name (「养老金」: 人社's), else of the item just shown, else 12345."""
    named = await _named_item(session, reading, search, public_items)
    if named is not None:
        # What is asked next (「电话多少」 「要带啥」) is about the item the words named.
        await remember(state, card_code=named.code, focus="card")
    else:
        matter = await whom_to_ask_of_matter(session, reading.text)
        if matter is not None:
            return matter
        memory = await recall(state)
        if memory.card_code:
            named = await item_by_code(session, memory.card_code, public_items)
    return ask_about(named) if named is not None and phone_of(named) else texts.ASK_HOTLINE


def ask_about(item: Item) -> str:
    """「“户口迁移审批”由县公安局办理，窗口电话：…」: whom to ask about the item."""
    return texts.ASK_THIS_ITEM.format(
        item=item.name, name=department_name(item), phone=phone_of(item)
    )


async def _named_item(
    session: AsyncSession,
    reading: Reading,
    search: Searcher | None,
    public_items: PublicItems | None,
) -> Item | None:
    """The first listed result whose name, keyword or alias the words say (a run of two
    characters beside procedure words: 社保卡 of 社会保障卡补领, not 查 or 申请), else the
    first guess that shares a longer run with them (婚姻登记 of 「约婚姻登记处 下周去离婚」); an
    identity number said (「身份证号622301…」) names no item."""
    words = fold(parsing.without_id_number(reading.core))
    if search is None or len(words) < MIN_RUN:
        return None
    found = await find(search, session, words, public_items)
    listed = next((f.item for f in answers(found) if thing_said(f.item, words) >= MIN_RUN), None)
    if listed is not None:
        return listed
    guesses = found[:MAX_GUESSES]
    shared = next((f.item for f in guesses if _shares_a_word(f.item, words)), None)
    if shared is not None or not found:
        return shared
    # 「帮我把户口从打柴沟迁到华藏寺」: the first guess, good enough to suggest, naming the
    # thing the words name (户口)
    first = found[0]
    good = first.hit.score >= SUGGEST_SCORE and thing_said(first.item, words) >= MIN_RUN
    return first.item if good else None


def _shares_a_word(item: Item, words: str) -> bool:
    """Whether the words hold a run of the item's name at least GUESS_RUN long, of which
    some names the thing (not 申请登记 alone)."""
    run = longest_run(words, fold(item.name))
    return len(run) >= GUESS_RUN and thing_said(item, run) >= MIN_RUN


def not_a_binding(event: Event) -> bool:
    """「我搬到祁连镇石大板村了 给我改一下」 asks to change one's village, which the villages
    router does (`parsing.parse_bind`), not to change a personal record."""
    return parsing.parse_bind(said_text(event) or "") is None


async def not_a_project(event: Event, state: FSMContext) -> bool:
    """「大湾村那个项目进度咋样」 「我们村的项目到哪一步了」, or right after a place's funds
    「民宿项目进展到哪了」: a poverty project's status is published; the villages router answers
    it (only an application's progress is not served)."""
    text = said_text(event) or ""
    if parsing.says_place_project(text):
        return False
    memory = await recall(state)
    shown = memory.focus == "place" and bool(memory.place_code)
    # 「民宿那个弄到哪一步了」 right after a place's rows: one of its projects
    return not (shown and (parsing.says_projects(text) or parsing.asks_place_detail(text)))


async def not_a_fund_detail(event: Event, state: FSMContext, session: AsyncSession) -> bool:
    """「评审结果出来没有」 right after a special fund, or said with a fund's words (「牦牛藏羊
    产业资金17年评审结果出来没」 「乡村旅游示范点17年评审结果出来没」): its published review (the
    fund list answers it), not an application's progress."""
    text = said_text(event) or ""
    if not parsing.split_fund_details(text)[0]:
        return True
    if parsing.split_fund_topic(text)[0] == "funds":
        return False
    if await a_funds_detail_asked(session, parsing.split_year(text)[1]):
        return False
    return (await recall(state)).focus != "funds"


async def progress(
    event: Event,
    said: str,
    reading: Reading,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    search: Searcher | None = None,
    public_items: PublicItems | None = None,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """「我的申请办到哪了」: not served here; where to look (人工 next forwards it)."""
    await remember(state, unmatched=said)
    trace.update(answer="progress")
    extra = await whom_to_ask(session, state, reading, search, public_items)
    return "\n".join(
        line for line in (wording.say(texts.PROGRESS), extra, texts.OFFER_HUMAN) if line
    )


async def booking(
    event: Event,
    said: str,
    reading: Reading,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    search: Searcher | None = None,
    public_items: PublicItems | None = None,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """「预约 / 取号」: not served here; where to go (人工 next forwards it)."""
    await remember(state, unmatched=said)
    trace.update(answer="booking")
    extra = await whom_to_ask(session, state, reading, search, public_items)
    return "\n".join(
        line for line in (wording.say(texts.BOOKING), extra, texts.OFFER_HUMAN) if line
    )


async def personal(
    event: Event,
    said: str,
    reading: Reading,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    settings: Settings,
    search: Searcher | None = None,
    public_items: PublicItems | None = None,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """Paying, submitting or looking up one's own records here: not served; where to go
    (人工 next forwards it). Asked to apply for an item (「帮我办个狗证」): not done here, and
    that item's guide, how to apply oneself. Asked of the card just shown whether its papers
    can be sent by post (「办好了能寄到家不」), what its guide says of posting them."""
    await remember(state, unmatched=said)
    posted = await _posting_in_the_guide(said, state, session, public_items)
    if posted is not None:
        # this account sends nothing; the guide says the office may post it: ask the office
        trace.update(answer="posting", code=posted[0].code)
        notes = [f"· {note}" for note in posted[1]]
        return "\n".join([texts.POSTING_SAID, *notes, ask_about(posted[0]), texts.OFFER_HUMAN])
    if DONE_FOR_ME.search(said):
        named = await _named_item(session, reading, search, public_items)
        memory = await recall(state)
        if named is None and memory.numbered == "items":
            # 「帮我办一下」 under a list: which of them, then its guide
            trace.update(answer="personal-apply-which")
            return texts.APPLY_YOURSELF_WHICH
        shown = None
        if named is None and memory.card_code and len(reading.core) < MIN_RUN:
            shown = await item_by_code(session, memory.card_code, public_items)
        if shown is not None:  # its card was just read: where to go with it
            trace.update(answer="personal-apply", code=shown.code)
            where = cards.answer(shown, settings.public_base_url, "place")
            return "\n".join((texts.APPLY_YOURSELF_THERE, where))
        if named is not None:
            trace.update(answer="personal-apply", code=named.code)
            await remember(state, card_code=named.code, focus="card")
            return "\n".join((texts.APPLY_YOURSELF, cards.card(named, settings.public_base_url)))
    trace.update(answer="personal")
    extra = await whom_to_ask(session, state, reading, search, public_items)
    return "\n".join(
        line for line in (wording.say(texts.PERSONAL), extra, texts.OFFER_HUMAN) if line
    )


# 「帮我办个狗证」 「你给我申请一下」: an item asked to be applied for on one's behalf
DONE_FOR_ME = re.compile(r"(?:帮|给|替)(?:我|俺)(?:办|申请|弄|代办|报)|你(?:给|帮|替)(?:我|俺)?办")
# Asking for papers to be sent (「能寄到家不」 「可以快递吗」), and a guide saying they may be.
POSTING_ASKED = re.compile("寄|快递|送到家|送上门")
POSTING_IN_GUIDE = re.compile("邮寄|快递|寄送")


async def _posting_in_the_guide(
    said: str, state: FSMContext, session: AsyncSession, public_items: PublicItems | None
) -> tuple[Item, list[str]] | None:
    """The card just shown and its guide's sentences on posting, when the words ask whether
    its papers can be posted and the guide says so; None otherwise."""
    if POSTING_ASKED.search(said) is None:
        return None
    memory = await recall(state)
    if memory.focus != "card" or not memory.card_code:
        return None
    item = await item_by_code(session, memory.card_code, public_items)
    if item is None:
        return None
    notes = [s for s in guide_sentences(item) if POSTING_IN_GUIDE.search(s)][:MAX_NOTES]
    return (item, notes) if notes else None


async def id_number(
    event: Event,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    search: Searcher | None = None,
    public_items: PublicItems | None = None,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """A resident identity number: never stored in an answer, never looked up; the item the
    rest of the words name (「查一下我的社保卡做好了没 身份证号…」) says whom to ask."""
    trace.update(answer="id-number")
    rest = READER.read(parsing.without_id_number(said_text(event) or ""))
    named = await _named_item(session, rest, search, public_items)
    if named is None or not phone_of(named):
        return wording.say(texts.ID_NUMBER)
    await remember(state, card_code=named.code, focus="card")
    return f"{wording.say(texts.ID_NUMBER)}\n{ask_about(named)}"


async def unbind(
    event: Event,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「解绑」: forget the village this account is bound to (and that it was talked about:
    「我村资金」 right after is about no village)."""
    openid_hash = keyed_hash(event.user_id, settings.hash_key.get_secret_value())
    binding = await session.get(VillageBinding, openid_hash)
    if binding is None:
        talked = (await recall(state)).place_code
        place = await queries.region_by_code(session=session, code=talked) if talked else None
        if place is None:
            return texts.NOTHING_TO_UNBIND
        # 「我是先锋村的」 then 「解除绑定」: that village is no longer 「我们村」 either
        await remember(state, place_code="", focus="")
        trace.update(answer="unbind-talked", code=place.code)
        return texts.NOTHING_TO_UNBIND_TALKED.format(place=place.label)
    place = await queries.region_by_code(session=session, code=binding.region_code)
    await session.execute(delete(VillageBinding).where(VillageBinding.openid_hash == openid_hash))
    if (await recall(state)).place_code == binding.region_code:
        await remember(state, place_code="", focus="")
    trace.update(answer="unbind", code=binding.region_code)
    return texts.UNBOUND.format(place=place.label if place else binding.region_code)


async def phone_number(
    event: Event,
    number: str,
    session: AsyncSession,
    trace: dict[str, str],
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """A telephone number typed alone: whose it is, never read as an item code."""
    trace.update(answer="phone-number")
    digits = number.replace("-", "")
    departments = await session.scalars(
        select(Department).where(
            Department.phone != "", Department.region_code.like(f"{parsing.COUNTY_CODE}%")
        )
    )
    for department in departments:
        if digits and digits in department.phone.replace("-", ""):
            return texts.PHONE_OF.format(number=number, department=department.name)
    if digits and digits in re.sub(r"\D", "", await supervision_phone(session)):
        # the complaints line most items give: the service centre's
        return texts.PHONE_OF_CENTRE.format(number=number, centre=wording.centre)
    return texts.PHONE_UNKNOWN


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-conversation")
    on_said(router, IdNumber())(id_number)
    on_said(router, ServiceNumberAsked())(service_number)  # 「12366」 before small talk's guess
    on_said(router, SmallTalk())(small_talk)
    on_said(router, Intent("complaint"))(complaint)
    on_said(router, Intent("progress"), not_a_project, not_a_fund_detail)(progress)
    on_said(router, Intent("booking"))(booking)
    on_said(router, Intent("personal"), not_a_binding)(personal)
    on_said(router, Intent("unbind"))(unbind)
    on_said(router, PhoneNumber())(phone_number)
    return router
