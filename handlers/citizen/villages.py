"""Villages and towns: poverty funds and projects by place and year, binding, 「我村资金」."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.models import VillageBinding
from catalogue.queries import Document, Place, RegionFunds, RegionMatch
from catalogue.queries.poverty import CANCELLED, TOWN_CODE_LENGTH, VILLAGE_CODE_LENGTH
from handlers.citizen import fund_answers, parsing, texts
from handlers.citizen.amounts import wan
from handlers.citizen.common import on_said
from handlers.citizen.filters import (
    HOW_MUCH_ALONE,
    TOTAL_ASKED,
    BindRequest,
    BoundWhich,
    Choice,
    ChoiceByWords,
    DocumentFollowUp,
    DocumentNumber,
    MyVillage,
    NeighbourAsked,
    PartialRegionCode,
    PlaceDirectoryAsked,
    PlaceFollowUp,
    PlaceFunds,
    PlacesRanked,
    ProjectsRanked,
    RegionCode,
    TwoPlacesShown,
    county_rows_named,
    said,
)
from handlers.citizen.follows import BIND_FOLLOWS, follow, unfollow
from handlers.citizen.life_events import known_events
from handlers.citizen.links import village_url
from handlers.citizen.memory import keep, recall, remember
from handlers.guards.privacy import keyed_hash
from handlers.settings import Settings


async def places_pending(event: Event, state: FSMContext) -> bool:
    """The last numbered list the citizen saw was a choice of places."""
    memory = await recall(state)
    return memory.numbered == "places" and bool(memory.place_codes)


async def not_a_life_event(event: Event, session: AsyncSession) -> bool:
    """A message naming a place but not poverty funds or projects, that describes a life event
    (「在天堂镇开个民宿 要办啥证」), says where the citizen's situation is: it is the life event."""
    text = said(event) or ""
    if parsing.split_fund_topic(text)[0] is not None:
        return True
    return (await known_events(session)).match(text) is None


def _hash(event: Event, settings: Settings) -> str:
    return keyed_hash(event.user_id, settings.hash_key.get_secret_value())


async def funds_of(
    place: Place,
    year: int | None,
    session: AsyncSession,
    settings: Settings,
    trace: dict[str, str],
    state: FSMContext | None = None,
    projects_first: bool = False,
    about: str = "",
    funds: RegionFunds | None = None,
    sources: bool = False,
) -> str:
    """The published funds and projects of one place (remembered: 「2016年的呢」 is about it);
    projects first when the question was about them; only the rows `about` names (「民宿」)
    when it names some; `sources`: with where each row's money comes from. `funds`: the
    place's rows of the year, when already read."""
    if funds is None:
        funds = await queries.region_funds(session=session, region_code=place.code, year=year)
    trace.update(answer="village-funds", code=place.code)
    if funds is None:
        return texts.PLACE_UNKNOWN.format(name=place.label)
    if state is not None:
        memory = await recall(state)
        before = memory.place_code if memory.place_code != place.code else memory.place_before
        await keep(
            state,
            memory,
            place_code=place.code,
            place_before=before,
            place_about=about,
            place_year_shown=year,
            focus="place",
        )
    if funds.empty and year is not None:
        # 「我们村今年有啥扶贫项目」 before this year's are published: the newest year's
        every = await queries.region_funds(session=session, region_code=place.code, year=None)
        if every is not None and not every.empty:
            newest = replace(every, years=every.years[:1])  # newest year first
            latest = newest.years[0].year
            none = texts.FUNDS_NONE.format(place=place.label, year=f"{year}年")
            answer = fund_answers.place_funds_answer(
                newest,
                settings.public_base_url,
                latest,
                projects_first=projects_first,
                about=about,
                sources=sources,
            )
            return f"{none}{texts.FUNDS_LATEST.format(year=latest)}\n{answer}"
    return fund_answers.place_funds_answer(
        funds,
        settings.public_base_url,
        year,
        projects_first=projects_first,
        about=about,
        sources=sources,
    )


async def bind(
    event: Event,
    place: Place,
    session: AsyncSession,
    settings: Settings,
    trace: dict[str, str],
    account: str = "",
    state: FSMContext | None = None,
) -> str:
    """Bind the citizen's account to a village (or town); it is followed through the official
    account `account` (its name, "" for the default). The village bound is then the place
    talked about (「16年到了多少」 「搬迁那个项目花了多少」 next are its)."""
    openid_hash = _hash(event, settings)
    binding = await session.get(VillageBinding, openid_hash)
    if binding is None:
        session.add(VillageBinding(openid_hash=openid_hash, region_code=place.code))
    else:
        if binding.region_code != place.code:  # the village bound before is no longer followed
            await unfollow(event.user_id, binding.region_code, session, account)
        binding.region_code = place.code
    trace.update(answer="bind", code=place.code)
    # A bound official follows the village too: told when its lists are published or change.
    await follow(event.user_id, place, session, account=account)
    if state is not None:
        await remember(
            state, place_code=place.code, place_about="", place_year_shown=None, focus="place"
        )
    return f"{texts.BOUND.format(place=place.label)}{BIND_FOLLOWS}"


async def _ask_which(
    state: FSMContext, match: RegionMatch, purpose: str, year: int | None, name: str
) -> str:
    await remember(
        state,
        place_codes=[p.code for p in match.places],
        place_purpose=purpose,
        place_year=year,
        place_name=name,
        numbered="places",
    )
    return fund_answers.places_choice(name, match.places)


MAX_PLACES_OFFERED = 9  # places a code cut short may be, offered to pick


async def partial_region_code(
    event: Event,
    region_prefix: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """A town's or village's code cut short (「6206231012」): the one place it can be, or the
    places it may be, to pick."""
    places = await queries.places_coded(session=session, prefix=region_prefix)
    trace.update(answer="partial-region-code", code=region_prefix)
    if not places:
        return texts.PARTIAL_REGION_NONE.format(code=region_prefix)
    if len(places) == 1:
        return await funds_of(places[0], None, session, settings, trace, state)
    offered = places[:MAX_PLACES_OFFERED]
    heading = texts.PARTIAL_REGION_CODE.format(code=region_prefix, length=len(region_prefix))
    return await _offer_places(
        state, offered, heading, region_prefix, more=len(places) - len(offered)
    )


async def choose_place(
    event: Event,
    choice: int,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    account_name: str = "",
) -> str:
    """A number answers "which of these places?"."""
    memory = await recall(state)
    if not 1 <= choice <= len(memory.place_codes):
        return texts.BAD_CHOICE.format(number=choice, count=len(memory.place_codes))
    place = await queries.region_by_code(session=session, code=memory.place_codes[choice - 1])
    if place is None:
        return texts.PLACE_UNKNOWN.format(name=memory.place_name)
    await remember(state, numbered="", place_codes=[])
    if memory.place_purpose == "bind":
        return await bind(event, place, session, settings, trace, account_name, state)
    if memory.place_purpose == "follow":
        return await follow(event.user_id, place, session, trace, account=account_name)
    return await funds_of(place, memory.place_year, session, settings, trace, state)


async def bind_request(
    event: Event,
    place_name: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    account_name: str = "",
) -> str:
    """「绑定 上古城村」; 「绑定村 620623208202」 by the village's statistical code."""
    if not place_name:
        await remember(state, focus="bind")  # the village named next is the one to bind
        return texts.BIND_ASK
    if (await recall(state)).focus == "bind":
        await remember(state, focus="")  # named: the next place said is a question again
    code = parsing.parse_region_code(place_name) or parsing.region_code_in(place_name)
    if code is not None:
        coded = await queries.region_by_code(session=session, code=code)
        if coded is None:
            return texts.PLACE_UNKNOWN.format(name=code)
        return await bind(event, coded, session, settings, trace, account_name, state)
    match = await queries.find_regions(session=session, name=place_name)
    if match.ambiguous:
        return await _ask_which(state, match, "bind", None, place_name)
    if match.place is None:
        return texts.PLACE_UNKNOWN.format(name=place_name)
    return await bind(event, match.place, session, settings, trace, account_name, state)


async def my_village(
    event: Event,
    year: int | None,
    session: AsyncSession,
    settings: Settings,
    trace: dict[str, str],
    state: FSMContext | None = None,
    town: bool = False,
) -> str:
    """「我村资金」 for a bound account; not bound, for the place being talked about (「我是双龙
    村的」 → its funds → 「我们村有多少扶贫资金」), with how to bind it; 「我们乡」 (`town`): the
    town that place lies in."""
    text = said(event) or ""
    projects, about = parsing.says_projects(text), _about(text)
    binding = await session.get(VillageBinding, _hash(event, settings))
    if binding is None:
        return await _place_talked_about(
            year, session, state, settings, trace, projects, about, town
        )
    code = binding.region_code[:TOWN_CODE_LENGTH] if town else binding.region_code
    place = await queries.region_by_code(session=session, code=code)
    if place is None:
        return texts.NOT_BOUND
    return await funds_of(place, year, session, settings, trace, state, projects, about)


def _about(text: str, place_said: str = "") -> str:
    """The row a question about a place's documents or projects names (「民宿的进展」: 民宿),
    without the place's own name (「旦马乡大水村2015年扶贫资金多少 文号是啥」 names no row)."""
    if not parsing.asks_place_detail(text):
        return ""
    rest = text.replace(place_said, " ") if place_said else text
    return parsing.detail_subject(rest)


async def bound_village(
    event: Event, session: AsyncSession, settings: Settings, trace: dict[str, str]
) -> str:
    """「我现在绑的是哪个村」: the village this account is bound to."""
    binding = await session.get(VillageBinding, _hash(event, settings))
    place = (
        await queries.region_by_code(session=session, code=binding.region_code)
        if binding is not None
        else None
    )
    trace.update(answer="bound-village")
    return texts.BOUND_NOW.format(place=place.label) if place is not None else texts.NOT_BOUND


async def _place_talked_about(
    year: int | None,
    session: AsyncSession,
    state: FSMContext | None,
    settings: Settings,
    trace: dict[str, str],
    projects: bool = False,
    about: str = "",
    town: bool = False,
) -> str:
    memory = await recall(state) if state is not None else None
    if memory is None or not memory.place_code:
        return texts.NOT_BOUND
    code = memory.place_code[:TOWN_CODE_LENGTH] if town else memory.place_code
    place = await queries.region_by_code(session=session, code=code)
    if place is None:
        return texts.NOT_BOUND
    answer = await funds_of(place, year, session, settings, trace, state, projects, about)
    return answer + "\n" + texts.NOT_BOUND_TALKED.format(place=place.label)


async def _the_place_with_the_rows(
    match: RegionMatch, text: str, year: int | None, session: AsyncSession
) -> Place | None:
    """Of same-named places, the only one with a project the words name (a run of MIN_ROW_RUN
    characters of its name: 道路硬化). Allocations' purposes are kinds every village may have
    (整村推进资金): a citizen of the other village asking of it is still asked which."""
    fragments = parsing.row_fragments(text)
    if not fragments:
        return None
    having, kinds = [], []
    for place in match.places:
        funds = await queries.region_funds(session=session, region_code=place.code, year=year)
        if funds is None:
            continue
        kinds += [a.purpose for y in funds.years for a in y.allocations]
        run = parsing.named_run(fragments, [p.name for y in funds.years for p in y.projects])
        if run:
            having.append((place, run))
    if len(having) != 1 or any(having[0][1] in kind for kind in kinds):
        return None  # none, several, or a kind of allocation (整村推进) named
    return having[0][0]


async def place_funds(
    event: Event,
    match: RegionMatch,
    year: int | None,
    place_name: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    compared_with: int | None = None,
    beside: Place | None = None,
) -> str:
    """「上古城村 扶贫 2016」; same-named villages → ask which town, unless the rows named are
    only one of theirs (「大湾村那个道路硬化项目」); 「17年比16年多分了多少」 (`compared_with`):
    the year's rows and how much more or less was allocated than in the earlier year."""
    text = said(event) or ""
    if match.ambiguous:
        only = await _the_place_with_the_rows(
            match, text.replace(place_name, " "), year, session
        ) or await _in_the_town_shown(match, state)
        if only is None:
            return await _ask_which(state, match, "funds", year, place_name)
        match = RegionMatch(match.text, [only])
    assert match.place is not None  # PlaceFunds passes only matches with places
    if beside is not None:
        return await _two_places(match.place, beside, year, session, state, settings, trace)
    projects = parsing.says_projects(text)
    progress = parsing.projects_by_progress(text)
    if progress is not None:
        # 「哪些扶贫项目取消了」: those projects, every year's (or the year's) of the place
        rows = await queries.region_funds(session=session, region_code=match.place.code, year=year)
        trace.update(answer="projects-by-progress", code=match.place.code)
        if rows is None:
            return texts.PLACE_UNKNOWN.format(name=match.place.label)
        await remember(
            state, place_code=match.place.code, place_about="", place_year_shown=None, focus="place"
        )
        return fund_answers.projects_by_progress_answer(
            rows, settings.public_base_url, year, progress
        )
    about, funds = _about(text, place_name), None
    if not about and match.place.level == "county":
        about, funds = await county_rows_named(session, text, year)  # 「暖棚扶贫项目投了多少」
    benefits = ""
    if parsing.asks_benefits(text):
        # 「2017年扶贫项目受益多少户」 「天堂镇扶贫项目受益多少户」: their households together
        if funds is None:
            funds = await queries.region_funds(
                session=session, region_code=match.place.code, year=year
            )
        if funds is not None and any(y.active_projects for y in funds.years):
            benefits = fund_answers.benefits_line(funds, year)
    whole: RegionFunds | None = None
    if compared_with is not None and year is not None and funds is None:
        # the year's rows, read once for the answer and the change
        whole = await queries.region_funds(session=session, region_code=match.place.code, year=year)
        funds = whole
    answer = await funds_of(
        match.place,
        year,
        session,
        settings,
        trace,
        state,
        projects,
        about,
        funds,
        sources=parsing.asks_fund_source(text),
    )
    answer = f"{benefits}\n{answer}" if benefits else answer
    if compared_with is None or year is None:
        return answer
    change = await _change_between(match.place, year, compared_with, session, whole)
    return f"{change}\n{answer}" if change else answer


async def places_ranked(
    event: Event,
    ranking: parsing.PlaceRanking,
    year: int | None,
    town_code: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    placed: Place | None = None,
) -> str:
    """「哪个乡镇分的扶贫资金最多」: the towns (each with its villages) or the villages (of one
    town, or the county's) ranked by their published allocations of the year, or of every year;
    numbered, so that 「2」 shows that place's rows. 「东大滩乡排第几」 (`placed`): where that
    place stands first."""
    totals = await queries.allocation_totals(session=session, year=year)
    sums: dict[str, Decimal] = {}
    for code, amount in totals.by_code.items():
        if ranking.villages and len(code) != VILLAGE_CODE_LENGTH:
            continue
        key = code if ranking.villages else code[:TOWN_CODE_LENGTH]
        if len(key) >= TOWN_CODE_LENGTH and key.startswith(town_code):
            sums[key] = sums.get(key, Decimal(0)) + amount
    places = {p.code: p for p in await queries.places(session=session)}
    ordered = sorted(
        ((places[code], total) for code, total in sums.items() if code in places),
        key=lambda pair: (-pair[1] if ranking.most else pair[1], pair[0].code),
    )
    trace.update(answer="places-ranked", code=town_code or parsing.COUNTY_CODE)
    years = [] if year is not None else await _years_published(session)
    when = f"{year}年" if year is not None else _span(years)
    town = places.get(town_code)
    kind = "各村" if ranking.villages else "各乡镇"
    await remember(
        state,
        place_codes=[place.code for place, _ in ordered[: fund_answers.MAX_PLACES_RANKED]],
        place_purpose="funds",
        place_year=year,
        place_name="",
        numbered="places",
        focus="ranking",
        place_year_shown=year,
        ranked="villages" if ranking.villages else "towns",
        ranked_most=ranking.most,
        ranked_within=town_code,
    )
    answer = fund_answers.places_ranked_answer(
        ordered,
        most=ranking.most,
        villages=ranking.villages,
        when=when,
        where=f"{town.label}{kind}" if town is not None else kind,
        demo=totals.is_demo,
    )
    if placed is None:
        return answer
    codes = [place.code for place, _ in ordered]
    standing = (
        texts.PLACE_STANDS.format(
            place=placed.label, when=when, rank=codes.index(placed.code) + 1, count=len(codes)
        )
        if placed.code in codes
        else texts.PLACE_NOT_RANKED.format(place=placed.label, when=when)
    )
    return f"{standing}\n{answer}"


async def projects_ranked(
    event: Event,
    ranking: parsing.ProjectRanking,
    year: int | None,
    code: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「哪个扶贫项目投资最多」: the place's (or county's) projects not cancelled, by investment
    or households benefited, the most (or least) first."""
    funds = await queries.region_funds(session=session, region_code=code, year=year)
    trace.update(answer="projects-ranked", code=code)
    if funds is None:
        return texts.NOT_BOUND
    await remember(state, place_code=code, place_about="", place_year_shown=year, focus="place")
    projects = [p for y in funds.years for p in y.active_projects]
    return fund_answers.projects_ranked_answer(
        funds,
        projects,
        year,
        settings.public_base_url,
        most=ranking.most,
        by_benefit=ranking.by_benefit,
    )


async def _years_published(session: AsyncSession) -> list[int]:
    return sorted(
        {y for years in (await queries.published_years(session=session)).values() for y in years}
    )


def _span(years: list[int]) -> str:
    """「2015—2017年合计」, 「2016年」 for one year, 「历年合计」 for none."""
    if not years:
        return texts.EVERY_YEAR_PUBLISHED
    if len(years) == 1:
        return f"{years[0]}年"
    return f"{years[0]}—{years[-1]}年合计"


async def _two_places(
    first: Place,
    second: Place,
    year: int | None,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「双龙村和大水村哪个分的多」: both places' allocations of the year (or every year) and
    which got more; the second is then the place talked about."""
    one = await queries.region_funds(session=session, region_code=first.code, year=year)
    other = await queries.region_funds(session=session, region_code=second.code, year=year)
    trace.update(answer="two-places", code=f"{first.code},{second.code}")
    if one is None or other is None:
        return texts.PLACE_UNKNOWN.format(name=(second if one else first).label)
    await remember(
        state, place_code=second.code, place_about="", place_year_shown=year, focus="place"
    )
    return fund_answers.two_places_answer(one, other, year, settings.public_base_url)


async def neighbour(event: Event, code: str, session: AsyncSession, trace: dict[str, str]) -> str:
    """「隔壁村呢」: which places lie next to each other is not published; ask for the name,
    with the other villages of the town (or the other towns) as examples."""
    trace.update(answer="neighbour", code=code)
    shown = await queries.region_by_code(session=session, code=code)
    if shown is None:
        return texts.NOT_BOUND
    town = code[:TOWN_CODE_LENGTH]
    if shown.level == "village":
        others = await queries.villages_of(session=session, town_code=town)
        within = f"{shown.town_name}的村"
    else:
        others, within = await queries.towns(session=session), "全县的乡镇"
    names = [p.short_name or p.name for p in others if p.code != code][:MAX_NEIGHBOURS_NAMED]
    example = names[0] if names else shown.label
    ask = texts.NEIGHBOUR_ASK.format(place=shown.label, example=example)
    if not names:
        return ask
    return ask + texts.NEIGHBOUR_NAMES.format(within=within, names="、".join(names))


MAX_NEIGHBOURS_NAMED = 6


async def two_shown(
    event: Event,
    year: int | None,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「哪个多」 「两个一共多少」 right after two places' rows, one after the other: the two
    set beside each other, of the year shown."""
    memory = await recall(state)
    first = await queries.region_by_code(session=session, code=memory.place_before)
    second = await queries.region_by_code(session=session, code=memory.place_code)
    if first is None or second is None:
        return texts.NOT_BOUND
    return await _two_places(first, second, year, session, state, settings, trace)


async def _in_the_town_shown(match: RegionMatch, state: FSMContext) -> Place | None:
    """Of places of one name, the one in the town whose rows were just shown (「打柴沟镇扶贫」,
    then 「大湾村呢」: 打柴沟镇's), else None."""
    memory = await recall(state)
    if memory.focus != "place" or len(memory.place_code) != TOWN_CODE_LENGTH:
        return None
    town = memory.place_code[:TOWN_CODE_LENGTH]
    inside = [p for p in match.places if p.code.startswith(town)]
    return inside[0] if len(inside) == 1 else None


async def _change_between(
    place: Place, year: int, earlier: int, session: AsyncSession, now: RegionFunds | None
) -> str:
    """「2017年比2016年多分配9.87万元（150.87万元，2016年141.00万元）」, or '' when either year
    has no allocation published; `now`: the place's whole rows of the year, when already read."""
    if now is None:
        now = await queries.region_funds(session=session, region_code=place.code, year=year)
    before = await queries.region_funds(session=session, region_code=place.code, year=earlier)
    if now is None or before is None or now.empty or before.empty:
        return ""
    more = now.allocation_total - before.allocation_total
    return texts.PLACE_YEAR_CHANGE.format(
        place=place.label,
        year=year,
        earlier=earlier,
        way="多" if more >= 0 else "少",
        change=wan(abs(more)),
        now=wan(now.allocation_total),
        before=wan(before.allocation_total),
    )


async def region_code(
    event: Event,
    region_code: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    account_name: str = "",
    year: int | None = None,
) -> str:
    """A town's or village's statistical code (with fund words and a year or not): that place's
    funds; or, when it is
    one of the places just offered (「绑定大湾村」 → which one? → 620623101215), the choice."""
    memory = await recall(state)
    if memory.numbered == "places" and region_code in memory.place_codes:
        choice = memory.place_codes.index(region_code) + 1
        return await choose_place(event, choice, session, state, settings, trace, account_name)
    division = await queries.division_by_code(session=session, code=region_code)
    if division is not None:
        trace.update(answer="division", code=region_code)
        return _division_answer(division, await queries.towns(session=session))
    place = await queries.region_by_code(session=session, code=region_code)
    if place is None and len(region_code) == 12 and region_code.endswith(TOWN_ITSELF):
        # 620623100000: a town's code written at a village's length (its own segment 000)
        place = await queries.region_by_code(session=session, code=region_code[:9])
    if place is None and not region_code.startswith(parsing.COUNTY_CODE):
        trace.update(answer="other-region-code")
        return texts.OTHER_REGION_CODE.format(code=region_code, county=parsing.COUNTY_CODE)
    if place is None:
        trace.update(answer="unknown-region-code")
        await remember(state, unmatched=said(event) or region_code)  # 人工 forwards it
        return texts.PLACE_CODE_UNKNOWN.format(code=region_code) + "\n" + texts.OFFER_HUMAN
    text = said(event) or ""
    if parsing.asks_what_code_names(text):  # 「…是哪个村」: the place it names, its page
        await remember(state, place_code=place.code, place_year_shown=None, focus="place")
        trace.update(answer="place-code", code=place.code)
        return texts.PLACE_CODE_NAMED.format(
            code=region_code,
            name=place.label,
            url=village_url(settings.public_base_url, place.code),
        )
    projects = parsing.says_projects(text)
    return await funds_of(place, year, session, settings, trace, state, projects)


async def place_directory(
    event: Event,
    aspect: str,
    places: list[Place],
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「华藏寺镇的代码」 「祁连镇有哪些村」 「天祝县有几个乡镇」: a place's code, the villages of a
    town or the county's towns (numbered: a number then gives that place's funds)."""
    if not places:
        return await _county_directory(aspect, session, state, trace)
    if len(places) > 1:  # 「大湾村的代码」: each of that name, with its code
        trace.update(answer="place-directory", code="several")
        name = places[0].short_name or places[0].name
        return await _ask_which(state, RegionMatch(name, places), "funds", None, name)
    place = places[0]
    trace.update(answer="place-directory", code=place.code)
    if aspect == "villages" and place.level == "town":
        villages = await queries.villages_of(session=session, town_code=place.code)
        heading = texts.TOWN_VILLAGES.format(town=place.label, code=place.code, count=len(villages))
        return await _offer_places(state, villages, heading, place.label)
    if place.level == "town":
        villages = await queries.villages_of(session=session, town_code=place.code)
        within = texts.TOWN_HOLDS.format(count=len(villages))
    else:
        within = texts.VILLAGE_LIES_IN.format(town=place.town_name, town_code=place.town_code)
    await remember(state, place_code=place.code, place_year_shown=None, focus="place")
    lines = [] if aspect != "villages" else [texts.VILLAGE_HAS_NONE.format(name=place.label)]
    url = village_url(settings.public_base_url, place.code)
    named = texts.PLACE_CODE_OF.format(name=place.label, code=place.code, within=within, url=url)
    lines.append(named)
    return "\n".join(lines)


async def _county_directory(
    aspect: str, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    """The county's code, its towns (numbered) or how many villages it has."""
    towns = await queries.towns(session=session)
    division = await queries.division_by_code(session=session, code=parsing.COUNTY_CODE)
    trace.update(answer="place-directory", code=parsing.COUNTY_CODE)
    if division is None or not towns:
        return texts.PLACE_UNKNOWN.format(name="天祝藏族自治县")
    if aspect == "code":
        return _division_answer(division, towns)
    counts = {"code": division.code, "villages": division.villages, "towns": _towns_said(towns)}
    if aspect == "villages":
        return texts.COUNTY_VILLAGES.format(**counts, example=towns[0].label)
    return await _offer_places(state, towns, texts.COUNTY_TOWNS.format(**counts), "")


async def _offer_places(
    state: FSMContext, places: list[Place], heading: str, name: str, more: int = 0
) -> str:
    """The places under `heading`, numbered with their codes: a number gives one's funds
    (`more`: how many others there are, not shown)."""
    await remember(
        state,
        place_codes=[p.code for p in places],
        place_purpose="funds",
        place_year=None,
        place_name=name,
        numbered="places",
    )
    return fund_answers.places_choice(name, places, heading, more=more)


TOWN_ITSELF = "000"


def _towns_said(towns: list[Place]) -> str:
    """「19个乡镇和天祝建材厂、天祝煤电公司」: the towns proper, then the other units counted
    at a town's level (a state enterprise's area)."""
    proper = [t for t in towns if t.name.endswith(("镇", "乡"))]
    others = [t.label for t in towns if t not in proper]
    return f"{len(proper)}个乡镇" + (f"和{'、'.join(others)}" if others else "")


def _division_answer(division: queries.Division, towns: list[Place]) -> str:
    """What a 6-digit code names: the county (its towns and villages, how their codes go) or
    a division above it."""
    within = f"（{'、'.join(division.parents)}）" if division.parents else ""
    named = texts.DIVISION_NAMED.format(code=division.code, name=division.name, within=within)
    if division.level != "county":
        return "\n".join((named, texts.DIVISION_ABOVE.format(code=parsing.COUNTY_CODE)))
    example = towns[0] if towns else None
    codes = texts.COUNTY_CODES.format(
        towns=_towns_said(towns),
        villages=division.villages,
        code=division.code,
        example=f"，比如{example.label} {example.code}" if example else "",
    )
    return "\n".join((named, codes))


async def place_follow_up(
    event: Event,
    year: int | None,
    code: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「2016年的呢」 「项目呢」 「文号呢」 「民宿的进展咋样」 right after a place's funds: the
    same place; 「那镇上一共呢」: its town's (`code`), of the year shown."""
    if code:
        above = await queries.region_by_code(session=session, code=code) or (
            await queries.county_place(session=session, code=code)
        )
        if above is None:
            return texts.NOT_BOUND
        return await funds_of(above, year, session, settings, trace, state)
    memory = await recall(state)
    place = await queries.region_by_code(
        session=session, code=memory.place_code
    ) or await queries.county_place(session=session, code=memory.place_code)
    if place is None:
        return texts.NOT_BOUND
    text = said(event) or ""
    projects = parsing.says_projects(text)
    # 「多少户受益」 after the county's 「小额贷款贴息」 rows: the rows just shown, not all the
    # county's (a village's or town's few rows are all shown: 「文号呢」 is each one's)
    detail = parsing.asks_place_detail(text)
    # 「一共多少」 after the county's 「整村推进」 rows: of those rows too
    how_much = HOW_MUCH_ALONE.match(parsing.strip_particles(text).replace(" ", "")) is not None
    total = TOTAL_ASKED.search(text) is not None or how_much
    kept = memory.place_about if place.level == "county" and (detail or total) else ""
    about = _about(text) or kept
    if detail and year is None:
        # 「给了哪几个村」 「文号呢」 right after one year's rows: of that year
        year = memory.place_year_shown
    progress = parsing.progress_of_those_shown(text)
    if progress is not None:
        # 「哪些还没开工」 after the place's rows: its projects of that progress (the words
        # left beside the progress name no rows: 「些还」)
        rows = await queries.region_funds(session=session, region_code=place.code, year=year)
        if rows is not None:
            trace.update(answer="projects-by-progress", code=place.code)
            return fund_answers.projects_by_progress_answer(
                rows, settings.public_base_url, year, progress
            )
    if not about and parsing.asks_why_cancelled(text):
        # 「为啥取消」: the place's cancelled projects, each with its adjustment, not all its rows
        rows = await queries.region_funds(session=session, region_code=place.code, year=year)
        if rows is not None and any(
            p.progress == CANCELLED for y in rows.years for p in y.projects
        ):
            trace.update(answer="projects-by-progress", code=place.code)
            return fund_answers.projects_by_progress_answer(
                rows, settings.public_base_url, year, (CANCELLED,)
            )
    sources = parsing.asks_fund_source(text)
    if not about and parsing.asks_benefits(text):
        # 「受益多少户」 after a place's rows: its projects' households together, then the rows
        rows = await queries.region_funds(session=session, region_code=place.code, year=year)
        if rows is not None and any(y.active_projects for y in rows.years):
            answer = await funds_of(place, year, session, settings, trace, state, True, funds=rows)
            return fund_answers.benefits_line(rows, year) + "\n" + answer
    return await funds_of(
        place, year, session, settings, trace, state, projects, about, sources=sources
    )


async def county_rows(
    event: Event,
    year: int | None,
    about: str,
    funds: RegionFunds,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """「光伏扶贫在哪几个村」: the county's allocations and projects that the words name (its
    rows already read by the filter)."""
    projects = parsing.says_projects(said(event) or "")
    return await funds_of(
        funds.place, year, session, settings, trace, state, projects, about, funds
    )


async def forget_binding(session: AsyncSession, openid_hash: str) -> None:
    """Delete a citizen's village binding (on unsubscribe)."""
    await session.execute(delete(VillageBinding).where(VillageBinding.openid_hash == openid_hash))


async def document_number(
    event: Event,
    document: Document,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    places_first: bool = False,
    sources: bool = False,
    ranking: parsing.Ranking | None = None,
) -> str:
    """「天扶贫发〔2016〕32号是啥项目」: what that document decided (remembered: 「都给了哪些村」
    next is about it); 「钱从哪来」 (`sources`): with where each row's money comes from;
    「哪个乡镇最多」 (`ranking`): its places in that order, the most (or least) first."""
    trace.update(answer="poverty-document", code=document.number)
    memory = await remember(state, focus="document", document=document.number, place_code="")
    labels = {place.code: place.label for place in await queries.places(session=session)}
    if ranking is not None and len(document.allocations) > 1:
        return fund_answers.document_ranked(document, labels, most=ranking.most)
    codes = {a.region_code for a in document.allocations}
    place = await _place_beside_the_number(said(event) or "", session, codes)
    if place is not None and len(document.allocations) > 1:
        # 「天扶贫发〔2017〕9号给了祁连镇多少」: that place's rows of the document
        within = replace(
            document,
            allocations=[a for a in document.allocations if a.region_code.startswith(place.code)],
            projects=[],
        )
        if within.allocations:
            # 「2016年的呢」 next: that place's rows of another year
            parsed = parsing.parse_document_number(document.number)
            year = parsed[1] if parsed is not None else None
            await keep(state, memory, place_code=place.code, place_about="", place_year_shown=year)
            return fund_answers.document_answer(within, settings.public_base_url, labels)
    return fund_answers.document_answer(
        document,
        settings.public_base_url,
        labels,
        places_first=places_first,
        sources=sources or parsing.asks_fund_source(said(event) or ""),
    )


async def _place_beside_the_number(
    text: str, session: AsyncSession, codes: set[str]
) -> Place | None:
    """The one town or village named as written beside a document number, of the places its
    rows went to (`codes`: a town's rows count for it), if one is (the longest name said:
    祁连镇, not 祁连村's 祁连; 大湾村 of the town whose 大湾村 the document names)."""
    words = parsing.without_document_number(text)
    said_as = {
        p: max((n for n in (p.name, p.short_name) if n and n in words), key=len, default="")
        for p in await queries.places(session=session)
        if any(code.startswith(p.code) for code in codes)
    }
    longest = max((len(name) for name in said_as.values()), default=0)
    named = [p for p, name in said_as.items() if name and len(name) == longest]
    return named[0] if len(named) == 1 else None


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-villages")
    on_said(router, Choice(), places_pending)(choose_place)
    on_said(router, ChoiceByWords(), places_pending)(choose_place)
    on_said(router, BoundWhich())(bound_village)
    on_said(router, BindRequest())(bind_request)
    on_said(router, DocumentNumber())(document_number)
    on_said(router, DocumentFollowUp())(document_number)
    on_said(router, ProjectsRanked())(projects_ranked)
    on_said(router, PlacesRanked())(places_ranked)  # 「天堂镇哪个村最多」: not its own rows
    on_said(router, PlaceDirectoryAsked())(place_directory)  # 「祁连镇有哪些村」: not its funds
    on_said(router, MyVillage())(my_village)
    on_said(router, RegionCode())(region_code)  # 「<code> 扶贫项目」 before the county's projects
    on_said(router, PartialRegionCode())(partial_region_code)
    on_said(router, PlaceFunds(), not_a_life_event)(place_funds)
    on_said(router, NeighbourAsked())(neighbour)
    on_said(router, TwoPlacesShown())(two_shown)
    on_said(router, PlaceFollowUp())(place_follow_up)
    return router
