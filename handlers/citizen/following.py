"""Following villages and towns, and scanning a place's QR code.

「关注 红大村」 follows a place (its allocations and projects, when published or changed, are
sent as notices through the job queue: `handlers.jobs.place_notices`); 「取消关注 红大村」 or
「取消关注」 (all) stops them; 「我的关注」 lists them. Binding to a village follows it too.
Scanning a place's QR code (`zwbot qr make`), whether it follows the account or opens it,
answers with that place's latest year and offers to follow it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import EventKey, Filter, FilterResult
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.models import PlaceFollow
from catalogue.queries import Place
from handlers.citizen import fund_answers, texts
from handlers.citizen.common import on_said
from handlers.citizen.filters import said
from handlers.citizen.follows import follow
from handlers.citizen.memory import remember
from handlers.citizen.parsing import names_place
from handlers.citizen.subscription import privacy_notice
from handlers.settings import Settings

#: The scene value of a place's permanent QR code: `place:<region code>`.
SCENE_PREFIX = "place:"
FOLLOW_ASK = "请在“关注”后面写上村名或镇名，比如“关注 上古城村”。"
UNFOLLOWED = "已取消关注：{places}。"
NOT_FOLLOWING = "您没有关注{what}。"
FOLLOWING = "您关注的村镇：{places}。\n回复“取消关注 村名”不再接收。"
NONE_FOLLOWED = "您还没有关注村镇。回复“关注 村名”，该村公开或变更扶贫资金和项目时会通知您。"
SCAN_OFFER = "回复“关注 {name}”，{name}公开新的资金和项目时通知您。"
SCAN_NO_DATA = "{place}还没有公开的扶贫资金和项目。"

_FOLLOW = re.compile(r"^关注\s*(.*)$")
_UNFOLLOW = re.compile(r"^(?:取消关注|不再关注|取关)\s*(.*)$")
_MINE = re.compile(r"^(?:我的关注|关注列表|我关注的(?:村|村镇)?)$")


class FollowRequest(Filter):
    """「关注 <村镇名>」; passes `place_name` ('' when the name is missing)."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        match = _FOLLOW.match(text) if text else None
        if match is None:
            return False
        name = "".join(match.group(1).split())
        if name and not names_place(name):
            return False  # 「关注公众号」 is not about a place
        return {"place_name": name}


class UnfollowRequest(Filter):
    """「取消关注 [<村镇名>]」; passes `place_name` ('' for every place)."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        match = _UNFOLLOW.match(text) if text else None
        if match is None:
            return False
        name = "".join(match.group(1).split())
        if name and not names_place(name):
            return False
        return {"place_name": name}


class MyFollows(Filter):
    """「我的关注」."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        return bool(text and _MINE.match(text))


async def follow_request(
    event: Event,
    place_name: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    account_name: str = "",
) -> str:
    """「关注 红大村」; same-named villages → ask which (the choice follows it)."""
    if not place_name:
        return FOLLOW_ASK
    match = await queries.find_regions(session=session, name=place_name)
    if match.ambiguous:
        await remember(
            state,
            place_codes=[p.code for p in match.places],
            place_purpose="follow",
            place_year=None,
            place_name=place_name,
            numbered="places",
        )
        return fund_answers.places_choice(place_name, match.places)
    if match.place is None:
        return texts.PLACE_UNKNOWN.format(name=place_name)
    return await follow(event.user_id, match.place, session, trace, account=account_name)


async def _names(session: AsyncSession, codes: list[str]) -> list[str]:
    names = []
    for code in codes:
        place = await queries.region_by_code(session=session, code=code)
        names.append(place.label if place is not None else code)
    return names


async def unfollow_request(
    event: Event,
    place_name: str,
    session: AsyncSession,
    trace: dict[str, str],
    account_name: str = "",
) -> str:
    """「取消关注 红大村」, or 「取消关注」 for every place (of this account)."""
    trace.update(answer="unfollow")
    condition = (PlaceFollow.openid == event.user_id) & (PlaceFollow.account == account_name)
    if place_name:
        match = await queries.find_regions(session=session, name=place_name)
        codes = [place.code for place in match.places]
        condition = condition & PlaceFollow.region_code.in_(codes)
    followed = list(
        await session.scalars(
            select(PlaceFollow.region_code).where(condition).order_by(PlaceFollow.at)
        )
    )
    if not followed:
        return NOT_FOLLOWING.format(what=place_name or "村镇")
    await session.execute(delete(PlaceFollow).where(condition))
    return UNFOLLOWED.format(places="、".join(await _names(session, followed)))


async def my_follows(
    event: Event, session: AsyncSession, trace: dict[str, str], account_name: str = ""
) -> str:
    """「我的关注」 (the places followed through this account)."""
    trace.update(answer="follows")
    codes = list(
        await session.scalars(
            select(PlaceFollow.region_code)
            .where(PlaceFollow.openid == event.user_id, PlaceFollow.account == account_name)
            .order_by(PlaceFollow.at)
        )
    )
    if not codes:
        return NONE_FOLLOWED
    return FOLLOWING.format(places="、".join(await _names(session, codes)))


async def place_answer(place: Place, session: AsyncSession, settings: Settings) -> str:
    """A place's allocations and projects of its latest published year, and the offer to follow."""
    years = await queries.region_years(session=session, region_code=place.code)
    name = place.short_name or place.name
    offer = SCAN_OFFER.format(name=name)
    if not years:
        return f"{SCAN_NO_DATA.format(place=place.label)}\n{offer}"
    year = max(years)
    funds = await queries.region_funds(session=session, region_code=place.code, year=year)
    if funds is None:
        return f"{SCAN_NO_DATA.format(place=place.label)}\n{offer}"
    return f"{fund_answers.place_funds_answer(funds, settings.public_base_url, year)}\n\n{offer}"


async def _scanned(
    event: Event,
    event_key_suffix: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
) -> str | None:
    place = await queries.region_by_code(session=session, code=event_key_suffix[:12])
    if place is None:
        return None
    await remember(state, place_code=place.code, place_year_shown=None, focus="place")
    return await place_answer(place, session, settings)


async def scanned(
    event: Event,
    event_key_suffix: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
) -> str:
    """A follower scanned a place's QR code."""
    answer = await _scanned(event, event_key_suffix, session, state, settings)
    return answer or texts.PLACE_UNKNOWN.format(name=event_key_suffix)


async def followed_by_scan(
    event: Event,
    event_key_suffix: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """Followed the account by scanning a place's QR code: the place first, then the notice."""
    await state.clear()
    answer = await _scanned(event, event_key_suffix, session, state, settings)
    greeting = settings.welcome_text or wording.say(texts.WELCOME)
    welcome = f"{greeting}\n\n{privacy_notice(settings)}"
    return f"{answer}\n\n{privacy_notice(settings)}" if answer else welcome


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-following")
    router.subscribe.register(followed_by_scan, EventKey(prefix=SCENE_PREFIX))
    router.scan.register(scanned, EventKey(prefix=SCENE_PREFIX))
    on_said(router, MyFollows())(my_follows)
    on_said(router, UnfollowRequest())(unfollow_request)
    on_said(router, FollowRequest())(follow_request)
    return router
