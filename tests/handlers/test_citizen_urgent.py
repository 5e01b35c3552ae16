"""An emergency said in a few words gets its number at once (110, 119, 120, 122), before any
search or checklist; a story asking what can be had afterwards is a question like any other."""

from __future__ import annotations

import pytest

from catalogue.outside_matters import OutsideMattersError, parse
from tests.kits import citizen as kit


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("我家老人走失了", "110"),  # not 「老人走了」: no death checklist
        ("孩子走丢了快帮帮我", "110"),
        ("我要报警", "110"),
        ("着火了怎么办", "119"),
        ("我妈晕倒了咋办", "120"),
        ("出车祸了", "122"),
        ("孩子找不见了 一下午了", "110"),
        ("我被人打了", "110"),
        ("有人要跳楼", "110"),
        ("我喝农药了", "120"),
        ("孩子发高烧抽搐", "120"),
        ("我老婆要生了 羊水破了", "120"),
        ("发洪水了 村里路冲断了", "119"),
    ],
)
async def test_an_emergency_gets_its_number_at_once(demo, said, number):
    http, _ = demo
    answer = await kit.WeChatUser(http, f"o_urgent_{said}").say(said)
    assert answer.startswith(f"情况紧急，请马上拨打{number}"), answer
    assert "回复序号" not in answer and "没有找到" not in answer


async def test_what_is_asked_after_the_danger_is_an_item_question(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_urgent_after").say("家里失火了房子烧了能申请啥救助")
    assert "情况紧急" not in answer and "临时救助" in answer, answer


def test_an_urgent_matter_needs_its_number():
    entry = {"name": "火灾", "said": ["着火"], "office": "消防", "urgent": True}
    with pytest.raises(OutsideMattersError, match="needs a hotline"):
        parse({"matters": [entry]})
    assert parse({"matters": [{**entry, "hotline": "119火警电话"}]})[0].urgent


@pytest.mark.parametrize("said", ["身份证不见了", "钱包被偷了", "燃气中毒的处罚"])
async def test_a_thing_lost_or_a_penalty_is_no_emergency(demo, said):
    http, _ = demo
    answer = await kit.WeChatUser(http, f"o_not_urgent_{said}").say(said)
    assert "情况紧急" not in answer, answer
