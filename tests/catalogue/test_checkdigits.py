"""GB 11714 and GB 32100 check characters against the real examples in the shared data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from catalogue.checkdigits import (
    is_valid_org_code,
    is_valid_uscc,
    org_code_check_char,
    org_code_of_uscc,
    uscc_check_char,
    uscc_problems,
)


def _examples(shared_dir: Path) -> list[dict[str, str]]:
    with (shared_dir / "data" / "org_code_examples.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_real_example_verifies(shared_dir: Path) -> None:
    rows = _examples(shared_dir)
    assert len(rows) == 215
    for row in rows:
        uscc, org = row["uscc_gb32100"], row["org_code_gb11714"]
        assert is_valid_uscc(uscc), uscc
        assert is_valid_org_code(org), org
        assert org_code_of_uscc(uscc) == org
        assert uscc_check_char(uscc[:17]) == uscc[17]
        assert org_code_check_char(org[:8]) == org[8]
        assert uscc_problems(uscc) == []


def test_changing_any_character_breaks_the_check(shared_dir: Path) -> None:
    for row in _examples(shared_dir)[:40]:
        org = row["org_code_gb11714"]
        for position in range(8):
            replacement = "1" if org[position] != "1" else "2"
            broken = org[:position] + replacement + org[position + 1 :]
            assert not is_valid_org_code(broken), broken


def test_check_x_and_zero_mappings() -> None:
    # 00877801 → Σ mod 11 = 1 → 10 → X (a real code of the examples).
    assert org_code_check_char("00877801") == "X"
    assert is_valid_org_code("00877801X")
    assert not is_valid_org_code("00877801x")  # lower case is not a GB 11714 character


def test_uscc_messages_are_precise() -> None:
    assert "18位" in uscc_problems("123")[0]
    assert "第1位「I」" in uscc_problems("I1511300008778693M")[0]
    message = uscc_problems("11511300008778693A")[0]
    assert "第18位校验码「A」" in message and "「M」" in message


def test_bodies_of_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError):
        org_code_check_char("1234567")
    with pytest.raises(ValueError):
        uscc_check_char("I" * 17)
