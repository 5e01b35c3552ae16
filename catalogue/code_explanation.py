"""Explaining a typed code segment by segment, in Chinese, for staff and `zwbot code explain`."""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.categories import CATEGORIES
from catalogue.checkdigits import is_valid_uscc, uscc_problems
from catalogue.codes import (
    BASIC_CODE_LENGTH,
    BASIC_SEGMENTS,
    ITEM_SEGMENTS,
    CodeProblem,
    Segment,
    Severity,
    check_basic_code,
    check_item_code,
    normalize_code_text,
    split_parts,
)
from catalogue.region_directory import RegionDirectory

USCC_LENGTH = 18


@dataclass(frozen=True)
class SegmentExplanation:
    """One segment: its characters, what they mean, and what is wrong with them."""

    segment: Segment
    chars: str
    meaning: str
    problems: tuple[CodeProblem, ...] = ()


@dataclass(frozen=True)
class CodeExplanation:
    """Everything `zwbot code explain` prints about one typed code."""

    text: str
    kind: str
    canonical: str | None
    segments: tuple[SegmentExplanation, ...]
    problems: tuple[CodeProblem, ...]

    @property
    def ok(self) -> bool:
        """Whether the code has no errors (warnings allowed)."""
        return self.canonical is not None and not any(
            p.severity is Severity.ERROR for p in self.problems
        )


def _region_meaning(chars: str, regions: RegionDirectory | None) -> str:
    if regions is None or not regions:
        return "行政区划（未载入区划表，未核对）"
    entry = regions.region(chars)
    return entry.name if entry else "未知行政区划"


def _town_meaning(region: str, chars: str, regions: RegionDirectory | None) -> str:
    if chars == "000":
        return "县级及以上本级（未下放到乡镇街道）"
    if regions is None or not regions:
        return "乡镇街道（未载入区划表，未核对）"
    town = regions.town(region, chars)
    return town.name if town else "未知乡镇街道"


def _village_meaning(region: str, town: str, chars: str, regions: RegionDirectory | None) -> str:
    if chars == "000":
        return "未下放到村（社区）"
    if regions is None or not regions:
        return "村（社区）（未载入区划表，未核对）"
    village = regions.village(region, town, chars)
    return village.name if village else "未知村（社区）"


def _org_meaning(chars: str, problems: list[CodeProblem]) -> str:
    display = f"{chars[:8]}-{chars[8:]}" if len(chars) == 9 else chars
    if any(p.severity is Severity.ERROR for p in problems):
        return f"组织机构代码 {display}（格式错误）"
    if problems:
        return f"组织机构代码 {display}，校验码不符（警告）"
    return f"组织机构代码 {display}，GB 11714 校验通过"


def _basic_meanings(chars: str) -> list[str]:
    category, main, sub = chars[0:2], chars[2:7], chars[7:10]
    sub_meaning = "无子项（主项本身）" if sub == "000" else "子项"
    if sub.isdigit() and sub != "000":
        sub_meaning = f"第{int(sub)}个子项"
    return [
        CATEGORIES.get(category, "不在表1中"),
        f"第{int(main)}号主项" if main.isdigit() and int(main) > 0 else "主项代码无效",
        sub_meaning,
    ]


def _segments(
    compact: str, segments: tuple[Segment, ...], meanings: list[str], problems: list[CodeProblem]
) -> tuple[SegmentExplanation, ...]:
    result = []
    for segment, meaning in zip(segments, meanings, strict=True):
        own = tuple(
            p for p in problems if p.segment.start >= segment.start and p.segment.end <= segment.end
        )
        chars = compact[segment.start - 1 : segment.end]
        result.append(SegmentExplanation(segment, chars, meaning, own))
    return tuple(result)


def _explain_item(text: str, regions: RegionDirectory | None) -> CodeExplanation:
    check = check_item_code(text, regions)
    problems = list(check.problems)
    if check.compact is None:
        return CodeExplanation(text, "行政权力实施事项编码", None, (), tuple(problems))
    c = check.compact
    org_problems = [p for p in problems if p.segment.start == 13]
    meanings = [
        _region_meaning(c[0:6], regions),
        _town_meaning(c[0:6], c[6:9], regions),
        _village_meaning(c[0:6], c[6:9], c[9:12], regions),
        _org_meaning(c[12:21], org_problems),
        "保留位（扩展用）",
        *_basic_meanings(c[22:32]),
    ]
    canonical = str(check.code) if check.code else None
    segments = _segments(c, ITEM_SEGMENTS, meanings, problems)
    return CodeExplanation(text, "行政权力实施事项编码", canonical, segments, tuple(problems))


def _explain_basic(text: str) -> CodeExplanation:
    check = check_basic_code(text)
    problems = list(check.problems)
    if check.compact is None:
        return CodeExplanation(text, "行政权力基本编码", None, (), tuple(problems))
    canonical = str(check.code) if check.code else None
    segments = _segments(check.compact, BASIC_SEGMENTS, _basic_meanings(check.compact), problems)
    return CodeExplanation(text, "行政权力基本编码", canonical, segments, tuple(problems))


_USCC_SEGMENTS = (
    Segment("登记管理部门代码", 1, 1),
    Segment("机构类别代码", 2, 2),
    Segment("登记管理机关行政区划码", 3, 8),
    Segment("主体标识码（组织机构代码）", 9, 17),
    Segment("校验码", 18, 18),
)


def _explain_uscc(text: str, regions: RegionDirectory | None) -> CodeExplanation:
    code = normalize_code_text(text)
    whole = Segment("统一社会信用代码", 1, USCC_LENGTH)
    problems = [
        CodeProblem(
            Severity.WARNING if "校验码" in message else Severity.ERROR, whole, code, message
        )
        for message in uscc_problems(code)
    ]
    valid = is_valid_uscc(code)
    region = regions.region(code[2:8]) if regions else None
    meanings = [
        "登记管理部门",
        "机构类别",
        region.name if region else "行政区划",
        "组织机构代码",
        "GB 32100 校验通过" if valid else "校验未通过",
    ]
    errors = any(p.severity is Severity.ERROR for p in problems)
    canonical = None if errors else code
    segments = () if errors else _segments(code, _USCC_SEGMENTS, meanings, [])
    return CodeExplanation(text, "统一社会信用代码", canonical, segments, tuple(problems))


def explain_code(text: str, regions: RegionDirectory | None = None) -> CodeExplanation:
    """Explain a 32-character item code, a 10-character basic code or an 18-character USCC."""
    length = len(normalize_code_text(text))
    if length == BASIC_CODE_LENGTH:
        return _explain_basic(text)
    if length == USCC_LENGTH and len(split_parts(text)) == 1:
        return _explain_uscc(text, regions)
    return _explain_item(text, regions)
