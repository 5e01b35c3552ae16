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
