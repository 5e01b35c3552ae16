"""Citizens' questions about items, end to end through the real webhook (safe mode)."""

from __future__ import annotations

import itertools
import re

from sqlalchemy import select

from catalogue.codes import normalize_code_text
from catalogue.models import MessageLog, Rating
from tests.kits import citizen as kit

seed = kit.seed
NETBAR_NAME = "互联网上网服务营业场所经营单位设立审批"
TAP = re.compile(r'<a href="weixin://bizmsgmenu\?msgmenucontent=(\d+)&msgmenuid=\d+">')


def plain(text: str) -> str:
    """The text as a client without in-text menu links shows it: the numbers stay."""
    return re.sub(r"</?a[^>]*>", "", text)


async def test_words_give_the_item_card(citizen_side):
    card = await citizen_side.user().say("开网吧")
    assert f"【{NETBAR_NAME}】" in card
    assert f"编码：{seed.NETBAR}" in card
    assert "类别：行政许可" in card
    assert "实施部门：天祝藏族自治县文化广电和旅游局" in card
    assert "1. 申请书（原件1份）" in card
    assert "2. 法定代表人身份证（原件1份，复印件1份）" in card
    assert "法定办结时限：20个工作日" in card and "承诺办结时限：10个工作日" in card
    assert "收费：不收费" in card
    assert "办理地点：天祝县政务服务中心一楼3号窗口" in card
    assert "咨询电话：0935-3125678" in card
    assert "更新日期：2024-03-05" in card
    assert f"{kit.BASE_URL}/items/{normalize_code_text(seed.NETBAR)}" in card
    assert "演示数据" not in card
    assert "评1" in card


async def test_voice_is_searched_like_text(citizen_side):
    answer = await citizen_side.user().speak("开网吧要什么材料")
    assert f"【{NETBAR_NAME}】需要的申请材料" in answer
    assert "3. 消防安全检查合格意见书（复印件1份）" in answer


async def test_empty_voice_asks_again(citizen_side):
    assert "没有听清" in await citizen_side.user().speak("")


async def test_question_intents_with_the_item_in_the_same_message(citizen_side):
    user = citizen_side.user()
    materials = await user.say("开网吧要什么材料")
    assert "需要的申请材料" in materials and "申请书" in materials
    assert "办理条件：有与其经营活动相适应的资金、场所和设备。" in materials
    time_limit = await user.say("开网吧要多久")
    assert "法定办结时限：20个工作日" in time_limit and "承诺办结时限：10个工作日" in time_limit
    assert "申请书" not in time_limit
    where = await user.say("网吧审批在哪里办")
    assert "办理地点：天祝县政务服务中心一楼3号窗口" in where
    assert "办公时间：工作日 8:30-12:00，14:30-18:00" in where
    phone = await user.say("开网吧的电话")
    assert "咨询电话：0935-3125678" in phone and "监督电话：0935-3129999" in phone
    fee = await user.say("开网吧收费吗")
    assert "收费：不收费" in fee


async def test_a_question_alone_is_about_the_last_item(citizen_side):
    user = citizen_side.user()
    assert "请告诉我您要办什么事" in await user.say("要什么材料")
    await user.say("开网吧")
    assert "法定办结时限：20个工作日" in await user.say("几天能办好")


async def test_several_matches_give_a_numbered_list_with_pages(citizen_side):
    user = citizen_side.user()
    tappable = await user.say("登记")
    # Each name is a link that sends its number when tapped.
    assert TAP.findall(tappable) == ["1", "2", "3", "4", "5"]
    first = plain(tappable)
    lines = [line for line in first.splitlines() if line[:2] in {f"{n}." for n in range(1, 10)}]
    assert len(lines) == 5
    assert "回复序号查看详情" in first and "下一页" in first
    chosen_name = lines[2].split(". ", 1)[1].split("（")[0]
    card = await user.say("3")
    assert f"【{chosen_name}】" in card
    second = plain(await user.say("下一页"))
    assert "（第2/2页）" in second
    second_lines = [line for line in second.splitlines() if line[:2] in {"1.", "2.", "3."}]
    assert second_lines and not {line.split(". ", 1)[1] for line in second_lines} & {
        line.split(". ", 1)[1] for line in lines
    }
    last = plain(await user.say("下一页"))  # the last page again, to pick from
    assert "已经是最后一页" in last and "（第2/2页）" in last and "人工" in last, last
    assert "没有第9项" in await user.say("9")


async def test_other_entries_asked_in_plain_words_are_the_next_page(citizen_side):
    for words in ("还有吗", "有没有别的", "换一个", "还有其他的吗"):
        user = citizen_side.user()
        await user.say("登记")
        assert "（第2/2页）" in plain(await user.say(words)), words
        assert "已经是最后一页" in await user.say(words), words
    # after a card there is no list: nothing is searched for 别 or 换
    user = citizen_side.user()
    await user.say("开网吧")
    assert "没有可以选的列表" in await user.say("还有别的吗")


async def test_none_of_a_list_asks_to_put_it_another_way_and_forwards_it_to_a_person(
    citizen_side,
):
    for words in ("都不是", "没有我要的", "这几个都不是啊"):
        user = citizen_side.user()
        await user.say("登记")
        answer = await user.say(words)
        assert "换个说法" in answer and "人工" in answer, (words, answer)
        assert "没有可以选的列表" in await user.say("2"), words  # the list is put away
    user = citizen_side.user()
    await user.say("登记")
    await user.say("都不是")
    assert "工单" in await user.say("人工")


async def test_a_verdict_after_a_short_remark_rates_the_card(citizen_side):
    user = citizen_side.user()
    await user.say("开网吧")
    assert "非常不满意" in await user.say("说的啥啊 一点用没有")


async def test_a_number_without_a_list(citizen_side):
    assert "没有可以选的列表" in await citizen_side.user().say("2")
    assert "没有可以选的列表" in await citizen_side.user().say("最后一个")


async def test_entries_counted_from_the_end_or_asked_about_with_their_number(citizen_side):
    user = citizen_side.user()
    lines = [
        line.split(". ", 1)[1].split("（")[0]
        for line in plain(await user.say("登记")).splitlines()
        if line[:2] in {f"{n}." for n in range(1, 6)}
    ]
    assert f"【{lines[-1]}】" in await user.say("最后一个")
    await user.say("登记")
    assert f"【{lines[-2]}】" in await user.say("倒数第二个")
    await user.say("登记")
    answer = await user.say("第一个要带什么材料")
    assert f"【{lines[0]}】需要的申请材料" in answer, answer


async def test_codes_in_any_rendering(citizen_side):
    user = citizen_side.user()
    for typed in (
        seed.NETBAR,
        seed.NETBAR.replace("—", "-"),
        normalize_code_text(seed.NETBAR).lower(),
    ):
        assert f"【{NETBAR_NAME}】" in await user.say(typed)


async def test_retired_codes_say_abolished_or_merged_into_which_item(citizen_side):
    user = citizen_side.user()
    abolished = await user.say(seed.ABOLISHED)
    assert "已于" in abolished and "作废" in abolished and "县政府决定取消" in abolished
    merged = await user.say(seed.MERGED_AWAY)
    assert "合并" in merged and "娱乐场所经营许可" in merged and seed.ENTERTAINMENT in merged
    assert "【娱乐场所经营许可】" in await user.say("1")


async def test_a_code_inside_a_short_question_answers_it(citizen_side):
    user = citizen_side.user()
    where = await user.say(f"请问{seed.NETBAR.replace('—', '-')} 在什么地方办")
    assert f"【{NETBAR_NAME}】" in where and "办理地点" in where and "申请材料" not in where
    assert "作废" in await user.say(f"{seed.ABOLISHED}现在还能办不")
    assert "【华藏寺镇 红大村 扶贫资金和项目】" in await user.say(
        f"{seed.HONGDA} 这个村有多少扶贫资金"
    )


async def test_a_malformed_code_is_explained(citizen_side):
    answer = await citizen_side.user().say("620623000000013670250XK0000100")
    assert "这个编码不对" in answer and "32位" in answer


async def test_a_code_one_key_off_offers_the_items_that_close(citizen_side):
    user = citizen_side.user()
    compact = seed.NETBAR.replace("—", "")
    for typed, said_length in (
        (compact[:5] + compact[6:], "您发的是31位"),  # a zero of the region left out
        (compact[:-1] + "O", ""),  # the letter O for the last zero
        (compact[:25] + compact[24:], "您发的是33位"),  # a digit doubled
    ):
        answer = await user.say(typed)
        assert "编码最接近的是" in answer and NETBAR_NAME in answer and said_length in answer, typed
        assert "这个编码不对" not in answer, typed
    assert f"【{NETBAR_NAME}】" in await user.say("1")
    far = await user.say("620623000000013670250XK0000100")  # nothing that close: the reasons
    assert "这个编码不对" in far and "最接近" not in far
    other = await user.say(compact[:-1] + "9")  # well-formed: its own item (none), no other
    assert "没有找到编码为" in other and "最接近" not in other
    assert "12345" in other  # somewhere to ask who gave the code
    # a code one key off inside a short question is explained the same way
    inside = await user.say(f"编码{compact[:5] + compact[6:]} 在哪办")
    assert "编码最接近的是" in inside and "您发的是31位" in inside, inside


async def test_a_part_of_a_code_or_one_read_out_by_voice_finds_its_items(citizen_side):
    user = citizen_side.user()
    compact = seed.NETBAR.replace("—", "")
    assert f"【{NETBAR_NAME}】" in await user.say(compact[12:].lower())  # region left off
    cut = await user.say(seed.NETBAR[:-3])  # the basic code cut short
    assert f"【{NETBAR_NAME}】" in cut, cut
    digits = "零一二三四五六七八九"
    spoken = "".join(digits[int(c)] if c.isdigit() else c for c in seed.NETBAR)
    assert f"【{NETBAR_NAME}】" in await user.speak(spoken)


async def test_suspended_item_says_so_and_why(citizen_side):
    card = await citizen_side.user().say(seed.PERFORMANCE)
    assert "本事项已暂停办理（依据第十条第一项）" in card
    assert "法律法规调整，暂停办理" in card


async def test_demo_data_is_marked(citizen_side):
    assert "（演示数据）" in await citizen_side.user().say(seed.SEED)


async def test_no_match_never_repeats_and_offers_a_human(citizen_side):
    user = citizen_side.user()
    answers = [await user.say("火星移民审批") for _ in range(4)]
    for before, after in itertools.pairwise(answers):
        assert before != after
    assert all("人工" in answer for answer in answers)


async def test_rating_after_a_card_is_stored(citizen_side):
    user = citizen_side.user()
    assert "先查一个事项" in await user.say("评5")
    await user.say("开网吧")
    assert "谢谢您的评价（4分）" in await user.say("评4")
    async with citizen_side.sessions() as session:
        ratings = list(await session.scalars(select(Rating)))
    assert [(r.item_code, r.score) for r in ratings] == [(seed.NETBAR, 4)]
    assert user.openid not in ratings[0].openid_hash


async def test_plain_words_judging_a_card_rate_it_and_elsewhere_are_only_heard(citizen_side):
    user = citizen_side.user()
    # Before any card: no rating, no search of the words (有用 is no item's 使用).
    assert "还有其他问题" in await user.say("谢谢 挺有用的")
    assert "人工" in await user.say("没用")
    await user.say("开网吧")
    assert "好的" in await user.say("好")  # only an acknowledgement
    assert "评价" not in await user.say("网吧审批有用吗")
    await user.say("开网吧")
    assert "谢谢您的评价（4分）" in await user.say("说得挺清楚的 谢谢")
    # 差评 of an answer not rated here (none just shown): sorry, and 人工 offered
    other = citizen_side.user("o_bad_elsewhere")
    answer = await other.say("差评")
    assert "抱歉" in answer and "人工" in answer, answer
    async with citizen_side.sessions() as session:
        ratings = list(await session.scalars(select(Rating)))
    assert [(r.item_code, r.score) for r in ratings] == [(seed.NETBAR, 4)]
    other = citizen_side.user()
    await other.say("开网吧")
    assert "不满意" in await other.say("说的不清楚")


async def test_messages_are_logged_without_the_openid(citizen_side):
    user = citizen_side.user()
    await user.say("开网吧")
    await citizen_side.app.state.message_logs.flush()  # written in batches
    async with citizen_side.sessions() as session:
        logs = list(await session.scalars(select(MessageLog)))
    assert [(log.text, log.answer_kind, log.item_code) for log in logs] == [
        ("开网吧", "card", seed.NETBAR)
    ]
    assert logs[0].openid_hash != user.openid


async def test_other_kinds_of_message_get_a_polite_answer(citizen_side):
    user = citizen_side.user()
    xml = user.xml("image", PicUrl="http://example.invalid/a.jpg", MediaId="m")
    assert "文字和语音" in (await user.post(xml)).text


async def test_long_and_odd_messages_get_a_short_answer(citizen_side):
    user = citizen_side.user()
    for said in ("网吧" * 3000, "]]><xml>&amp;😀", "   ", "１２３４５６７８９０ＡＢ"):
        answer = await user.say(said)
        assert answer and len(answer.encode("utf-8")) <= 2048


async def test_an_office_named_lists_its_items_with_its_phone(citizen_side):
    user = citizen_side.user()
    answer = await user.say("文旅局都能办些啥")
    assert "文旅局可以办的事项" in answer and NETBAR_NAME in answer, answer
    assert "0935-3121234" in answer
    assert f"/items?department={citizen_side.ids.culture_id}" in answer
    assert f"【{NETBAR_NAME}】" in await user.say("1")
    assert "可以办的事项" not in await user.say("文旅局电话多少")  # a question of its own
