"""A place's statistical code typed while "which of these places?" is pending answers it."""

from __future__ import annotations

from tests.kits import citizen as kit

DACHAIGOU_DAWAN = "620623101215"  # 打柴沟镇 大湾村 in the demo


async def test_a_code_answers_which_village_to_bind(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_code_choice_bind")
    assert "哪一个" in await user.say("我要绑定 大湾村")
    answer = await user.say(DACHAIGOU_DAWAN)
    assert "已绑定" in answer and "打柴沟镇 大湾村" in answer, answer
    assert "打柴沟镇 大湾村" in await user.say("我村2015年资金")


async def test_a_code_answers_which_villages_funds(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_code_choice_funds")
    assert "哪一个" in await user.say("大湾村扶贫资金")
    answer = await user.say(DACHAIGOU_DAWAN)
    assert "打柴沟镇 大湾村" in answer and "已绑定" not in answer, answer


async def test_a_village_code_cut_short_offers_the_villages_it_may_be(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_code_cut_short")
    answer = await user.say("62062310121")  # 大湾村's code without its last digit
    assert "不是完整的代码" in answer and "11位" in answer, answer
    assert "打柴沟镇 大湾村（620623101215）" in answer and "多隆村" in answer, answer
    number = next(line.split(".")[0] for line in answer.splitlines() if "大湾村" in line)
    picked = await user.say(number)
    assert "大湾村" in picked and "扶贫" in picked, picked


async def test_a_code_cut_short_that_no_place_starts_with_says_so(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_code_cut_short_none")
    answer = await user.say("6206239999")
    assert "不是完整的代码" in answer and "没有以它开头" in answer, answer
    assert "【" not in answer, answer
