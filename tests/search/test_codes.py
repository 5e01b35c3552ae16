"""Codes in any rendering: county 32-character codes, basic codes, partial and national codes."""

from __future__ import annotations

import pytest

from search.codes import CodeQuery, compact, find_codes, keys_of

CODE = "62062300000001367025X0—XK00001000"
COMPACT = "62062300000001367025X0XK00001000"


def test_keys_of_a_county_code() -> None:
    keys = keys_of(CODE)
    assert (keys.full, keys.body, keys.basic) == (COMPACT, COMPACT[:22], "XK00001000")


def test_keys_of_an_opaque_code_keep_only_the_compact_form() -> None:
    assert keys_of("item-17") == keys_of("ITEM17")
    assert keys_of("item-17").basic == ""


@pytest.mark.parametrize(
    "typed",
    [
        "62062300000001367025X0—XK00001000",
        "62062300000001367025X0-XK00001000",
        "62062300000001367025X0－XK00001000",
        "62062300000001367025x0一xk00001000",
        "62062300000001367025X0XK00001000",
        "620623 000 000 01367025X 0 — XK 00001 000",
    ],
)
def test_every_rendering_of_a_full_code_is_found(typed: str) -> None:
    assert find_codes(typed) == [CodeQuery(COMPACT, "full")]


def test_basic_and_partial_codes_in_any_case() -> None:
    assert find_codes("xk00001000") == [CodeQuery("XK00001000", "basic")]
    assert find_codes("请问XK00001是什么") == [CodeQuery("XK00001", "partial")]
    assert find_codes("XK-00001-000") == [CodeQuery("XK00001000", "basic")]


def test_national_codes_are_kept_whole() -> None:
    assert find_codes("511A0138000000") == [CodeQuery("511A0138000000", "other")]
    typed = "511a0138000000-511602000000-000-1-00"
    assert compact(typed) == "511A0138000000" + "511602000000" + "000" + "1" + "00"


def test_text_without_codes() -> None:
    assert find_codes("社保卡丢了怎么办") == []
    assert find_codes("80周岁以上") == []
