"""The synonym dictionary: shipped pairs, staff pairs, look-ups."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from search.synonyms import SynonymFileError, SynonymTable, parse_pairs, shipped_pairs

# The words the issue names citizens use; the shipped dictionary must know every one.
CITIZEN_WORDS = (
    "低保", "社保卡", "身份证", "个体户", "网吧", "狗证", "教资", "失业金", "自来水",
    "出生证", "上户口", "砍树",
)  # fmt: skip


def test_the_shipped_dictionary_knows_the_citizen_words() -> None:
    table = SynonymTable.default()
    assert len(table) > 300
    for word in CITIZEN_WORDS:
        entry = table.get(word)
        assert entry is not None, word
        assert all(formal != word for formal in entry.formals)


def test_shipped_pairs_are_well_formed() -> None:
    pairs = shipped_pairs()
    assert ("低保", "最低生活保障") in pairs
    assert all(colloquial and formal for colloquial, formal in pairs)


def test_parse_pairs_reports_the_bad_line() -> None:
    assert parse_pairs("# comment\n低保\t最低生活保障\n\n") == [("低保", "最低生活保障")]
    with pytest.raises(SynonymFileError, match=r"x\.tsv:2"):
        parse_pairs("低保\t最低生活保障\n低保 最低生活保障\n", "x.tsv")


def test_pairs_are_normalised_and_merged() -> None:
    table = SynonymTable([("社保卡", "社会保障卡"), ("社保卡", "醫保電子憑證"), ("同", "同")])
    entry = table.get("社保卡")
    assert entry is not None and entry.formals == ("社会保障卡", "医保电子凭证")
    assert table.get("同") is None
    assert [e.colloquial for e in table.by_initials("sbk")] == ["社保卡"]


def test_with_pairs_returns_a_new_table() -> None:
    table = SynonymTable([("低保", "最低生活保障")])
    bigger = table.with_pairs([("吃低保", "最低生活保障")])
    assert table.get("吃低保") is None and bigger.get("吃低保") is not None
    assert bigger.get("低保") is not None


# Everyday words added in the search-quality round 4 (2026-12-02) and the item names they
# lead to: each formal term is a term of item names of the real catalogue.
ROUND4_WORDS = {
    "药房": "药品零售企业", "餐饮服务许可证": "食品经营许可", "地界": "土地权属",
    "绿卡": "永久居留", "二建": "建造师", "读书": "入学", "娃儿": "儿童",
    "零食": "食品", "包装好的": "预包装", "职业介绍所": "职业中介",
    "押运员": "危险货物道路运输从业人员", "扶手": "无障碍", "农家乐": "旅馆业",
    "生僻字": "规范汉字", "林子": "森林",
}  # fmt: skip


def test_everyday_words_lead_to_terms_of_real_item_names(shared_dir: Path) -> None:
    with (shared_dir / "data" / "service_items.csv").open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    table = SynonymTable.default()
    for word, formal in ROUND4_WORDS.items():
        entry = table.get(word)
        assert entry is not None and formal in entry.formals, word
        assert any(formal in name for name in names), formal
        # a word of item names is never replaced (it would hide the item named with it);
        # 读书 is only in 世界读书日 (a news item), 外省 is in names and was left out
        assert word == "读书" or not any(word in name for name in names), word


def test_formal_spans_are_every_occurrence_of_every_formal_term() -> None:
    """`formal_spans` (terms looked up by first character) finds what `str.find` over every
    formal term finds: overlapping and repeated occurrences, none cut off at the end."""
    table = SynonymTable.default()

    def by_find(text: str) -> list[tuple[int, int]]:
        spans = []
        for formal in table.formals:
            at = text.find(formal)
            while at >= 0:
                spans.append((at, at + len(formal)))
                at = text.find(formal, at + 1)
        return sorted(spans)

    rng = random.Random(3)
    letters = "".join(table.formals[:200])
    texts = ["临时救助", "临时救助临时救助", "我要办临时居民身份证", ""]
    texts += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 30))) for _ in range(500)]
    for text in texts:
        assert sorted(table.formal_spans(text)) == by_find(text), text
