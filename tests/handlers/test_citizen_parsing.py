"""Reading citizens' words: choices, intents, years, fund questions, commands."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.models import FundType
from handlers.citizen import parsing


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("3", 3),
        ("３", 3),
        ("第3个", 3),
        ("第三项", 3),
        ("三", 3),
        (" 12 ", 12),
        ("123", None),
        ("3个月", None),
        ("网吧", None),
    ],
)
def test_choice(said, expected):
    assert parsing.parse_choice(said) == expected


@pytest.mark.parametrize(
    ("said", "intent", "rest"),
    [
        ("开网吧要什么材料", "materials", "开网吧"),
        ("办营业执照需要哪些证件？", "materials", "办营业执照"),
        ("营业执照几天能办好", "time", "营业执照"),
        ("身份证要多久", "time", "身份证"),
        ("结婚登记在哪里办", "where", "结婚登记"),
        ("低保窗口电话", "where", "低保窗口"),
        ("开网吧收费吗", "fee", "开网吧"),
        ("养老保险参保", None, "养老保险参保"),
        ("要什么材料", "materials", ""),
    ],
)
def test_intents(said, intent, rest):
    assert parsing.split_intent(said) == (intent, rest)


def test_years_topics_and_fund_questions():
    assert parsing.split_year("红大村 扶贫 2016年") == (2016, "红大村 扶贫")
    assert parsing.split_year("去年的项目", today=date(2024, 6, 1)) == (2023, "的项目")
    assert parsing.split_fund_topic("红大村 扶贫项目") == ("projects", "红大村")
    assert parsing.split_fund_topic("开网吧") == (None, "开网吧")
    # Question words are not part of the place's name (it is shown back when ambiguous).
    assert parsing.split_fund_topic("大湾村有哪些项目") == ("projects", "大湾村")
    assert parsing.split_fund_topic("请问红大村扶贫资金有多少") == ("funds", "红大村")
    assert parsing.split_fund_list("2015 农牧局 专项资金") == (True, None, "2015 农牧局")
    assert parsing.split_fund_list("农牧局转移支付资金") == (
        True,
        FundType.TRANSFER_PAYMENT,
        "农牧局",
    )


def test_commands():
    assert parsing.is_human_request("人工！") and parsing.is_human_request("转人工")
    assert not parsing.is_human_request("人工授精补贴")
    assert parsing.is_next_page("下一页") and not parsing.is_next_page("下一页面设计")
    assert [parsing.parse_rating(s) for s in ("评5", "评 3 分", "好评", "差评", "2分", "评6")] == [
        5,
        3,
        5,
        1,
        2,
        None,
    ]
    assert parsing.parse_bind("绑定 红大村") == "红大村" and parsing.parse_bind("绑定") == ""
    assert parsing.parse_bind("红大村") is None
    assert parsing.parse_my_village("我村资金 2016") == ("funds", 2016)
    assert parsing.parse_my_village("本村项目") == ("projects", None)
    assert parsing.normalize("ａｂｃ　１２３") == "abc 123"
    assert len(parsing.normalize("字" * 10_000)) == parsing.MAX_SAID
