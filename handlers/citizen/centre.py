"""The county's government service centre itself (「政务服务中心电话」 「大厅几点开门」) and office
hours asked of a time (「周末上班吗」 「冬天几点下班」 「今天上班吗」): where it is, its
complaints line and 12345, and its hours with a plain yes or no for the time asked.

Everything said comes from the home region's published items (the window most of them give,
their hours, their supervision phone) and the working-day calendar (`catalogue.workflow.
workdays`); nothing here is written for one county."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.fsm import FSMContext
from bot.router import Router
from catalogue.models import utcnow
from catalogue.workflow import workdays
from handlers.citizen import texts
from handlers.citizen.common import on_said
from handlers.citizen.conversation import common_hours, common_location, supervision_phone
from handlers.citizen.filters import CentreAsked
from handlers.citizen.memory import remember

# A place's name beside its window: 「天祝藏族自治县政务服务中心6号窗口（华藏寺镇）」
_CENTRE_OF = re.compile(
    r"^(?P<centre>.*?(?:政务服务中心|政务大厅|便民服务中心))[^（(]*(?P<town>[（(].+?[）)])?"
)
# The hours of the other half of the year, in brackets: 「（10月1日至次年4月30日下午14:00—17:30）」
_SEASON = re.compile(r"[（(](?P<season>[^）)]*\d+月[^）)]*)[）)]")
WEEKDAYS = "一二三四五六日"


def centre_of(location: str) -> str:
    """「天祝藏族自治县政务服务中心（华藏寺镇）」 of a window's location, or ''."""
    match = _CENTRE_OF.match(location)
    if match is None:
        return ""
    return match.group("centre") + (match.group("town") or "")


def hours_lines(hours: str, when: frozenset[str], today: date) -> list[str]:
    """A plain answer for each time asked about (`parsing.times_asked`), from the published
    hours: weekends and holidays are closed when they say 法定工作日; noon is closed when they
    give a morning and an afternoon; the other season's hours when they give them."""
    lines = []
    workdays_only = "法定工作日" in hours
    if "today" in when or "tomorrow" in when:
        day = today if "today" in when else today + timedelta(days=1)
        lines.append(_day_line(day, "今天" if day == today else "明天", workdays_only))
    if "weekend" in when and workdays_only:
        lines.append(texts.CLOSED_WEEKENDS)
    if "holiday" in when and workdays_only:
        lines.append(texts.CLOSED_HOLIDAYS)
    if "noon" in when and "上午" in hours and "下午" in hours:
        lines.append(texts.CLOSED_AT_NOON)
    season = _SEASON.search(hours)
    if when & {"winter", "summer"} and season is not None:
        lines.append(texts.SEASON_HOURS.format(season=season.group("season")))
    return lines


def _day_line(day: date, said: str, workdays_only: bool) -> str:
    named = f"{said}（{day.month}月{day.day}日，星期{WEEKDAYS[day.weekday()]}）"
    if not workdays_only or not workdays.covers(day.year):
        return texts.DAY_UNKNOWN.format(day=named)
    if workdays.is_workday(day):
        return texts.DAY_OPEN.format(day=named)
    return texts.DAY_CLOSED.format(day=named)


async def centre_answer(
    event: Event,
    aspect: str,
    when: frozenset[str],
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """「政务服务中心在哪」 「大厅电话」 「周末上班吗」: the centre's place, phone or hours (with
    the plain answer for the time asked); 「冬天呢」 next asks the same of another time."""
    trace.update(answer="centre", code=aspect)
    await remember(state, focus="centre")
    location = await common_location(session)
    centre = centre_of(location) or wording.centre
    if aspect == "hours":
        hours = await common_hours(session)
        if not hours:
            return texts.CENTRE_HOURS_UNKNOWN.format(centre=centre)
        today = workdays.china_date(utcnow())
        lines = hours_lines(hours, when, today)
        return "\n".join([*lines, texts.CENTRE_HOURS.format(centre=centre, hours=hours)])
    phone = await supervision_phone(session)
    lines = [texts.CENTRE_PLACE.format(centre=centre)]
    if aspect == "phone" or phone:
        lines.append(texts.CENTRE_PHONE.format(phone=phone) if phone else texts.CENTRE_NO_PHONE)
    lines.append(texts.CENTRE_WINDOWS)
    return "\n".join(lines)


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-centre")
    on_said(router, CentreAsked())(centre_answer)
    return router
