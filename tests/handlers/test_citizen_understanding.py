"""The conversation layer's reader: intents, aspects and the rest of the words, from the
phrase inventory (no database)."""

from __future__ import annotations

import pytest

from handlers.citizen.understanding import ITEM, read
from handlers.citizen.understanding.inventory import TALK, inventory, parse
from handlers.citizen.understanding.reading import Reader


def test_every_example_of_the_inventory_reads_back_as_its_intent():
    source = inventory()
    wrong = []
    for name, entry in source.intents.items():
        if entry.kind == "data":
            continue  # funds and poverty are recognised with the database (places, funds)
        for example in entry.examples:
            if read(example).intent != name:
                wrong.append((example, name, read(example).intent))
    assert wrong == []


def test_every_example_of_an_aspect_reads_back_as_that_aspect():
    wrong = [
        (example, name, read(example).aspect)
        for name, entry in inventory().aspects.items()
        for example in entry.examples
        if read(example).aspect != name
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("你好", "greeting"),
        ("在吗", "greeting"),
        ("您好呀", "greeting"),
        ("谢谢", "thanks"),
        ("好的谢谢", "thanks"),
        ("太感谢了！", "thanks"),
        ("帮助", "help"),
        ("？", "help"),
        ("你都能干啥", "help"),
        ("你是机器人吗", "identity"),
        ("现在是真人回复吗", "identity"),
        ("再见", "goodbye"),
        ("好的", "ack"),
        ("窗口态度太差了", "complaint"),
        ("民政局窗口的人推诿扯皮", "complaint"),
        ("投诉电话是多少", "complaint"),
        ("我要找工作人员", "human"),
        ("转人工", "human"),
        ("解除绑定", "unbind"),
        ("我的申请办到哪一步了", "progress"),
        ("营业执照批下来没", "progress"),
        ("怎么预约", "booking"),
        ("开饭馆都要办哪些手续", "life_event"),
    ],
)
def test_intents(said, intent):
    assert read(said).intent == intent


@pytest.mark.parametrize(
    "said",
    ["你好 我想办身份证", "人工授精补贴", "谢谢 身份证怎么补办", "身份证", "在哪里办低保"],
)
def test_small_talk_or_human_only_when_that_is_all_the_message_says(said):
    reading = read(said)
    assert not reading.is_talk and reading.intent != "human"


@pytest.mark.parametrize(
    ("said", "aspect", "core"),
    [
        # A question alone: a follow-up about what was just shown.
        ("电话多少", "phone", ""),
        ("电话", "phone", ""),
        ("网上能办吗", "online", ""),
        ("可以在手机上办不", "online", ""),
        ("几点上班", "hours", ""),
        ("周末上班吗", "hours", ""),
        ("要什么材料", "materials", ""),
        ("得带啥", "materials", ""),
        ("多久能拿到", "time", ""),
        ("在哪办", "place", ""),
        ("收费吗", "fee", ""),
        ("怎么申请", "procedure", ""),
        ("要填什么表", "forms", ""),
        ("每个月给多少钱", "benefit", ""),
        ("谁可以申请", "conditions", ""),
        ("那个窗口电话多少", "phone", ""),
        ("刚才那个事项要什么材料", "materials", ""),
        ("这个事网上能办吗", "online", ""),
        ("申请表去哪领", "forms", ""),
        ("编码是多少", "code", ""),
        ("还得有什么材料", "materials", ""),
        ("礼拜六开门不", "hours", ""),
        ("保险得交满几年", "conditions", "保险"),
        ("家里急用 能加急不", "time", ""),
        # With the item named: the rest is searched.
        ("开网吧要什么材料", "materials", "开网吧"),
        ("办营业执照需要哪些证件？", "materials", "营业执照"),
        ("身份证要多久", "time", "身份证"),
        ("结婚登记在哪里办", "place", "结婚登记"),
        ("低保窗口电话", "phone", "低保窗口"),
        ("开网吧收费吗", "fee", "开网吧"),
        ("五保户每个月给多少钱", "benefit", "五保户"),
    ],
)
def test_aspects_and_the_rest(said, aspect, core):
    reading = read(said)
    assert reading.intent == ITEM and reading.aspect == aspect
    assert reading.core == core if not core else core in reading.rest


def test_plain_item_names_have_no_aspect():
    for said in ("身份证", "教师资格认定", "对植物检疫工作先进单位、个人的奖励", "养老保险参保"):
        reading = read(said)
        assert reading.intent == ITEM and reading.aspect is None, said


def test_fund_and_poverty_words_are_a_topic_not_an_answer():
    assert read("2017年低保资金是多少").topic == "fund"
    assert read("红大村 扶贫 2016").topic == "poverty"


def test_a_bad_inventory_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        parse(
            {
                "fillers": [],
                "intents": {"x": {"kind": "chatter", "terms": [], "examples": []}},
                "aspects": {},
                "department_aliases": {"names": {}},
            }
        )


def test_a_reader_learns_a_new_intent_from_data_alone():
    raw = {
        "fillers": ["吗"],
        "intents": {"greeting": {"kind": TALK, "terms": ["扎西德勒"], "examples": ["扎西德勒"]}},
        "aspects": {"phone": {"terms": ["电话"], "examples": ["电话多少"]}},
        "department_aliases": {"names": {}},
    }
    reader = Reader(parse(raw))
    assert reader.read("扎西德勒").intent == "greeting"
    assert reader.read("低保电话").aspect == "phone"
    assert reader.read("你好").intent == ITEM  # not in this inventory


def test_no_item_name_of_the_demo_catalogue_is_read_as_anything_but_an_item():
    from catalogue.demo import read_demo

    misread = [
        (i.name, read(i.name).intent) for i in read_demo().items if read(i.name).intent != ITEM
    ]
    assert misread == []


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("转人工 高龄补贴停发了是什么原因", "human"),
        ("人工，我家低保停了", "human"),
        ("被要求多交钱", "complaint"),
        ("办个户口跑了三回还没办好", "complaint"),
        ("窗口的人冲我吼", "complaint"),
        ("下午四点就下班了 人影都没有", "complaint"),
        ("交了钱没给收据", "complaint"),
        ("帮我查一下我的社保缴费记录", "personal"),
        ("我是宽沟村的村干部 绑定一下", "bind"),
        ("我不想绑定了 解除绑定", "unbind"),
        ("哈哈哈", "ack"),
        # a long 人工 phrase after words of speech only, or ending the message
        ("麻烦能不能让工作人员联系一下", "human"),
        ("你说的我看不懂 我要找人", "human"),
        ("我不想跟机器人聊", "human"),
        # a topic, then a person asked for with words of speech (说说, 看看, 当面)
        ("低保的事能不能找个工作人员说说", "human"),
        ("有个事想当面问问你们的人", "human"),
        ("能找个懂行的人帮我看看吗", "human"),
        ("政务大厅上班时间工作人员在玩手机", "complaint"),
        # whether someone is there: a greeting that expects a person
        ("喂喂 有人没有", "presence"),
        ("你好 有人在吗", "presence"),
        ("后台有人吗", "human"),
        # 人工 said first, apart from the problem, whatever the problem is
        ("人工 我家草原补奖今年咋没到账", "human"),
        ("工作人员态度太差了", "complaint"),
        ("tousu", "complaint"),
        # words of one's situation (没人管) before a question about an item
        ("老伴去世了 我一个人没人管 五保咋申请", "item"),
        ("跑了好几趟 营业执照怎么办", "complaint"),
    ],
)
def test_more_intents(said, intent):
    assert read(said).intent == intent


def test_plain_words_are_the_catalogue_s_words_without_fillers_and_measures() -> None:
    from handlers.citizen.understanding.reading import READER

    assert READER.plain("我家老头子八十多了有没有啥补贴") == "老年人高龄补贴"
    assert READER.plain("在地里打口井") == "打井"  # 地里 says where: a filler
    assert READER.plain("户口迁到", measures=False) == "户口迁移"  # 口 of 户口 kept
    assert READER.without_measures("办个营业执照") == "办营业执照"
    assert READER.without_measures("个体户") == "个体户"  # a first character stays


@pytest.mark.parametrize(
    ("said", "problem"),
    [
        ("机器人说不清楚，麻烦转一下人工", True),  # 转一下 + 人工 said together end the message
        ("小编在吗", False),
        ("人工服务在哪", False),  # a question word beside 人工 is no problem to forward
        ("人工客服电话多少", False),
        ("转人工 高龄补贴停发了", True),
        ("高龄补贴停发了，转人工", True),
    ],
)
def test_human_inside_a_longer_sentence_and_the_problem_said_with_it(said, problem):
    reading = read(said)
    assert reading.intent == "human"
    assert bool(reading.core) is problem


@pytest.mark.parametrize("said", ["换人口登记", "人工授精补贴", "派出所在哪"])
def test_words_holding_human_terms_are_not_a_request_for_a_person(said):
    assert read(said).intent != "human"


@pytest.mark.parametrize(
    "said",
    [
        "说了半天也不对，我想跟工作人员交流一下",  # 跟 … 交流一下 joined to 工作人员
        "能不能和人工客服对接",
        "我要同客服人员通个话",
        "有事找人宫",  # 人工 typed by its sound, beside another of its words
        "仁工客服",
    ],
)
def test_human_said_with_words_of_talking_or_by_its_sound(said):
    assert read(said).intent == "human"


def test_a_word_heard_by_its_sound_does_not_begin_on_an_offices_last_character():
    # 所要 sounds like 索要, but 所 ends 派出所 / 管理所
    assert read("派出所要开啥证明").intent == "item"
    assert read("草原站要交啥材料").intent == "item"
    assert read("窗口所要红包").intent == "complaint"  # no office's name before it


@pytest.mark.parametrize("said", ["跟人工授精有关的补贴", "客服中心在哪"])
def test_talking_words_do_not_make_other_words_a_request_for_a_person(said):
    assert read(said).intent != "human"


@pytest.mark.parametrize(
    "said",
    [
        "这个我搞不明白 请个工作人员",  # one clause asks only for a person, the other says why
        "字太多了 叫个人来给我说说",
        "眼睛不好使，让你们的人回个电话",
        "我家的事复杂得很 能不能派个人",
    ],
)
def test_a_clause_that_only_asks_for_a_person_is_the_command(said):
    assert read(said).intent == "human"


@pytest.mark.parametrize(
    "said",
    [
        "让工作人员给我打个电话 我手机号15009351234",  # their own number, not an item's
        "叫个工作人员联系我，电话0935-3125566",
        "能不能找个人问问 家里地的事说不清",  # 找个 … 问问: asking for someone who knows
    ],
)
def test_a_request_for_a_person_beside_ones_own_number_or_matter_is_the_command(said):
    assert read(said).intent == "human"


@pytest.mark.parametrize(
    "said", ["窗口工作人员 在哪", "请问工作人员，营业执照在哪办", "个人 所得税"]
)
def test_a_person_named_in_a_clause_beside_a_question_is_not_the_command(said):
    assert read(said).intent != "human"


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("帮我查查我医保交了多少年", "personal"),
        ("我名下是不是有两套房", "personal"),
        ("给我算算还能领多少", "personal"),
        ("叫号叫到多少了", "booking"),
        ("残疾补贴给我停了 凭啥", "complaint"),
    ],
)
def test_own_records_queues_and_disputes_in_plain_words(said, intent):
    assert read(said).intent == intent


@pytest.mark.parametrize("said", ["身份证办理", "营业执照办理", "结婚证申请"])
def test_an_items_name_with_a_word_of_doing_is_no_request_about_an_application(said):
    assert read(said).intent == "item"


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("俺们家的退耕还林补助今年补了多少", "personal"),  # whose, then what was received
        ("我妈的养老金到卡上了没", "personal"),
        ("2016年退耕还林补助补了多少", "item"),  # nobody's own: the published list's
        ("补了多少 我家", "item"),  # received said before whose: no question of one's own
    ],
)
def test_ones_own_money_received_is_a_personal_record(said, intent):
    assert read(said).intent == intent


@pytest.mark.parametrize(
    ("said", "intent", "aspect"),
    [("dianhua", "item", "phone"), ("cai liao", "item", "materials"), ("xie xie", "thanks", None)],
)
def test_a_word_of_an_intent_or_a_question_typed_in_pinyin_reads_as_that_word(said, intent, aspect):
    reading = read(said)
    assert (reading.intent, reading.aspect) == (intent, aspect)


def test_an_item_typed_in_pinyin_is_left_to_search():
    assert read("shenfenzheng").intent == ITEM and read("shenfenzheng").aspect is None
