"""The county's 32-character item code and 10-character basic code: parse, validate, format.

Specification: 天祝县权责清单统一编码规范 (seed-regulations.txt) and DESIGN.md §6.
`XXXXXXXXXXXXXXXXXXXXXX—XXXXXXXXXX` = 22-character 行使主体代码 (6 region + 3 town + 3 village
+ 9 organisation code + 1 reserve), a dash, 10-character 基本编码 (2 category + 5 main + 3 sub).
Positions in messages count the 32 characters without the dash, as people read the code.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from catalogue.categories import CATEGORIES, NATIONAL_TYPES, category_list
from catalogue.checkdigits import org_code_check_char
from catalogue.region_directory import RegionDirectory

CANONICAL_DASH = "\u2014"
# What people type between the two parts: em/en dashes, hyphens, the full-width hyphen
# (folded by NFKC), the character 一 (the regulation text itself uses it), or spaces.
_SEPARATORS = re.compile(r"[\s\u2014\u2013\u2012\u2010\u2011\u2015\u2212\-一]+")
_ALNUM = re.compile(r"[0-9A-Z]")

ITEM_CODE_LENGTH = 32
BODY_CODE_LENGTH = 22
BASIC_CODE_LENGTH = 10
MAX_MAIN = 99_999
MAX_SUB = 999


class Severity(enum.StrEnum):
    """An error makes a code unusable; a warning is shown but the code is accepted."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Segment:
    """A named part of the code, 1-based inclusive positions."""

    name: str
    start: int
    end: int

    @property
    def where(self) -> str:
        """「第23–24位」 or 「第22位」."""
        if self.start == self.end:
            return f"第{self.start}位"
        return f"第{self.start}–{self.end}位"

    def shifted(self, offset: int) -> Segment:
        """The same segment inside a longer code."""
        return Segment(self.name, self.start + offset, self.end + offset)


REGION = Segment("行政区划代码", 1, 6)
TOWN = Segment("乡镇街道代码", 7, 9)
VILLAGE = Segment("村级代码", 10, 12)
ORG_CODE = Segment("组织机构代码", 13, 21)
RESERVE = Segment("保留位", 22, 22)
CATEGORY = Segment("类别代码", 1, 2)
MAIN = Segment("主项代码", 3, 7)
SUB = Segment("子项代码", 8, 10)
BODY_SEGMENTS = (REGION, TOWN, VILLAGE, ORG_CODE, RESERVE)
BASIC_SEGMENTS = (CATEGORY, MAIN, SUB)
ITEM_SEGMENTS = BODY_SEGMENTS + tuple(s.shifted(BODY_CODE_LENGTH) for s in BASIC_SEGMENTS)
WHOLE_CODE = Segment("编码", 1, ITEM_CODE_LENGTH)


@dataclass(frozen=True)
class CodeProblem:
    """One thing wrong with a code, with a complete Chinese sentence for people."""

    severity: Severity
    segment: Segment
    chars: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, order=True)
class BasicCode:
    """行政权力基本编码: category + main item number + sub item number (0 = no sub items)."""

    category: str
    main: int
    sub: int = 0

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if not 1 <= self.main <= MAX_MAIN or not 0 <= self.sub <= MAX_SUB:
            raise ValueError(f"main/sub out of range: {self.main}/{self.sub}")

    def __str__(self) -> str:
        return f"{self.category}{self.main:05d}{self.sub:03d}"

    @property
    def main_code(self) -> BasicCode:
        """The main item this code belongs to (sub 000)."""
        return BasicCode(self.category, self.main, 0)


@dataclass(frozen=True)
class BodyCode:
    """行使主体代码: where and by whom the power is exercised."""

    region: str
    org_code: str
    town: str = "000"
    village: str = "000"
    reserve: str = "0"

    def __str__(self) -> str:
        return f"{self.region}{self.town}{self.village}{self.org_code}{self.reserve}"


@dataclass(frozen=True)
class ItemCode:
    """行政权力实施事项编码: body code — basic code."""

    body: BodyCode
    basic: BasicCode

    def __str__(self) -> str:
        return f"{self.body}{CANONICAL_DASH}{self.basic}"

    @property
    def compact(self) -> str:
        """The 32 characters without the dash."""
        return f"{self.body}{self.basic}"


CodeT = TypeVar("CodeT", ItemCode, BasicCode)


@dataclass(frozen=True)
class CodeCheck(Generic[CodeT]):
    """The outcome of checking typed text: the code when it has no errors, and every problem."""

    text: str
    compact: str | None
    code: CodeT | None
    problems: tuple[CodeProblem, ...] = field(default=())

    @property
    def errors(self) -> list[CodeProblem]:
        """Problems that make the code unusable."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[CodeProblem]:
        """Problems that are shown but accepted."""
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """Whether the code is usable."""
        return self.code is not None


class InvalidCodeError(ValueError):
    """A code that does not follow the specification; `problems` say precisely why."""

    def __init__(self, text: str, problems: list[CodeProblem]) -> None:
        self.text = text
        self.problems = problems
        super().__init__("；".join(p.message for p in problems))


def _error(segment: Segment, chars: str, message: str) -> CodeProblem:
    return CodeProblem(Severity.ERROR, segment, chars, f"{segment.where} {message}")


def split_parts(text: str) -> list[str]:
    """The non-empty parts of typed text, folded to half-width upper case."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return [part for part in _SEPARATORS.split(folded.strip()) if part]


def normalize_code_text(text: str) -> str:
    """Typed text with separators removed and letters upper-cased (not validated)."""
    return "".join(split_parts(text))


def _character_problems(compact: str) -> list[CodeProblem]:
    return [
        _error(Segment("编码", i, i), c, f"「{c}」不是数字或字母，编码只含数字和大写字母。")
        for i, c in enumerate(compact, start=1)
        if not _ALNUM.fullmatch(c)
    ]


def _basic_problems(compact: str, offset: int) -> list[CodeProblem]:
    category, main, sub = compact[0:2], compact[2:7], compact[7:10]
    cat_seg, main_seg, sub_seg = (s.shifted(offset) for s in BASIC_SEGMENTS)
    problems: list[CodeProblem] = []
    if category not in CATEGORIES:
        hint = ""
        if category in NATIONAL_TYPES:
            name, ours, _kind = NATIONAL_TYPES[category]
            hint = f"（「{category}」是全国事项类型代码「{name}」，本县类别代码为 {ours}）"
        problems.append(
            _error(
                cat_seg,
                category,
                f"类别代码「{category}」不在表1中，应为 {category_list()}{hint}。",
            )
        )
    if not main.isdigit():
        problems.append(_error(main_seg, main, f"主项代码「{main}」应为5位数字（00001–99999）。"))
    elif main == "00000":
        problems.append(_error(main_seg, main, "主项代码「00000」超出范围，应为00001–99999。"))
    if not sub.isdigit():
        problems.append(
            _error(sub_seg, sub, f"子项代码「{sub}」应为3位数字（无子项为000，子项为001–999）。")
        )
    return problems


def _org_code_problems(org: str) -> list[CodeProblem]:
    if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", org):
        return [
            _error(
                ORG_CODE,
                org,
                f"组织机构代码「{org}」应为8位数字或大写字母加1位校验码（数字或X）。",
            )
        ]
    expected = org_code_check_char(org[:8])
    if expected == org[8]:
        return []
    return [
        CodeProblem(
            Severity.WARNING,
            ORG_CODE,
            org,
            f"{ORG_CODE.where} 组织机构代码「{org}」的校验码「{org[8]}」与按GB 11714计算的"
            f"「{expected}」不符；部分早期试点代码如此，可以使用，请核对。",
        )
    ]


def _region_problems(
    region: str, town: str, village: str, regions: RegionDirectory
) -> list[CodeProblem]:
    problems: list[CodeProblem] = []
    entry = regions.region(region)
    if entry is None:
        allowed = "、".join(f"{e.code}（{e.name}）" for e in regions.allowed_regions())
        problems.append(
            _error(REGION, region, f"行政区划代码「{region}」不是已知的行政区划，应为 {allowed}。")
        )
        return problems
    if town == "000":
        if village != "000":
            problems.append(
                _error(
                    VILLAGE,
                    village,
                    f"村级代码「{village}」须在乡镇街道之下；乡镇街道代码为000时村级代码应为000。",
                )
            )
        return problems
    towns = regions.towns(region)
    town_entry = regions.town(region, town)
    if town_entry is None:
        if towns:
            listed = "、".join(f"{t.segment}（{t.name}）" for t in towns)
            expected = f"应为000（{entry.name}本级）或 {listed}"
        else:
            expected = f"{entry.name}下没有登记乡镇街道，应为000"
        problems.append(
            _error(
                TOWN,
                town,
                f"乡镇街道代码「{town}」不是{entry.name}的乡镇街道，{expected}。",
            )
        )
        return problems
    if village != "000" and regions.village(region, town, village) is None:
        villages = regions.villages(region, town)
        listed = "、".join(f"{v.segment}（{v.name}）" for v in villages)
        problems.append(
            _error(
                VILLAGE,
                village,
                f"村级代码「{village}」不是{town_entry.name}的村（社区），"
                f"应为000（{town_entry.name}本级）" + (f"或 {listed}" if listed else "") + "。",
            )
        )
    return problems


def _body_problems(compact: str, regions: RegionDirectory | None) -> list[CodeProblem]:
    region, town, village = compact[0:6], compact[6:9], compact[9:12]
    org, reserve = compact[12:21], compact[21]
    problems: list[CodeProblem] = []
    digit_segments = ((REGION, region, 6), (TOWN, town, 3), (VILLAGE, village, 3))
    for segment, chars, size in digit_segments:
        if not chars.isdigit():
            problems.append(_error(segment, chars, f"{segment.name}「{chars}」应为{size}位数字。"))
    if regions and not problems:
        problems += _region_problems(region, town, village, regions)
    problems += _org_code_problems(org)
    if not reserve.isdigit():
        problems.append(_error(RESERVE, reserve, f"保留位「{reserve}」应为1位数字（通常为0）。"))
    return problems


def _length_problems(parts: list[str], compact: str) -> list[CodeProblem]:
    if len(parts) == 2 and (len(parts[0]), len(parts[1])) != (BODY_CODE_LENGTH, BASIC_CODE_LENGTH):
        problems: list[CodeProblem] = []
        body, basic = parts
        if len(body) != BODY_CODE_LENGTH:
            problems.append(
                _error(
                    Segment("行使主体代码", 1, len(body)),
                    body,
                    f"行使主体代码「{body}」为{len(body)}位，应为22位"
                    "（6位区划＋3位乡镇街道＋3位村级＋9位组织机构代码＋1位保留位）。",
                )
            )
        if len(basic) != BASIC_CODE_LENGTH:
            problems.append(
                _error(
                    Segment("行政权力基本编码", len(body) + 1, len(body) + len(basic)),
                    basic,
                    f"行政权力基本编码「{basic}」为{len(basic)}位，应为10位"
                    "（2位类别＋5位主项＋3位子项）。",
                )
            )
        return problems
    if len(compact) == ITEM_CODE_LENGTH:
        return []
    if len(compact) == BASIC_CODE_LENGTH:
        message = (
            f"「{compact}」是10位行政权力基本编码，完整的实施事项编码为32位："
            "22位行使主体代码＋“—”＋10位基本编码。"
        )
    else:
        message = (
            f"编码「{compact}」为{len(compact)}位，应为32位"
            "（22位行使主体代码＋10位行政权力基本编码）。"
        )
    return [CodeProblem(Severity.ERROR, Segment("编码", 1, max(len(compact), 1)), compact, message)]


def check_item_code(text: str, regions: RegionDirectory | None = None) -> CodeCheck[ItemCode]:
    """Check typed text as a 32-character item code; region checks need `regions`."""
    parts = split_parts(text)
    compact = "".join(parts)
    if not compact:
        empty = CodeProblem(Severity.ERROR, WHOLE_CODE, "", "编码为空，请输入32位事项编码。")
        return CodeCheck(text, None, None, (empty,))
    problems = _character_problems(compact) or _length_problems(parts, compact)
    if problems:
        return CodeCheck(text, None, None, tuple(problems))
    problems = _body_problems(compact, regions) + _basic_problems(
        compact[BODY_CODE_LENGTH:], BODY_CODE_LENGTH
    )
    if any(p.severity is Severity.ERROR for p in problems):
        return CodeCheck(text, compact, None, tuple(problems))
    body = BodyCode(
        region=compact[0:6],
        town=compact[6:9],
        village=compact[9:12],
        org_code=compact[12:21],
        reserve=compact[21],
    )
    basic = BasicCode(compact[22:24], int(compact[24:29]), int(compact[29:32]))
    return CodeCheck(text, compact, ItemCode(body, basic), tuple(problems))


def check_basic_code(text: str) -> CodeCheck[BasicCode]:
    """Check typed text as a 10-character basic code."""
    compact = normalize_code_text(text)
    if not compact:
        empty = CodeProblem(
            Severity.ERROR, Segment("编码", 1, 10), "", "编码为空，请输入10位行政权力基本编码。"
        )
        return CodeCheck(text, None, None, (empty,))
    problems = _character_problems(compact)
    if not problems and len(compact) != BASIC_CODE_LENGTH:
        problems = [
            CodeProblem(
                Severity.ERROR,
                Segment("编码", 1, len(compact)),
                compact,
                f"行政权力基本编码「{compact}」为{len(compact)}位，应为10位"
                "（2位类别＋5位主项＋3位子项）。",
            )
        ]
    if problems:
        return CodeCheck(text, None, None, tuple(problems))
    problems = _basic_problems(compact, 0)
    if problems:
        return CodeCheck(text, compact, None, tuple(problems))
    code = BasicCode(compact[0:2], int(compact[2:7]), int(compact[7:10]))
    return CodeCheck(text, compact, code, ())


def parse_item_code(text: str, regions: RegionDirectory | None = None) -> ItemCode:
    """The item code in typed text; raises InvalidCodeError (warnings do not raise)."""
    check = check_item_code(text, regions)
    if check.code is None:
        raise InvalidCodeError(text, check.errors)
    return check.code


def parse_basic_code(text: str) -> BasicCode:
    """The basic code in typed text; raises InvalidCodeError."""
    check = check_basic_code(text)
    if check.code is None:
        raise InvalidCodeError(text, check.errors)
    return check.code


def format_code(text: str) -> str:
    """The canonical form of a typed item code (`…—…`) or basic code; raises InvalidCodeError."""
    if len(normalize_code_text(text)) == BASIC_CODE_LENGTH:
        return str(parse_basic_code(text))
    return str(parse_item_code(text))


def basic_part(code: str) -> str:
    """The 10-character basic code of a stored item code or basic code (no validation)."""
    return normalize_code_text(code)[-BASIC_CODE_LENGTH:]
