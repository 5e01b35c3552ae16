"""Deadline arithmetic: calendar days and Chinese working days (holidays and adjusted workdays).

Working days come from the State Council's yearly 节假日安排: the schedule staff imported
(`catalogue.holidays`, kept in the database and loaded here per process), else the
`chinesecalendar` package, whose data ends with the year it was released. A year neither
covers is counted Monday–Friday and *noted*: `estimates()` collects those years so that the
answer and 待办 can say loudly that the deadline is an estimate (the channels word it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

import chinese_calendar

# The imported schedule: day → working day?, and the years it covers (whole years).
_official: dict[date, bool] = {}
_official_years: frozenset[int] = frozenset()
_estimated: ContextVar[set[int] | None] = ContextVar("estimated_years", default=None)


def use_schedule(days: Mapping[date, bool], years: frozenset[int]) -> None:
    """Make the imported schedule (holidays False, adjusted working days True) the calendar
    of `years` in this process."""
    global _official, _official_years
    _official = dict(days)
    _official_years = frozenset(years)


def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def covers(year: int) -> bool:
    """Whether official holiday data for `year` is known (imported or in the package)."""
    return year in _official_years or _package_covers(year)


def is_workday(day: date) -> bool:
    """Whether `day` is a working day in mainland China (调休 Saturdays count as working days).

    A year without official data falls back to Monday–Friday and is noted for `estimates()`.
    """
    if day.year in _official_years:
        return _official.get(day, day.weekday() < 5)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        noted = _estimated.get()
        if noted is not None:
            noted.add(day.year)
        return day.weekday() < 5


@contextlib.contextmanager
def estimates() -> Iterator[set[int]]:
    """Collect the years whose working days had to be guessed while the block ran."""
    noted: set[int] = set()
    token = _estimated.set(noted)
    try:
        yield noted
    finally:
        _estimated.reset(token)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` ("within 10 working days" ends on it)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def add_days(start: date, count: int) -> date:
    """The day `count` calendar days after `start` ("within 20 days" ends on it)."""
    return start + timedelta(days=count)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not later)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day):
            days += 1
    return days


CHINA_OFFSET = timedelta(hours=8)  # Asia/Shanghai has no daylight saving time


def china_date(moment: datetime) -> date:
    """The calendar date in China (UTC+8) of an aware or UTC-naive moment."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment + CHINA_OFFSET).date()
