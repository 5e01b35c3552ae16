"""Right after a card or a list: the same thing going another way (到期了延续, 丢了补),
said in few words, and another thing's way never taken for an entry's."""

from __future__ import annotations

import pytest

from tests.kits import citizen as kit


@pytest.mark.parametrize(
    ("first", "then", "card"),
    [
        ("我想卖农药", "农药证到期了怎么延续", "农药经营许可证延续（其他农药）"),
        ("教师资格证怎么认定", "证书丢了咋补", "教师资格证书补发、换发"),
        ("社保卡丢了", "怎么补", "社会保障卡补领、换领、换发"),
    ],
)
async def test_the_cards_thing_going_the_way_asked(demo, first, then, card):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_other_way_{then}")
    await user.say(first)
    answer = await user.say(then)
    assert answer.startswith(f"（演示数据）【{card}】"), answer


async def test_another_things_way_is_not_an_entrys(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_other_thing_way")
    await user.say("身份证")
    answer = await user.say("结婚证丢了咋补")
    assert answer.startswith("（演示数据）【补领结婚证】"), answer


async def test_a_new_paper_said_plainly_after_the_list_is_its_issuing_entry(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_new_paper_plainly")
    await user.say("身份证")
    answer = await user.say("丢了要补的那个")
    assert answer.startswith("（演示数据）【居民身份证办理（包括临时）】"), answer


def test_how_to_replace_is_a_way_but_an_allowance_is_not():
    from search import normalise
    from search.direction import direction_of

    assert direction_of(normalise("社保卡丢了怎么补")) == {"replace"}
    assert "replace" not in direction_of(normalise("残疾人怎么补贴"))
    assert "replace" not in direction_of(normalise("养老保险怎么补交"))
