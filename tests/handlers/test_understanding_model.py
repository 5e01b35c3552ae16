"""The naive Bayes classifier that backs the nearest-example scorer, and its use by the reader
(wordings other than any conversation test's)."""

from __future__ import annotations

from handlers.citizen.understanding.reading import READER
from handlers.citizen.understanding.scorer import NO_CLASS, Model

TOY = {
    "thanks": ["谢谢", "多谢你", "感谢帮忙"],
    "fee": ["要钱吗", "收费吗", "多少钱"],
    NO_CLASS: ["身份证", "营业执照", "结婚登记"],
}


def test_model_learns_words_shared_by_several_examples():
    model = Model(TOY)
    assert model.best("多谢帮忙")[0] == "thanks"
    assert model.best("收多少钱吗")[0] == "fee"
    assert model.best("营业执照补办")[0] == NO_CLASS


def test_probabilities_sum_to_one_and_unknown_text_scores_nothing():
    model = Model(TOY)
    assert abs(sum(model.probabilities("谢谢收费").values()) - 1) < 1e-9
    assert model.probabilities("😀") == {}
    assert model.best("") == (None, 0.0)


def test_item_names_are_none_of_the_intents():
    for name in ("残疾人证办理", "农村低保", "林木采伐许可证"):
        assert READER.guess(name)[0] == NO_CLASS, name
        assert READER.read(name).intent == "item", name


def test_a_new_goodbye_backed_by_the_classifier_is_small_talk():
    # No goodbye term heard and no example near enough alone: the classifier is sure.
    assert READER.read("拜拜了您嘞").intent == "goodbye"


def test_bribes_and_favours_asked_for_are_complaints():
    for said in ("他们要我送礼才肯盖章", "办个证还得塞钱", "有人收回扣"):
        assert READER.read(said).intent == "complaint", said


def test_a_fee_taken_against_the_guide_or_a_long_wait_is_a_complaint():
    for said in ("交了五十块 不是说免费吗", "说好的即办 拖到现在", "让我等了半个月还没信"):
        assert READER.read(said).intent == "complaint", said


def test_a_progress_asked_in_dialect_and_a_fine_paid_here_are_not_served():
    assert READER.read("证做好没 给查一哈").intent == "progress"
    assert READER.read("这个罚款微信上交行不行").intent == "personal"
    assert READER.read("这个费用直接转账给你们行不").intent == "personal"
    assert READER.read("合格证丢了 能不能给我打一份").intent == "personal"


def test_queue_jumping_and_favours_at_the_window_are_complaints():
    for said in (
        "窗口有人插队也没人管",
        "他们优亲厚友 先给自家人办",
        "评救助全凭关系",
        "收费的多收了我十块",
        "十点了还没人上班",
        "那个办事员让我请他吃饭才给办",
    ):
        assert READER.read(said).intent == "complaint", said
    # a condition asked is no complaint
    assert READER.read("要先拿到营业执照才给办吗").intent == "item"


def test_asking_the_account_to_do_or_buy_it_is_something_it_cannot_serve():
    for said in ("帮我订一间房", "在微信上办好发给我", "帮我买两张汽车票"):
        assert READER.read(said).intent == "personal", said
    # Asking what one needs, with 给我把 in it, is still a question about an item.
    assert READER.read("给我把户口迁过来要啥材料").intent == "item"


def test_what_a_step_is_like_is_only_the_question():
    reading = READER.read("收费标准是怎样的")
    assert (reading.aspect, reading.core) == ("fee", "标准")
    reading = READER.read("流程是什么样的")
    assert (reading.aspect, reading.core) == ("procedure", "")


def test_the_wish_to_rate_is_told_how():
    from handlers.citizen.ratings import wishes_to_rate

    for said in ("我想评价", "给你们打个分吧", "如何评分", "评价一下刚才的回答"):
        assert wishes_to_rate(said), said
    for said in ("评4", "投诉", "营业执照评审"):
        assert not wishes_to_rate(said), said


def test_the_words_of_human_and_complaint_typed_by_their_sound_are_those_acts():
    for said, intent in (
        ("请转任工", "human"),
        ("我要头诉", "complaint"),
        ("我要举保他们", "complaint"),
    ):
        assert READER.read(said).intent == intent, said


def test_short_searches_do_not_sound_like_acts():
    for said in ("帮我看看材料传哪", "需要复印件吗", "没钱了能吃低保不", "人工授精", "禁毒"):
        assert READER.read(said).intent not in ("human", "complaint"), said


def test_more_ways_of_asking_about_the_item_just_shown():
    for said, aspect in (
        ("在几楼办", "place"),
        ("什么人可以申请", "conditions"),
        ("有办理指南吗", "procedure"),
        ("中午上班吗", "hours"),
        ("必须本人到场吗", "proxy"),  # who may go: someone else, or only oneself
    ):
        reading = READER.read(said)
        assert (reading.aspect, reading.core) == (aspect, ""), said


def test_new_wordings_of_requests_it_cannot_serve_are_read_when_the_classifier_is_certain():
    for said, intent in (
        ("我的事有消息没", "progress"),
        ("在这儿能直接申请吗", "personal"),
        ("能不能帮我提交", "personal"),
    ):
        assert READER.read(said).intent == intent, said
    for said in ("公积金提取", "残疾人两项补贴", "给娃办个户口"):
        assert READER.read(said).intent == "item", said


def test_praise_of_the_answer_is_small_talk_not_a_search():
    for said in ("挺不错的", "答得好", "真棒", "很有帮助啊"):
        assert READER.read(said).is_talk, said
    assert READER.read("不错的养老院").intent == "item"


def test_the_legal_basis_asked_in_plain_words_is_its_own_aspect():
    for said in ("依据是啥法规", "这是按什么规定办的", "法律依据"):
        assert READER.read(said).aspect == "basis", said


def test_whether_an_item_is_paused_and_until_when_is_its_own_aspect():
    for said in ("啥时候能恢复", "为啥停了", "暂停到什么时候", "怎么不办了"):
        assert READER.read(said).aspect == "status", said
    # restoring grassland is an item's name, not a question of its status
    assert READER.read("草原植被恢复费").aspect != "status"


def test_an_items_name_with_its_way_near_an_acts_example_is_no_act():
    # 「新办营业执照」 is one character from 「帮我代办营业执照」's 办营业执照: its topic, no act
    for said in ("新办营业执照", "补办营业执照"):
        assert READER.read(said).intent == "item", said
    assert READER.read("帮我代办营业执照").intent == "personal"
    # one other character that says no way of a thing's life is still near the act
    assert READER.read("我想和真人聊").intent == "human"


def test_whom_to_ask_is_a_question_of_the_phone():
    for said in ("找谁问", "有问题联系谁"):
        assert READER.read(said).aspect == "phone", said


def test_whether_one_may_get_a_benefit_is_a_question_of_its_conditions():
    # 吃上低保: getting onto 低保, not one's own records
    assert READER.read("我家能不能吃上低保").aspect == "conditions"
    assert READER.read("能不能评上贫困户").aspect == "conditions"
