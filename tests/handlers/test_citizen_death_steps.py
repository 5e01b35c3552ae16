"""After a death: the checklist's first step is one no item serves (死亡医学证明), a step's own
word asked next (「丧葬费能领多少」) gets whom to ask, and an entry that stops a benefit (高龄津贴
告知停发) opens as whom to tell, not how to apply. Expectations from the shipped checklist."""

from __future__ import annotations

import json
from pathlib import Path

from tests.kits import citizen as kit

ROOT = Path(__file__).parents[2]
DEATH = next(
    e
    for e in json.loads((ROOT / "catalogue" / "life_events.json").read_text("utf-8"))["events"]
    if e["name"] == "家人去世"
)


async def test_the_first_step_of_a_death_is_the_one_no_item_serves(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_first")
    await user.say("我父亲去世了")
    first = DEATH["steps"][0]
    assert not first["names"]  # the data's first step is served by no item
    answer = await user.say("第一步在哪办")
    assert answer.startswith(f"第一步是{first['label']}：本县目录暂无此事项"), answer


async def test_a_steps_own_word_asked_next_gets_whom_to_ask(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_funeral")
    await user.say("家里人去世了")
    answer = await user.say("丧葬费能领多少")
    assert answer.startswith("领取丧葬补助金和抚恤金：本县目录暂无此事项，请咨询"), answer
    assert "回复序号" not in answer


async def test_an_entry_stopping_a_benefit_opens_as_whom_to_tell(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_stop")
    checklist = await user.say("家里老人去世了")
    assert "1. 80周岁以上老年人高龄津贴发放（领高龄津贴：告知民政局停发）" in checklist
    answer = await user.say("1")
    assert "这一步是：领高龄津贴：告知民政局停发" in answer, answer
    assert "去世后停止发放" in answer and "申请材料" not in answer
    assert "0935-3121306" in answer
    # an entry that is itself an ending is applied for as usual
    assert "申请材料" in await user.say("4")


async def test_a_benefit_told_with_the_death_is_the_step_ending_it(demo):
    http, _ = demo
    for number, (story, step) in enumerate(
        [
            ("我爸昨天去世了，他吃低保", "吃低保：告知民政局停发或变更"),
            ("老人走了，以前吃低保的，低保还能领吗", "吃低保：告知民政局停发或变更"),
            ("我妈走了 她有残疾人补贴", "领残疾人补贴：告知民政局停发"),
        ]
    ):
        user = kit.WeChatUser(http, f"o_death_told_{number}")
        answer = await user.say(story)
        assert f"这一步是：{step}" in answer, (story, answer)
        assert "申请材料" not in answer and "办理流程" not in answer, answer


async def test_a_benefit_told_with_what_to_do_asked_is_the_whole_checklist(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_told_all")
    answer = await user.say("我爸昨天去世了，他吃低保，要办啥手续")
    assert answer.startswith("「家人去世」一般要办这些事"), answer
    assert "最低生活保障（吃低保：告知民政局停发或变更）" in answer


async def test_applying_for_the_benefit_after_a_death_is_its_card(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_apply")
    answer = await user.say("我爸去世了 低保怎么申请")
    assert "【最低生活保障】办理流程" in answer, answer
    assert "这一步是" not in answer


async def test_a_circumstance_said_not_to_be_theirs_points_to_no_step(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_no_shop")
    answer = await user.say("我爸去世了，他没开过店，要办啥")
    assert answer.startswith("「家人去世」一般要办这些事"), answer
    assert "个体工商户注销登记" not in answer


async def test_the_office_of_a_step_no_item_serves_is_asked_next(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_step_phone")
    await user.say("我爸去世了要办啥")
    step = DEATH["steps"][1]  # 注销户口: no item, its office to ask
    assert not step["names"]
    await user.say(f"{step['label']}在哪办")
    answer = await user.say("电话多少")
    assert "公安局" in answer and "0935-3121410" in answer, answer
    after = await user.say("下一步")
    assert "这之前还有一步：" + DEATH["steps"][2]["label"] in after, after


async def test_the_first_steps_office_after_asking_where_it_is(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_first_phone")
    await user.say("我爸去世了要办啥")
    await user.say("第一步在哪办")
    answer = await user.say("电话多少")
    assert "卫生健康局" in answer and "0935-3121925" in answer, answer


async def test_a_step_by_its_place_in_the_order_counts_every_step(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_death_nth_step")
    await user.say("我爸去世了要办啥")
    first = await user.say("第一步")
    assert first.startswith(f"{DEATH['steps'][0]['label']}：本县目录暂无此事项"), first
    second = await user.say("第二步在哪办")
    assert second.startswith(f"{DEATH['steps'][1]['label']}：本县目录暂无此事项"), second
