"""Right after a card: whether a paper it does not list is needed (「要结婚证吗」), and whether
one must go in person (「需要本人去吗」 「必须两个人都去吗」) — asked of the card, never a
search of another item's words."""

from __future__ import annotations

import pytest

from tests.kits import citizen as kit


@pytest.mark.parametrize(
    ("card", "asked", "paper"),
    [
        ("户口迁移", "要结婚证吗", "结婚证"),
        ("办营业执照", "要结婚证吗", "结婚证"),
        ("失业金", "要营业执照吗", "营业执照"),
        ("高龄津贴", "需要残疾证吗", "残疾证"),
    ],
)
async def test_a_paper_the_card_does_not_list_is_said_not_to_be_needed(demo, card, asked, paper):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_unlisted_{card}")
    shown = await user.say(card)
    title = shown.splitlines()[0]
    answer = await user.say(asked)
    assert answer.startswith(title), answer  # still the card's
    assert f"没有“{paper}”，一般不需要" in answer and "要带的材料：" in answer, answer


async def test_a_paper_the_card_lists_is_its_materials(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_listed_paper")
    await user.say("低保")
    answer = await user.say("需要带户口本吗")
    assert "居民户口簿" in answer and "一般不需要" not in answer, answer


@pytest.mark.parametrize(
    ("card", "asked"),
    [("失业金", "需要本人去吗"), ("结婚登记", "必须两个人都去吗"), ("补办结婚证", "本人要去吗")],
)
async def test_going_in_person_is_asked_of_the_card(demo, card, asked):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_in_person_{card}")
    title = (await user.say(card)).splitlines()[0]
    answer = await user.say(asked)
    assert answer.startswith(title), answer
    assert "没有找到" not in answer


async def test_a_paper_named_the_short_way_is_the_cards_own(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_short_paper")
    await user.say("理发店的卫生许可证")
    answer = await user.say("店里的小工要办健康证吗")
    assert "从业人员健康合格证明" in answer and "一般不需要" not in answer, answer
    assert "不在本县政务服务事项目录里" not in answer
