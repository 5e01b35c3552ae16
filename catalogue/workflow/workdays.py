"""Deadline arithmetic: calendar days and Chinese working days (holidays and adjusted workdays)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar


def is_workday(day: date) -> bool:
    """Whether `day` is a working day in mainland China (调休 Saturdays count as working days).

    Years the `chinesecalendar` data does not cover yet fall back to Monday–Friday.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


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
