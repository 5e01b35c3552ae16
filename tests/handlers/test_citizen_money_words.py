"""Funds, poverty records, binding and ratings in the words citizens and village officials
use (document numbers, village codes, 「这个村」, a fund's 申报/评审/分配, praise before a
rating), through the real webhook on the demo catalogue."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from catalogue.demo.data import DEMO_FILE
from handlers.citizen import parsing
from handlers.citizen.amounts import wan
from handlers.citizen.ratings import level_score
from tests.kits import citizen as kit


# A new follower each call (id(object()) repeats once an object's address is reused).
def citizen(demo) -> kit.WeChatUser:
    return kit.new_follower(demo, "o_money")


DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def fund(year: int, words: str) -> dict:
    [row] = [f for f in DEMO["funds"] if f["budget_year"] == year and words in f["project_name"]]
    return row


async def test_a_county_fund_total_in_plain_words_is_the_fund_row(demo):
    answer = await citizen(demo).say("2017年全县低保资金一共拨了多少")
    assert fund(2017, "最低生活保障")["budget_amount"] in answer, answer
    assert "编码：" not in answer


async def test_how_to_apply_for_a_fund_gives_its_published_guide(demo):
    answer = await citizen(demo).say("牦牛藏羊产业发展资金咋申报，截止到啥时候")
    guide = fund(2017, "牦牛藏羊")["application_guide"]
    assert "申报指南" in answer and guide in answer, answer
    assert not kit.is_card_or_list(answer)


async def test_whether_a_fund_is_allocated_competitively_is_answered_from_its_row(demo):
    answer = await citizen(demo).say("牦牛藏羊那个产业资金是竞争性分配吗")
    assert "分配方式：竞争性分配" in answer and "535.10" in answer, answer
    answer = await citizen(demo).say("低保资金是竞争性分配的吗")
    assert "分配方式：不是竞争性分配" in answer, answer


async def test_after_a_fund_its_review_and_allocation_are_asked_in_plain_words(demo):
    user = citizen(demo)
    await user.say("2016年乡村旅游示范点建设专项资金")
    answer = await user.say("评上了几个 每个补了多少")
    row = fund(2016, "乡村旅游示范点")
    assert row["review_results"] in answer and row["allocation"] in answer, answer


async def test_an_item_question_with_fund_words_stays_an_item_question(demo):
    # the 低保 fund publishes no application guide: 「低保怎么申请」 is not about it
    answer = await citizen(demo).say("低保怎么申请")
    assert "最低生活保障" in answer and "申报指南" not in answer, answer


async def test_applying_for_what_a_fund_is_named_after_is_the_item(demo):
    # 钱 and the words of the fund's name, but applying is asked: the item, not the money
    answer = await citizen(demo).say("老两口挣不来钱 想申请个最低生活的保障")
    assert "【最低生活保障】" in answer and "财政专项资金" not in answer, answer


@pytest.mark.parametrize(
    "said", ["天扶贫发〔2016〕32号是啥项目", "扶贫发[2016]32号", "天扶贫发（2016）32号"]
)
async def test_a_document_number_gives_what_it_decided(demo, said):
    answer = await citizen(demo).say(said)
    [project] = [
        p for p in DEMO["poverty_projects"] if p["approval_number"] == "天扶贫发〔2016〕32号"
    ]
    assert project["name"] in answer and f"{project['investment']}万元" in answer, answer
    assert "没有找到" not in answer


async def test_a_document_of_allocations_gives_each_place_and_the_exact_total(demo):
    answer = await citizen(demo).say("天扶贫发〔2016〕12号分了多少")
    rows = [
        a for a in DEMO["poverty_allocations"] if a["document_number"] == "天扶贫发〔2016〕12号"
    ]
    assert f"分配资金{len(rows)}笔" in answer, answer


async def test_an_unknown_document_number_is_not_an_answer(demo):
    answer = await citizen(demo).say("天扶贫发〔2016〕999号")
    assert "天扶贫发〔2016〕999号】" not in answer


async def test_this_village_after_a_village_is_that_village(demo):
    user = citizen(demo)
    await user.say("泉台村 扶贫")
    answer = await user.say("这个村2017年到村资金多少")
    assert "泉台村" in answer and "116.00" in answer, answer


async def test_binding_by_the_village_code(demo):
    user = citizen(demo)
    bound = await user.say("绑定村 620623208202")
    assert "已绑定" in bound and "泉台村" in bound, bound
    assert "116.00" in await user.say("我村资金")


async def test_praise_before_a_rating_is_a_rating(demo):
    user = citizen(demo)
    assert "编码：" in await user.say("高龄津贴")
    answer = await user.say("说得很清楚 给你个五星好评")
    assert "谢谢您的评价（5分）" in answer, answer


@pytest.mark.parametrize(
    ("said", "score"),
    [
        ("五星好评", 5),
        ("给你个五星好评", 5),
        ("说得很清楚 给你个五星好评", 5),
        ("挺好的，好评", 5),
        ("三颗星好评", 3),
        ("态度太差了，差评", None),  # blame before 差评 may be a complaint
        ("窗口态度差 不满意", None),
        ("身份证 5", None),
    ],
)
def test_rating_words(said, score):
    assert parsing.parse_rating(said) == score


@pytest.mark.parametrize(
    ("said", "code"),
    [("村 620623208202", "620623208202"), ("镇620623101", "620623101"), ("村620623", None)],
)
def test_a_place_code_after_its_level(said, code):
    assert parsing.parse_region_code(said) == code


async def test_a_column_of_the_fund_list_asked_by_its_name(demo):
    answer = await citizen(demo).say("2016年乡村旅游示范点建设资金评审结果")
    assert fund(2016, "乡村旅游示范点")["review_results"] in answer, answer


@pytest.mark.parametrize(
    ("said", "score"),
    [
        ("很满意", 5),
        ("十分满意", 5),
        ("挺满意的", 4),
        ("比较满意", 4),
        ("还算满意", 3),
        ("不太满意", 2),
        ("很不满意", 1),
        ("满意", 4),
        ("一般般吧", 3),
        ("低保", None),
        ("一般几天能办好", None),
    ],
)
def test_a_level_with_a_degree_word(said, score):
    assert level_score(said) == score


async def test_a_level_said_with_a_degree_word_rates_the_card(demo):
    user = citizen(demo)
    assert "编码：" in await user.say("高龄津贴")
    assert "（5分）：非常满意" in await user.say("很满意"), "很满意 is 非常满意"


@pytest.mark.parametrize(
    ("said", "score"), [("满分", 5), ("给你打个满分", 5), ("五颗星", 5), ("一颗星", 1)]
)
def test_full_marks_and_stars(said, score):
    assert parsing.parse_rating(said) == score


async def test_a_document_number_typed_without_brackets(demo):
    answer = await citizen(demo).say("天扶贫发2016年32号")
    assert "村组道路硬化项目" in answer, answer
    assert parsing.parse_document_number("2016年32号") is None  # no issuer: no document


async def test_a_fund_in_a_year_not_published_gives_the_years_that_are(demo):
    answer = await citizen(demo).say("2025年草原补奖发了多少")
    assert "2025年的还没有公开" in answer, answer
    for year in (2015, 2016, 2017):
        assert f"{year}年 草原生态保护补助奖励资金" in answer
    assert "“草原补奖”" in answer


async def test_rebinding_to_another_village(demo):
    user = citizen(demo)
    await user.say("绑定 上古城村")
    assert "泉台村" in await user.say("换绑 泉台村")
    assert "116.00" in await user.say("我村资金")
    assert "绑定" in await user.say("换绑") and "村名" in await user.say("换绑")


async def test_is_there_a_person_asked_briefly_is_a_ticket(demo):
    assert "工单号" in await citizen(demo).say("有人工没")


async def test_every_year_of_a_fund_is_asked_without_naming_years(demo):
    for wording in ("草原补奖资金历年各是多少", "近几年低保资金每年有多少"):
        answer = await citizen(demo).say(wording)
        topic = "草原生态" if "草原" in wording else "最低生活保障"
        for year in (2015, 2016, 2017):
            assert fund(year, topic)["budget_amount"].rstrip("0") in answer, (wording, answer)


async def test_right_after_a_fund_another_fund_named_without_money_words_is_that_fund(demo):
    user = citizen(demo)
    await user.say("2016年低保资金")
    answer = await user.say("那城乡医疗救助呢")
    assert fund(2016, "城乡医疗救助")["budget_amount"].rstrip("0") in answer, answer
    assert fund(2017, "城乡医疗救助")["budget_amount"].rstrip("0") not in answer, answer


async def test_a_fund_name_without_money_words_out_of_the_blue_is_no_fund_question(demo):
    answer = await citizen(demo).say("城乡医疗救助")
    assert "财政专项资金" not in answer, answer


async def test_a_fund_field_said_with_its_place_word(demo):
    answer = await citizen(demo).say("17年教育上的专项资金有哪些")
    assert "学前教育发展专项资金" in answer and "1956.8164" in answer, answer
    assert "草原生态保护补助奖励资金" not in answer, answer


async def test_after_a_fund_who_manages_it_and_on_which_document(demo):
    user = citizen(demo)
    await user.say("2017年城乡医疗救助资金多少")
    who = await user.say("这笔钱是哪个部门管")
    assert "主管部门：天祝藏族自治县民政局" in who, who
    basis = await user.say("按的哪个文件")
    assert "管理办法：" in basis, basis


async def test_a_departments_fund_summed_over_the_years(demo):
    answer = await citizen(demo).say("教育局学前教育的钱加起来总共多少")
    rows = [f for f in DEMO["funds"] if "学前教育" in f["project_name"]]
    total = sum(Decimal(r["budget_amount"]) for r in rows)
    assert len(rows) > 1 and f"合计{total.normalize():f}万元" in answer, answer


async def test_a_town_pointed_at_again_is_the_town_not_a_village_of_its_name(demo):
    # 大红沟镇 has a village 大红沟村; 「镇上」 and 「我是…的」 are no part of the place's name
    answer = await citizen(demo).say("我是大红沟镇的 2016年镇上分了多少扶贫资金")
    assert "大红沟镇（含所辖各村）" in answer, answer


async def test_after_a_villages_project_its_cost_builder_and_size_are_asked_in_plain_words(demo):
    user = citizen(demo)
    await user.say("哈溪镇双龙村的吃水工程")
    row = next(p for p in DEMO["poverty_projects"] if "双龙村" in p["name"])
    builder = await user.say("是谁修的")
    assert row["implementing_unit"] in builder, builder
    size = await user.say("建了些啥")
    assert row["construction_content"][:10] in size, size


async def test_road_money_and_grassland_rewards_in_everyday_words(demo):
    road = await citizen(demo).say("2017年修路养路的钱有多少")
    assert "农村公路建设养护资金" in road, road
    grass = await citizen(demo).say("2016年草原奖补拨了多少")
    assert "草原生态保护补助奖励资金" in grass, grass


async def test_a_fund_renamed_between_years_is_found_under_its_other_name(demo):
    user = citizen(demo)
    assert "287.923万元" in await user.say("2017年创业担保贷款贴息资金")
    earlier = await user.say("2015年的呢")
    assert "2015年这项资金的名称是“小额担保贷款贴息资金”" in earlier and "247.588万元" in earlier
    assert "还没有公开" not in earlier


async def test_a_year_compared_with_the_one_before(demo):
    answer = await citizen(demo).say("2016年草原补奖跟去年比增加了多少")
    assert "7264.30万元" in answer, answer
    assert "2015年为6683.196万元，2016年比它多581.104万元" in answer, answer
    first = await citizen(demo).say("2015年草原补奖同比多了多少")  # nothing published before
    assert "2014年没有公开这项资金" in first, first


async def test_two_years_named_together_set_the_later_beside_the_earlier(demo):
    answer = await citizen(demo).say("民政上16年和17年的医疗救助资金比一下")
    assert "城乡医疗救助资金 520.541万元" in answer, answer
    assert "2016年为486.50万元，2017年比它多34.041万元" in answer, answer


async def test_each_of_two_years_said_one_after_the_other(demo):
    answer = await citizen(demo).say("草原补奖 2016年 2017年分别是多少")
    assert "2016年为7264.30万元" in answer or "2016年为7264.3万元" in answer, answer


async def test_a_fund_said_the_short_way_with_a_detail_is_a_fund_question(demo):
    answer = await citizen(demo).say("草原补奖是咋分的")
    assert "【2017年 草原生态保护补助奖励资金】" in answer and "资金分配和使用" in answer, answer
    meals = await citizen(demo).say("营养餐是咋发的")
    assert "营养改善计划补助资金" in meals and "资金分配和使用" in meals, meals


async def test_an_offices_money_asked_by_its_projects_or_per_year(demo):
    rows = await citizen(demo).say("农牧局的钱有哪些项目")
    assert "【天祝藏族自治县农业农村局 财政专项资金】" in rows and "535.10万元" in rows, rows
    years = await citizen(demo).say("县上一年专项资金一共多少")
    assert "已公开的年度" in years and "2016年" in years, years


async def test_whether_a_villages_road_is_built_is_its_projects_status(demo):
    user = citizen(demo)
    road = await user.say("打柴沟镇大湾村的路修好了没")
    assert "【已完工】" in road and "村组道路硬化项目 112.40万元" in road, road
    assert "不能查办件进度" not in road, road


async def test_when_a_funds_budget_was_approved_and_published(demo):
    answer = await citizen(demo).say("17年草原补奖啥时候公布的")
    assert "【2017年 草原生态保护补助奖励资金】" in answer, answer
    assert "预算批准2017-" in answer and "公开2017-" in answer, answer


async def test_after_a_fund_list_another_year_or_type_asked_with_how_much(demo):
    user = citizen(demo)
    await user.say("交通局15年的专项资金")
    later = await user.say("17年涨到多少了")
    assert "【2017年 天祝藏族自治县交通运输局" in later and "1979.90万元" in later, later
    user = citizen(demo)
    await user.say("2016年转移支付的资金一共多少")
    budget = await user.say("那部门预算那块呢")
    assert "【2016年 部门预算专项资金" in budget, budget
    count = await citizen(demo).say("水利局有几项资金")  # an old name, a count asked
    assert "【天祝藏族自治县水务局 财政专项资金】" in count, count


async def test_each_years_amount_of_a_fund_and_the_total_of_the_rows_shown(demo):
    yearly = await citizen(demo).say("营养餐这几年每年多少")  # 营养改善计划, every year
    assert "【“营养餐”" in yearly or "营养改善计划" in yearly, yearly
    assert "2015年" in yearly and "2017年" in yearly, yearly
    user = citizen(demo)
    await user.say("2016年民政局专项资金")
    total = await user.say("这两项加起来一共多少")
    assert "【2016年 天祝藏族自治县民政局 财政专项资金】" in total, total


async def test_a_fund_said_with_other_words_between_its_own(demo):
    answer = await citizen(demo).say("2015年困难群众看病救助资金多少")  # 医疗救助
    assert "城乡医疗救助资金 447.596万元" in answer, answer
    field = await citizen(demo).say("卫生上2016年的专项资金")  # the office's field: 卫生局
    assert "375.88万元" in field and "【2016年 天祝藏族自治县卫生健康局" in field, field


async def test_a_detail_beside_a_funds_name_and_after_it_is_its_published_text(demo):
    change = await citizen(demo).say("住建局2016年危房改造那笔钱调过没有")
    assert "调整情况：2016年3月28日据上级追加下达资金调增预算" in change, change
    user = citizen(demo)
    await user.say("2017年乡村旅游示范点建设资金")
    review = await user.say("评审有结果没有")  # not an application's progress
    assert "评审结果：评审工作正在进行中" in review and "办件进度" not in review, review


async def test_after_a_fund_list_one_fund_a_ranking_or_a_year_set_beside(demo):
    user = citizen(demo)
    await user.say("2017年教育局的专项资金")
    one = await user.say("学前教育那个钱是咋分配的")  # one of the two funds shown
    assert "【2017年 学前教育发展专项资金】" in one and "营养改善计划" not in one, one
    user = citizen(demo)
    await user.say("2016年的专项资金")
    most = await user.say("哪一项最少")
    assert most.startswith("最少的一项是2016年乡村旅游示范点建设专项资金"), most
    user = citizen(demo)
    await user.say("2017年天保工程资金")
    beside = await user.say("跟15年比多了多少")
    assert "天然林资源保护工程资金：2015年为2020.1072万元" in beside, beside


async def test_why_a_fund_changed_and_how_to_apply_for_one_named_without_money_words(demo):
    why = await citizen(demo).say("危改的钱16年为什么调高了")  # 危房改造, asked why
    assert "调整情况：2016年3月28日据上级追加下达资金调增预算" in why, why
    guide = await citizen(demo).say("乡村旅游示范点这个怎么申请")  # a fund with a guide
    assert "申报指南：2017年乡村旅游示范点建设专项资金申报指南" in guide, guide
    # a fund without a guide is the item applied for
    assert "【最低生活保障】" in await citizen(demo).say("最低生活保障咋申请")
    county = await citizen(demo).say("县上17年给学前教育拨了多少钱")  # 县上 is the county
    assert "687.24万元" in county and "教育县" not in county, county
    # 办法 is no office (办 ends 扶贫办), and the fund named strictly is the one meant
    measures = await citizen(demo).say("城乡医疗救助的管理办法")
    assert "《城乡医疗救助基金管理办法》" in measures and "部门" not in measures, measures
    assert "基层医疗卫生机构" not in measures, measures


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        # whether a project is done, why it was dropped, what it earns: the place's rows again
        ("双龙村人畜饮水工程", "修完了没", "【已完工】"),
        ("宽沟村暖棚养殖项目", "咋不建了", "易地扶贫搬迁"),
        ("先锋村光伏项目", "每年收益多少", "效益：每村集体经济年增收约12万元"),
    ],
)
async def test_a_project_asked_after_its_place_is_answered_from_its_row(
    demo, first, follow_up, expected
):
    user = citizen(demo)
    await user.say(first)
    reply = await user.say(follow_up)
    assert expected in reply and not kit.is_card_or_list(reply), reply


async def test_where_the_rows_of_one_year_went_stays_in_that_year(demo):
    user = citizen(demo)
    shown = await user.say("2017年整村推进资金")
    assert "2017年明细" in shown and "2016年明细" not in shown, shown
    reply = await user.say("都分到哪些村了")
    assert "宽沟村" in reply and "2016年明细" not in reply, reply


async def test_a_place_with_nothing_published_offers_a_person(demo):
    reply = await citizen(demo).say("阳山村扶贫资金")
    assert "还没有公开的扶贫资金和项目" in reply and "人工" in reply, reply


async def test_what_a_fund_is_spent_on_is_its_allocation_and_use(demo):
    user = citizen(demo)
    await user.say("2016 人社局 专项资金")
    reply = await user.say("这笔钱用在哪")
    assert "资金分配和使用：" in reply and "创业担保贷款贴息资金" in reply, reply


async def test_a_review_asked_with_a_funds_name_and_progress_words_is_its_review(demo):
    reply = await citizen(demo).say("牦牛藏羊产业资金16年评审结果下来了吗")
    assert "评审结果：2016年共受理申报24个" in reply and "不能查办件进度" not in reply, reply


async def test_another_year_asked_against_the_one_shown_gives_that_years_amount(demo):
    user = citizen(demo)
    await user.say("天保工程资金2015")
    reply = await user.say("那16年涨了多少")
    assert "2195.76" in reply, reply


async def test_which_places_the_rows_shown_went_to_is_the_same_rows(demo):
    user = citizen(demo)
    await user.say("光伏扶贫项目投了多少")
    reply = await user.say("在哪两个村")
    assert "先锋村" in reply and "吐鲁村" in reply and not kit.is_card_or_list(reply), reply


async def test_a_part_of_the_years_list_asked_with_其中_keeps_the_year(demo):
    user = citizen(demo)
    await user.say("2016年财政专项资金一共多少")
    reply = await user.say("其中转移支付的呢")
    assert "2016年" in reply and "转移支付" in reply, reply


async def test_why_cancelled_after_the_countys_cancelled_projects_gives_the_adjustment(demo):
    user = citizen(demo)
    await user.say("全县有没有取消的扶贫项目")
    why = await user.say("咋就取消了")
    assert "调整：2017-07-03 该村已纳入易地扶贫搬迁整体安置" in why, why
    assert "财政专项扶贫资金（到乡镇）" not in why, why


async def test_an_office_with_no_fund_of_its_own_gets_the_list_of_years(demo):
    # the county's finance bureau publishes the list but has no fund of its own
    reply = await citizen(demo).say("财政局的专项资金都在哪公开")
    assert reply.startswith("县财政局名下没有公开的专项资金"), reply
    assert "【财政专项资金管理清单】" in reply and "department=" not in reply, reply


async def test_the_funds_allocated_by_competition_and_a_year_of_them(demo):
    user = citizen(demo)
    listed = await user.say("哪些专项资金是竞争性分配的")
    assert listed.startswith("【竞争性分配的 财政专项资金】"), listed
    assert "共6项" in listed and "城乡居民最低生活保障资金" not in listed, listed
    later = await user.say("17年的呢")
    assert later.startswith("【2017年 竞争性分配的 财政专项资金】") and "共2项" in later, later


def _total(rows: list[dict]) -> Decimal:
    return sum((Decimal(r["budget_amount"]) for r in rows), Decimal(0))


async def test_which_department_or_year_has_most_without_a_year_ranks_every_year(demo):
    answer = await citizen(demo).say("哪个部门专项资金最多")
    rows = DEMO["funds"]
    departments = {r["department"] for r in rows}
    top = max(departments, key=lambda d: _total([r for r in rows if r["department"] == d]))
    top_total = _total([r for r in rows if r["department"] == top])
    assert "2015—2017年合起来" in answer and f"{top_total}万元" in answer, answer
    answer = await citizen(demo).say("专项资金哪年最多")
    year = max(
        {r["budget_year"] for r in rows},
        key=lambda y: _total([r for r in rows if r["budget_year"] == y]),
    )
    assert f"最多的是{year}年" in answer, answer


async def test_changes_asked_of_a_years_list_show_the_funds_that_changed(demo):
    changed = [f for f in DEMO["funds"] if f["change_note"]]
    assert changed, "the demo has a fund whose budget was adjusted"
    answer = await citizen(demo).say(f"{changed[0]['budget_year']}年专项资金调整了哪些")
    assert changed[0]["project_name"] in answer and "调整情况" in answer, answer
    unchanged = min({f["budget_year"] for f in DEMO["funds"]} - {f["budget_year"] for f in changed})
    answer = await citizen(demo).say(f"{unchanged}年专项资金有调整的吗")
    assert "没有调整记录" in answer, answer


async def test_a_fund_the_years_list_lacks_is_said_missing_with_the_list(demo):
    answer = await citizen(demo).say("2016年退耕还林资金多少")
    assert "没有“退耕还林”" in answer and "【2016年 财政专项资金】" in answer, answer
    # an item's name said with a year and 资金 stays the item
    answer = await citizen(demo).say("2017年住宅专项维修资金")
    assert "【住宅专项维修资金交存】" in answer, answer
    # the county's poverty rows are not special funds: they answer it
    answer = await citizen(demo).say("16年到村的整村推进资金文号是啥")
    assert "天扶贫发〔2016〕27号" in answer and "没有“" not in answer, answer


async def test_a_years_list_says_each_types_total_and_both_types_asked_get_it(demo):
    totals = DEMO["meta"]["totals"]["fund_budget_by_year_and_type"]
    answer = await citizen(demo).say("2016年部门预算和转移支付各多少")
    for kind in ("2016/department_budget", "2016/transfer_payment"):
        assert str(Decimal(totals[kind]).normalize()) in answer.replace(",", ""), answer
    assert "部门预算专项资金" in answer and "转移支付专项资金" in answer, answer


async def test_every_year_together_and_a_list_of_years(demo):
    every = DEMO["meta"]["totals"]["fund_budget_by_year"]
    together = sum((Decimal(v) for v in every.values()), Decimal(0))
    answer = await citizen(demo).say("专项资金历年一共多少")
    assert f"{min(every)}—{max(every)}年" in answer and str(together) in answer, answer
    listed = await citizen(demo).say("天保工程 2015、2016、2017年分别多少")
    for year in (2015, 2016, 2017):
        assert str(Decimal(fund(year, "天然林")["budget_amount"]).normalize()) in listed, listed


async def test_after_a_years_list_its_total_and_an_office_said_without_its_suffix(demo):
    user = citizen(demo)
    await user.say("专项资金")
    total = await user.say("2016年的总额")
    assert DEMO["meta"]["totals"]["fund_budget_by_year"]["2016"].rstrip("0") in total, total
    health = await user.say("17年卫健的呢")
    assert "卫生健康局" in health and fund(2017, "基层医疗")["budget_amount"] in health, health


async def test_an_offices_funds_with_a_detail_asked_give_what_is_published_of_them(demo):
    answer = await citizen(demo).say("2017年水务局的专项资金是怎么分配的")
    row = fund(2017, "小型农田水利")
    assert row["allocation_and_use"] in answer and row["budget_amount"] in answer, answer


async def test_a_funds_review_asked_by_its_short_name_is_no_applications_progress(demo):
    answer = await citizen(demo).say("牦牛藏羊产业17年评审结果出来了吗")
    assert fund(2017, "牦牛藏羊")["review_results"] in answer, answer
    assert "办件进度" not in answer, answer


async def test_a_places_two_years_set_side_by_side(demo):
    answer = await citizen(demo).say("哈溪镇16年比15年多分了多少扶贫资金")
    assert "哈溪镇2016年分配资金比2015年少64.44万元" in answer, answer
    assert "2016年132.00万元" in answer and "2015年196.44万元" in answer, answer


async def test_the_place_meant_after_the_one_not_meant_and_a_code_in_a_question(demo):
    user = citizen(demo)
    await user.say("圈湾村2015年扶贫资金")
    other = await user.say("不对 不是东大滩乡的，是大红沟镇东圈湾村")
    assert "【大红沟镇 东圈湾村 扶贫资金和项目】" in other, other
    town = await citizen(demo).say("620623112这个镇2016年给了多少扶贫资金")
    assert "【大红沟镇（含所辖各村）" in town and "141.00万元" in town, town


@pytest.mark.parametrize(
    ("first", "then", "told"),
    [
        ("双龙村人畜饮水工程", "谁弄的", "实施单位"),
        ("代乾村牦牛合作社项目", "分红的有几家", "58户"),
        ("泉台村道路硬化项目", "本来说的是多少钱", "118.50万元"),
        ("宽沟村暖棚项目", "咋不做了", "易地扶贫搬迁"),
    ],
)
async def test_a_projects_details_asked_after_its_place(demo, first, then, told):
    user = citizen(demo)
    await user.say(first)
    answer = await user.say(then)
    assert told in answer and "扶贫" in answer and "没有找到" not in answer, answer


async def test_projects_asked_of_a_year_with_none_say_so(demo):
    user = citizen(demo)
    await user.say("西大滩村2016年扶贫资金")
    assert "项目清单里没有这一年的项目" in await user.say("建了些啥项目")


async def test_projects_by_a_progress_said_before_them(demo):
    building = await citizen(demo).say("正在施工的扶贫项目")
    assert "实施中的扶贫项目" in building and "共3个" in building, building
    dropped = await citizen(demo).say("2017年撤销的项目")
    assert "2017年已取消的扶贫项目" in dropped and "共1个" in dropped, dropped


async def test_another_place_after_one_keeps_the_year_and_several_years_are_summed(demo):
    user = citizen(demo)
    await user.say("石门镇2016年扶贫资金")
    other = await user.say("那哈溪呢")  # 哈溪镇 said without 镇, of the year shown
    assert "【哈溪镇（含所辖各村）" in other and "2016年 分配资金1笔，合计132.00万元" in other
    assert "2015年" not in other, other
    every = await user.say("这三年加起来一共多少")
    assert "2015—2017年分配资金合计469.68万元" in every, every


async def test_a_village_of_a_shared_name_after_its_town_is_that_towns(demo):
    user = citizen(demo)
    await user.say("天堂镇扶贫资金")
    village = await user.say("那大湾村呢")
    assert "【天堂镇 大湾村 扶贫资金和项目】" in village, village
    voiced = await citizen(demo).say("天堂镇大湾村十七年的扶贫钱是多少")
    assert "2017年" in voiced and "2016年 分配" not in voiced, voiced


async def test_the_countys_rows_of_one_kind_asked_again_keep_that_kind(demo):
    user = citizen(demo)
    await user.say("2017年整村推进资金分到了哪些村")
    total = await user.say("加起来一共多少")
    assert "“整村推进”" in total and "合计576.00万元" in total, total
    other = citizen(demo)
    await other.say("扶贫小额信贷贴息花了多少")
    year = await other.say("是哪一年的")
    assert "“小额信贷贴息”" in year and "2015年" in year, year


async def test_a_village_code_asked_for_with_a_request_to_look_it_up(demo):
    answer = await citizen(demo).say("帮我查下村代码620623111203的扶贫项目")
    assert "【抓喜秀龙镇 代乾村 扶贫资金和项目】" in answer, answer


@pytest.mark.parametrize(
    ("said", "office", "year"),
    [
        ("民政的专项资金", "民政局", None),
        ("人社专项资金", "人力资源和社会保障局", None),
        ("2016年民政的钱", "民政局", 2016),
    ],
)
async def test_an_offices_field_said_first_names_it_in_a_fund_question(demo, said, office, year):
    rows = [
        f
        for f in DEMO["funds"]
        if office in str(f["department"]) and (year is None or f["budget_year"] == year)
    ]
    total = sum(Decimal(str(f["budget_amount"])) for f in rows)
    answer = await citizen(demo).say(said)
    assert f"共{len(rows)}项，合计{wan(total)}万元" in answer, answer


async def test_words_of_a_funds_name_are_no_office(demo):
    answer = await citizen(demo).say("危房改造的钱按啥文件管理")
    assert "名下没有公开的专项资金" not in answer and "危房改造" in answer, answer


async def test_a_years_list_set_beside_another_year_starts_with_the_totals(demo):
    later = [f for f in DEMO["funds"] if f["budget_year"] == 2017]
    earlier = [f for f in DEMO["funds"] if f["budget_year"] == 2015]
    now = sum(Decimal(str(f["budget_amount"])) for f in later)
    before = sum(Decimal(str(f["budget_amount"])) for f in earlier)
    answer = await citizen(demo).say("17年的专项资金比15年多了多少")
    first = answer.splitlines()[0]
    assert (
        first
        == f"2017年合计{wan(now)}万元，比2015年（{wan(before)}万元）多{wan(now - before)}万元。"
    )


async def test_the_office_with_the_most_in_plain_words_and_kept_for_another_year(demo):
    user = citizen(demo)
    totals: dict[str, Decimal] = {}
    for row in DEMO["funds"]:
        if row["budget_year"] == 2016:
            totals[row["department"]] = totals.get(row["department"], Decimal(0)) + Decimal(
                str(row["budget_amount"])
            )
    assert "合起来，最多的是" in await user.say("哪个部门钱最多")
    year = await user.say("那16年的呢")
    assert year.startswith("最多的是") and f"{wan(max(totals.values()))}万元" in year, year


async def test_to_whom_a_fund_went_is_its_allocation(demo):
    row = fund(2017, "最低生活保障")
    answer = await citizen(demo).say("低保资金都给谁了")
    assert f"资金分配和使用：{row['allocation_and_use'][:15]}" in answer, answer
