"""What staff type, read into the typed values the workflow takes: dates, list years and the
reviewing bodies of 《扶贫办法》第三条; what cannot be read is refused with how to write it."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.models import TimeLimit
from catalogue.ratings import Month
from catalogue.workflow.errors import BadDuty, BadTimeLimit, InvalidInputError
from catalogue.workflow.fields import Duty, field_spec
from catalogue.workflow.lists import POVERTY_REVIEWERS
from handlers.staff import parsing


@pytest.mark.parametrize("text", ["2026-01-10", "2026/1/10", "2026.1.10", " 2026年1月10日 "])
def test_dates_in_the_forms_staff_write(text: str) -> None:
    assert parsing.day(text) == date(2026, 1, 10)


@pytest.mark.parametrize("text", ["2026-02-30", "10/1/2026", "明天", ""])
def test_a_date_that_cannot_be_read_says_how_to_write_it(text: str) -> None:
    with pytest.raises(InvalidInputError, match="请写成 2026-03-01"):
        parsing.day(text)


def test_time_limits() -> None:
    assert parsing.time_limit("20个工作日") == TimeLimit(20, "工作日", None)
    assert parsing.time_limit("15天（不含公示）") == TimeLimit(15, "日", "不含公示")
    assert parsing.time_limit("即办") == TimeLimit(0, "即办", "即办")
    with pytest.raises(BadTimeLimit):
        parsing.time_limit("尽快")


def test_field_values_by_how_each_field_is_written() -> None:
    assert parsing.field_value(field_spec("办理要件"), "身份证；户口簿;\n") == ["身份证", "户口簿"]
    assert parsing.field_value(field_spec("keywords"), "低保，救助、 补贴") == [
        "低保",
        "救助",
        "补贴",
    ]
    assert parsing.field_value(field_spec("责任事项"), "受理责任：当场受理") == Duty(
        "受理责任", "当场受理"
    )
    assert parsing.field_value(field_spec("电话"), " 0935-3120001 ") == "0935-3120001"
    with pytest.raises(BadDuty):
        parsing.field_value(field_spec("责任事项"), "当场受理")


def test_months() -> None:
    assert parsing.month("2026-11") == Month(2026, 11)
    assert str(parsing.month("2026-1")) == "2026-01"
    for wrong in ("2026-13", "2026-00", "2026", "2026-11-01", "十一月", ""):
        with pytest.raises(InvalidInputError, match="应写成 2026-11"):
            parsing.month(wrong)


def test_years() -> None:
    assert parsing.year("2026") == parsing.year("2026年") == 2026
    for wrong in ("26", "1999", "2101", "二〇二六"):
        with pytest.raises(InvalidInputError, match="四位年份"):
            parsing.year(wrong)


def test_reviewing_bodies_are_the_two_of_the_regulation() -> None:
    assert parsing.reviewing_body("领导小组") == "county_group"
    assert parsing.reviewing_body(" 市扶贫办 ") == "city_office"
    assert set(parsing.REVIEWER_WORDS.values()) == set(POVERTY_REVIEWERS)
    with pytest.raises(InvalidInputError, match="不是审核机关"):
        parsing.reviewing_body("县长")
