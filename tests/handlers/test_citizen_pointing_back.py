"""Going back to an earlier item: by a word of its own name pointed at (「身份证那个多久」, even
when the card just shown lists that paper), or by place in the conversation (「上一个多久」
「前面那个」); a word of the card's own name still means the card (「补办那个要带啥」)."""

from __future__ import annotations

import pytest

from tests.kits import citizen as kit


@pytest.mark.parametrize(
    ("first", "second", "back", "item"),
    [
        # the second card lists the first one's paper (社保卡 needs 居民身份证)
        ("办身份证", "社保卡咋办", "身份证那个多久", "居民身份证办理（包括临时）"),
        ("最低生活保障", "特困人员救助供养", "上一个多久", "最低生活保障"),
        ("最低生活保障", "特困人员救助供养", "前一个要啥材料", "最低生活保障"),
        (
            "个体工商户设立登记",
            "公共场所卫生许可新办审批（县级）",
            "前面那个要本人去吗",
            "个体工商户设立登记",
        ),
        ("高龄补贴", "重度残疾人护理补贴", "刚才高龄那个多久", "80周岁以上老年人高龄津贴发放"),
    ],
)
async def test_an_earlier_item_is_answered_when_pointed_back_at(demo, first, second, back, item):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_back_{first}_{back}")
    await user.say(first)
    assert "【" in await user.say(second)
    answer = await user.say(back)
    assert answer.startswith(f"（演示数据）【{item}】"), answer


async def test_the_cards_own_words_pointed_at_are_still_the_card(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_back_own")
    await user.say("社会保障卡申领")
    await user.say("社会保障卡补领、换领、换发")
    answer = await user.say("补办那个要带啥")
    assert answer.startswith("（演示数据）【社会保障卡补领、换领、换发】"), answer


async def test_how_to_get_a_paper_the_card_lists_is_that_papers_own_item(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_getting_its_paper")
    await user.say("营业执照咋办")
    answer = await user.say("身份证咋办")
    assert answer.startswith("（演示数据）【居民身份证办理（包括临时）】"), answer
    await user.say("个体户注销")
    answer = await user.say("营业执照在哪办")
    assert answer.startswith("（演示数据）【个体工商户设立登记】"), answer
