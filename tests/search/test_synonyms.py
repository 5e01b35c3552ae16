"""The synonym dictionary: shipped pairs, staff pairs, look-ups."""

from __future__ import annotations

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
