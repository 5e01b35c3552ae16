"""The guide's own sentences about what a follow-up asks (「还要登报吗」), other wordings than
the conversation set's."""

from __future__ import annotations

from catalogue.models import PowerItem
from handlers.citizen.guide_notes import guide_sentences, names_its_paper, notes_about


def _item() -> PowerItem:
    return PowerItem(
        name="某某证书补发",
        requirements=[
            {"name": "身份证", "note": ""},
            {"name": "登报遗失声明", "note": "在市级以上报纸刊登"},
            {"name": "两寸照片", "note": "白底"},
        ],
        conditions="持证人本人申请。因病不能到场的，可由直系亲属代办。",
        procedure=["受理：窗口收件", "发证：5个工作日内寄出"],
        service_content="",
        management_requirements="",
        fee="不收费",
    )


def test_every_field_a_question_may_be_about_is_a_sentence():
    sentences = guide_sentences(_item())
    assert "材料：登报遗失声明（在市级以上报纸刊登）" in sentences
    assert "因病不能到场的，可由直系亲属代办" in sentences and "受理：窗口收件" in sentences


def test_the_sentences_sharing_words_with_the_question():
    assert notes_about(_item(), "要不要登报啊") == ["材料：登报遗失声明（在市级以上报纸刊登）"]
    assert notes_about(_item(), "亲属能代办吗") == ["因病不能到场的，可由直系亲属代办"]
    assert notes_about(_item(), "相片要几张") == ["材料：两寸照片（白底）"]  # 相片: 照片
    assert notes_about(_item(), "几点上班") == []


def test_what_the_answer_already_says_is_not_repeated():
    assert notes_about(_item(), "要不要登报", shown="登报遗失声明（在市级以上报纸刊登）") == []


def test_a_paper_is_named_by_its_whole_name_not_by_whom_it_is_for():
    item = PowerItem(
        name="某补贴", requirements=[{"name": "第二代残疾人证"}, {"name": "社会保障卡"}]
    )
    assert names_its_paper(item, "残疾人证要带")
    assert names_its_paper(item, "社保卡要")  # 社保卡: 社会保障卡
    assert not names_its_paper(item, "残疾人")  # 「家里有残疾人」: who, not the paper


def test_everyday_words_are_read_in_the_guides_words():
    shop = PowerItem(
        name="某经营许可",
        requirements=[{"name": "从业人员健康证明"}],
        conditions="有不少于20平方米的营业场所。",
        procedure=["申请：向村（社区）提出"],
    )
    assert notes_about(shop, "铺面要多大") == ["有不少于20平方米的营业场所"]
    assert notes_about(shop, "伙计要体检吗") == ["材料：从业人员健康证明"]
    assert notes_about(shop, "在村上交还是去县上") == ["申请：向村（社区）提出"]
    # 村上, written by guides as 村（社区） and as 村民委员会: each is read
    house = PowerItem(name="某建房许可", requirements=[{"name": "村民委员会意见"}], procedure=[])
    assert notes_about(house, "村上要给出个啥") == ["材料：村民委员会意见"]


def test_how_far_ahead_is_read_as_the_days_before_a_deadline():
    licence = PowerItem(
        name="某许可证延续",
        requirements=[],
        conditions="有效期5年。期满需继续的，应当在期满60日前申请延续。",
        procedure=[],
    )
    assert notes_about(licence, "得提前几天来") == ["期满需继续的，应当在期满60日前申请延续"]


def test_a_time_limits_note_is_a_sentence_of_the_guide():
    from catalogue.models.items import TimeLimit

    card = PowerItem(
        name="某证件办理",
        requirements=[],
        procedure=[],
        legal_time_limit=TimeLimit(20, "工作日", None),
        promised_time_limit=TimeLimit(10, "工作日", "加急的当场制证"),
    )
    assert "承诺办结时限：10个工作日（加急的当场制证）" in guide_sentences(card)
    assert not any(s.startswith("法定办结时限") for s in guide_sentences(card))  # no note
    assert notes_about(card, "加急的能快点不") == ["承诺办结时限：10个工作日（加急的当场制证）"]


def test_animals_and_injections_are_read_as_guides_write_them():
    pet = PowerItem(
        name="某养犬登记",
        requirements=[{"name": "犬只免疫证明"}],
        conditions="犬只已接种疫苗。禁止饲养烈性犬。",
        procedure=[],
    )
    assert notes_about(pet, "小狗要打什么针") == ["犬只已接种疫苗"]
    assert "禁止饲养烈性犬" in notes_about(pet, "家里想养条藏獒")


def test_one_household_and_how_far_are_read_as_guides_write_them():
    pet = PowerItem(
        name="某养犬登记",
        requirements=[],
        conditions="重点管理区内每户限养一只。养殖场与居民区的距离符合规定。",
        procedure=[],
    )
    assert notes_about(pet, "一家能养几条") == ["重点管理区内每户限养一只"]
    assert notes_about(pet, "离村子得多远") == ["养殖场与居民区的距离符合规定"]
