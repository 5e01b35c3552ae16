"""What an item code's parts mean: the card's code, a code typed with the question, the
category letters of table 1, or how any item code is made up."""

from __future__ import annotations

from handlers.citizen import parsing
from tests.kits import citizen as kit

ID_CARD = "620623000000DM62012890—QT00008000"  # 居民身份证办理（包括临时） in the demo


async def test_the_code_of_the_card_just_shown_is_read_part_by_part(demo):
    user = kit.new_follower(demo, "o_code_meaning_card")
    await user.say("办身份证")
    answer = await user.say("这个编码啥意思")
    assert "【居民身份证办理（包括临时）】" in answer, answer
    assert "第1–6位 620623" in answer and "天祝藏族自治县" in answer, answer
    assert "第23–24位 QT" in answer and "其他权力" in answer, answer
    assert "天祝藏族自治县公安局的组织机构代码" in answer, answer
    assert "第8号主项" in answer, answer


async def test_a_code_typed_with_a_question_on_its_parts_is_read(demo):
    user = kit.new_follower(demo, "o_code_meaning_typed")
    answer = await user.say(f"{ID_CARD} 每一位代表什么")
    assert "各段的意思" in answer and "第30–32位 000" in answer, answer
    # what a code typed alone 「是什么意思」 names is its item: the card
    card = await kit.new_follower(demo, "o_code_meaning_what").say(f"{ID_CARD}是什么意思")
    assert "申请材料" in card and "各段的意思" not in card, card


async def test_category_letters_are_named(demo):
    user = kit.new_follower(demo, "o_code_meaning_category")
    answer = await user.say("编码里的xk代表啥")
    assert "XK" in answer and "行政许可" in answer and "CF 行政处罚" in answer, answer
    assert not kit.is_card_or_list(answer), answer


async def test_how_any_item_code_is_made_up(demo):
    answer = await kit.new_follower(demo, "o_code_meaning_rules").say("事项编码怎么看")
    assert "32位" in answer and "第23–24位：类别代码" in answer, answer
    assert not kit.is_card_or_list(answer), answer


async def test_the_code_itself_is_not_its_meaning(demo):
    user = kit.new_follower(demo, "o_code_meaning_number")
    await user.say("办身份证")
    answer = await user.say("编码是多少")
    assert f"事项编码：{ID_CARD}" in answer and "各段的意思" not in answer, answer


def test_which_words_ask_a_codes_meaning():
    assert parsing.asks_code_meaning("这个编码啥意思")
    assert parsing.asks_code_meaning("QT是什么意思")
    assert parsing.asks_code_meaning("每一位代表什么", code_typed=True)
    assert not parsing.asks_code_meaning("是什么意思", code_typed=True)  # what it names
    assert not parsing.asks_code_meaning("编码是多少")
    assert not parsing.asks_code_meaning("统一社会信用代码是什么意思")  # an organisation's
    assert not parsing.asks_code_meaning("OK是什么意思")  # no category of table 1
    assert parsing.categories_named("xk和cf有啥区别") == ["XK", "CF"]
