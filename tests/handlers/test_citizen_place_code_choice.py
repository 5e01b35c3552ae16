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
