"""The life-event direction of queries and item names, and the rule built on it."""

from __future__ import annotations

import pytest

from search import Document, SearchIndex
from search.direction import (
    WORDS,
    asked,
    direction_of,
    goes_the_other_way,
    same_thing,
    thing_of,
)
from search.normalise import normalise
from search.query import parse
from search.rank import CONFIDENT_SCORE
from search.synonyms import SynonymTable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("个体工商户设立登记", {"new"}),
        ("护士执业注册", {"new"}),
        ("护士执业注销注册", {"end"}),  # the registration ends: not a new one
        ("乡村医生执业再注册", {"renew"}),
        ("结婚证丢了", {"replace"}),
        ("社会保障卡补领、换领、换发", {"replace", "renew"}),
        ("代开发票作废", {"void"}),
        ("结婚登记预约", {"info"}),
        ("公司变更登记", {"change"}),
        ("营业执照上的住所要咋改", {"change"}),  # 咋 between 要 and 改
        ("名字怎么改", {"change"}),
        ("最低生活保障", set()),
        ("烟草专卖零售许可证恢复营业", {"resume"}),
        ("草原植被恢复费的征收", set()),  # restoring land is no life event
        ("拖拉机/联合收割机转移登记", {"transfer"}),
        ("客运车辆道路运输证办理（过户）", {"transfer"}),
        ("车卖给别人了", {"transfer"}),
        ("幼儿园换园长", {"change"}),  # 换 + what is replaced
        ("更改发票信息", {"change"}),
        ("社会保障卡解挂", {"resume"}),  # the card reported lost is back in use
        ("结婚证弄不见了", {"replace"}),
        ("身份证不见了", {"replace"}),
        ("辅助器具配置（更换）申请", set()),  # 更换 names no event: it is not 换
        ("对擅自调换教科书的处罚", set()),
        ("基本医疗保险关系转移接续", set()),  # moving one's insurance changes no owner
        ("未做过户籍登记公证指引", set()),  # 做过 + 户籍: no transfer
        ("户口被注销了", set()),  # what was done to the citizen, not what is asked
        ("证被吊销了想补办", {"replace"}),
        ("身份证被偷了", {"replace"}),  # 被偷 is a word of its own: the paper is gone
        ("用电服务暂停", {"end"}),
        ("用电服务暂停恢复", {"resume"}),
        ("第一次考驾照", {"new"}),
        ("烟草证不想干了", {"end"}),
        ("合作社要解散", {"end"}),
        # what is denied is not asked
        ("不是想注销 我要新开一家", {"new"}),
        ("不要补办 是第一次申请", {"new"}),
        # 换 with a paper named and no detail of it: the paper renewed
        ("驾驶证旧了想换", {"renew"}),
        ("换户口本", {"renew"}),
        ("执照上换个负责人", {"change"}),  # a detail of it named: a change
        ("换法人", {"change"}),
        # the finder's side of a lost paper
        ("拾到一张残疾证", {"replace"}),
        ("证快到期了能延一下吗", {"renew"}),
    ],
)
def test_direction_of_names_and_queries(text: str, expected: set[str]) -> None:
    assert direction_of(normalise(text)) == expected


def test_the_table_is_normalised_and_covers_every_direction() -> None:
    assert all(word == normalise(word) for word in WORDS)
    assert set(WORDS.values()) == {
        "new",
        "change",
        "transfer",
        "end",
        "replace",
        "renew",
        "resume",
        "void",
        "info",
        "none",  # words naming no direction (更换), so 换 is not read inside them
    }


def test_other_way_against_the_query_or_the_default() -> None:
    end, new, replace = frozenset({"end"}), frozenset({"new"}), frozenset({"replace"})
    assert goes_the_other_way(end, frozenset())  # no direction named: the item itself
    assert goes_the_other_way(end, new)
    assert goes_the_other_way(new, replace)
    assert not goes_the_other_way(frozenset(), replace)  # neutral items never do
    assert not goes_the_other_way(replace, replace)
    assert not goes_the_other_way(frozenset({"info"}), frozenset())
    # an appointment to replace a certificate is not what a plain appointment query wants
    info = frozenset({"info"})
    assert goes_the_other_way(frozenset({"replace", "info"}), info)
    assert not goes_the_other_way(frozenset({"replace", "info"}), frozenset({"replace", "info"}))
    assert not goes_the_other_way(info, info)
    # an appointment naming no event is about the item itself (结婚登记预约: to marry), not
    # the appointment to replace the certificate
    assert goes_the_other_way(info, frozenset({"replace", "info"}))
    assert not goes_the_other_way(frozenset({"replace", "info"}), frozenset({"replace", "info"}))


def test_resume_tells_what_it_undoes() -> None:
    assert asked(frozenset({"end", "resume"})) == {"resume"}
    assert asked(frozenset({"replace", "resume", "info"})) == {"resume", "info"}
    assert asked(frozenset({"end", "replace"})) == {"end", "replace"}
    table = SynonymTable([])
    assert parse("社保卡挂失了又找到了", table).direction == {"resume"}
    assert parse("户口被注销了申请恢复", table).direction == {"resume"}
    assert parse("烟草证停业了想恢复营业", table).direction == {"resume"}
    assert parse("养老金暂停发放了怎么恢复", table).direction == {"resume"}


def test_same_thing_ignores_direction_words_and_qualifiers() -> None:
    assert thing_of("燃气经营许可证延续") == "燃气经营许可证"
    assert same_thing("个体工商户注销登记", "个体工商户设立登记")
    assert same_thing("代开发票作废（县级行使）", "代开增值税普通发票")
    assert not same_thing("个体工商户注销登记", "公司设立登记")


def _doc(number: int, name: str) -> Document:
    return Document(code=f"X{number:04d}", name=name)


NAMES = [
    "个体工商户注销登记", "个体工商户设立登记", "个体工商户变更登记（备案）",
    "护士执业注销注册", "护士新办执业注册", "护士延续执业注册", "护士执业证书遗失补办",
    "燃气经营许可证新办", "燃气经营许可证延续", "燃气经营许可证注销",
    "代开发票作废", "代开增值税普通发票", "补领结婚证", "结婚登记预约", "中国内地公民婚姻登记",
    "最低生活保障",
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build([_doc(n, name) for n, name in enumerate(NAMES)])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("个体户注册", "个体工商户设立登记"),
        ("个体工商户", "个体工商户设立登记"),  # no direction: the item itself, not its end
        ("个体户不干了", "个体工商户注销登记"),
        ("护士执业注册", "护士新办执业注册"),
        ("护士执业证丢了", "护士执业证书遗失补办"),
        ("燃气经营许可证到期了", "燃气经营许可证延续"),
        ("燃气经营许可证", "燃气经营许可证新办"),
        ("代开发票", "代开增值税普通发票"),
        ("代开发票作废", "代开发票作废"),
        ("结婚证补办", "补领结婚证"),
    ],
)
def test_the_other_way_is_never_first(index: SearchIndex, query: str, expected: str) -> None:
    assert index.search(query, top=3)[0].document.name == expected


def test_hits_say_whether_they_are_confident(index: SearchIndex) -> None:
    assert index.search("最低生活保障", top=1)[0].confident
    assert all(not hit.confident for hit in index.search("明天天气怎么样", top=3))


def test_a_practitioners_licence_does_not_answer_a_service_question() -> None:
    index = SearchIndex.build(
        [_doc(1, "法律援助律师执业许可"), _doc(2, "法律援助"), _doc(3, "律师执业证书补证")]
    )
    assert index.search("没钱请律师法律援助", top=1)[0].document.name == "法律援助"
    assert index.search("律师执业许可", top=1)[0].document.name == "法律援助律师执业许可"


def test_an_unasked_information_item_does_not_stay_above_the_item_itself() -> None:
    index = SearchIndex.build(
        [
            _doc(1, "食品经营许可查询"),
            _doc(2, "食品(含保健食品)经营许可核发"),
            _doc(3, "离婚登记预约"),
            _doc(4, "补领离婚证预约"),
        ]
    )
    assert index.search("食品经营许可", top=2)[0].document.name == "食品(含保健食品)经营许可核发"
    assert index.search("食品经营许可怎么查", top=2)[0].document.name == "食品经营许可查询"
    assert index.search("离婚要先预约吗", top=2)[0].document.name == "离婚登记预约"
    assert index.search("离婚证丢了预约补领", top=2)[0].document.name == "补领离婚证预约"


def test_a_sound_match_stays_doubtful_beside_a_latin_dictionary_word() -> None:
    index = SearchIndex.build([_doc(1, "巡游出租汽车经营许可证到期换证")])
    hits = index.search("KTV许可证到期", top=1)
    assert hits and not hits[0].confident
    assert index.search("xunyou chuzu qiche", top=1)[0].confident  # typed pinyin is meant


def test_a_code_keeps_its_item_first_whatever_its_direction() -> None:
    end = Document(code="62062300000001367025X0—XK00007000", name="个体工商户注销登记")
    new = Document(code="62062300000001367025X0—XK00006000", name="个体工商户设立登记")
    index = SearchIndex.build([end, new])
    assert index.search("XK00007000 个体工商户", top=2)[0].document.name == "个体工商户注销登记"


def test_the_direction_of_a_query_is_read_without_its_question_words() -> None:
    table = SynonymTable([])
    assert parse("烟草证换个地址", table).direction == {"change"}  # 个 is a question word
    assert parse("个体户不开了", table).direction == {"end"}  # as typed
    assert parse("烟草证怎么办", table).direction == frozenset()
    words = SynonymTable([("丢了工作", "失业"), ("销户口", "户口注销"), ("药店", "药品零售企业")])
    assert parse("丢了工作怎么办", words).direction == frozenset()  # a thing, not a lost paper
    assert parse("销户口", words).direction == {"end"}  # named in the formal reading
    assert parse("执业药师换药店了", words).direction == {"change"}  # 换药店 is not inside 药店


def test_a_life_event_of_a_licence_is_about_practising() -> None:
    index = SearchIndex.build(
        [_doc(1, "护士表彰（优秀护士）"), _doc(2, "护士变更执业注册"), _doc(3, "护士执业注销注册")]
    )
    assert index.search("护士换医院了", top=1)[0].document.name == "护士变更执业注册"


def test_a_transfer_of_ownership_is_its_own_life_event() -> None:
    names = ["货车档案解封", "货车抵押登记", "货车转移登记", "货车注册登记"]
    index = SearchIndex.build([_doc(n, name) for n, name in enumerate(names)])
    assert index.search("货车过户", top=1)[0].document.name == "货车转移登记"
    assert index.search("货车卖给别人了", top=1)[0].document.name == "货车转移登记"
    # no life event named: the item itself (注册), before the items of other events
    assert index.search("货车", top=1)[0].document.name == "货车注册登记"


def test_words_of_other_events_qualify_the_thing_asked_about() -> None:
    # 转出 is in both names: the thing (学籍) decides, not the event word.
    index = SearchIndex.build([_doc(1, "档案转出"), _doc(2, "义务教育阶段学生学籍异动办理")])
    assert index.search("学籍转出", top=1)[0].document.name == "义务教育阶段学生学籍异动办理"


def test_a_query_naming_another_event_gets_no_bonus_for_the_item_itself() -> None:
    names = ["辖区学校中小学学生学籍管理服务（注册、毕业）", "义务教育阶段学生学籍异动办理"]
    index = SearchIndex.build([_doc(n, name) for n, name in enumerate(names)])
    plain = {hit.document.name: hit.score for hit in index.search("学生学籍", top=2)}
    assert plain[names[0]] - plain[names[1]] > 0.02  # the bonus of the item itself (注册)
    transfer = {hit.document.name: hit.score for hit in index.search("学生学籍转出", top=2)}
    assert transfer[names[1]] > transfer[names[0]]  # 转出 is another event: no bonus


def test_information_only_ranks_below_a_booking_of_the_service() -> None:
    # both are information items; a booking (预约) is a step of the service itself
    index = SearchIndex.build([_doc(1, "婚姻登记查询"), _doc(2, "婚姻登记预约")])
    hits = {hit.document.name: hit.score for hit in index.search("婚姻登记", top=2)}
    assert hits["婚姻登记预约"] - hits["婚姻登记查询"] > 0.03
    asked = index.search("婚姻登记查询", top=1)[0]
    assert asked.document.name == "婚姻登记查询"


def test_an_appointment_for_the_item_itself_does_not_answer_one_for_a_replacement() -> None:
    index = SearchIndex.build([_doc(1, "结婚登记预约"), _doc(2, "补领结婚证预约")])
    assert index.search("结婚证遗失补领预约", top=1)[0].document.name == "补领结婚证预约"
    assert index.search("结婚登记预约", top=1)[0].document.name == "结婚登记预约"


def test_lost_then_found_and_transfers_go_their_own_way() -> None:
    index = SearchIndex.build(
        [
            _doc(1, "社会保障卡挂失"),
            _doc(2, "社会保障卡解挂"),
            _doc(3, "社会保障卡申领"),
            _doc(4, "户口注销"),
            _doc(5, "户口恢复"),
            _doc(6, "拖拉机/联合收割机变更登记"),
            _doc(7, "拖拉机/联合收割机转移登记"),
            _doc(8, "补领结婚证预约"),
            _doc(9, "结婚登记预约"),
        ]
    )
    assert index.search("社保卡挂失了又找到了", top=1)[0].document.name == "社会保障卡解挂"
    assert index.search("社保卡锁了", top=1)[0].document.name == "社会保障卡解挂"
    assert index.search("社保卡挂失", top=1)[0].document.name == "社会保障卡挂失"
    assert index.search("户口被注销了申请恢复", top=1)[0].document.name == "户口恢复"
    assert index.search("拖拉机过户", top=1)[0].document.name == "拖拉机/联合收割机转移登记"
    assert index.search("拖拉机变更", top=1)[0].document.name == "拖拉机/联合收割机变更登记"
    assert index.search("结婚证遗失补领预约", top=1)[0].document.name == "补领结婚证预约"
    assert index.search("结婚登记预约", top=1)[0].document.name == "结婚登记预约"


def test_resuming_outweighs_the_stop_it_undoes() -> None:
    table = SynonymTable([])
    assert parse("户口被注销了申请恢复", table).direction == {"resume"}
    assert parse("社保卡挂失了又找到了", table).direction == {"resume"}
    assert parse("社保卡挂失", table).direction == {"replace"}


def test_names_matching_alike_go_to_the_item_itself_when_no_life_event_is_named() -> None:
    # two names of one length matching the query alike: with no direction named, the item
    # itself (设立), whatever the order of the codes (by `DEFAULT_BONUS`, no longer a tie)
    for codes in ((1, 2), (2, 1)):
        index = SearchIndex.build(
            [_doc(codes[0], "农民专业合作社备案登记"), _doc(codes[1], "农民专业合作社设立登记")]
        )
        hits = index.search("合作社", top=2)
        assert hits[0].document.name == "农民专业合作社设立登记"


def test_a_hit_going_the_named_way_must_also_name_the_thing() -> None:
    # 钱包丢了 → an item going the replace way (…遗失补办) about something else stays doubtful
    from search.index import _names_the_thing

    table = SynonymTable.default()
    lost_permit = Document(code="X1", name="放射诊疗许可证遗失补办")
    assert not _names_the_thing(lost_permit, parse("钱包丢了", table))
    assert _names_the_thing(lost_permit, parse("放射诊疗许可证丢了", table))
    card = Document(code="X2", name="社会保障卡挂失", aliases=("社保卡挂失",))
    assert _names_the_thing(card, parse("社保卡丢了", table))  # the formal reading names it
    assert not _names_the_thing(card, parse("银行卡丢了", table))


def test_a_query_naming_no_direction_moves_only_an_ending_below_the_item_itself() -> None:
    names = ["燃气经营许可证延续", "燃气经营许可证新办", "代开发票作废", "代开增值税普通发票"]
    index = SearchIndex.build([_doc(n, name) for n, name in enumerate(names)])
    # 延续 typed in pinyin is no direction the table reads: the score (which already holds
    # the default's penalty) decides, the renewal is not moved below the new licence
    hits = index.search("ranqi jingying xukezheng yanxu", top=2)
    assert [hit.document.name for hit in hits] == ["燃气经营许可证延续", "燃气经营许可证新办"]
    # the item's ending is never first when no direction is named
    assert index.search("代开发票", top=2)[0].document.name == "代开增值税普通发票"


def test_a_guide_is_no_confident_answer_to_a_question_asking_no_information() -> None:
    index = SearchIndex.build(
        [_doc(1, "挖掘机抵押登记（公证）指引"), _doc(2, "最低生活保障"), _doc(3, "临时救助")]
    )
    hit = index.search("学挖掘机", top=1)[0]
    assert hit.score >= CONFIDENT_SCORE and not hit.confident
    assert index.search("挖掘机抵押公证查询", top=1)[0].confident  # information asked for
    assert index.search("挖掘机抵押登记", top=1)[0].confident  # well above the doubt margin
