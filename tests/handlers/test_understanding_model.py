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
