"""Whether the steps of a checklist just shown must be done (「都要办吗」 「不卖烟行不」), read
against the life events file's own steps: a step with a condition before its label only in
that case, every other step always."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.kits import citizen as kit

EVENTS = json.loads(
    (Path(__file__).parents[2] / "catalogue" / "life_events.json").read_text(encoding="utf-8")
)["events"]


def _event(name: str) -> dict:
    return next(e for e in EVENTS if e["name"] == name)


async def test_one_step_asked_is_needed_only_in_its_case(demo):
    http, _ = demo
    steps = _event("开饭馆")["steps"]
    gas = next(s for s in steps if "燃气" in s["label"])
    case = gas["label"].split("：")[0]
    user = kit.WeChatUser(http, "o_steps_gas")
    assert "按顺序" in await user.say("打算开个饭馆")
    answer = await user.say("那燃气那个也得办吗")
    assert f"只有{case}的才要办这一项" in answer.splitlines()[1], answer  # under its card's title
    card = await user.say("2")  # the checklist's numbers still open its entries
    assert "【公共场所卫生许可新办审批（县级）】" in card, card


async def test_a_case_that_is_not_theirs_needs_no_step(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_steps_tobacco")
    await user.say("开个小卖部要办啥")
    answer = await user.say("我不卖烟 可以吗")
    assert answer.startswith("不卖烟的话，「烟草专卖零售许可证」就不用办"), answer
    assert "其他的照常要办：1. 个体工商户设立登记" in answer, answer


async def test_all_of_them_asked_splits_every_case_from_some(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_steps_all")
    await user.say("开个小卖部要办啥")
    answer = await user.say("这些都得办吗")
    steps = _event("开一家卖食品和烟酒的小店")["steps"]
    always = [s for s in steps if "：" not in s["label"]]
    assert answer.startswith("不一定都要办。这些都要办：1. ") and len(always) == 1, answer
    for step in steps:  # each step shown (an item, or whom to ask) that some cases take
        case, mark, _ = step["label"].partition("：")
        if mark and (step["names"] or step.get("ask")):
            assert f"只有{case}的才要办" in answer, step["label"]


async def test_other_questions_are_not_whether(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_steps_other")
    await user.say("打算开个饭馆")
    online = await user.say("营业执照能在网上办吗")
    assert "才要办" not in online and "照常要办" not in online, online
    alone = kit.WeChatUser(http, "o_steps_alone")
    assert "不一定都要办" not in await alone.say("都要办吗")  # no checklist shown


async def test_what_comes_next_walks_the_checklist_in_its_order(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_next_step")
    checklist = await user.say("打算开个饭馆")
    entries = re.findall(r"^(\d+)\. (\S+?)(?:（|——|$)", checklist, re.M)
    outside = re.findall(r"^· (\S+?)：", checklist, re.M)
    assert len(entries) >= 2 and outside, checklist
    await user.say("1")
    second = await user.say("然后呢")
    assert f"【{entries[1][1]}" in second.splitlines()[0], second
    assert "下一步：清单第2项" in second and f"这之前还有一步：{outside[0]}" in second, second
    for _ in entries[2:]:
        await user.say("接下来要办啥")
    assert "没有下一步了" in await user.say("下一步呢")


async def test_next_after_the_checklist_alone_is_its_first_entry(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_next_first")
    await user.say("开个小卖部要办啥")
    first = await user.say("那然后呢")
    assert "下一步：清单第1项" in first, first
    stranger = kit.WeChatUser(http, "o_next_none")
    assert "下一步：清单" not in await stranger.say("然后呢")  # nothing shown


async def test_after_opening_an_entry_the_checklist_is_still_asked_of(demo):
    http, _ = demo
    steps = _event("结婚")["steps"]
    assert all("：" not in s["label"] for s in steps)  # every case takes each
    user = kit.WeChatUser(http, "o_checklist_opened")
    await user.say("我们准备结婚，要办啥")
    await user.say("2")
    needed = await user.say("这些都要办吗")
    assert needed.startswith("都要办：1. ") and f"{len(steps)}. " in needed, needed
    together = await user.say("一共要多久")
    assert together.startswith("这几项的办理时限") and together.count("\n") >= len(steps), together


async def test_a_step_not_needed_keeps_the_other_cases_steps(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_checklist_others")
    await user.say("想开个小卖部")
    answer = await user.say("不卖烟行不")
    food = next(
        s for s in _event("开一家卖食品和烟酒的小店")["steps"] if s["names"] and "：" in s["label"]
    )
    case = food["label"].split("：")[0]
    assert f"只有{case}的才要办（第" in answer, answer


@pytest.mark.parametrize("said", ["我不卖烟", "不卖烟的话要办几个", "我们家不卖烟"])
async def test_a_case_said_not_to_be_theirs_leaves_the_rest(demo, said):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_checklist_not_{said}")
    await user.say("我想在镇上开个小卖部，要办啥手续")
    answer = await user.say(said)
    assert answer.startswith("不卖烟的话，「烟草专卖零售许可证」就不用办。"), answer
    assert "其他的照常要办：1. 个体工商户设立登记" in answer


async def test_a_step_every_case_takes_said_not_to_be_done_is_still_needed(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_checklist_not_all")
    await user.say("开个小卖部")
    answer = await user.say("我不办执照")
    assert answer.startswith("「个体工商户设立登记」每种情况都要办"), answer


@pytest.mark.parametrize(
    "story", ["开个小卖部，不卖烟", "想开个小卖部 烟酒不卖 就卖点零食", "开小卖部，不卖烟酒"]
)
async def test_a_case_said_not_to_be_theirs_at_first_is_left_off_the_checklist(demo, story):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_checklist_first_{story}")
    answer = await user.say(story)
    tobacco = next(s for s in _event("开一家卖食品和烟酒的小店")["steps"] if "烟" in s["label"])
    assert answer.startswith("「开一家卖食品和烟酒的小店」一般要办这些事"), answer
    assert tobacco["label"] not in answer
    assert "1. 个体工商户设立登记" in answer


async def test_not_knowing_whether_a_case_needs_a_paper_keeps_its_step(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_checklist_first_unsure")
    answer = await user.say("我不知道开小卖部卖烟要不要证")
    assert "烟草专卖零售许可证" in answer, answer


async def test_next_asked_with_what_else_walks_on(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_checklist_next_else")
    await user.say("准备开个ktv 唱歌的那种 手续咋办")
    entries = [s["names"][0] for s in _event("开歌舞厅、KTV")["steps"] if s["names"]]
    await user.say("2")
    answer = await user.say("下一步呢 还有别的吗")
    assert f"【{entries[2]}】" in answer and "下一步：清单第3项" in answer, answer


async def test_a_step_pointed_at_by_its_words_is_asked_of(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_checklist_that_step")
    await user.say("我想在县城开个网吧，都要走哪些流程")
    answer = await user.say("网吧审批那一步要多久")
    licence = next(s for s in _event("开网吧")["steps"] if "终审" in "".join(s["names"]))
    assert answer.startswith(f"（演示数据）【{licence['names'][0]}】"), answer
    assert "承诺办结时限" in answer


async def test_a_new_paper_asked_after_a_checklist_of_losses_is_its_issuing_entry(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_checklist_new_paper")
    await user.say("昨天赶集钱包丢了，身份证社保卡都在里面，咋整")
    answer = await user.say("身份证补办要多久")
    assert answer.startswith("（演示数据）【居民身份证办理（包括临时）】"), answer


async def test_a_question_after_a_trades_checklist_is_about_its_own_licence(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_checklist_trade_own")
    await user.say("想开个液化气站 得办些啥")
    answer = await user.say("要带啥材料")
    own = next(s for s in _event("开液化气站（燃气经营）")["steps"] if "燃气" in s["label"])
    assert answer.startswith(f"（演示数据）【{own['names'][0]}】需要的申请材料"), answer
    # a shop's checklist has no licence of its own beside the business licence: which one
    user = kit.WeChatUser(http, "o_checklist_trade_none")
    await user.say("想开个理发店 得办些啥")
    assert "哪一个" in await user.say("要带啥材料")


@pytest.mark.parametrize(
    ("story", "said", "not_needed"),
    [
        ("开小卖部", "烟不卖，只卖饮料零食", ["烟草专卖零售许可证"]),
        ("养鸡场", "不打井 也不占草原", ["取水许可证新办审批", "建设项目使用草原审批"]),
    ],
)
async def test_cases_told_not_to_be_theirs_however_said(demo, story, said, not_needed):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_checklist_told_{said}")
    await user.say(story)
    answer = await user.say(said)
    assert all(f"「{name}」就不用办" in answer for name in not_needed), answer
    assert "其他的照常要办：" in answer
