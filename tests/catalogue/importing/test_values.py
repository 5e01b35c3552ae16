"""Cell parsers: amounts with units and commas, Chinese dates, time limits, materials, steps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from catalogue.importing.values import (
    CellError,
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_time_limit,
    parse_year,
    split_materials,
    split_steps,
)


@pytest.mark.parametrize(
    ("text", "wan"),
    [
        ("1,234.5万元", "1234.5"),
        ("12.3万", "12.3"),
        ("123450元", "12.345"),
        ("12", "12"),
        ("１２.５万元", "12.5"),
        ("￥3,000元", "0.3"),
        ("1.2亿元", "12000"),
        ("56千元", "5.6"),
        ("1，200 万元", "1200"),
        ("0.01元", "0.000001"),
    ],
)
def test_amounts_in_wan_yuan(text: str, wan: str) -> None:
    assert parse_amount(text) == Decimal(wan).quantize(Decimal("0.0001"))


@pytest.mark.parametrize("text", ["abc", "12.3美元", "12..3", "万元", "1,2,3.4.5"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(CellError, match=f"「{text}」不是金额"):
        parse_amount(text)


def test_negative_amount() -> None:
    with pytest.raises(CellError, match="不能为负数"):
        parse_amount("-5万元")


@pytest.mark.parametrize(
    "text",
    ["2015年6月15日", "2015.6.15", "2015-06-15", "2015/6/15", "20150615", "2015-06-15 00:00:00"],
)
def test_dates(text: str) -> None:
    assert parse_date(text) == date(2015, 6, 15)


def test_bad_dates() -> None:
    with pytest.raises(CellError, match="日期「2015-02-30」不存在"):
        parse_date("2015-02-30")
    with pytest.raises(CellError, match="「15/6/2015」不是日期"):
        parse_date("15/6/2015")
    with pytest.raises(CellError, match="日期「2015年13月1日」不存在"):
        parse_date("2015年13月1日")


def test_years_counts_and_booleans() -> None:
    assert parse_year("2016年") == 2016 and parse_year("2016年度") == 2016
    with pytest.raises(CellError):
        parse_year("16")
    assert parse_count("1,200人") == 1200
    with pytest.raises(CellError):
        parse_count("很多")
    assert parse_bool("是") and parse_bool("Y") and not parse_bool("否") and not parse_bool("")
    with pytest.raises(CellError, match="应填“是”或“否”"):
        parse_bool("也许")


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("30(工作日)", (30, "工作日", None)),
        ("90(自然日)", (90, "自然日", None)),
        ("60日", (60, "日", None)),
        ("20个工作日", (20, "工作日", None)),
        ("3个月", (3, "月", None)),
        ("15天", (15, "日", None)),
        ("/", (None, None, None)),
        ("即办", (None, None, "即办")),
        ("告知承诺制：20个工作日", (None, None, "告知承诺制：20个工作日")),
    ],
)
def test_time_limits(text: str, parsed: tuple[int | None, str | None, str | None]) -> None:
    assert parse_time_limit(text) == parsed


def test_materials() -> None:
    materials = split_materials("1.居民身份证原件1份，复印件2份；2、户口簿（如有）;营业执照\n照片")
    assert [m["name"] for m in materials] == ["居民身份证", "户口簿（如有）", "营业执照", "照片"]
    assert (materials[0]["originals"], materials[0]["copies"]) == (1, 2)
    assert materials[1]["required"] is False and materials[2]["originals"] is None
    assert split_materials("；；") == []


def test_steps() -> None:
    assert split_steps("申请→受理→审查→决定") == ["申请", "受理", "审查", "决定"]
    assert split_steps("1.申请；2.审核；") == ["申请", "审核"]
