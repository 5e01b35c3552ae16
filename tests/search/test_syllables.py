"""Pinyin: readings, syllable splitting, homophone-tolerant keys, initials."""

from __future__ import annotations

from search.syllables import bigrams, encode, fuzzy, initials, positions, readings, segment, spoken


def test_typed_pinyin_is_split_into_syllables() -> None:
    assert segment("linshijiuzhu") == ("lin", "shi", "jiu", "zhu")
    assert segment("xian") == ("xian",)
    assert segment("falv") == ("fa", "lv")
    assert segment("lsjz") is None


def test_fuzzy_keys_merge_dialect_confusions() -> None:
    assert fuzzy("zhuang") == fuzzy("zuang")
    assert fuzzy("shen") == fuzzy("sheng") == "sen"
    assert fuzzy("lv") == "lu"


def test_polyphones_keep_every_reading() -> None:
    assert set(readings("行")) >= {"xin", "hang"}
    assert readings("a") == ("a",)


def test_phrases_decide_the_reading_of_a_polyphone() -> None:
    assert spoken("银行") == ("yin", "hang")
    assert spoken("行政") == ("xin", "zen")


def test_mixed_hanzi_pinyin_and_digits() -> None:
    assert spoken("临时jiuzhu") == spoken("linshijiuzhu")
    assert [p[0] for p in positions(["80周岁"])] == ["80", "zou", "sui"]


def test_homophones_share_tokens() -> None:
    assert bigrams(positions(["设力登记"])) & bigrams(positions(["设立登记"]))


def test_initials_and_encoding() -> None:
    assert initials("临时救助") == "lsjz"
    assert initials("居住证办理") == "jzzbl"
    assert encode(["lin", "si"]) == encode(["lin", "si"]) != encode(["si", "lin"])


def test_syllables_new_to_several_threads_at_once_get_codes_of_their_own() -> None:
    import sys
    from concurrent.futures import ThreadPoolExecutor

    batches = [[f"zz{thread}x{n}" for n in range(2000)] for thread in range(8)]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can: the race shows
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(encode, batches))
    finally:
        sys.setswitchinterval(switching)
    every = [char for code in codes for char in code]
    assert len(set(every)) == len(every) == 8 * 2000
    assert [encode(batch) for batch in batches] == codes
