"""After an item list: several entries asked to be seen at once (「第二个和第三个」 「都要」),
the list asked for again, and an entry picked after going back. The list is whatever search
shows for the words; the expectations are read off it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.kits import citizen as kit

DEMO = json.loads(
    (Path(__file__).parents[2] / "catalogue" / "demo" / "tianzhu_demo.json").read_text("utf-8")
)

ENTRY = re.compile(r'^\d\. <a href="weixin://bizmsgmenu\?[^"]*">([^<]+)</a>', re.M)


def _entries(listed: str) -> list[str]:
    names = ENTRY.findall(listed)
    assert len(names) >= 2, listed
    return names


@pytest.mark.parametrize(
    ("asked", "numbers"),
    [("第一个和第二个都看看", [1, 2]), ("第二个和第三个", [2, 3]), ("2和3", [2, 3])],
)
async def test_several_entries_asked_are_each_shown_shortly(demo, asked, numbers):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_entries_{asked}")
    names = _entries(await user.say("农药"))
    answer = await user.say(asked)
    first = names[numbers[0] - 1]
    assert answer.startswith(f"（演示数据）【{first}】（第{numbers[0]}项）"), answer
    assert all(f"【{names[n - 1]}】（第{n}项）" in answer for n in numbers), answer
    assert "时限：" in answer and "电话：" in answer
    # the numbers still open each entry whole
    assert f"【{names[numbers[1] - 1]}】" in await user.say(str(numbers[1]))


@pytest.mark.parametrize("asked", ["都要", "两个都看看", "全部看看"])
async def test_all_of_the_list_asked_shows_every_entry(demo, asked):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_entries_all_{asked}")
    names = _entries(await user.say("扶助金"))
    answer = await user.say(asked)
    assert all(f"【{name}】" in answer for name in names), answer


async def test_all_of_them_with_no_list_is_no_choice(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_entries_none").say("都要")
    assert "（第1项）" not in answer


@pytest.mark.parametrize("asked", ["再把刚才那个列表发一下", "返回列表", "刚才的列表再发一下"])
async def test_the_list_asked_again_after_opening_an_entry(demo, asked):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_list_again_{asked}")
    names = _entries(await user.say("监督检查的事项有哪些"))
    await user.say("1")
    again = await user.say(asked)
    assert again.startswith("刚才的列表") and _entries(again) == names, again
    assert f"【{names[1]}】" in await user.say("2")


@pytest.mark.parametrize("asked", ["返回 看刚才列表第一个", "还是看第一个吧"])
async def test_going_back_to_the_first_entry(demo, asked):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_back_first_{asked}")
    names = _entries(await user.say("植被恢复费"))
    await user.say("2")
    assert f"【{names[0]}】" in await user.say(asked)


@pytest.mark.parametrize(
    ("asked", "thing"),
    [("草原方面能办的都有啥", "草原"), ("农药的都列一下", "农药"), ("和草原有关的事项", "草原")],
)
async def test_every_item_about_a_thing_is_listed(demo, asked, thing):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_topic_{asked}")
    demo_names = [i["name"] for i in DEMO["items"] if i["status"] in ("published", "suspended")]
    about = [name for name in demo_names if thing in name]
    answer = await user.say(asked)
    assert answer.startswith("找到以下事项"), answer
    shown = _entries(answer)
    assert all(thing in name for name in shown), shown
    assert len(shown) == min(5, len(about)), (shown, about)


async def test_a_question_every_entry_answers_alike_is_answered_for_all(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_entries_alike")
    await user.say("扶助金")
    answer = await user.say("多久能办好")
    assert answer.startswith("这2项的办理时限都一样："), answer
    # entries that differ are still asked which
    user = kit.WeChatUser(http, "o_entries_differ")
    await user.say("乡村建设规划许可证")
    assert "哪一个" in await user.say("电话多少")


async def test_another_towns_entry_after_opening_one(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_entries_other_town")
    await user.say("乡村建设规划许可证")
    first = await user.say("打柴沟镇那个")
    answer = await user.say("华藏寺镇的呢")
    assert answer.startswith("（演示数据）【乡村建设规划许可证核发】"), answer
    assert "华藏寺镇人民政府" in answer and answer != first
