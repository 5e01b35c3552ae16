"""Whole conversations on the demo catalogue, through the real webhook: small talk,
follow-ups on what was just shown, complaints, requests served elsewhere, funds and poverty
in plain words (the reproductions citizens and village officials reported, and others)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalogue.models import Ticket
from tests.kits import citizen as kit

LINK = re.compile(r"</?a[^>]*>")


def plain(text: str) -> str:
    return LINK.sub("", text)


def citizen(demo) -> kit.WeChatUser:
    return kit.new_follower(demo, "o_conv")


@pytest.mark.parametrize(
    "said",
    ["你好", "谢谢", "帮助", "你是机器人吗", "在吗", "好的", "再见", "非常感谢！", "？", "吃了没"],
)
async def test_small_talk_never_gets_a_card_or_a_list(demo, said):
    answer = await citizen(demo).say(said)
    assert answer and not kit.is_card_or_list(answer), answer
    assert "没有找到" not in answer


async def test_greeting_and_help_offer_tappable_examples(demo):
    answer = await citizen(demo).say("帮助")
    assert 'href="weixin://bizmsgmenu?msgmenucontent=2015 农牧局 专项资金&msgmenuid=' in answer


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("办身份证", "电话多少", "咨询电话：0935-3121410"),
        ("办身份证", "电话", "咨询电话：0935-3121410"),
        ("结婚登记", "几点上班", "办公时间：法定工作日"),
        ("个体户注销", "网上能办吗", "个体工商户注销登记"),
        ("个体户注销", "那要带什么东西", "个体工商户注销登记】需要的申请材料"),
        ("补领结婚证", "多久能拿到", "承诺办结时限"),
        ("低保", "谁可以申请", "办理条件："),
        ("教师资格认定", "在哪办", "办理地点："),
    ],
)
async def test_follow_ups_are_answered_from_the_item_just_shown(demo, first, follow_up, expected):
    user = citizen(demo)
    shown = await user.say(first)
    assert "编码：" in shown, shown
    answer = await user.say(follow_up)
    assert expected in answer, answer
    assert "没有找到" not in answer and "网上服务营业场所" not in answer


async def test_a_question_naming_another_item_is_about_that_item(demo):
    user = citizen(demo)
    await user.say("办身份证")
    answer = await user.say("开网吧要什么材料")
    assert "互联网上网服务营业场所" in answer and "需要的申请材料" in answer, answer


async def test_a_follow_up_after_a_list_asks_which_one_first(demo):
    user = citizen(demo)
    listed = await user.say("乡村建设规划许可证核发")
    assert "回复序号" in listed, listed
    which = await user.say("要什么材料")
    assert "您问的是哪一个事项的申请材料" in which and "1. " in plain(which), which
    assert "msgmenucontent=1&msgmenuid=1" in which
    answer = await user.say("2")
    assert "需要的申请材料" in answer, answer


async def test_a_benefit_amount_is_never_the_fee_line(demo):
    answer = await citizen(demo).say("五保户每个月给多少钱")
    assert "特困人员救助供养" in answer, answer
    assert "收费" not in answer
    assert "0935-3121306" in answer  # who to ask: 民政局


async def test_plain_speech_about_an_old_man_offers_the_allowance_first(demo):
    answer = await citizen(demo).say("嗯那个请问一下我家老头子八十多了有没有啥补贴")
    assert "高龄津贴" in answer, answer
    assert "没有找到" not in answer


async def test_a_complaint_gets_the_supervision_phone_12345_and_a_human(demo):
    _, sessions = demo
    user = citizen(demo)
    answer = await user.say("民政局窗口的人态度太差了，跑了好几趟")
    assert "0935-3126800" in answer and "12345" in answer and "人工" in answer, answer
    assert not kit.is_card_or_list(answer)
    ticket = await user.say("人工")
    assert "工单号" in ticket
    async with sessions() as session:
        messages = list(await session.scalars(select(Ticket.message)))
    assert any("态度太差" in m for m in messages)


async def test_a_complaint_asking_for_a_person_takes_the_next_message_as_the_ticket(demo):
    _, sessions = demo
    user = citizen(demo)
    answer = await user.say("我要投诉，找个人跟我对接一下")
    assert "0935-3126800" in answer and "12345" in answer and "工作人员" in answer, answer
    assert not kit.is_card_or_list(answer)
    ticket = await user.say("乡上的人不给我开证明")
    assert "工单号" in ticket, ticket
    async with sessions() as session:
        messages = list(await session.scalars(select(Ticket.message)))
    assert "乡上的人不给我开证明" in messages


@pytest.mark.parametrize(
    "said",
    [
        "我家的低保钱为啥这个月没到账",  # progress: not served here, 人工 offered
        "帮我查查我的养老金交了几年",  # personal records
        "高龄补贴怎么还没发下来呢 是不是停了",  # a card that may not answer it
    ],
)
async def test_a_person_right_after_an_answer_that_may_not_serve_gets_the_question(demo, said):
    _, sessions = demo
    user = citizen(demo)
    await user.say(said)
    ticket = await user.say("转人工")
    assert "工单号" in ticket, ticket
    async with sessions() as session:
        messages = list(await session.scalars(select(Ticket.message)))
    assert said in messages


async def test_a_person_right_after_a_card_for_the_items_own_words_gets_a_ticket_and_asks_what(
    demo,
):
    user = citizen(demo)
    await user.say("低保")
    opened = await user.say("人工")
    assert "工单号" in opened and "请用一句话说明" in opened, opened


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("我的申请办到哪一步了", "不能查办件进度"),
        ("怎么预约", "不能预约或取号"),
        ("申请表能在这里填吗 手机上填好发给你们", "不能交费、提交或修改申请材料"),
    ],
)
async def test_requests_served_elsewhere_say_where(demo, said, expected):
    answer = await citizen(demo).say(said)
    assert expected in answer and not kit.is_card_or_list(answer), answer


async def test_how_a_request_is_made_names_no_department(demo):
    # 网上 is how, not what: it shares 网上 with 互联网上网服务 (文旅) but names no item
    answer = await citizen(demo).say("医院网上挂号咋弄")
    assert "不能预约或取号" in answer and "12345" in answer and "文体" not in answer, answer


@pytest.mark.parametrize(
    ("request_", "follow_up", "expected"),
    [
        # the item the request names is what the next question is about
        ("我的营业执照批下来了吗", "要带什么材料", "个体工商户设立登记】需要的申请材料"),
        ("帮我约个号 下礼拜去婚姻登记处领证", "几点上班", "办公时间："),
        ("社保卡做好了没 帮我催一催", "电话是多少", "咨询电话：0935-3121205"),
    ],
)
async def test_what_cannot_be_served_names_its_item_and_the_next_question_is_about_it(
    demo, request_, follow_up, expected
):
    user = citizen(demo)
    answer = await user.say(request_)
    assert "不能" in answer and "窗口电话" in answer and not kit.is_card_or_list(answer), answer
    reply = await user.say(follow_up)
    assert expected in reply, reply


@pytest.mark.parametrize(
    "said",
    [
        "你帮我把社保卡上的地址改一下",
        "营业执照我不想开了 帮我注销了吧",
        "能不能派个人来我家给老人拍照",
        "申请交了半个月了 到底给不给 给个准话",
    ],
)
async def test_asking_the_account_to_act_is_not_served_and_says_where(demo, said):
    answer = await citizen(demo).say(said)
    assert "不能" in answer and not kit.is_card_or_list(answer), answer


async def test_they_after_what_cannot_be_served_is_its_office(demo):
    user = citizen(demo)
    await user.say("帮我约个号 下礼拜去婚姻登记处领证")
    reply = await user.say("那他们周六上班不")
    assert "办公时间：" in reply, reply


@pytest.mark.parametrize(
    "said",
    [
        "说给他钱就给我办执照 这事往哪反映",
        "窗口让我去外面打印 收了我十块钱 这合理吗",
        "镇上办事看关系 我们的事就是不给办",
    ],
)
async def test_bribes_fees_and_favours_are_complaints(demo, said):
    answer = await citizen(demo).say(said)
    assert "监督投诉电话" in answer and "人工" in answer and not kit.is_card_or_list(answer), answer


async def test_a_bad_rating_with_a_story_and_nothing_rated_is_a_complaint(demo):
    answer = await citizen(demo).say("差评 办个社保卡来回跑了三次")
    assert "监督投诉电话" in answer and "先查一个事项" not in answer, answer
    # alone, with nothing rated here: sorry, and 人工 offered (no lesson in how to rate)
    alone = await citizen(demo).say("差评")
    assert "抱歉" in alone and "人工" in alone and "先查一个事项" not in alone, alone


async def test_handing_in_here_with_no_item_named_says_where_it_is_done(demo):
    answer = await citizen(demo).say("上传材料的网址在哪 我手机上传上去")
    assert "不能交费、提交或修改申请材料" in answer and "甘肃政务服务网" in answer, answer
    assert "没有找到" not in answer and not kit.is_card_or_list(answer)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("卫健局电话是多少", "0935-"),
        ("县市场监管局在什么地方", "办事窗口："),
        ("水务局几点上班", "办公时间："),
        # 办 ends an office's name (扶贫办), which has no items of its own
        ("县扶贫办在哪儿", "0935-3122231"),
    ],
)
async def test_an_office_asked_how_to_reach_it_gets_its_phone_and_window(demo, said, expected):
    answer = await citizen(demo).say(said)
    assert expected in answer and "没有找到" not in answer and not kit.is_card_or_list(answer), (
        answer
    )


async def test_the_askers_town_after_a_card_gives_that_towns_own_entry(demo):
    user = citizen(demo)
    await user.say("乡村建设规划许可证 县自然资源局")
    reply = await user.say("我家在打柴沟镇 电话多少")
    assert "0935-3151002" in reply, reply


async def test_the_askers_town_after_a_list_picks_the_entry_that_town_grants(demo):
    user = citizen(demo)
    listed = await user.say("乡村建设规划许可证")
    assert "回复序号" in listed, listed
    reply = await user.say("我们是打柴沟镇的 几点上班")
    assert "打柴沟镇人民政府" in reply and "办公时间" in reply, reply


async def test_a_phone_number_is_not_read_as_an_item_code(demo):
    answer = await citizen(demo).say("0935-3121410")
    assert "编码不对" not in answer and "公安局" in answer, answer


async def test_a_village_code_gives_the_village(demo):
    answer = await citizen(demo).say("620623101215")
    assert "32位" not in answer and "大湾村" in answer and "扶贫资金和项目" in answer, answer


async def test_the_welcome_example_with_an_old_department_name(demo):
    answer = await citizen(demo).say("2015 农牧局 专项资金")
    assert "没有找到叫" not in answer
    assert "【2015年 天祝藏族自治县农业农村局 财政专项资金】" in answer, answer


async def test_a_fund_in_plain_words_is_the_fund_row_not_the_service_item(demo):
    answer = await citizen(demo).say("2017年低保资金是多少")
    assert "城乡居民最低生活保障资金" in answer and "共1项" in answer, answer
    assert "编码：" not in answer


async def test_this_village_after_its_code_is_that_village_not_the_county(demo):
    user = citizen(demo)
    await user.say("620623104205")  # 双龙村
    answer = await user.say("这个村都有啥扶贫项目")
    assert "双龙村" in answer and "人畜饮水" in answer and "（全县）" not in answer, answer


async def test_projects_of_one_progress_are_listed_with_their_adjustment(demo):
    cancelled = await citizen(demo).say("有哪些工程撤销了")
    assert "【天祝藏族自治县 已取消的扶贫项目】" in cancelled, cancelled
    assert "宽沟村暖棚养殖项目" in cancelled and "调整：2017-07-03" in cancelled
    assert "不计入合计" in cancelled
    none = await citizen(demo).say("2015年有没有取消的扶贫项目")
    assert "2015年没有已取消的扶贫项目" in none, none


async def test_a_project_only_one_of_two_same_named_villages_has_names_the_village(demo):
    answer = await citizen(demo).say("大湾村修路那个硬化项目弄完了没")
    assert answer.startswith("【打柴沟镇 大湾村 扶贫资金和项目"), answer
    # a kind of allocation any village may get names neither: still asked which
    which = await citizen(demo).say("大湾村整村推进的钱有多少")
    assert "有几个地方都叫“大湾村”" in which, which


async def test_the_largest_fund_department_or_year_is_named_first(demo):
    department = await citizen(demo).say("16年哪个部门的专项资金最多")
    assert department.startswith("最多的是县林草局：共2项"), department
    assert "【2016年 财政专项资金】" in department
    year = await citizen(demo).say("教育局的资金哪年最多")
    assert year.startswith("最多的是2017年：共2项"), year
    together = await citizen(demo).say("这几年学前教育的钱加起来多少")
    assert "共3项" in together and "学前教育发展专项资金" in together, together


async def test_the_fund_list_alone_lists_the_published_years(demo):
    answer = await citizen(demo).say("财政专项资金")
    assert "财政局" not in answer, answer
    for year in (2015, 2016, 2017):
        assert f"msgmenucontent={year}年 专项资金" in answer
    by_year = await citizen(demo).say("2017年 专项资金")
    assert "【2017年 财政专项资金】" in by_year


async def test_a_fund_named_like_an_item_is_still_the_item(demo):
    answer = await citizen(demo).say("住宅专项维修资金")
    assert "住宅专项维修资金交存" in answer and "财政专项资金】" not in answer, answer


async def test_a_cancelled_project_is_shown_as_such_and_not_counted(demo):
    answer = await citizen(demo).say("宽沟村 扶贫 2017")
    assert "【已取消】" in answer and "不计入合计" in answer, answer
    assert "投资合计" not in answer.split("明细")[0] or "项目0个" not in answer


async def test_a_detail_asked_beside_a_funds_name_as_written_is_that_detail(demo):
    # 补助 is the fund's own word, not a question about what was paid out; 什么文件 asks
    answer = await citizen(demo).say("农村危房改造补助资金依据什么文件")
    assert "【2017年 农村危房改造补助资金】" in answer and "管理办法：" in answer, answer
    whole = await citizen(demo).say("农村危房改造补助资金")
    assert "共3项" in whole and "管理办法：" not in whole, whole


async def test_an_adjusted_project_shows_its_adjustment(demo):
    answer = await citizen(demo).say("泉台村 扶贫 2017")
    assert "【实施中】" in answer and "调整：2017-08-15" in answer, answer


async def test_the_village_being_discussed_carries_to_the_next_turn(demo):
    user = citizen(demo)
    first = await user.say("红大村 扶贫 2016")
    assert "红大村" in first
    again = await user.say("2017年的呢")
    assert "红大村" in again and "2017年" in again, again


async def test_unbinding(demo):
    user = citizen(demo)
    assert "还没有绑定" in await user.say("解除绑定")
    assert "已绑定" in await user.say("绑定 红大村")
    assert "已解除绑定" in await user.say("解绑")
    assert "还没有绑定" in await user.say("我村资金")


async def test_plain_speech_with_a_measure_word_finds_the_item(demo):
    answer = await citizen(demo).say("在地里打口井要办啥手续")
    # 地里 says where, not what (a filler): the card itself, not a guess to tap
    assert answer.startswith("（演示数据）【取水许可证新办审批】"), answer
    assert "没有找到" not in answer


async def test_ratings_in_other_words_and_out_of_range(demo):
    user = citizen(demo)
    await user.say("结婚登记")
    assert "谢谢您的评价（5分）" in await user.say("五分")
    await user.say("办身份证")  # one rating per answer: the next one rates a new answer
    assert "谢谢您的评价（3分）" in await user.say("一般般吧 评3")
    assert "1到5分" in await user.say("评6")


async def test_words_pick_one_entry_of_the_list_just_shown(demo):
    user = citizen(demo)
    listed = await user.say("乡村建设规划许可证核发")
    assert "回复序号" in listed
    picked = await user.say("华藏寺镇那个")
    assert "【乡村建设规划许可证核发】" in picked and "华藏寺镇人民政府" in picked, picked
    await user.say("乡村建设规划许可证核发")
    level = await user.say("镇上的 打柴沟")  # the level said first, the town without 镇
    assert "打柴沟镇人民政府" in level and "华藏寺镇" not in level, level


async def test_a_way_said_after_a_list_picks_the_one_entry_going_it(demo):
    user = citizen(demo)
    await user.say("营业执照")
    first = await user.say("新办")  # 设立: the first application
    assert "【个体工商户设立登记】" in first, first
    await user.say("农药证")
    issued = await user.say("我要新办的")  # 核发: no way of its own beside 延续 and 变更
    assert "【农药经营许可证核发" in issued, issued
    await user.say("结婚证")
    lost = await user.say("丢了要补的")
    assert "【补领结婚证】" in lost, lost
    await user.say("个体工商户")
    moved = await user.say("门面搬了 我是要换个地址")  # 地址: what is changed, not where
    assert "【个体工商户变更登记" in moved and "哪一个" not in moved, moved


async def test_most_of_a_few_words_in_one_entry_alone_picks_it(demo):
    user = citizen(demo)
    await user.say("植被恢复费")
    # 森林上的: 森林 is in the forest entry alone (上 in neither)
    assert "【森林植被恢复费的征收】" in await user.say("森林上的")
    other = citizen(demo)
    await other.say("草原")
    assert "【草原等级评定(县级)】" in await other.say("定等级的")  # 等级: one entry's


async def test_a_town_named_after_a_list_picks_its_own_entry_of_an_item_shown(demo):
    user = citizen(demo)
    await user.say("在村里盖房子要办啥")  # a checklist with the county's 乡村建设规划许可证核发
    assert "哪一个" in await user.say("电话是多少")
    answer = await user.say("打柴沟的")
    assert "0935-3151002" in answer and "XK00006001" in answer, answer  # 打柴沟镇's own entry


async def test_a_town_pointed_at_again_after_its_name_picks_its_entry(demo):
    user = citizen(demo)
    await user.say("农村自建房得办哪些手续")
    answer = await user.say("我们是打柴沟镇的 镇里能不能办")
    assert "0935-3151002" in answer and "XK00006001" in answer, answer
    listed = citizen(demo)
    await listed.say("乡村建设规划许可证核发")
    picked = await listed.say("华藏寺镇上的那个")
    assert "【乡村建设规划许可证核发】" in picked and "华藏寺镇人民政府" in picked, picked


async def test_a_paper_of_one_entry_named_with_a_question_after_a_list_answers_it(demo):
    user = citizen(demo)
    await user.say("想开个农药店")
    answer = await user.say("那个农药证要带啥材料")
    assert "【农药经营许可证核发（其他农药）】" in answer and "申请材料" in answer, answer


async def test_a_follow_up_the_fields_do_not_answer_gets_the_guides_own_words(demo):
    user = citizen(demo)
    await user.say("补办教师资格证")
    answer = await user.say("是不是还得在报纸上登个声明")
    assert "【教师资格证书补发、换发】" in answer and "登报遗失声明" in answer, answer
    await user.say("社保卡申领")
    proxy = await user.say("我妈来不了 我去代办可以吗")
    assert "代办须提供代办人身份证件" in proxy, proxy


async def test_words_beyond_the_items_own_asked_with_it_get_the_guides_words(demo):
    # 入户调查 is no part of 最低生活保障's name: its time limit and what the guide says of it
    answer = await citizen(demo).say("申请低保要入户调查吗 得多长时间")
    assert "【最低生活保障】" in answer and "承诺办结时限" in answer, answer
    assert "入户调查、邻里访问" in answer, answer
    # the item's own words only: no sentence of the guide added
    plain = await citizen(demo).say("低保要多长时间")
    assert "办事指南里写着" not in plain, plain


async def test_a_way_no_item_of_the_cards_thing_goes_is_asked_of_the_card(demo):
    user = citizen(demo)
    await user.say("办身份证")
    # no item of 居民身份证 goes 延续: its own card answers, never another licence's 延续
    expired = await user.say("过期了咋办")
    assert "【居民身份证办理（包括临时）】" in expired and "延续" not in expired, expired
    # the office within the department that handles it
    office = await user.say("哪个股室办")
    assert "承办机构：户政管理大队" in office, office


async def test_a_town_that_implements_nothing_shown_is_not_a_choice(demo):
    user = citizen(demo)
    await user.say("在村里盖房子要办啥")
    await user.say("电话是多少")
    assert "0935-3151002" not in await user.say("石门镇的")


async def test_the_whole_county_in_plain_words(demo):
    answer = await citizen(demo).say("2017年全县扶贫项目投资一共多少")
    # 639.80 published, of which 石门镇宽沟村's cancelled project is not counted.
    assert "投资合计575.80万元" in answer and "已取消" in answer, answer


async def test_personal_services_and_identity_numbers_are_not_served_here(demo):
    user = citizen(demo)
    assert "不能交费、提交或修改申请材料" in await user.say("帮我查一下我的社保缴费记录")
    answer = await user.say("身份证号622323199001011234能查啥")
    assert "不要在这里发送身份证号" in answer and "622323199001011234" not in answer


async def test_what_cannot_be_served_names_the_item_the_words_name_and_its_office(demo):
    user = citizen(demo)
    # an identity number beside an item: whom to ask about it, the number never repeated
    answer = await user.say("我的居民身份证办好了没有 身份证号码622323199001011234")
    assert "不要在这里发送身份证号" in answer and "由天祝藏族自治县公安局办理" in answer, answer
    assert "622323199001011234" not in answer
    # a first guess naming the thing said (户口) is whom to ask, though search is unsure
    answer = await user.say("我叫张三 你帮我把户口从松山迁到县城")
    assert "不能" in answer and "“户口迁移审批”由天祝藏族自治县公安局办理" in answer, answer
    # one's own benefit stopped or not: a record of one's own
    answer = await user.say("我家的低保是不是被停了")
    assert "不能" in answer and "“最低生活保障”由" in answer, answer
    # a form sent to one's mailbox, after its card
    await user.say("五保户申请")
    answer = await user.say("申请表格发我邮箱 abc@163.com")
    assert "提交或修改申请材料" in answer and "“特困人员救助供养”由" in answer, answer


async def test_human_with_the_problem_in_the_same_message(demo):
    user = citizen(demo)
    answer = await user.say("转人工 高龄补贴停发了是什么原因")
    assert "工单号" in answer, answer


async def test_a_place_named_alone_then_a_year_or_the_projects(demo) -> None:
    user = citizen(demo)
    place = await user.say("天堂镇大湾村")
    assert "天堂镇 大湾村" in place and "98.60" in place and "150.00" in place
    year = await user.say("2017年的呢")
    assert "71.00" in year and "98.60" not in year
    status = await user.say("项目进展怎么样")
    assert "【实施中】" in status and not kit.is_card_or_list(plain(status))
    # a project of the place, named by a word of it: its status, not an application's
    stay = await user.say("民宿那个项目进展到哪一步了")
    assert "“民宿”" in stay and "【实施中】" in stay and "办件进度" not in stay, stay


async def test_a_place_named_alone_after_a_list_may_pick_from_it(demo) -> None:
    user = citizen(demo)
    await user.say("乡村建设规划许可证核发")
    picked = await user.say("华藏寺镇")
    assert "华藏寺镇人民政府便民服务中心" in picked and "扶贫" not in picked


async def test_the_fund_list_then_another_year_department_or_type(demo) -> None:
    user = citizen(demo)
    first = await user.say("2016年民政局专项资金")
    assert "5329.01" in first
    year = await user.say("2017年呢")
    assert "5701.9987" in year and "520.541" in year and "5329.01" not in year
    other = await user.say("教育局的呢")
    assert "1269.5764" in other and "5701.9987" not in other
    # a question of its own is not a follow-up: the year it names, every department
    whole = await user.say("2015年转移支付资金")
    assert "21404.1528" in whole


async def test_an_unconfident_first_hit_is_offered_never_shown_as_the_answer(
    demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = citizen(demo)
    # Search trusts no hit (「办身份证」 is otherwise the card): a choice to tap, never the card.
    monkeypatch.setattr("search.rank.CONFIDENT_SCORE", 2.0)
    offered = plain(await user.say("办身份证"))
    assert offered.startswith("您是不是想找") and "编码：" not in offered
    assert offered.splitlines()[1].startswith("1. 居民身份证办理")
    assert "【居民身份证办理（包括临时）】" in await user.say("1")


async def test_plain_speech_in_the_catalogue_s_words(demo) -> None:
    user = citizen(demo)
    elderly = await user.say("嗯那个请问一下我家老头子八十多了有没有啥补贴")
    assert "【80周岁以上老年人高龄津贴发放】" in elderly and "没有找到" not in elderly
    licence = await user.say("我想办个营业执照 个体户")  # 办个营业执照 says 办营业执照
    assert "【个体工商户设立登记】" in licence
    teacher = plain(await user.say("想当老师要考啥证"))
    assert "教师资格认定" in teacher and "没有找到" not in teacher
    # the card, not a choice with its 补发、换发: no way said asks for the item itself
    assert teacher.startswith("（演示数据）【教师资格认定】"), teacher
    # the paper's name alone names each of its items: a choice
    assert "1. 中国内地公民婚姻登记" in plain(await user.say("结婚证"))


async def test_a_things_name_alone_naming_several_items_alike_is_a_choice(demo) -> None:
    user = citizen(demo)
    cafe = plain(await user.say("网吧"))  # the licence's 开网吧, the penalty's 黑网吧
    assert "1. 内资设立互联网上网服务营业场所经营活动终审审批" in cafe, cafe
    assert "互联网上网服务经营活动的行政强制" in cafe, cafe
    # what is to be done said, or one item named by more of the words: that item
    assert "【内资设立互联网上网服务营业场所经营活动终审审批】" in await user.say("开网吧")
    reward = await user.say("独女户奖励")
    assert "【农村部分计划生育家庭奖励扶助金】" in reward, reward


async def test_the_guide_of_the_only_entry_of_a_list_answers_what_it_says(demo) -> None:
    user = citizen(demo)
    guess = plain(await user.say("大学毕业了想考回县上当老师 要办哪些"))
    assert "1. 教师资格认定" in guess and "2. " not in guess, guess
    level = await user.say("普通话要几级")
    assert "普通话水平达到二级乙等以上" in level, level


async def test_the_one_entry_of_a_longer_list_whose_guide_says_it_answers(demo) -> None:
    user = citizen(demo)
    listed = await user.say("想在村里自家宅基地上起个新房")
    assert "按顺序" in listed, listed
    issued = await user.say("村委那边得给出个啥")
    assert (
        issued.startswith("（演示数据）【乡村建设规划许可证核发】") and "村民委员会意见" in issued
    )
    # that entry is the one asked about next
    assert "【乡村建设规划许可证核发】" in await user.say("电话多少")


async def test_the_legal_basis_of_the_card_just_shown(demo) -> None:
    user = citizen(demo)
    await user.say("犬类准养证")
    basis = await user.say("这是根据哪个法规定的")
    assert "【犬类准养证核发】" in basis and "设定依据：" in basis, basis


async def test_a_paper_of_no_kind_asked_after_a_card_is_its_materials(demo) -> None:
    user = citizen(demo)
    await user.say("犬类准养证")
    papers = await user.say("得有啥证明")  # not 《出生医学证明》首次签发
    assert "【犬类准养证核发】需要的申请材料" in papers, papers


async def test_words_of_the_card_just_shown_start_no_new_search(demo) -> None:
    user = citizen(demo)
    await user.say("社保卡丢了")
    materials = await user.say("补办要带啥")  # 补办: the card's own words
    assert "【社会保障卡补领、换领、换发】需要的申请材料" in materials
    other = await user.say("低保要什么材料")  # another item's words: that item
    assert "【最低生活保障】需要的申请材料" in other


@pytest.mark.parametrize(
    ("said", "wanted"),
    [("我能不能在手机上交材料", "提交或修改申请材料"), ("你真笨", "0935-3126800")],
)
async def test_submitting_here_and_scolding_the_bot(demo, said: str, wanted: str) -> None:
    reply = await citizen(demo).say(said)
    assert wanted in reply and not kit.is_card_or_list(plain(reply))


async def test_place_names_bindings_and_years_in_plain_words(demo) -> None:
    user = citizen(demo)
    # a village's name alone is its funds, never a binding (binding is said)
    alone = await user.say("红大村")
    assert "已绑定" not in alone and "红大村" in alone
    assert "您还没有绑定" in await user.say("我村资金")
    named = await user.say("我们村是哈溪镇双龙村 扶贫资金多少")  # the place said wins
    assert "双龙村" in named and "75.00" in named
    fund = await user.say("2016年草原补奖有多少钱")  # a year and a fund's short name
    assert "7264.30" in fund
    department = await user.say("2017年民政局")
    assert "5701.9987" in department


@pytest.mark.parametrize("said", ["请问在吗 我想问个事", "我想问个事", "请问一下"])
async def test_words_of_speech_alone_get_what_can_be_asked(demo, said: str) -> None:
    reply = await citizen(demo).say(said)
    assert not kit.is_card_or_list(plain(reply)) and "没有找到" not in reply


async def test_office_hours_asked_before_any_item(demo) -> None:
    reply = await citizen(demo).say("你们几点下班")
    assert "8:30" in reply and "县政务服务中心" in reply and not kit.is_card_or_list(plain(reply))


async def test_an_item_name_alone_is_no_request_an_example_mentions(demo) -> None:
    # 「营业执照」 is only a piece of the example 「营业执照办好了没」: a search, not progress
    # (the name alone names 设立, 变更 and 注销 alike: a choice between them)
    reply = plain(await citizen(demo).say("营业执照"))
    assert "1. 个体工商户设立登记" in reply and "进度" not in reply, reply


@pytest.mark.parametrize(
    ("said", "wanted"),
    [
        ("转个人工吧", "工作人员"),
        ("能帮我挂个号不", "取号"),
        ("我交的低保材料审核了没有", "进度"),
    ],
)
async def test_requests_with_a_word_between(demo, said: str, wanted: str) -> None:
    reply = await citizen(demo).say(said)
    assert wanted in reply and not kit.is_card_or_list(plain(reply))


async def test_ratings_said_with_a_verb_or_a_comment(demo) -> None:
    user = citizen(demo)
    await user.say("低保")
    assert "5分" in await user.say("给个好评")
    await user.say("狗证")
    assert "3分" in await user.say("还行吧 三分")
    await user.say("结婚登记")
    assert "不满意" in await user.say("不咋样")  # as 不怎么样 is said in the northwest
    await user.say("临时救助")
    assert "5分" in await user.say("攒劲的很")  # great, as the northwest says it


async def test_county_totals_and_a_kind_of_project_after_a_place(demo) -> None:
    user = citizen(demo)
    county = await user.say("2016年全县扶贫项目投了多少")
    assert "736.00" in county
    await user.say("上古城村")
    kind = await user.say("搬迁项目呢")
    assert "上古城村" in kind and "260.00" in kind


@pytest.mark.parametrize(
    ("said", "wanted"),
    [
        ("我想找个人问问", "工作人员"),
        ("反映个问题", "0935-3126800"),
        ("给我查一下高龄补贴发了没", "进度"),
        ("我的营业执照什么时候能拿", "进度"),
    ],
)
async def test_more_ways_of_asking_for_people_complaining_and_progress(
    demo, said: str, wanted: str
) -> None:
    reply = await citizen(demo).say(said)
    assert wanted in reply and not kit.is_card_or_list(plain(reply))


@pytest.mark.parametrize(
    ("said", "wanted"),
    [
        ("联系工作人员", "工作人员"),
        ("我要留言", "工作人员"),
        ("你好呀小助手", "自动答复"),
        ("你是机器人还是人", "机器人"),
    ],
)
async def test_more_ways_of_greeting_and_asking_for_a_person(demo, said: str, wanted: str) -> None:
    reply = await citizen(demo).say(said)
    assert wanted in reply and not kit.is_card_or_list(plain(reply))


@pytest.mark.parametrize(
    ("said", "place", "amount"),
    [("窑洞湾村的夏菜基地", "窑洞湾村", "85.00"), ("旦马乡大水村危房改造", "大水村", "120.00")],
)
async def test_a_place_first_then_what_about_it(demo, said: str, place: str, amount: str) -> None:
    reply = await citizen(demo).say(said)
    assert place in reply and amount in reply and not kit.is_card_or_list(plain(reply))


async def test_a_town_named_with_an_item_its_county_and_towns_grant_is_the_towns(demo):
    reply = await citizen(demo).say("打柴沟镇 乡村建设规划许可证")
    assert "【乡村建设规划许可证核发】" in reply and "打柴沟镇人民政府" in reply, reply
    assert "扶贫" not in reply, reply


async def test_a_place_first_then_what_is_to_be_done_there_is_an_items_question(demo) -> None:
    reply = await citizen(demo).say("在打柴沟镇下河东村 想把老房子拆了重盖 要批啥")
    assert "乡村建设规划许可证核发" in reply and "扶贫" not in reply, reply


async def test_a_village_named_picks_its_towns_entry_of_an_item_the_towns_grant(demo) -> None:
    # only the entries of one name were in doubt: the town (here by its village) says which
    reply = await citizen(demo).say("下河东村 盖房子的乡村建设规划许可证核发")
    assert "【乡村建设规划许可证核发】" in reply and "打柴沟镇人民政府" in reply, reply
    reply = await citizen(demo).say("在打柴沟镇下河东村 想把老房子拆了重盖 要批啥")
    assert "打柴沟镇人民政府" in reply and "华藏寺镇人民政府" not in reply, reply


async def test_asking_whether_someone_is_there_then_what_cannot_be_served_is_a_ticket(demo):
    _, sessions = demo
    user = citizen(demo)
    greeted = await user.say("喂喂 有人没有")
    assert "工作人员" in greeted and not kit.is_card_or_list(plain(greeted)), greeted
    ticket = await user.say("我的养老金这个月少了两百")
    assert "工单号" in ticket, ticket
    async with sessions() as session:
        messages = list(await session.scalars(select(Ticket.message)))
    assert "我的养老金这个月少了两百" in messages


async def test_after_asking_whether_someone_is_there_an_item_question_is_answered(demo):
    user = citizen(demo)
    await user.say("有人吗")
    assert "编码：" in await user.say("办身份证")
    # the wish for a person held for one message only
    later = await user.say("查一下我的社保缴费记录")
    assert "工单号" not in later and "甘肃政务服务网" in later, later


async def test_human_said_first_then_a_progress_question_is_a_ticket(demo):
    reply = await citizen(demo).say("人工 我家草原补奖今年咋没到账")
    assert "工单号" in reply, reply


@pytest.mark.parametrize("said", ["tousu", "jubao"])
async def test_a_complaint_in_pinyin(demo, said):
    reply = await citizen(demo).say(said)
    assert "0935-3126800" in reply and "12345" in reply, reply


async def test_a_situation_told_with_complaint_words_before_an_item_question(demo):
    reply = await citizen(demo).say("老伴去世了 我一个人没人管 五保咋申请")
    assert "特困人员救助供养" in reply and "监督投诉电话" not in reply, reply
    # the same words with no question after them stay a complaint
    assert "0935-3126800" in await citizen(demo).say("窗口没人管")


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("身份证咋办", "居民身份证办理"),  # not 居民身份证挂失申报、丢失招领
        ("个体的营业执照咋办", "个体工商户设立登记"),  # not 注销 or 变更
    ],
)
async def test_how_to_do_a_thing_is_the_item_for_getting_it(demo, said, name):
    reply = await citizen(demo).say(said)
    assert reply.startswith(f"（演示数据）【{name}"), reply


async def test_a_paper_found_is_the_lost_and_found_item(demo):
    # 身份证 is a keyword of 居民身份证办理 and in the name of the lost-and-found item; 捡了
    # (found) is the finder's side of a loss: 丢失招领
    reply = plain(await citizen(demo).say("捡了个身份证交给谁"))
    assert reply.startswith("（演示数据）【居民身份证挂失申报、丢失招领】"), reply


async def test_a_measure_word_that_is_part_of_a_word(demo):
    # 口 of 户口 is not the measure word of 打口井
    reply = await citizen(demo).say("户口想迁到天祝来咋办")
    assert reply.startswith("（演示数据）【户口迁移审批】"), reply


@pytest.mark.parametrize(
    ("said", "place"),
    [("村代码620623203201", "圈湾村"), ("哈溪镇扶贫资金2016", "哈溪镇（含所辖各村）")],
)
async def test_a_code_after_its_name_and_a_town_whose_name_holds_a_filler(demo, said, place):
    reply = await citizen(demo).say(said)
    assert place in reply and "应为" not in reply, reply


async def test_a_dog_registered_in_plain_words(demo):
    # 狗 is written 犬只 and 上户口 登记 when the words as said find nothing sure
    reply = await citizen(demo).say("家里狗要上户口")
    assert reply.startswith("（演示数据）【犬类准养证核发】"), reply


async def test_how_many_of_a_thing_is_left_out_when_search_is_then_sure(demo):
    # 一眼 counts the well; 打井 is the water-drawing permit
    reply = await citizen(demo).say("想在地里打两眼机井 要批吗")
    assert reply.startswith("（演示数据）【取水许可证新办审批】"), reply


async def test_a_story_in_several_clauses_gets_the_item_its_clauses_point_to(demo):
    # each clause alone leads with the allowance: the words of the story do not make it a guess
    story = "我们家老汉今年都八十二了，听村上人说有个啥高龄的补贴，一直没领过，这个咋领呢"
    reply = await citizen(demo).say(story)
    assert "【80周岁以上老年人高龄津贴发放】" in reply and "您是不是想找" not in reply, reply
    # one clause about what the catalogue lacks stays a guess to tap
    guess = plain(await citizen(demo).say("老年证在哪办"))
    assert "编码：" not in guess and "【" not in guess.splitlines()[0], guess


async def test_several_things_asked_together_are_listed_in_the_order_said(demo):
    # each joined part names its item; the way the clause asks (变更) holds for each
    reply = plain(await citizen(demo).say("营业执照跟农药经营许可证都要变更"))
    lines = reply.splitlines()
    assert lines[1].startswith("1. 个体工商户变更登记"), reply
    assert lines[2].startswith("2. 农药经营许可证变更"), reply
    both = plain(await citizen(demo).say("我想问问低保和临时救助"))
    assert "1. 最低生活保障" in both and "2. 临时救助" in both, both
    # a clause beginning with 又要 is asked together with the one before it
    apart = plain(await citizen(demo).say("身份证丢了，又要办户口迁移 咋整"))
    assert "1. 居民身份证" in apart and "2. 户口迁移审批" in apart, apart
    # things listed with the enumeration comma, the question said with the last
    three = plain(await citizen(demo).say("低保、临时救助、特困供养都要啥材料"))
    assert "3. 特困人员救助供养" in three and "1. 最低生活保障" in three, three
    # an item's own name with 、 in it is still that item
    own = await citizen(demo).say("社会保障卡补领、换领、换发")
    assert own.startswith("（演示数据）【社会保障卡补领、换领、换发】"), own


async def test_things_asked_together_go_the_way_the_story_says_and_hearsay_still_joins(demo):
    # the way (搬家: 变更) is said in the story before the things; 农药证 alone names no one
    # item, but one of its results goes that way
    moved = plain(await citizen(demo).say("铺子挪了地方 执照跟农药证要不要都改"))
    assert "1. 个体工商户变更登记" in moved and "2. 农药经营许可证变更" in moved, moved
    # 「听说还要…」 joins as 「还要…」 does; each part is searched in plain words
    heard = plain(await citizen(demo).say("买了楼房要迁户口 听说还要交房子的维修基金 咋弄"))
    assert "1. 户口迁移审批" in heard and "住宅专项维修资金交存" in heard, heard


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("打算在院子里打口井 要啥手续", "【取水许可证新办审批】"),
        ("地里打了一眼机井 要办证吗", "【取水许可证新办审批】"),
    ],
)
async def test_a_plan_said_and_a_pumped_well_are_the_wells_item(demo, said, expected):
    assert expected in await citizen(demo).say(said)


async def test_the_one_clause_that_names_an_item_clearly_answers_a_story(demo):
    # searched whole, the first clause's 要在草山上 drew 草原上野外用火 ahead; the second clause
    # alone is clearly about building on grassland
    reply = await citizen(demo).say("要在草山上修条路 得占草原")
    assert reply.startswith("（演示数据）【建设项目使用草原审批】"), reply
    # a clause saying only what to do with something (交给谁) names no item of its own
    found = await citizen(demo).say("在路边捡到别人一张身份证 交给谁呀")
    assert "维修资金" not in found, found


@pytest.mark.parametrize(
    ("said", "card"),
    [
        ("补领结婚证", "补领结婚证"),  # holds 领结婚证, a keyword of 婚姻登记
        (
            "社保卡补办",
            "社会保障卡补领、换领、换发",
        ),  # 社保卡 is 申领's keyword, 补办 is not its way
        ("教师资格证书补发", "教师资格证书补发、换发"),  # 教师资格证 is 认定's keyword
    ],
)
async def test_the_item_whose_name_is_said_beats_a_keyword_inside_it(demo, said, card):
    reply = await citizen(demo).say(said)
    assert reply.startswith(f"（演示数据）【{card}】"), reply


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("困难残疾人生活补贴", "啥样的人能领", "低保证明"),  # conditions unpublished: materials
        ("寺院登记", "这个归哪个部门管", "民族宗教事务局"),
        ("结婚登记", "女的多大岁数才能领", "女年满20周岁"),
        ("个体户执照怎么办", "我去不了 让我儿子代办行不", "授权委托书"),
        ("河道采砂许可", "现在能办吗", "暂停办理"),
        ("河道采砂许可", "暂停的原因", "可采期"),
        ("住宅专项维修资金交存", "为啥不能办", "系统升级"),
    ],
)
async def test_more_follow_ups_on_the_item_just_shown(demo, first, follow_up, expected):
    user = citizen(demo)
    await user.say(first)
    reply = await user.say(follow_up)
    assert expected in reply and "找到以下事项" not in reply, reply


async def test_a_question_after_a_list_of_one_is_about_that_one(demo):
    user = citizen(demo)
    offered = plain(await user.say("挖沙子的采砂证"))
    assert offered.startswith("您是不是想找") and len(re.findall(r"^\d\. ", offered, re.M)) == 1
    reply = await user.say("要什么材料")
    assert "【河道采砂许可】需要的申请材料" in reply, reply


async def test_a_suspended_item_is_marked_in_a_guess_list_and_says_until_when(demo):
    user = citizen(demo)
    offered = plain(await user.say("挖沙子的采砂证"))
    assert "【暂停】河道采砂许可" in offered, offered
    reply = await user.say("啥时候能恢复")
    assert "暂停办理" in reply and "可采期" in reply and "0935-" in reply, reply
    # an item received as usual says so
    await user.say("办身份证")
    assert "正常受理" in await user.say("为啥停了")


@pytest.mark.parametrize("said", ["有没有人工客服啊", "能不能叫你们的人给我回个电话"])
async def test_asking_for_a_person_in_other_words(demo, said):
    reply = await citizen(demo).say(said)
    assert "一句话说明" in reply, reply


async def test_our_village_only_saying_whose_is_an_item_question(demo):
    reply = await citizen(demo).say("我们村的寺院想登记一下 该咋办")
    assert "宗教活动场所登记审批" in reply and "绑定" not in reply, reply


async def test_a_verdict_after_a_comment_is_a_rating(demo):
    user = citizen(demo)
    await user.say("高龄津贴")
    reply = await user.say("说得很清楚 给你个五星好评")
    assert "没有找到" not in reply and ("谢谢" in reply or "感谢" in reply), reply


async def test_a_step_item_named_beyond_the_event_words_is_that_item(demo):
    # 刚…出生 is heard spread out (孩子出生), but 出生证明 is the step item's own keyword
    reply = await citizen(demo).say("娃娃刚生下来 出生证明在哪开")
    assert reply.startswith("（演示数据）【《出生医学证明》首次签发】"), reply


async def test_a_fund_asked_for_the_whole_county_with_what_was_allocated(demo):
    reply = await citizen(demo).say("2017年全县低保资金一共拨了多少")
    assert "5701.9987" in reply and "您是不是想找" not in reply, reply


async def test_this_village_then_the_kind_of_allocation(demo):
    user = citizen(demo)
    await user.say("炭山岭村扶贫车间开工了没有")
    reply = await user.say("这个村2017年到村资金多少")
    assert "炭山岭村" in reply and "71.00" in reply, reply


async def test_binding_by_the_village_code(demo):
    user = citizen(demo)
    bound = await user.say("绑定村 620623208202")
    assert "泉台村" in bound, bound
    assert "116.00" in await user.say("我村资金")


async def test_asking_which_items_there_are_gets_the_list(demo):
    reply = plain(await citizen(demo).say("残疾人补贴有哪些"))
    assert "困难残疾人生活补贴" in reply and "重度残疾人护理补贴" in reply, reply
    assert "编码：" not in reply


async def test_an_entry_of_the_list_described_rather_than_named(demo):
    user = citizen(demo)
    await user.say("草原")
    reply = await user.say("修路占草原那个")
    assert reply.startswith("（演示数据）【建设项目使用草原审批】"), reply


async def test_an_entry_described_in_words_of_speech(demo):
    # 「伺候」 is how people say what the catalogue calls 护理 (phrases.json `colloquial`)
    user = citizen(demo)
    await user.say("残疾人补贴有哪些")
    reply = await user.say("要人伺候的那个")
    assert reply.startswith("（演示数据）【重度残疾人护理补贴】"), reply


async def test_whether_a_paper_the_card_lists_is_needed_stays_on_the_card(demo):
    # 出生医学证明 lists 结婚证 (not required): asking about it is about the card, not 婚姻登记
    user = citizen(demo)
    await user.say("出生证明")
    reply = await user.say("还没领结婚证 需要结婚证不")
    assert reply.startswith("（演示数据）【《出生医学证明》首次签发】"), reply
    assert "结婚证" in reply
    # a paper said with more than a question about it is a new search
    user = citizen(demo)
    await user.say("结婚登记")
    lost = await user.say("身份证丢了")
    assert "【中国内地公民婚姻登记】" not in lost, lost
    other = await user.say("办身份证")
    assert "【中国内地公民婚姻登记】" not in other, other


async def test_a_long_keyword_said_in_a_long_sentence_is_the_answer(demo):
    # 卫生许可证 is a keyword of 公共场所卫生许可 (5 characters, said as written): the card,
    # though the rest of the sentence leaves search unsure
    reply = await citizen(demo).say("想在镇上开个小旅店 是不是要办卫生许可证")
    assert reply.startswith("（演示数据）【公共场所卫生许可新办审批（县级）】"), reply
    # a run of an item's name is not a keyword: a licence the county does not list stays a guess
    guess = await citizen(demo).say("危险化学品经营许可证咋办")
    assert not guess.startswith("（演示数据）【"), guess


async def test_lingzheng_is_how_people_say_getting_married(demo):
    # 「领证」 (phrases.json `colloquial` → 领结婚证, a keyword of 婚姻登记)
    reply = await citizen(demo).say("我们俩下个月打算领证，去哪里领呀")
    assert reply.startswith("（演示数据）【中国内地公民婚姻登记】"), reply


@pytest.mark.parametrize(
    ("said", "phone"),
    [
        ("给我查一下高龄补贴发了没", "0935-3121306"),  # the item named: 民政's window
        ("个体执照交上去半个月了审批到哪了", "0935-3121101"),
        ("社保卡补办能不能在这预约", "0935-3121205"),
        ("我的申请办到哪一步了", "12345"),  # nothing named, nothing shown: the hotline
    ],
)
async def test_what_cannot_be_served_here_says_whom_to_ask(demo, said: str, phone: str) -> None:
    reply = await citizen(demo).say(said)
    assert phone in reply and not kit.is_card_or_list(plain(reply)), reply


async def test_asking_where_to_hand_in_the_papers_is_a_question_about_the_place(demo):
    user = citizen(demo)
    await user.say("最低生活保障")
    reply = await user.say("材料去哪个窗口交")
    assert "窗口" in reply and "不能交费" not in reply, reply


@pytest.mark.parametrize(
    ("said", "department"),
    [
        ("0935-3121306是哪个单位的电话", "民政局"),
        ("请问3122231这个号码是哪里的", "扶贫开发办公室"),
        ("09353121101是谁的电话", "市场监督管理局"),
    ],
)
async def test_a_phone_number_asked_about_in_words_says_whose_it_is(demo, said, department):
    answer = await citizen(demo).say(said)
    assert department in answer and "32位" not in answer and not kit.is_card_or_list(answer), answer


async def test_plain_praise_in_two_clauses_or_reduplicated_rates_the_card(demo):
    user = citizen(demo)
    await user.say("结婚登记")
    assert "谢谢您的评价（4分）" in await user.say("挺好的 有用")
    await user.say("办身份证")
    assert "谢谢您的评价（5分）" in await user.say("明明白白")


async def test_a_paper_asked_right_after_a_card_is_about_its_materials(demo):
    user = citizen(demo)
    await user.say("困难残疾人生活补贴")
    answer = await user.say("残疾证也要带吗")  # 残疾证 is also a life event's trigger
    assert "需要的申请材料" in answer and "第二代残疾人证" in answer, answer
    await user.say("高龄津贴")
    assert "社会保障卡或“一卡通”账户" in await user.say("社保卡要不要带")
    await user.say("临时救助")
    assert "致困原因相关证明" in await user.say("要带啥证明")  # not 出生医学证明


async def test_a_matter_asked_as_a_whole_lists_its_items_and_one_is_described_with_a_question(
    demo,
):
    user = citizen(demo)
    listed = await user.say("结婚证相关的都有啥")
    assert "中国内地公民婚姻登记" in listed and "补领结婚证" in listed, listed
    answer = await user.say("补领的那个在哪办")
    assert "【补领结婚证】" in answer and "办理地点" in answer, answer


async def test_complaints_of_an_empty_window_or_a_broken_promise(demo):
    user = citizen(demo)
    for said in ("下午去的 窗口一个人也没有", "说好这个月发 到现在没发 骗人"):
        answer = await user.say(said)
        assert "0935-3126800" in answer and "人工" in answer, answer


async def test_two_things_said_in_one_message_are_offered_in_the_order_said(demo):
    answer = await citizen(demo).say("我被辞退了 社保卡也弄丢了 想领失业金咋办")
    card, benefit = answer.find("社会保障卡补领"), answer.find("失业保险金申领")
    assert 0 <= card < benefit, answer


async def test_a_list_entry_picked_by_the_way_it_goes(demo):
    user = citizen(demo)
    await user.say("社保卡")
    assert plain(await user.say("卡丢了的")).startswith(
        "（演示数据）【社会保障卡补领、换领、换发】"
    )
    await user.say("结婚证的事")
    assert plain(await user.say("要补办的")).startswith("（演示数据）【补领结婚证】")


async def test_a_town_said_then_pointed_at_again_picks_its_entry(demo):
    user = citizen(demo)
    await user.say("农村建房审批")
    picked = plain(await user.say("俺是打柴沟镇的 镇里办的那个"))
    assert picked.startswith("（演示数据）【乡村建设规划许可证核发】") and "打柴沟镇" in picked


async def test_guesses_sharing_only_a_way_with_the_words_are_no_help(demo):
    # 到期 → 延续 names how a licence goes on, not which licence: no other licence offered
    reply = plain(await citizen(demo).say("导游证到期了要换新的"))
    assert "没有找到" in reply and "回复序号" not in reply, reply
    # a matter known to be handled outside the catalogue says who handles it instead
    passport = plain(await citizen(demo).say("护照到期了要换新的"))
    assert "公安局" in passport and "回复序号" not in passport, passport


async def test_a_matters_procedures_naming_no_way_list_its_items(demo):
    # 「…的手续」 with no way named asks about the matter as a whole; 「…咋办」 how to get it
    listed = plain(await citizen(demo).say("社保卡的手续"))
    assert "社会保障卡申领" in listed and "社会保障卡补领、换领、换发" in listed
    assert "回复序号" in listed
    card = plain(await citizen(demo).say("社保卡咋办"))
    assert card.startswith("（演示数据）【社会保障卡申领】"), card


async def test_one_character_heard_by_its_sound_beside_a_question_names_nothing(demo):
    user = citizen(demo)
    await user.say("办身份证")
    answer = await user.say("走的流程是啥样")  # 样 sounds as 养 of 养殖小区: not a search
    assert "【居民身份证办理（包括临时）】办理流程" in answer, answer


async def test_a_wrongdoing_reported_is_answered_with_whose_business_it_is(demo):
    answer = await citizen(demo).say("有人偷偷在林子里砍树 往哪举报")
    assert "【对盗伐滥伐森林或者其他林木的处罚】" in answer and "0935-3121618" in answer, answer
    assert "人工" in answer
    service = await citizen(demo).say("我要举报 窗口的人吃拿卡要")  # the service itself
    assert "对办事有意见" in service and "【" not in service, service


async def test_an_office_named_after_a_list_picks_its_item_itself_not_its_extension(demo):
    # 县自然资源局 grants both 核发 and its 延期: no way said, the item itself
    user = citizen(demo)
    await user.say("乡村建设规划许可证")
    asked = await user.say("电话多少")
    assert "哪一个" in asked, asked
    reply = await user.say("县上自然资源局那个")
    assert "0935-3121522" in reply and "620623000000DM62013500XK00006001" in reply, reply


async def test_how_many_kinds_lists_every_item_of_the_thing(demo):
    # fillers and spaces leave 变更 below the others; asked how many kinds, it is one of them
    user = citizen(demo)
    reply = plain(await user.say("嗯 我问一下那个个体户 登记的 有几种"))
    for name in ("个体工商户设立登记", "个体工商户注销登记", "个体工商户变更登记"):
        assert name in reply, reply
    assert "【个体工商户变更登记（备案）】" in await user.say("三")


async def test_a_paper_asked_of_every_entry_is_answered_for_each(demo):
    user = citizen(demo)
    await user.say("身份证")
    reply = await user.say("都要带户口本吗")
    assert "1. 居民身份证办理（包括临时）：要，申请材料有“居民户口簿”" in reply, reply
    assert reply.count("：要，") == 2, reply
    # the numbers still open the entries
    assert "【居民身份证挂失申报、丢失招领】" in await user.say("2")


async def test_a_first_application_asked_after_a_card_stays_on_its_thing(demo):
    user = citizen(demo)
    await user.say("燃气经营")
    assert "【燃气经营许可证新办】" in await user.say("新办")
    assert "15个工作日" in await user.say("要几天")
    await user.say("个体工商户注销登记")
    assert "【个体工商户设立登记】" in await user.say("新办")


@pytest.mark.parametrize(
    "said",
    ["老伴前几天过世了 他领的高龄津贴怎么办", "姥爷上礼拜没了 高龄补贴还要去办啥"],
)
async def test_a_death_told_with_a_benefit_gets_what_its_guide_says_of_one(demo, said):
    reply = await citizen(demo).say(said)
    assert "【80周岁以上老年人高龄津贴发放】" in reply and "去世后停止发放" in reply, reply


async def test_right_after_a_benefits_card_a_death_asked_of_it_is_about_the_card(demo):
    user = citizen(demo)
    await user.say("高龄补贴")
    reply = await user.say("人没了还给发吗")
    assert "【80周岁以上老年人高龄津贴发放】" in reply and "去世后停止发放" in reply, reply
    # what the death brings otherwise is the life event's checklist
    assert "「家人去世」" in await user.say("老人去世了 后事咋办")


async def test_who_may_apply_asked_of_the_card_in_plain_words(demo):
    user = citizen(demo)
    await user.say("办营业执照")
    assert "办理条件：有经营能力的公民" in await user.say("外地人能办吗")
    await user.say("高龄补贴")
    assert "年满80周岁以上" in await user.say("我能领吗")


async def test_when_a_benefit_is_paid_asked_in_dialect(demo):
    user = citizen(demo)
    await user.say("高龄补贴")
    reply = await user.say("这钱多会儿发")
    assert "按月发放" in reply and "回复序号" not in reply, reply


async def test_no_death_told_adds_no_note_on_one(demo):
    reply = await citizen(demo).say("高龄补贴怎么领")
    assert "去世后停止发放" not in reply, reply


async def test_a_score_then_why_is_a_rating(demo):
    user = citizen(demo)
    await user.say("重度残疾人护理补贴")
    reply = await user.say("3分 说得不太清楚")
    assert "您的评价" in reply and not kit.is_card_or_list(reply), reply


async def test_the_askers_town_after_a_checklist_gives_the_towns_own_entry(demo):
    user = citizen(demo)
    await user.say("村里盖房子要办哪些手续")
    reply = await user.say("我家在打柴沟镇 找谁问")
    assert "0935-3151002" in reply, reply


@pytest.mark.parametrize("follow_up", ["向谁申请", "找谁办理"])
async def test_whom_to_apply_to_is_where_it_is_handled(demo, follow_up):
    user = citizen(demo)
    await user.say("特困供养")
    reply = await user.say(follow_up)
    assert "乡镇人民政府" in reply, reply


async def test_only_one_child_said_plainly_is_the_family_planning_reward(demo):
    reply = await citizen(demo).say("我俩就一个儿子 都是农村的 过了六十岁 国家给不给钱")
    assert "农村部分计划生育家庭奖励扶助金" in reply, reply


async def test_a_record_changed_to_someones_name_is_no_binding(demo):
    answer = await citizen(demo).say("房产证上的名字改成我闺女的 你们帮我改一下")
    assert "绑定" not in answer and "不能" in answer and not kit.is_card_or_list(answer), answer
    bound = await citizen(demo).say("改成红大村")
    assert "红大村" in bound, bound


async def test_the_next_question_after_a_matter_reported_is_about_its_item(demo):
    user = citizen(demo)
    await user.say("跟邻居地界扯不清 这事政府管不管")
    reply = await user.say("要多久能裁决")
    assert "【土地权属争议裁决】" in reply and "时限" in reply, reply


async def test_treating_animals_in_the_village_is_the_village_vet(demo):
    reply = await citizen(demo).say("在村上给牲畜看病十几年了 想办个正规的")
    assert "乡村兽医登记备案" in reply, reply


async def test_a_paper_lost_whose_report_says_get_a_new_one_lists_both_in_order(demo):
    user = citizen(demo)
    reply = plain(await user.say("身份证叫人偷了 咋整"))
    assert "1. 居民身份证挂失申报、丢失招领" in reply and "2. 居民身份证办理" in reply, reply
    # the new one asked of the list is the paper's own 办理, not its loss report
    again = await user.say("补一个新的要几天")
    assert again.startswith("（演示数据）【居民身份证办理（包括临时）】") and "时限" in again, again
    # the loss report alone is asked: its card
    only = await citizen(demo).say("身份证丢了 在哪挂失")
    assert only.startswith("（演示数据）【居民身份证挂失申报、丢失招领】"), only


@pytest.mark.parametrize("said", ["草原上的事", "草原上有哪些事项"])
async def test_the_items_of_a_thing_asked_with_where_on_it_are_all_of_them(demo, said):
    # 「草原上」 says where on the grassland; 草原 is the thing every item of it names
    reply = plain(await citizen(demo).say(said))
    assert "建设项目使用草原审批" in reply and "草原等级评定" in reply, reply


async def test_follow_ups_in_more_words(demo) -> None:
    user = citizen(demo)
    await user.say("出生医学证明")
    assert "出院前签发" in await user.say("啥时候能拿上")  # when, not an application's progress
    assert "出院前签发" in await user.say("啥时候给发")
    lost = await user.say("社保卡不知道丢哪了")
    assert lost.startswith("（演示数据）【社会保障卡补领、换领、换发】"), lost
    first = await user.say("第一步先干啥")
    assert "办理流程" in first and "挂失" in first, first
    await user.say("户口迁移审批")
    form = await user.say("那个表去哪拿")
    assert "户口迁移申请表（可在窗口领取或网上下载）" in form, form
    await user.say("临时救助")
    assert "6号窗口" in await user.say("找哪里申请")


async def test_a_things_matters_as_a_whole_and_codes_of_offices_and_villages(demo) -> None:
    user = citizen(demo)
    listed = await user.say("结婚证的事情")  # 结婚证: a keyword of 婚姻登记, in 补领结婚证's name
    assert "1. " in plain(listed) and "补领结婚证" in listed and "婚姻登记" in listed, listed
    listed = await user.say("个体户的几个事项")
    assert "个体工商户注销登记" in listed and "个体工商户设立登记" in listed, listed
    office = await user.say("统一社会信用代码11620623DM62018444是哪个单位")
    assert office.startswith("11620623DM62018444 是天祝藏族自治县扶贫开发办公室的统一社会信用代码")
    assert "0935-3122231" in office
    village = await user.say("我们村代码是620623111203 有啥扶贫项目")
    assert "【抓喜秀龙镇 代乾村 扶贫资金和项目】" in village, village


async def test_an_item_pointed_back_at_and_requests_for_the_account_to_issue_or_rule(demo) -> None:
    user = citizen(demo)
    await user.say("办身份证")
    await user.say("社保卡咋办")  # its materials list 居民身份证
    back = await user.say("之前身份证那个要带啥")
    assert back.startswith("（演示数据）【居民身份证办理（包括临时）】需要的申请材料"), back
    issued = await user.say("你帮我办个临时身份证 明天就要用")
    # not done here; how to apply oneself: the item's guide (临时居民身份证当场办理)
    assert issued.startswith("这里不能替您提交申请"), issued
    assert "【居民身份证办理（包括临时）】" in issued and "当场办理" in issued, issued
    ruling = await user.say("我家那个地界纠纷的裁决啥时候出结果")
    assert "不能查办件进度" in ruling and "“土地权属争议裁决”由" in ruling, ruling


async def test_clauses_sharing_one_character_with_a_doubtful_guess_do_not_make_it_sure(demo):
    # each clause leads with 《出生医学证明》首次签发 by 出 alone: no card for a passport
    reply = await citizen(demo).say("出门打工要的那个本本 出入境办的")
    assert "【《出生医学证明》首次签发】" not in reply, reply
    # clauses that say words of the guess (种子, 备个案) still agree on it
    seeds = await citizen(demo).say("在村里帮人代卖蔬菜种子，要去农业局备个案吗")
    assert "【农作物种子经营备案】" in seeds, seeds


async def test_a_bodys_part_of_a_code_lists_that_bodys_items(demo):
    user = citizen(demo)
    body = plain(await user.say("DM62010780"))  # 市场监管局's organisation code and its 0
    assert "不完整" in body and "您发的是10位" in body, body
    assert "个体工商户设立登记" in body and "最低生活保障" not in body, body
    assert "编码：620623000000DM62010780—" in await user.say("1")


async def test_a_main_items_code_offers_its_sub_items(demo):
    user = citizen(demo)
    main = plain(await user.say("620623000000DM62013500XK00006000"))
    assert main.startswith("（演示数据）【乡村建设规划许可】"), main
    assert "这是主项" in main and "(办理《乡村建设规划许可证》延期使用)" in main
    assert "（打柴沟镇政府）" in main, main
    picked = await user.say("4")
    assert "打柴沟镇人民政府便民服务中心" in picked, picked
    # a sub-item's own code is its card
    sub = await citizen(demo).say("620623000000DM620149X0XK00004002")
    assert "【农药经营许可证延续（其他农药）】" in sub and "这是主项" not in sub, sub


async def test_a_few_words_of_one_entry_with_a_question_pick_it(demo):
    user = citizen(demo)
    await user.say("草原")
    answer = await user.say("评等级的要多久")
    assert "【草原等级评定(县级)】" in answer and "承诺办结时限：45日" in answer, answer


async def test_a_question_to_tell_the_entries_apart_answers_each(demo):
    user = citizen(demo)
    await user.say("营业执照")
    apart = plain(await user.say("这几个有啥区别"))
    assert "1. 个体工商户设立登记：行政许可，县市场监管局；有经营能力的公民" in apart, apart
    assert "3. 个体工商户变更登记（备案）" in apart, apart
    fastest = plain(await user.say("哪个最快"))
    assert "这几项的办理时限" in fastest and "法定办结时限：10个工作日" in fastest, fastest
    assert "【个体工商户注销登记】" in await user.say("2")  # the numbers still open them
    # two things named of their own are no entries told apart
    other = citizen(demo)
    await other.say("营业执照")
    assert "这几项" not in await other.say("身份证和户口本有啥区别")


async def test_a_question_of_all_the_entries_answers_each(demo):
    user = citizen(demo)
    await user.say("准备开个饭馆")
    online = plain(await user.say("这些都能在网上办吗"))
    assert online.startswith("这几项的能不能网上办："), online
    assert "1. 个体工商户设立登记：" in online, online
    together = plain(await user.say("全部办下来总共要多久"))
    assert "这几项的办理时限" in together and together.count("法定办结时限") >= 2, together
    assert "【个体工商户设立登记】" in await user.say("1")  # the numbers still open them
    none = citizen(demo)
    await none.say("营业执照")
    assert "这几项" not in await none.say("都不是")


async def test_what_cannot_be_served_of_a_matter_outside_the_catalogue_says_who_handles_it(demo):
    answer = await citizen(demo).say("我的养老金怎么还没到账")
    assert "不能" in answer and "人力资源和社会保障局" in answer, answer
    assert "12333" in answer and "人工" in answer and not kit.is_card_or_list(answer), answer


@pytest.mark.parametrize("said", ["我上周交的申请想改一下", "申请表填错了能改吗", "我想撤回申请"])
async def test_changing_or_withdrawing_an_application_is_done_at_the_window(demo, said):
    answer = await citizen(demo).say(said)
    assert "提交或修改申请材料" in answer and "人工" in answer, answer
    assert not kit.is_card_or_list(answer), answer


async def test_money_not_arrived_after_a_benefits_card_is_asked_of_its_office(demo):
    user = citizen(demo)
    assert "【80周岁以上老年人高龄津贴发放】" in await user.say("高龄津贴")
    answer = await user.say("我爸的钱这个月咋没发")
    assert "不能" in answer and "民政局办理，窗口电话：0935-3121306" in answer, answer
    assert not kit.is_card_or_list(answer), answer


async def test_an_offices_code_without_its_dash_and_questions_of_that_office_next(demo) -> None:
    user = citizen(demo)
    office = await user.say("组织机构代码DM6201078是啥单位")  # 县市场监管局, no dash
    assert office.startswith("DM6201078 是天祝藏族自治县市场监督管理局的组织机构代码"), office
    hours = await user.say("他们几点上班")
    assert "市场监督管理局" in hours and "办公时间" in hours, hours
    assert not kit.is_card_or_list(hours), hours
    funds = await user.say("该局有专项资金吗")  # it has none: said so, with the years' list
    assert "市场监管局名下没有公开的专项资金" in funds, funds
    # after an item's card, 「在哪」 is the card's again, not the office's
    await user.say("民政局电话")
    await user.say("临时救助")
    assert "【临时救助】" in await user.say("在哪")


async def test_a_service_number_asked_about_is_explained(demo) -> None:
    county = await citizen(demo).say("12345这个号码是干嘛的")
    assert "政务服务便民热线" in county and not kit.is_card_or_list(county), county
    national = await citizen(demo).say("12393是什么电话")
    assert "医疗保障服务热线" in national and "12345" in national, national
    # a complaint about calling it is still a complaint
    assert "0935-3126800" in await citizen(demo).say("打12345也没人管")


async def test_a_village_code_of_the_county_that_no_place_has(demo) -> None:
    user = citizen(demo)
    answer = await user.say("620623115999")
    assert "没有代码为 620623115999 的乡镇或村" in answer and "人工" in answer, answer
    assert "工单" in await user.say("人工")  # what was asked goes with it


async def test_posting_asked_of_a_card_whose_guide_posts_papers(demo) -> None:
    user = citizen(demo)
    await user.say("犬类准养证")
    asked = await user.say("证办下来可以快递给我吗")  # 快递: the guide's 邮寄
    assert "免费邮寄送达" in asked, asked
    await user.say("犬类准养证")
    answer = await user.say("能寄到家不")  # asking this account to send it
    assert "这里不能安排邮寄" in answer and "免费邮寄送达" in answer, answer
    assert "0935-3121410" in answer and not kit.is_card_or_list(answer), answer


@pytest.mark.parametrize(
    ("said", "said_back"),
    [
        ("营业执照的钱能扫码付吗", "不能交费"),
        ("我的低保申请被驳回了 为什么不批", "办件进度"),
    ],
)
async def test_paying_here_and_why_an_application_was_turned_down(demo, said, said_back) -> None:
    answer = await citizen(demo).say(said)
    assert said_back in answer and "人工" in answer and not kit.is_card_or_list(answer), answer


async def test_entries_named_by_number_told_apart_and_one_counted_from_the_end(demo):
    user = citizen(demo)
    await user.say("营业执照")
    two = plain(await user.say("1跟3有啥不一样"))
    assert "1. 个体工商户设立登记：" in two and "3. 个体工商户变更登记（备案）：" in two, two
    assert "2. " not in two, two
    where = await user.say("倒数第二个在哪里办")
    assert "【个体工商户注销登记】" in where and "1—3号窗口" in where, where


@pytest.mark.parametrize(("said", "level"), [("你这个回答不行", "不满意"), ("你讲的很清楚", "5分")])
async def test_a_verdict_said_of_your_answer_rates_it(demo, said, level):
    user = citizen(demo)
    await user.say("临时救助")
    assert level in await user.say(said)


async def test_asked_which_languages_it_answers_in(demo):
    answer = await citizen(demo).say("有藏语服务没有")
    assert "汉字" in answer and "人工" in answer and not kit.is_card_or_list(answer), answer


async def test_an_abolished_items_words_said_with_another_items_are_said_abolished(demo):
    # search is sure of 终审审批 for 网吧…审批; the words 筹建审批 are the abolished item's
    answer = await citizen(demo).say("开网吧的筹建审批在哪办")
    assert "筹建审批」已于" in answer and "取消" in answer and not kit.is_card_or_list(answer)


async def test_a_house_changed_into_a_guesthouse_binds_no_village(demo):
    answer = await citizen(demo).say("我在天堂镇想把老房子改成民宿接待游客，要办啥手续")
    assert "已绑定" not in answer, answer
    bound = await citizen(demo).say("改成天堂镇大湾村")  # a change said with a place still binds
    assert bound.startswith("已绑定：天堂镇 大湾村"), bound


async def test_a_paper_the_card_needs_that_no_item_here_issues(demo):
    user = citizen(demo)
    await user.say("犬类准养证核发")
    answer = await user.say("狂犬病免疫证明去哪开")
    assert "犬只狂犬病免疫证明" in answer and "目录里没有办理它的事项" in answer, answer
    assert "0935-3121410" in answer and "人工" in answer and not kit.is_card_or_list(answer)
    # a form the window hands out is the guide's to say
    await user.say("最低生活保障")
    form = await user.say("申请书在哪领")
    assert "目录里没有" not in form, form


@pytest.mark.parametrize(
    ("said", "office"),
    [("户口本丢了咋办", "公安局"), ("健康证在哪办", "卫健局"), ("银行卡丢了怎么挂失", "开户银行")],
)
async def test_matters_the_catalogue_does_not_hold_say_whom_to_ask(demo, said, office):
    answer = await citizen(demo).say(said)
    assert "不在本县政务服务事项目录里" in answer and office in answer, answer
    assert not kit.is_card_or_list(answer)
