"""The service centre asked of by name, and office hours asked of a time: a plain yes or no from
the published hours and the working-day calendar."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.models import utcnow
from catalogue.workflow import workdays
from handlers.citizen import parsing
from handlers.citizen.centre import centre_of, hours_lines
from tests.kits import citizen as kit

HOURS = "法定工作日 上午8:30—12:00，下午14:30—18:00（10月1日至次年4月30日下午14:00—17:30）"


@pytest.mark.parametrize(
    ("said", "times"),
    [
        ("周末上班吗", {"weekend"}),
        ("国庆节放假吗", {"holiday"}),
        ("十一上班不", {"holiday"}),
        ("十一月几点下班", {"winter"}),
        ("6月份几点上班", {"summer"}),
        ("明天中午有人吗", {"tomorrow", "noon"}),
        ("几点上班", set()),
    ],
)
def test_the_times_hours_are_asked_of(said, times):
    assert parsing.times_asked(said)[0] == times


def test_the_plain_answers_come_from_the_hours_as_published():
    saturday = date(2026, 12, 5)
    assert hours_lines(HOURS, frozenset({"weekend"}), saturday) == [
        "周六、周日不办公（调休上班的日子照常办公）。"
    ]
    assert hours_lines(HOURS, frozenset({"winter"}), saturday) == [
        "季节不同时间不同：10月1日至次年4月30日下午14:00—17:30。"
    ]
    assert hours_lines(HOURS, frozenset({"noon"}), saturday) == [
        "中午不办公，请在上午或下午的时间去。"
    ]
    # hours that do not say so: no weekend or noon rule is made up
    assert hours_lines("9:00—17:00", frozenset({"weekend", "noon", "winter"}), saturday) == []
    today = hours_lines(HOURS, frozenset({"today"}), saturday)[0]
    assert today.startswith("今天（12月5日，星期六）") and "不办公" in today
    monday = hours_lines(HOURS, frozenset({"today"}), date(2026, 12, 7))[0]
    assert "是工作日" in monday


def test_the_centre_is_named_from_a_windows_location():
    assert (
        centre_of("天祝藏族自治县政务服务中心6号窗口（华藏寺镇）")
        == "天祝藏族自治县政务服务中心（华藏寺镇）"
    )
    assert centre_of("华藏寺镇人民政府") == ""


async def test_the_centre_and_its_hours_are_answered_by_name_and_by_time(demo):
    http, _ = demo
    where = await kit.WeChatUser(http, "o_centre_where").say("政务服务中心在哪")
    assert where.startswith("天祝藏族自治县政务服务中心（华藏寺镇）") and "0935-3126800" in where
    assert "没有找到" not in await kit.WeChatUser(http, "o_centre_phone").say("政务大厅电话")
    user = kit.WeChatUser(http, "o_centre_hours")
    weekend = await user.say("周末上班吗")
    assert weekend.startswith("周六、周日不办公") and "办公时间：法定工作日" in weekend, weekend
    winter = await user.say("冬天呢")
    assert winter.startswith("季节不同时间不同：10月1日至次年4月30日"), winter
    today = await kit.WeChatUser(http, "o_centre_today").say("今天上班吗")
    china_today = workdays.china_date(utcnow())
    said = "是工作日" if workdays.is_workday(china_today) else "不是工作日"
    assert today.startswith(f"今天（{china_today.month}月{china_today.day}日") and said in today


async def test_hours_after_a_card_or_an_office_are_still_theirs(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_centre_card")
    await user.say("最低生活保障")
    assert (await user.say("周末上班吗")).startswith("（演示数据）【最低生活保障】")
    office = kit.WeChatUser(http, "o_centre_office")
    await office.say("民政局电话")
    assert "民政局" in await office.say("几点上班")


async def test_the_centres_complaints_line_typed_alone_is_named(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_centre_number").say("0935-3126800")
    assert answer.startswith("0935-3126800 是县政务服务中心的监督投诉电话"), answer
