"""Taking a query apart: fillers, synonym readings (literal and by sound), intents."""

from __future__ import annotations

from search.query import parse, strip_fillers
from search.synonyms import SynonymTable

TABLE = SynonymTable(
    [("低保", "最低生活保障"), ("社保卡", "社会保障卡"), ("丢了", "补领"), ("丢了", "挂失")]
)


def test_question_words_are_removed_but_words_of_names_stay() -> None:
    known = {"申请", "个体"}.__contains__
    assert strip_fillers("请问怎么申请临时救助", known) == "申请临时救助"
    assert strip_fillers("我想开个体户需要什么材料", known) == "开个体户"
    assert strip_fillers("linshi jiuzhu 吗") == "linshi jiuzhu"


def test_colloquial_words_give_formal_readings() -> None:
    parsed = parse("社保卡丢了怎么办", TABLE)
    texts = [variant.text for variant in parsed.variants]
    assert "社会保障卡补领" in texts and "社会保障卡挂失" in texts
    assert "社保卡丢了怎么办" in texts  # the literal query is matched too


def test_typed_pinyin_and_homophones_of_colloquial_words() -> None:
    assert "最低生活保障" in [v.text for v in parse("dibao", TABLE).variants]
    assert "最低生活保障" in [v.text for v in parse("地保", TABLE).variants]


def test_sound_alike_hanzi_without_a_shared_character_are_not_synonyms() -> None:
    table = SynonymTable([("出生证", "出生医学证明")])
    assert [v.text for v in parse("初审怎", table).variants] == ["初审怎"]


def test_intents_initials_and_codes() -> None:
    assert parse("无证经营被罚款了", TABLE).penalty_intent
    assert not parse("营业执照", TABLE).penalty_intent
    assert parse("办理进度查询", TABLE).info_intent
    assert parse("lsjz", TABLE).initials == ("lsjz",)
    assert parse("XK00001 是什么", TABLE).codes[0].text == "XK00001"


def test_tone_numbers_are_dropped_from_pinyin_but_not_from_codes() -> None:
    assert parse("lin2shi2 jiu4zhu4", TABLE).variants[0].text == "linshi jiuzhu"
    assert parse("xk00001", TABLE).variants[0].text == "xk00001"


def test_a_long_message_is_cut_but_its_code_is_still_found() -> None:
    story = "我想问一下家里困难怎么申请低保" * 40 + "XK00001000"
    parsed = parse(story[:250] + " XK00001000", TABLE)
    assert len(parsed.text) <= 60  # synonym readings may then be longer
    assert parsed.codes[0].text == "XK00001000"
    assert len(parse(story, TABLE).text) <= 60


def test_words_for_actions_are_marked_in_their_readings() -> None:
    table = SynonymTable([("户口本", "户口簿")], actions=[("丢了", "补领")])
    variant = next(v for v in parse("户口本丢了", table).variants if v.reasons)
    assert variant.text == "户口簿补领" and variant.major == "户口簿|"
    assert table.get("丢了") is not None and table.get("丢了").action  # type: ignore[union-attr]
    assert not table.with_pairs([("扎西钱", "临时救助")]).get("户口本").action  # type: ignore[union-attr]
    assert table.with_pairs([]).get("丢了").action  # type: ignore[union-attr]


def test_a_question_word_is_never_heard_as_part_of_a_term() -> None:
    table = SynonymTable([("律师证", "律师执业证")])
    assert all("执业" not in v.text for v in parse("请律师怎么办", table).variants)
    assert "律师执业证" in [v.text for v in parse("律师正", table).variants]


def test_a_word_heard_by_sound_never_cuts_through_a_typed_word() -> None:
    table = SynonymTable([("鞭炮", "烟花爆竹"), ("跑运输", "道路运输经营")])
    texts = [v.text for v in parse("鞭炮运输", table).variants]
    assert "烟花爆竹运输" in texts and not any("道路运输经营" in t for t in texts)
    assert "道路运输经营" in [v.text for v in parse("pao yunshu", table).variants]


def test_a_colloquial_word_split_by_a_question_word_is_still_read() -> None:
    table = SynonymTable(
        [("社保卡", "社会保障卡")], actions=[("换密码", "密码修改"), ("丢了", "补领")]
    )
    texts = [v.text for v in parse("社保卡换个密码", table).variants]
    assert "社会保障卡密码修改" in texts
    # without question words the query must find all the typed words and more
    assert "社会保障卡补领" in [v.text for v in parse("社保卡丢了", table).variants]


def test_a_quantity_never_names_an_item() -> None:
    assert strip_fillers("砍几棵树") == "砍树"
    assert strip_fillers("养一百头牛") == "养牛"
    assert strip_fillers("第五十五条") == "第五十五条"  # an article of a law
    assert strip_fillers("想打口井") == "想打井"  # one, left unsaid
    assert strip_fillers("屋头以前没交的养老保险") == "没交养老保险"  # whose and when
    assert strip_fillers("户口本") == "户口本"  # 口 of a word, after no verb of doing
    table = SynonymTable([("砍", "采伐"), ("树", "林木"), ("砍树", "林木采伐")])
    assert "林木采伐" in [v.text for v in parse("砍几棵树", table).variants]


def test_a_later_thing_to_do_is_wanted_but_a_noun_starting_with_a_verb_is_not() -> None:
    table = SynonymTable(
        [("小卖部", "食品经营"), ("卖烟", "烟草专卖零售许可"), ("去世", "死亡"),
         ("养老金", "养老保险待遇")]
    )  # fmt: skip
    selling = next(v for v in parse("开小卖部卖烟", table).variants if v.reasons)
    assert selling.major == "开|烟草专卖零售|"  # the shop is only the setting
    pension = next(v for v in parse("去世了养老金", table).variants if v.reasons)
    assert pension.major == ""  # 养老金 is a thing (养老保险), not 养 + 老金: both count


def test_a_closing_not_asks_a_question() -> None:
    assert strip_fillers("看病的钱能报销不") == "看病钱报销"
    assert strip_fillers("不动产登记") == "不动产登记"  # 不 inside a term stays
    assert strip_fillers("个体户不干了", {"个体"}.__contains__) == "个体户不干"  # not closing


def test_sharing_only_a_question_character_is_no_sound_match() -> None:
    table = SynonymTable([], actions=[("捡了", "招领")])
    assert all("招领" not in v.text for v in parse("证弄不见了", table).variants)
    assert "证招领" in [v.text for v in parse("证捡le", table).variants]  # typed pinyin


def test_a_dictionary_word_typed_in_pinyin_is_also_read_in_hanzi() -> None:
    table = SynonymTable([("营业执照", "个体工商户登记"), ("低保", "最低生活保障")])
    known = {"营业", "业执", "执照"}.__contains__  # pairs of item names
    texts = [v.text for v in parse("yingyezhizhao遗失", table, known).variants]
    assert "营业执照遗失" in texts  # the word itself may be a term of item names
    assert "个体工商户登记遗失" in texts
    assert "营业执照遗失" not in [v.text for v in parse("营业执照遗失", table).variants[1:]]
    # 低保 is in no item name: its pinyin is read as the formal term only
    assert "低保" not in [v.text for v in parse("dibao", table, known).variants]
