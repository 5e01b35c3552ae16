"""Ranking rules on small catalogues: negated names, procedure words, the thing wanted among
two, and when a first hit is not confident."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from search import Document, SearchIndex
from search.direction import qualified
from search.query import Variant, parse
from search.rank import (
    ALIGNMENT,
    AUX_FACTOR,
    SIMILARITY,
    Weights,
    _best_aux,
    _coverage,
    _matched,
    _ratio,
    confident,
    negates,
)
from search.synonyms import SynonymTable


def _index(*names: str, table: SynonymTable | None = None) -> SearchIndex:
    return SearchIndex.build((Document(f"c{i}", n) for i, n in enumerate(names)), table)


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("非公司企业法人变更登记", "公司变更法人", True),
        ("非公司企业法人变更登记", "非公司企业变更", False),  # the query says 非 itself
        ("非公司企业法人按公司法改制登记", "公司改制", False),  # 公司 also stands alone
        ("主要农作物常规种子或非主要农作物种子生产经营许可", "主要农作物种子", False),
        ("公司变更登记", "公司变更法人", False),
    ],
)
def test_a_name_negating_a_query_word(name: str, query: str, expected: bool) -> None:
    assert negates(name, query) is expected


def test_the_negated_item_is_not_first() -> None:
    index = _index("非公司企业法人变更登记", "公司变更登记")
    assert index.search("公司变更法人", top=1)[0].document.name == "公司变更登记"


def test_another_professions_item_is_not_first_however_close_its_keyword() -> None:
    # 医师资格证 is one character from the keyword 教师资格证; the physician's item shares
    # only 医师, but another profession's item never answers
    documents = (
        Document("c0", "教师资格认定", keywords=("教师资格证",)),
        Document("c1", "医师新办执业注册", keywords=("医师注册",)),
    )
    index = SearchIndex.build(documents)
    hits = index.search("医师资格证", top=2)
    assert hits[0].document.name == "医师新办执业注册"
    assert index.search("教师资格证", top=1)[0].document.name == "教师资格认定"


def test_only_the_kind_of_paper_shared_is_no_confident_answer() -> None:
    # 学历证明 shares only 证明 (and single characters) with 出生医学证明: the thing asked
    # about is not named; a query naming it (医学证明, 出生证明) is still answered
    index = SearchIndex.build([Document("c0", "《出生医学证明》首次签发", keywords=("出生证",))])
    assert not index.search("学历证明", top=1)[0].confident
    assert index.search("医学证明", top=1)[0].confident
    assert index.search("出生证明", top=1)[0].confident


def test_a_query_running_across_a_keywords_word_is_no_confident_answer() -> None:
    # 药店 (a pharmacy) sits in the keyword 农药店 after 农, and 农药 is the name's word
    index = SearchIndex.build(
        [Document("c0", "农药经营许可证核发（其他农药）", keywords=("卖农药", "农药店"))]
    )
    assert not index.search("药店", top=1)[0].confident
    assert not index.search("开个药店", top=1)[0].confident
    assert index.search("农药店", top=1)[0].confident
    assert index.search("开农药店", top=1)[0].confident


def test_procedure_words_qualify_the_thing() -> None:
    assert qualified("砍树审批") == "砍树|"
    assert qualified("养蜂证到期换证") == "养蜂证||"
    assert qualified("最低生活保障") == ""
    assert qualified("审批") == ""  # nothing but a procedure word: nothing to qualify


def test_a_later_thing_to_do_is_what_is_wanted() -> None:
    table = SynonymTable([("小卖部", "预包装食品经营者备案"), ("卖烟", "烟草专卖零售许可证")])
    variant = next(v for v in parse("开小卖部卖烟要什么证", table).variants if v.reasons)
    assert "烟草专卖零售" in variant.major and "预包装" not in variant.major
    index = _index("仅销售预包装食品经营者备案信息采集", "烟草专卖零售许可证新办", table=table)
    assert index.search("想开个小卖部卖烟要什么证", top=1)[0].document.name.startswith("烟草")


def test_a_later_noun_does_not_outrank_the_earlier_thing() -> None:
    table = SynonymTable([("没人赡养", "特困人员"), ("老人", "老年人")])
    variant = next(v for v in parse("没人赡养的老人", table).variants if v.reasons)
    assert variant.major == ""


def test_confidence_needs_more_when_the_hit_is_doubtful() -> None:
    assert confident(0.65, ("name",), doubtful=False)
    assert not confident(0.65, ("name",), doubtful=True)
    assert confident(0.75, ("name",), doubtful=True)
    assert confident(1.1, ("code:full",), doubtful=True)


def test_no_confident_answer_for_a_life_event_the_item_does_not_go() -> None:
    index = _index("旧手机交易业备案", "居民身份证挂失申报、丢失招领")
    assert not index.search("手机丢了怎么办", top=1)[0].confident
    assert index.search("身份证丢了怎么办", top=1)[0].confident


@pytest.mark.parametrize(
    "query", ["加油站几点开门", "驾校哪家好", "加油站一升多少钱", "附近的加油站在哪"]
)
def test_opening_hours_recommendations_prices_and_places_get_no_confident_answer(
    query: str,
) -> None:
    index = _index("成品油零售经营许可", "机动车驾驶员培训备案")
    assert parse(query, SynonymTable.default()).unanswerable
    assert not any(hit.confident for hit in index.search(query, top=2))
    assert index.search("成品油零售经营许可", top=1)[0].confident


def test_an_item_going_the_named_way_passes_a_closer_name() -> None:
    index = _index("发票领用", "发票遗失、损毁报告", table=SynonymTable.default())
    assert index.search("发票丢了怎么办", top=1)[0].document.name == "发票遗失、损毁报告"


def test_an_item_for_a_special_group_ranks_below_the_ordinary_one() -> None:
    index = _index(
        "机动车驾驶证初次申领(外国人申领摩托车准驾车型)",
        "机动车驾驶证初次申领(大陆居民申领摩托车准驾车型)",
        "军人退役养老保险关系转移接续申请",
        "城乡居民基本养老保险关系转移接续申请",
    )
    first = index.search("摩托车驾驶证初次申领", top=1)[0].document.name
    assert first == "机动车驾驶证初次申领(大陆居民申领摩托车准驾车型)"
    assert index.search("外国人摩托车驾驶证初次申领", top=1)[0].document.name.count("外国人")
    first = index.search("养老保险转移接续", top=1)[0].document.name
    assert first == "城乡居民基本养老保险关系转移接续申请"


def _every_line_up(chars: str, text: str, evidence: Weights) -> float:
    """The score of one related text with every line-up worked out (the code before the bound)."""
    pair_part = _matched(evidence.pairs, evidence.pairs_total, text.__contains__)
    return (
        _coverage(chars, text, pair_part, evidence.chars)
        + ALIGNMENT * fuzz.partial_ratio(chars, text) / 100.0
        + SIMILARITY * fuzz.ratio(chars, text) / 100.0
    )


def test_related_texts_skipped_by_the_bound_never_change_the_score() -> None:
    """`_best_aux` skips a text's partial_ratio when even a perfect one could not beat the
    floor: the result is what scoring every text gives, on texts other than item names."""
    rng = random.Random(7)
    alphabet = "农机具购置补贴申请老年人优待证办理林木采伐许可"
    for _ in range(300):
        chars = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 8)))
        texts = tuple(
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
            for _ in range(rng.randint(1, 4))
        )
        evidence = Weights(
            Variant(chars, 1.0, ()),
            {chars[i : i + 2]: rng.uniform(0.5, 3) for i in range(len(chars) - 1)},
            {c: rng.uniform(0.5, 3) for c in chars},
            {},
        )

        every = AUX_FACTOR * max(_every_line_up(chars, text, evidence) for text in texts)
        floor = rng.uniform(0.0, 0.9)
        got = _best_aux(chars, texts, evidence, floor)
        assert got == every if every > floor else got <= floor


def test_ratio_from_the_common_subsequence_is_rapidfuzz_ratio() -> None:
    """`_ratio` (from the LCS already worked out for the order) is `fuzz.ratio` to the bit."""
    rng = random.Random(11)
    alphabet = "农机具购置补贴申请老年人优待证ab1"
    for _ in range(5000):
        first, second = (
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2)
        )
        common = LCSseq.similarity(first, second)
        assert _ratio(len(first), len(second), common) == fuzz.ratio(first, second)
