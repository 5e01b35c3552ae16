"""Segment-by-segment explanations of item codes, basic codes and credit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.code_explanation import explain_code
from catalogue.codes import Severity
from catalogue.region_directory import RegionDirectory

ORG = "00877801X"


@pytest.fixture(scope="module")
def regions(shared_dir: Path) -> RegionDirectory:
    data = shared_dir / "data"
    return RegionDirectory.from_csv(data / "villages_620623.csv", data / "admin_codes_upper.csv")


def test_valid_item_code_names_every_segment(regions: RegionDirectory) -> None:
    explanation = explain_code(f"620623108200{ORG}0-cf00012003", regions)
    assert explanation.ok
    assert explanation.canonical == f"620623108200{ORG}0—CF00012003"
    rows = [(s.segment.where, s.segment.name, s.chars, s.meaning) for s in explanation.segments]
    assert rows == [
        ("第1–6位", "行政区划代码", "620623", "天祝藏族自治县"),
        ("第7–9位", "乡镇街道代码", "108", "天堂镇"),
        ("第10–12位", "村级代码", "200", "天堂村委会"),
        ("第13–21位", "组织机构代码", ORG, "组织机构代码 00877801-X，GB 11714 校验通过"),
        ("第22位", "保留位", "0", "保留位（扩展用）"),
        ("第23–24位", "类别代码", "CF", "行政处罚"),
        ("第25–29位", "主项代码", "00012", "第12号主项"),
        ("第30–32位", "子项代码", "003", "第3个子项"),
    ]


def test_broken_item_code_attaches_problems_to_segments(regions: RegionDirectory) -> None:
    explanation = explain_code(f"620623150000{ORG[:8]}20XY00001000", regions)
    assert not explanation.ok and explanation.canonical is None
    by_name = {s.segment.name: s for s in explanation.segments}
    assert [p.severity for p in by_name["乡镇街道代码"].problems] == [Severity.ERROR]
    assert [p.severity for p in by_name["组织机构代码"].problems] == [Severity.WARNING]
    assert by_name["类别代码"].meaning == "不在表1中"
    assert len(explanation.problems) == 3


def test_wrong_length_has_no_segments() -> None:
    explanation = explain_code("62062300000000877801X0XK0001000")
    assert not explanation.ok and explanation.segments == ()
    assert "为31位，应为32位" in explanation.problems[0].message


def test_basic_code_and_credit_code(regions: RegionDirectory) -> None:
    basic = explain_code("qt00003000")
    assert basic.ok and basic.kind == "行政权力基本编码"
    assert [s.meaning for s in basic.segments] == ["其他权力", "第3号主项", "无子项（主项本身）"]
    uscc = explain_code("11511300008778693M", regions)
    assert uscc.ok and uscc.kind == "统一社会信用代码"
    assert uscc.segments[3].chars == "008778693"
    wrong = explain_code("11511300008778693A", regions)
    assert wrong.ok and wrong.problems[0].severity is Severity.WARNING
