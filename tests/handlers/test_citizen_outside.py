"""Matters the catalogue does not hold, through the real webhook: said so, who handles them,
whom to ask here (with the phone) and the offer of 人工; never an item's card."""

from __future__ import annotations

import pytest

from tests.kits import citizen as kit


def citizen(demo) -> kit.WeChatUser:
    return kit.new_follower(demo, "o_outside")


@pytest.mark.parametrize(
    ("said", "office", "phone"),
    [
        ("办护照要去哪里", "县公安局", "0935-3121410"),
        ("想考个驾照 在哪报名", "县公安局", "0935-3121410"),
        ("新房子的不动产证咋办下来", "县自然资源局", "0935-3121522"),
        ("养老保险一年交多少", "县人社局", "0935-3121205"),
        # not 个体工商户注销登记, which shares 户 and 注销
        ("老人走了 户口注销要带啥", "县公安局", "0935-3121410"),
    ],
)
async def test_a_matter_outside_the_catalogue_names_the_local_office_to_ask(
    demo, said: str, office: str, phone: str
) -> None:
    reply = await citizen(demo).say(said)
    assert not kit.is_card_or_list(reply), reply
    assert "不在本县政务服务事项目录里" in reply and f"{office}（{phone}）" in reply, reply
    assert "人工" in reply, reply


async def test_a_matter_no_local_office_handles_gets_its_service_number(demo) -> None:
    reply = await citizen(demo).say("个体户每个月咋报税")
    assert not kit.is_card_or_list(reply), reply
    assert "当地税务局" in reply and "12366" in reply, reply


async def test_after_a_card_another_matter_outside_is_not_asked_of_the_card(demo) -> None:
    user = citizen(demo)
    assert "【居民身份证办理" in await user.say("办身份证")
    reply = await user.say("那公积金在哪取")
    assert "公积金" in reply and not kit.is_card_or_list(reply), reply
    # a question next is about that matter, not the ID card shown before
    again = await user.say("电话多少")
    assert "公积金" in again and "12329" in again and "【居民身份证" not in again, again
    # what was said reaches staff when a person is asked for
    assert "工单" in await user.say("人工")


async def test_a_catalogue_holding_the_matter_answers_with_its_item(citizen_side) -> None:
    # the seeded catalogue has 城乡居民基本养老保险参保登记: its card, not "outside"
    reply = await citizen_side.user().say("养老保险参保登记在哪办")
    assert "城乡居民基本养老保险参保登记" in reply and "不在本县" not in reply, reply


async def test_an_item_sharing_only_a_common_word_does_not_hold_the_matter(demo) -> None:
    # 《出生医学证明》 shares 证明 with 开个证明: a village's certificate is the village's
    reply = await citizen(demo).say("我要开个证明 证明我是这个村的")
    assert "村（居）民委员会" in reply and not kit.is_card_or_list(reply), reply
    assert "出生医学证明" not in reply, reply
    reply = await citizen(demo).say("孩子的出生证明咋开")  # the item's own words: its card
    assert "【《出生医学证明》首次签发】" in reply, reply


async def test_a_matter_and_the_checklist_step_of_it_name_the_same_office(demo) -> None:
    http, _ = demo
    checklist = await kit.WeChatUser(http, "o_outside_birth_checklist").say("孩子出生了要办啥")
    step = next((line for line in checklist.splitlines() if "医疗保险" in line), None)
    assert step is not None, checklist
    matter = await kit.WeChatUser(http, "o_outside_medical_insurance").say("医保在哪交")
    office = step.rsplit("请咨询", 1)[1]
    assert f"可以咨询{office}" in matter, (step, matter)
