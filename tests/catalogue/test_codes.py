"""The 32-character county code: every rendering people type, and precise errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalogue.categories import CATEGORIES, from_category_text, from_national_type
from catalogue.checkdigits import org_code_check_char
from catalogue.codes import (
    BasicCode,
    BodyCode,
    InvalidCodeError,
    ItemCode,
    Severity,
    basic_part,
    check_basic_code,
    check_item_code,
    format_code,
    parse_basic_code,
    parse_item_code,
)
from catalogue.region_directory import RegionDirectory

ORG = "00877801X"  # real GB 11714 code (广安区委办), check character verifies
CANONICAL = f"620623000000{ORG}0—XK00001000"
FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


@pytest.fixture(scope="module")
def regions(shared_dir: Path) -> RegionDirectory:
    data = shared_dir / "data"
    return RegionDirectory.from_csv(data / "villages_620623.csv", data / "admin_codes_upper.csv")


@pytest.mark.parametrize(
    "typed",
    [
        CANONICAL,
        f"620623000000{ORG}0-XK00001000",
        f"620623000000{ORG}0－XK00001000",
        f"620623000000{ORG}0一XK00001000",
        f"620623000000{ORG}0–XK00001000",
        f"620623000000{ORG}0 XK00001000",
        f"620623000000{ORG}0XK00001000",
        f"620623000000{ORG.lower()}0—xk00001000",
        f"  620623 000 000 {ORG} 0 — XK 00001 000  ",
        # full-width digits and letters, as typed with a Chinese input method
        f"620623000000{ORG}0－XK00001000".translate(FULL_WIDTH),
    ],
)
def test_every_rendering_gives_the_canonical_form(typed: str, regions: RegionDirectory) -> None:
    check = check_item_code(typed, regions)
    assert check.problems == ()
    assert str(check.code) == CANONICAL
    assert format_code(typed) == CANONICAL
    assert "\u2014" in CANONICAL


def test_segments_are_parsed(regions: RegionDirectory) -> None:
    code = parse_item_code(f"620623108200{ORG}0—CF00012003", regions)
    assert code.body == BodyCode(region="620623", town="108", village="200", org_code=ORG)
    assert code.basic == BasicCode("CF", 12, 3)
    assert code.compact == f"620623108200{ORG}0CF00012003"
    assert str(code.basic.main_code) == "CF00012000"


def test_upper_regions_are_known(regions: RegionDirectory) -> None:
    assert check_item_code(f"620600000000{ORG}0—QT00001000", regions).ok
    assert check_item_code(f"620000000000{ORG}0—QT00001000", regions).ok


def _errors(typed: str, regions: RegionDirectory | None) -> list[str]:
    check = check_item_code(typed, regions)
    assert check.code is None
    return [p.message for p in check.errors]


def test_unknown_category_names_segment_chars_and_table(regions: RegionDirectory) -> None:
    [message] = _errors(f"620623000000{ORG}0—XY00001000", regions)
    assert message == (
        "第23–24位 类别代码「XY」不在表1中，应为 XK、CF、QZ、ZS、GF、CJ、QR、JL、JD、QT。"
    )


def test_national_type_code_in_category_gets_a_hint(regions: RegionDirectory) -> None:
    [message] = _errors(f"620623000000{ORG}0—0100001000", regions)
    assert message.startswith("第23–24位 类别代码「01」不在表1中")
    assert "本县类别代码为 XK" in message


def test_main_and_sub_ranges(regions: RegionDirectory) -> None:
    assert _errors(f"620623000000{ORG}0—XK00000000", regions) == [
        "第25–29位 主项代码「00000」超出范围，应为00001–99999。"
    ]
    assert _errors(f"620623000000{ORG}0—XK0000A000", regions) == [
        "第25–29位 主项代码「0000A」应为5位数字（00001–99999）。"
    ]
    assert _errors(f"620623000000{ORG}0—XK000010A1", regions) == [
        "第30–32位 子项代码「0A1」应为3位数字（无子项为000，子项为001–999）。"
    ]
    assert check_item_code(f"620623000000{ORG}0—XK99999999", regions).ok


def test_unknown_region(regions: RegionDirectory) -> None:
    [message] = _errors(f"510000000000{ORG}0—XK00001000", regions)
    assert message.startswith("第1–6位 行政区划代码「510000」不是已知的行政区划，应为 620623")
    assert "620600（武威市）" in message


def test_unknown_town_lists_the_towns(regions: RegionDirectory) -> None:
    [message] = _errors(f"620623150000{ORG}0—XK00001000", regions)
    assert message.startswith("第7–9位 乡镇街道代码「150」不是天祝藏族自治县的乡镇街道")
    assert "100（华藏寺镇）" in message and "210（旦马乡）" in message


def test_unknown_village_lists_the_villages_of_its_town(regions: RegionDirectory) -> None:
    [message] = _errors(f"620623100099{ORG}0—XK00001000", regions)
    assert message.startswith("第10–12位 村级代码「099」不是华藏寺镇的村（社区）")
    assert "001（兴盛社区居民委员会）" in message


def test_village_needs_a_town(regions: RegionDirectory) -> None:
    [message] = _errors(f"620623000001{ORG}0—XK00001000", regions)
    assert message.startswith("第10–12位 村级代码「001」须在乡镇街道之下")


def test_town_of_an_upper_region_must_be_000(regions: RegionDirectory) -> None:
    [message] = _errors(f"620600100000{ORG}0—XK00001000", regions)
    assert "第7–9位 乡镇街道代码「100」" in message and "应为000" in message


def test_every_real_town_and_village_is_accepted(regions: RegionDirectory) -> None:
    towns = regions.towns("620623")
    assert len(towns) == 21
    villages = [v for t in towns for v in regions.villages("620623", t.segment)]
    assert len(villages) == 206
    for village in villages:
        typed = f"{village.code}{ORG}0—XK00001000"
        assert check_item_code(typed, regions).ok, typed


def test_without_a_directory_only_the_structure_is_checked() -> None:
    assert check_item_code(f"510000150099{ORG}0—XK00001000").ok
    assert _errors(f"51000A000000{ORG}0—XK00001000", None) == [
        "第1–6位 行政区划代码「51000A」应为6位数字。"
    ]


def test_failed_organisation_check_is_only_a_warning(regions: RegionDirectory) -> None:
    check = check_item_code("6206230000000087780120—XK00001000", regions)
    assert check.ok
    [warning] = check.problems
    assert warning.severity is Severity.WARNING
    assert warning.segment.start == 13 and warning.chars == "008778012"
    assert "按GB 11714计算的「X」" in warning.message
    assert parse_item_code("6206230000000087780120—XK00001000").basic == BasicCode("XK", 1)


def test_malformed_organisation_code_and_reserve_are_errors(regions: RegionDirectory) -> None:
    assert _errors("62062300000000877801Y0—XK00001000", regions) == [
        "第13–21位 组织机构代码「00877801Y」应为8位数字或大写字母加1位校验码（数字或X）。"
    ]
    assert _errors(f"620623000000{ORG}A—XK00001000", regions) == [
        "第22位 保留位「A」应为1位数字（通常为0）。"
    ]


def test_several_errors_are_all_reported(regions: RegionDirectory) -> None:
    messages = _errors(f"620623150000{ORG}0—XY00000000", regions)
    assert [m.split(" ")[0] for m in messages] == ["第7–9位", "第23–24位", "第25–29位"]


def test_lengths_are_explained() -> None:
    assert _errors(f"620623000000{ORG}—XK00001000", None) == [
        "第1–21位 行使主体代码「620623000000" + ORG + "」为21位，应为22位"
        "（6位区划＋3位乡镇街道＋3位村级＋9位组织机构代码＋1位保留位）。"
    ]
    [message] = _errors(f"620623000000{ORG}0XK0000100", None)
    assert (
        message == f"编码「620623000000{ORG}0XK0000100」为31位，"
        "应为32位（22位行使主体代码＋10位行政权力基本编码）。"
    )
    [message] = _errors("XK00001000", None)
    assert "是10位行政权力基本编码" in message
    assert _errors("  —  ", None) == ["编码为空，请输入32位事项编码。"]


def test_foreign_characters_are_pointed_at() -> None:
    [message] = _errors(f"620623000000{ORG}0—XK0000100。", None)
    assert message == "第32位 「。」不是数字或字母，编码只含数字和大写字母。"


def test_parse_raises_with_every_problem(regions: RegionDirectory) -> None:
    with pytest.raises(InvalidCodeError) as raised:
        parse_item_code(f"620623150000{ORG}0—XY00001000", regions)
    assert len(raised.value.problems) == 2
    assert "类别代码「XY」" in str(raised.value)


def test_basic_code() -> None:
    assert parse_basic_code("xk-00001-001") == BasicCode("XK", 1, 1)
    assert str(BasicCode("QT", 123, 0)) == "QT00123000"
    assert format_code("jd 00002 000") == "JD00002000"
    assert [p.message for p in check_basic_code("XK0000100").problems] == [
        "行政权力基本编码「XK0000100」为9位，应为10位（2位类别＋5位主项＋3位子项）。"
    ]
    assert [p.message for p in check_basic_code("AB00001000").problems] == [
        "第1–2位 类别代码「AB」不在表1中，应为 XK、CF、QZ、ZS、GF、CJ、QR、JL、JD、QT。"
    ]
    assert basic_part(CANONICAL) == "XK00001000"
    with pytest.raises(ValueError):
        BasicCode("XY", 1)
    with pytest.raises(ValueError):
        BasicCode("XK", 0)


bodies = st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


@given(
    body=bodies,
    category=st.sampled_from(sorted(CATEGORIES)),
    main=st.integers(1, 99_999),
    sub=st.integers(0, 999),
    dash=st.sampled_from(["—", "-", "－", "一", "–", " ", ""]),
)
def test_round_trip(body: str, category: str, main: int, sub: int, dash: str) -> None:
    org = body + org_code_check_char(body)
    code = ItemCode(BodyCode("620623", org), BasicCode(category, main, sub))
    typed = code.compact[:22] + dash + code.compact[22:].lower()
    assert parse_item_code(typed) == code
    assert check_item_code(str(code)).problems == ()


def test_national_type_mapping() -> None:
    expected = {
        "01": "XK", "02": "CF", "03": "QZ", "04": "ZS", "05": "GF",
        "06": "JD", "07": "QR", "08": "JL", "09": "CJ", "10": "QT",
    }  # fmt: skip
    for national, category in expected.items():
        assert from_national_type(national) == (category, "power")
    assert from_national_type("20") == ("QT", "service")
    assert from_national_type("1") == ("XK", "power")
    with pytest.raises(KeyError):
        from_national_type("11")
    assert from_category_text("行政检查") == ("JD", "power")
    assert from_category_text("其他行政权力") == ("QT", "power")
    assert from_category_text("公共服务") == ("QT", "service")
    assert from_category_text("xk") == ("XK", "power")
    assert from_category_text("行政许可") == ("XK", "power")
    assert from_category_text("随便") is None
