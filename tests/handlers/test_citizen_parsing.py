"""Reading citizens' words: choices, years, fund questions, phone and region codes, commands.

Intents and aspects are the conversation layer's: tests/handlers/test_citizen_understanding.py."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.models import FundType
from handlers.citizen import parsing
from handlers.citizen.fund_answers import says_row


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("3", 3),
        ("３", 3),
        ("第3个", 3),
        ("第三项", 3),
        ("三", 3),
        (" 12 ", 12),
        ("123", None),
        ("3个月", None),
        ("网吧", None),
        ("第二个吧", 2),
        ("就3吧", 3),
        ("二吧", 2),
        ("酒吧", None),
        ("第二步", 2),  # a step of a checklist
        ("刚才列表里第一个呢", 1),  # the list just shown, pointed back at
        ("上面的第二个", 2),
        ("刚才", None),
    ],
)
def test_choice(said, expected):
    assert parsing.parse_choice(said) == expected


def test_years_topics_and_fund_questions():
    assert parsing.split_year("红大村 扶贫 2016年") == (2016, "红大村 扶贫")
    assert parsing.split_year("去年的项目", today=date(2024, 6, 1)) == (2023, "的项目")
    assert parsing.split_fund_topic("红大村 扶贫项目") == ("projects", "红大村")
    assert parsing.split_fund_topic("开网吧") == (None, "开网吧")
    # Question words are not part of the place's name (it is shown back when ambiguous).
    assert parsing.split_fund_topic("大湾村有哪些项目") == ("projects", "大湾村")
    assert parsing.split_fund_topic("请问红大村扶贫资金有多少") == ("funds", "红大村")
    assert parsing.split_fund_list("2015 农牧局 专项资金") == (True, None, "2015 农牧局")
    assert parsing.split_fund_list("农牧局转移支付资金") == (
        True,
        FundType.TRANSFER_PAYMENT,
        "农牧局",
    )


def test_fund_topics_and_abbreviations():
    assert parsing.fund_topic("低保是多少") == "低保"
    assert parsing.abbreviates("低保", "城乡居民最低生活保障资金")
    assert parsing.abbreviates("草原补奖", "草原生态保护补助奖励资金")
    assert not parsing.abbreviates("维修", "城乡居民最低生活保障资金")
    assert not parsing.abbreviates("低", "城乡居民最低生活保障资金")  # one character is no name
    assert parsing.department_word("2015 农牧局") == "农牧局"
    assert parsing.department_word("低保 是多少") is None


def test_phone_numbers_and_region_codes_are_not_item_codes():
    assert parsing.parse_phone("0935-3121101") == "0935-3121101"
    assert parsing.parse_phone("13912345678") == "13912345678"
    assert parsing.parse_phone("620623000000DM62010780XK00001000") is None
    assert parsing.parse_region_code("620623101215") == "620623101215"
    assert parsing.parse_region_code("620623101") == "620623101"
    assert parsing.parse_region_code("510623101215") == "510623101215"  # another county's


def test_commands():
    assert parsing.is_human_request("人工！") and parsing.is_human_request("转人工")
    assert not parsing.is_human_request("人工授精补贴")
    assert parsing.is_next_page("下一页") and not parsing.is_next_page("下一页面设计")
    assert [parsing.parse_rating(s) for s in ("评5", "评 3 分", "好评", "差评", "2分", "评6")] == [
        5,
        3,
        5,
        1,
        2,
        None,
    ]
    assert parsing.parse_bind("绑定 红大村") == "红大村" and parsing.parse_bind("绑定") == ""
    assert parsing.parse_bind("红大村") is None
    assert parsing.parse_my_village("我村资金 2016") == ("funds", 2016)
    assert parsing.parse_my_village("本村项目") == ("projects", None)
    assert parsing.normalize("ａｂｃ　１２３") == "abc 123"
    assert len(parsing.normalize("字" * 10_000)) == parsing.MAX_SAID


def test_ratings_said_with_a_verb_before_or_a_comment_before_the_score() -> None:
    from handlers.citizen import parsing

    assert parsing.parse_rating("给个好评") == 5
    assert parsing.parse_rating("满意吧") == 5
    assert parsing.parse_rating("还行吧 三分") == 3
    assert parsing.parse_rating("评5") == 5
    assert parsing.parse_rating("办身份证要5分钟") is None
    assert parsing.parse_rating("开网吧") is None


def test_a_rating_given_to_someone_or_with_a_particle_after_it():
    from handlers.citizen.parsing import parse_rating

    assert parse_rating("给您四分") == 4
    assert parse_rating("打2分啦") == 2
    assert parse_rating("给你们打个3分") == 3
    assert parse_rating("10分钟能办完吗") is None


def test_thanks_after_a_rating_leave_the_rating():
    from handlers.citizen.parsing import parse_rating, without_thanks
    from handlers.citizen.ratings import level_score

    assert parse_rating("四分，多谢") == 4
    assert level_score("非常满意！感谢您") == 5
    assert without_thanks("谢谢") == "谢谢"
    assert parse_rating("好的 谢谢") is None


def test_a_span_of_years_names_no_one_year():
    assert parsing.split_year("2015到2017每年多少") == (None, "每年多少")
    assert parsing.split_year("16-18年的项目") == (None, "的项目")
    assert parsing.split_year("2016-12-03来的") == (2016, "-12-03来的")  # a date, not a span
    assert parsing.parse_my_village("2016年俺村给了多少") == ("funds", 2016)
    # money paid for an item is no village funds
    assert parsing.parse_my_village("村里想开荒种地 要交钱吗") is None
    assert parsing.parse_my_village("村里分了多少钱") == ("funds", None)
    assert parsing.parse_my_village("我们乡17年扶贫资金多少") == ("funds", 2017)
    assert parsing.says_my_town("俺们镇上的项目") and not parsing.says_my_town("我们村的项目")
    assert parsing.region_code_in("我村 620623208202 绑一下") == "620623208202"


def test_plain_words_judging_an_answer_give_a_score():
    from handlers.citizen.ratings import level_score, verdict_score

    assert verdict_score("挺有用的") == 4
    assert verdict_score("谢谢 挺有用的") == 4  # thanks first
    assert verdict_score("讲得很清楚") == 5  # a strong degree raises a good verdict
    assert verdict_score("很好很有用") == 5  # two the same way
    assert verdict_score("还行吧") == 3
    assert verdict_score("说的不清楚") == 2
    assert verdict_score("完全没用") == 1
    assert verdict_score("很不清楚") == 1  # and lowers a bad one
    assert verdict_score("好") is None and verdict_score("明白") is None  # acknowledgements
    assert verdict_score("有用吗") is None and verdict_score("清楚吗？") is None  # questions
    assert verdict_score("很好 没用") is None  # two ways at once: no score
    assert verdict_score("办身份证") is None
    # the answer said wrong: with the words naming what was said, or 答错
    assert verdict_score("这回答不对") == 2 and verdict_score("你说的不对") == 2
    assert verdict_score("答错了") == 2 and verdict_score("不对") is None
    # a level said of the answer, verdicts in clauses of their own, praise
    assert verdict_score("这个回答满意") == 4
    assert verdict_score("嗯 挺好的 满意") == 4 and verdict_score("还行 不满意") is None
    assert verdict_score("回答得很好 给你点个赞") == 5
    assert level_score("评价：非常满意") == 5


def test_what_was_meant_after_saying_the_answer_was_not_it():
    assert parsing.after_a_correction("不对，我要问的是营业执照") == "营业执照"
    assert parsing.after_a_correction("搞错了 我是问低保资金") == "低保资金"
    assert parsing.after_a_correction("不对") == "不对"  # a verdict, nothing meant
    assert parsing.after_a_correction("不对劲") == "不对劲"
    assert parsing.after_a_correction("不是低保") == "不是低保"


def test_entries_counted_from_the_end():
    assert parsing.parse_from_end("最后一个") == 1
    assert parsing.parse_from_end("选最后那个") == 1
    assert parsing.parse_from_end("倒数第二个") == 2
    assert parsing.parse_from_end("倒数第3条") == 3
    assert parsing.parse_from_end("最后一页") is None


def test_a_fields_words_name_the_field():
    assert parsing.fund_topic("教育上") == "教育"
    assert parsing.fund_topic("医疗方面") == "医疗"
    assert parsing.fund_topic("草原这一块") == "草原"
    assert parsing.fund_topic("路上") == "路上"  # too short to be a field with 上 after it
    assert parsing.says_projects("饮水工程") and not parsing.says_projects("低保资金")


@pytest.mark.parametrize(
    ("said", "subject"),
    [
        ("那条路硬化的批复文号是啥", "路硬化"),
        ("16年那个的文号是多少", ""),
        ("这笔钱的依据", ""),
        ("俺们村暖棚工程建好了没", "暖棚"),
        ("投了多少", ""),  # the money put into the project shown
        ("光伏那个花费多少", "光伏"),
    ],
)
def test_a_detail_question_names_the_row_it_is_about(said, subject):
    assert parsing.asks_place_detail(said)
    assert parsing.detail_subject(said) == subject


def test_a_row_is_named_by_its_words_in_order():
    assert says_row("人畜饮水巩固提升工程", "人饮") and says_row("通村道路硬化", "路")
    assert not says_row("人畜饮水巩固提升工程", "饮人") and not says_row("产业扶持", "")


@pytest.mark.parametrize(
    ("said", "detail"),
    [("今年是不是调过", "change"), ("追加了没有", "change"), ("按啥办法管的", "measures")],
)
def test_a_funds_change_and_its_rules_asked_in_plain_words(said, detail):
    details, _ = parsing.split_fund_details(said)
    assert details == [detail]


@pytest.mark.parametrize(
    ("rest", "asks"),
    [
        ("", True),
        ("都能办些啥", True),
        ("管哪些事项", True),
        ("有哪些业务呢", True),
        ("电话多少", False),
        ("的专项资金", False),
        ("在哪", False),
        ("低保", False),
    ],
)
def test_words_beside_an_office_asking_which_items_it_handles(rest, asks):
    assert parsing.asks_department_items(rest) is asks


@pytest.mark.parametrize(
    ("said", "score"),
    [
        ("★★★", 3),
        ("⭐️⭐️⭐️⭐️", 4),
        ("👍", 5),
        ("👎👎", 1),
        ("给你打9分", 5),  # out of ten, as people often score
        ("6分吧", 3),
        ("好评好评", 5),  # said twice
        ("差评 回答得太简单", 1),  # the rating first, then why
        ("2分 没说给多少钱", 2),  # a score first, then why
        ("2分钟就办完了", None),
        ("评6", None),  # the command's own scale: out of range
        ("👍 身份证", None),
    ],
)
def test_ratings_in_symbols_out_of_ten_said_twice_or_with_a_reason(said, score):
    assert parsing.parse_rating(said) == score


def test_the_first_entry_as_people_count_it():
    assert [parsing.parse_choice(t) for t in ("头一个", "头个吧", "选头一项")] == [1, 1, 1]
    assert parsing.parse_choice("头疼") is None


def test_several_years_together_name_no_one_year():
    assert parsing.split_year("这几年学前教育的钱加起来多少") == (None, "学前教育的钱加起来多少")
    assert parsing.split_year("历年的草原补奖资金") == (None, "草原补奖资金")
    assert parsing.split_year("三年级学生资助") == (None, "三年级学生资助")  # a school year


def test_projects_asked_as_a_whole_by_their_progress():
    assert parsing.projects_by_progress("有几个扶贫项目撤销了") == ("cancelled",)
    assert parsing.projects_by_progress("哪些工程还没完工") == ("planned", "in_progress")
    assert parsing.projects_by_progress("今年有哪些项目建成了") == ("completed",)
    assert parsing.projects_by_progress("大湾村那个项目完工了吗") is None  # one project's
    assert parsing.projects_by_progress("哪些村有扶贫项目") is None  # no progress said


def test_the_largest_or_smallest_by_fund_department_or_year():
    ranking, rest = parsing.split_ranking("2016年哪个单位拿的专项资金最少")
    assert ranking == parsing.Ranking(most=False, by="department") and rest == "2016年 拿的专项资金"
    ranking, rest = parsing.split_ranking("农牧局哪一年资金最多")
    assert ranking == parsing.Ranking(most=True, by="year") and rest == "农牧局 资金"
    assert parsing.split_ranking("最大的一笔扶贫资金")[0] == parsing.Ranking(True, "fund")
    assert parsing.split_ranking("2017年低保资金多少") == (None, "2017年低保资金多少")


def test_a_year_read_out_in_chinese_numerals_is_that_year():
    assert parsing.split_year("二零一六年农村公路的钱") == (2016, "农村公路的钱")
    assert parsing.split_year("两零一七年呢")[0] == 2017
    assert parsing.parse_choice("第二个") == 2  # a list number stays a list number


def test_a_verb_of_giving_and_the_words_of_money_are_no_funds_name():
    assert parsing.fund_topic("县上发低保的钱一共安排了多少万") == "低保"
    assert parsing.fund_topic("拨营养餐的钱") == "营养餐"
    assert parsing.fund_topic("牦牛藏羊产业发展") == "牦牛藏羊产业发展"  # 发展 is no giving


def test_everyday_words_of_funds_and_how_they_are_paid():
    assert parsing.split_fund_details("这钱咋发到牧民手里")[0] == ["allocation"]
    assert parsing.split_fund_details("是不是调整过")[0] == ["change"]
    assert parsing.split_fund_details("这个钱归谁管")[0] == ["department"]
    assert parsing.split_fund_details("这笔钱啥时候公开的")[0] == ["published"]
    assert parsing.split_fund_details("什么时候批复的")[0] == ["published"]


def test_a_year_compared_with_the_one_before_and_words_saying_what_is_meant():
    assert parsing.split_comparison("2016年低保比上一年多了多少") == (True, "2016年低保")
    assert parsing.split_comparison("低保同比增长了多少") == (True, "低保")
    assert parsing.split_comparison("去年低保多少") == (False, "去年低保多少")
    assert parsing.without_saying("低保 我说的是2017年") == "低保 2017年"
    assert parsing.split_year("今年的低保 我说的是2017年") == (2017, "的低保 我说的是")


def test_two_years_named_together_are_compared_later_beside_earlier():
    assert parsing.split_two_years("低保资金2015年跟2017年比 差了多少") == (
        (2017, 2015),
        "低保资金",
    )
    assert parsing.split_two_years("16和15年的教育局资金") == ((2016, 2015), "的教育局资金")
    assert parsing.split_two_years("2016年低保")[0] is None
    assert parsing.split_two_years("低保 2015年 2016年 各多少") == ((2016, 2015), "低保 各多少")
    assert parsing.split_two_years("15年16年的低保")[0] == (2016, 2015)
    assert parsing.split_two_years("2016 2017 低保")[0] is None  # no 年: two numbers only
    assert parsing.split_two_years("2016年和2016年")[0] is None  # one year said twice


def test_a_fund_is_named_by_its_abbreviation_or_its_purpose_with_words_between():
    assert parsing.names_fund("低保", "城乡居民最低生活保障资金")
    assert parsing.names_fund("医疗困难救助", "城乡医疗救助资金")
    assert not parsing.names_fund("困难救助", "城乡医疗救助资金")
    assert not parsing.names_fund("医疗费报销", "城乡医疗救助资金")


def test_a_number_said_with_a_voice_messages_fillers_or_a_slip_of_ge():
    assert parsing.parse_choice("嗯 就那个 第三个吧") == 3
    assert parsing.parse_choice("第二各") == 2
    assert parsing.parse_choice("就那个") is None


def test_another_entry_of_the_same_list_after_one_was_opened():
    assert parsing.parse_choice("那第三个呢") == 3
    assert parsing.parse_choice("再看看第2个") == 2
    assert parsing.parse_choice("那个") is None and parsing.parse_choice("还有呢") is None


def test_words_pointing_only_at_the_town_or_county_above():
    assert parsing.points_up("那镇上一共呢") == "town"
    assert parsing.points_up("全乡的扶贫资金是多少") == "town"
    assert parsing.points_up("县上总共多少") == "county"
    assert parsing.points_up("镇上能办吗") is None  # a question of an item, not of money
    assert parsing.points_up("华藏寺镇呢") is None  # a town named is asked by its name


def test_a_number_read_out_by_voice_is_written_in_digits():
    assert parsing.normalize("六二零六二三一零一二一五") == "620623101215"
    assert parsing.normalize("电话零九三五三一二一四一零") == "电话09353121410"
    assert parsing.normalize("幺三九零九三五一二三四") == "13909351234"
    # number words in ordinary speech stay words
    assert parsing.normalize("第一二三个") == "第一二三个"
    assert parsing.normalize("一五一十地说") == "一五一十地说"


def test_another_countys_town_or_village_code_is_a_region_code():
    assert parsing.parse_region_code("620622101215") == "620622101215"  # 古浪县's village
    assert parsing.parse_region_code("510104001") is None  # no town segment 0xx
    assert parsing.parse_region_code("620622") == "620622"  # a county of the province
    assert parsing.parse_region_code("123456789") is None
    assert parsing.parse_region_code("733299") is None  # the county's postcode


def test_a_village_code_cut_short_is_a_partial_region_code():
    assert parsing.parse_partial_region_code("6206231012") == "6206231012"
    assert parsing.parse_partial_region_code("村代码 62062310121") == "62062310121"
    assert parsing.parse_partial_region_code("620623101215") is None  # a whole village code
    assert parsing.parse_partial_region_code("620623101") is None  # a whole town code
    assert parsing.parse_partial_region_code("6206231") is None  # as long as a phone number
    assert parsing.parse_partial_region_code("5101041012") is None  # not the county's


def test_a_number_read_out_with_yao_for_one_is_written_in_digits():
    assert parsing.normalize("幺三九幺二三四五六七八") == "13912345678"
    assert parsing.normalize("幺妹") == "幺妹"  # a word, not a number read out


def test_a_code_said_as_ones_own_villages_is_a_region_code():
    assert parsing.parse_region_code("我们村代码是620623101215") == "620623101215"
    assert parsing.parse_region_code("俺村的编码：620623101215") == "620623101215"


def test_three_years_listed_are_a_span_and_no_comparison():
    assert parsing.split_year("低保资金 15 16 17年各是多少") == (None, "低保资金 各是多少")
    assert parsing.split_year("2015、2016、2017年天保工程") == (None, "天保工程")
    assert parsing.names_years("15 16 17年各多少") and parsing.names_years("15到17年")
    assert parsing.split_two_years("2015、2016、2017年天保")[0] is None
    assert parsing.split_two_years("2016、2017年天保")[0] == (2017, 2016)  # two: compared


def test_words_pointing_back_at_the_office_shown():
    assert parsing.points_at_an_office("局") and parsing.points_at_an_office("这个单位")
    assert parsing.points_at_an_office("", "他们单位有哪些")
    assert not parsing.points_at_an_office("农牧局") and not parsing.points_at_an_office("")
    assert parsing.asks_contact_of_the_office("他们给一个")
    assert not parsing.asks_contact_of_the_office("低保")


def test_words_asking_what_a_number_is():
    assert parsing.asks_what_a_number_is("") and parsing.asks_what_a_number_is("是干啥的电话")
    assert parsing.asks_what_a_number_is("这个号码是哪里的？")
    assert not parsing.asks_what_a_number_is("打也没用")
    assert parsing.SERVICE_NUMBER.search("拨12333问问")[1] == "12333"
    assert parsing.SERVICE_NUMBER.search("0935-3126800") is None


def test_entries_named_together_by_their_numbers():
    assert parsing.entries_named("第2个和第3个") == [2, 3]
    assert parsing.entries_named("一跟三") == [1, 3] and parsing.entries_named("2、3") == [2, 3]
    assert parsing.entries_named("第二个") == [] and parsing.entries_named("身份证和户口本") == []


def test_a_short_year_read_out_and_a_document_number_with_a_short_year():
    assert parsing.split_year("哈溪镇十六年扶贫资金")[0] == 2016
    assert parsing.split_year("第十六年")[0] is None  # the sixteenth, no year
    assert parsing.parse_document_number("天扶贫发17年26号是啥") == ("天扶贫发", 2017, 26)
    assert parsing.parse_document_number("我17年26号去的") is None
