"""Plain ways of asking that were read as something else: a wish to apply (「我想办个营业执照」)
is no request to do it here; 「帮我办个狗证」 gets the guide to apply oneself; 「多少钱」 of a
benefit says what it pays as well as its fee; offices by old names and misheard by voice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handlers.citizen.understanding import read
from tests.kits import citizen as kit

DEMO = json.loads(
    (Path(__file__).parents[2] / "catalogue" / "demo" / "tianzhu_demo.json").read_text("utf-8")
)


def _office(ending: str) -> dict:
    return next(d for d in DEMO["departments"] if d["name"].endswith(ending))


@pytest.mark.parametrize(
    "wording",
    ["我想办个营业执照", "我要办个社保卡", "俺想申请个残疾人补贴", "我打算考个教师资格证"],
)
def test_a_wish_to_get_something_is_an_item_question(wording):
    assert read(wording).intent == "item", wording


@pytest.mark.parametrize("wording", ["帮我查一下我的社保", "我想查一下我的医保余额"])
def test_ones_own_records_are_still_not_served_here(wording):
    assert read(wording).intent == "personal", wording


async def test_a_request_to_apply_for_one_gets_how_to_apply(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_plain_apply").say("帮我办个狗证")
    assert answer.startswith("这里不能替您提交申请") and "【犬类准养证核发】" in answer, answer
    assert "申请材料：" in answer
    user = kit.WeChatUser(http, "o_plain_apply_list")
    await user.say("营业执照")
    which = await user.say("帮我办一下")
    assert "上面哪一项" in which and "没有找到" not in which, which
    card_first = kit.WeChatUser(http, "o_plain_apply_card")
    await card_first.say("最低生活保障")
    there = await card_first.say("帮我申请一下")
    assert there.startswith("这里不能替您提交申请") and "办理地点" in there, there
    assert "申请材料：" not in there  # the card was just read


async def test_how_much_of_a_benefit_says_what_it_pays_not_only_its_fee(demo):
    http, _ = demo
    for item, office in (("最低生活保障", "民政局"), ("80周岁以上老年人高龄津贴发放", "民政局")):
        user = kit.WeChatUser(http, f"o_plain_money_{item}")
        await user.say(item)
        answer = await user.say("多少钱")
        assert "发放标准" in answer and _office(office)["phone"] in answer, answer
    fee_only = kit.WeChatUser(http, "o_plain_fee")
    await fee_only.say("个体工商户设立登记")
    assert "发放标准" not in await fee_only.say("多少钱")


@pytest.mark.parametrize(
    ("said", "ending"),
    [
        ("v:人设局电话", "人力资源和社会保障局"),  # 人社局 misheard: not the 建设局 「设局」 ends
        ("计生委电话多少", "卫生健康局"),
        ("市场局电话", "市场监督管理局"),
        ("人保局电话", "人力资源和社会保障局"),
        ("民政局电话和地址", "民政局"),
    ],
)
async def test_offices_are_found_by_old_names_and_by_sound(demo, said, ending):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_plain_office_{said}")
    answer = await (user.speak(said[2:]) if said.startswith("v:") else user.say(said))
    office = _office(ending)
    assert answer.startswith(f"{office['name']}：") and office["phone"] in answer, answer


@pytest.mark.parametrize("wording", ["天气", "讲个笑话吧", "你吃饭了没", "查快递"])
async def test_what_this_account_does_not_do_is_said_plainly(demo, wording):
    http, _ = demo
    answer = await kit.WeChatUser(http, f"o_plain_offtopic_{wording}").say(wording)
    assert answer.startswith("我是天祝县政务服务公众号，只能回答"), answer
    assert "没有找到" not in answer and "回复序号" not in answer


@pytest.mark.parametrize("wording", ["民政局电话打不通", "说好当场办结结果让我等一周", "你好笨"])
def test_complaints_in_plain_words_are_complaints(wording):
    assert read(wording).intent == "complaint", wording


@pytest.mark.parametrize("wording", ["我家低保为啥停了", "我家有没有评上低保"])
def test_ones_own_benefit_stopped_or_granted_is_a_record_not_served_here(wording):
    assert read(wording).intent == "personal", wording
