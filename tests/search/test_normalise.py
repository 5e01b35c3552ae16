"""Normalisation: width, script, case, punctuation, brackets and emoji."""

from __future__ import annotations

from search.normalise import is_hanzi, normalise, normalise_words


def test_full_width_letters_and_spaces_become_ascii_words() -> None:
    assert normalise_words("ｌｉｎｓｈｉ　ｊｉｕｚｈｕ") == ("linshi", "jiuzhu")


def test_traditional_becomes_simplified() -> None:
    assert normalise("醫療機構執業審批（新辦）") == "医疗机构执业审批新办"
    assert normalise("個體工商戶設立登記") == "个体工商户设立登记"


def test_punctuation_brackets_and_emoji_separate_words() -> None:
    assert normalise_words("【高龄津贴】80周岁以上！！") == ("高龄津贴", "80周岁以上")
    assert normalise("特困人员😭救助供养") == "特困人员救助供养"
    assert normalise("“无犯罪记录证明”？") == "无犯罪记录证明"


def test_case_is_folded_and_simplified_text_is_unchanged() -> None:
    assert normalise("KTV 歌厅") == "ktv歌厅"
    assert normalise("个体工商户") == "个体工商户"


def test_is_hanzi() -> None:
    assert is_hanzi("证") and not is_hanzi("a") and not is_hanzi("１")


def test_typed_pinyin_letters() -> None:
    assert normalise_words("lüshi Lǜshī línshí") == ("lvshi", "lvshi", "linshi")
