"""An age said with a question about an item (「我爸79岁能领吗」 「我男朋友21岁能登记吗」) is
set against the age its guide sets, for whom when it sets one for each."""

from __future__ import annotations

import pytest

from tests.kits import citizen as kit


@pytest.mark.parametrize(
    ("card", "asked", "verdict"),
    [
        ("高龄津贴", "我爸79岁能领吗", "79岁还不满80周岁"),
        ("高龄津贴", "我妈85岁了能领吗", "85岁已满80周岁"),
        ("结婚登记", "我男朋友21岁能登记吗", "21岁还不满22周岁"),
        ("结婚登记", "女的20岁能结婚吗", "20岁已满20周岁"),
    ],
)
async def test_an_age_asked_of_the_card_is_set_against_its_guide(demo, card, asked, verdict):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_age_{asked}")
    title = (await user.say(card)).splitlines()[0]
    answer = await user.say(asked)
    assert answer.startswith(title) and verdict in answer, answer


async def test_an_age_asked_in_the_first_message(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_age_first").say("我爸79岁能领高龄补贴吗")
    assert "79岁还不满80周岁" in answer, answer


async def test_no_verdict_when_whose_age_is_not_said_and_the_guide_sets_two(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_age_whose")
    await user.say("结婚登记")
    answer = await user.say("我们俩都25岁能登记吗")
    assert "年龄上" not in answer, answer
