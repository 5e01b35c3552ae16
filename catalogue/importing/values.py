"""Parsing cell text: amounts in 万元, Chinese dates, yes/no, time limits, materials, steps.

Every parser raises `CellError` with a Chinese reason that names the text it could not read.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

WAN = Decimal(10_000)
_AMOUNT_UNITS: dict[str, Decimal] = {
    "亿元": WAN,
    "亿": WAN,
    "万元": Decimal(1),
    "万": Decimal(1),
    "千元": Decimal("0.1"),
    "元": Decimal(1) / WAN,
}
_AMOUNT = re.compile(r"^[¥￥]?\s*([+-]?[0-9][0-9,，]*(?:\.[0-9]+)?)\s*(亿元|亿|万元|万|千元|元)?$")


class CellError(ValueError):
    """A cell that cannot be read; the message is the Chinese reason."""


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_amount(text: str, default_unit: str = "万元") -> Decimal:
    """An amount in 万元: "1,234.5万元", "12.3万", "123450元", "1.2亿", or a bare number."""
    folded = _fold(text).replace(" ", "")
    match = _AMOUNT.fullmatch(folded)
    if not match:
        raise CellError(f"「{text}」不是金额，应写成 12.5、12.5万元 或 125000元")
    number, unit = match.groups()
    digits = number.replace(",", "").replace("，", "")
    try:
        value = Decimal(digits) * _AMOUNT_UNITS[unit or default_unit]
    except InvalidOperation as error:
        raise CellError(f"「{text}」不是金额，应写成 12.5、12.5万元 或 125000元") from error
    if value < 0:
        raise CellError(f"金额「{text}」不能为负数")
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[ T]00:00(?::00)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(text: str) -> date:
    """A date: "2015年6月15日", "2015.6.15", "2015-06-15", "2015/6/15", "20150615"."""
    folded = _fold(text).replace(" 年", "年").replace(" 月", "月")
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(folded)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError as error:
                raise CellError(f"日期「{text}」不存在（{year}年{month}月没有{day}日）") from error
    raise CellError(f"「{text}」不是日期，应写成 2015年6月15日、2015-06-15 或 2015.6.15")


def parse_year(text: str) -> int:
    """A budget year: "2016" or "2016年"."""
    folded = _fold(text).removesuffix("年度").removesuffix("年")
    if not re.fullmatch(r"\d{4}", folded) or not 1949 <= int(folded) <= 2100:
        raise CellError(f"「{text}」不是年份，应写成 2016 这样的4位年份")
    return int(folded)


def parse_count(text: str) -> int:
    """A non-negative whole number such as a household count ("120", "120户", "1,200人")."""
    folded = _fold(text).replace(",", "").replace("，", "")
    folded = re.sub(r"(户|人|个|座|次)$", "", folded)
    if not folded.isdigit():
        raise CellError(f"「{text}」不是整数")
    return int(folded)


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "涉密", "竞争性", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "不涉密", "非竞争性", "无", ""}


def parse_bool(text: str) -> bool:
    """是/否 (also Y/N, true/false, 1/0, √/×); empty means 否."""
    folded = _fold(text).lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(f"「{text}」应填“是”或“否”")


_LIMIT = re.compile(r"^(\d+)\s*[(（]?\s*个?\s*(工作日|自然日|日|天|小时|个月|月|年)\s*[)）]?$")
_UNIT_NAMES = {"天": "日", "个月": "月"}
_NO_LIMIT = {"", "/", "-", "—", "无", "暂无", "无时限"}


def parse_time_limit(text: str) -> tuple[int | None, str | None, str | None]:
    """(value, unit, note) of a 办结时限: "30(工作日)", "60日", "20个工作日", "即办", free text."""
    folded = _fold(text)
    if folded in _NO_LIMIT:
        return None, None, None
    if folded in ("即办", "即时办结", "当场办结", "即来即办"):
        return None, None, "即办"
    match = _LIMIT.fullmatch(folded)
    if match:
        unit = match.group(2)
        return int(match.group(1)), _UNIT_NAMES.get(unit, unit), None
    return None, None, text.strip()


_MATERIAL_SPLIT = re.compile(r"[；;\n\r]+|(?:^|\s)(?=\d+[、.．)）]\s*\S)")
_NUMBERING = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+|[(（]\d+[)）])\s*[、.．)）]?\s*")
_OPTIONAL = re.compile(r"如有|非必要|非必需|可选|选填|视情况|需要时|必要时|（选）")
_ORIGINALS = re.compile(r"原件\s*(\d+)\s*份")
_COPIES = re.compile(r"(?:复印件|副本|复印)\s*(\d+)\s*份")
_COUNTS = re.compile(r"[，,、]?\s*[(（]?\s*(?:原件|复印件|副本|复印)\s*\d+\s*份\s*[)）]?")


def split_materials(text: str) -> list[dict[str, Any]]:
    """办理要件 as a list of materials: name, originals, copies (None when not stated), required."""
    materials: list[dict[str, Any]] = []
    for part in _MATERIAL_SPLIT.split(text):
        name = _NUMBERING.sub("", part).strip(" 。，,、")
        if not name:
            continue
        originals = _ORIGINALS.search(name)
        copies = _COPIES.search(name)
        materials.append(
            {
                "name": _COUNTS.sub("", name).strip(" 。，,、") or name,
                "originals": int(originals.group(1)) if originals else None,
                "copies": int(copies.group(1)) if copies else None,
                "required": not _OPTIONAL.search(name),
                "note": "",
            }
        )
    return materials


_STEP_SPLIT = re.compile(r"\s*(?:→|->|—>|＞|>|；|;|\n)+\s*")


def split_steps(text: str) -> list[str]:
    """办理流程 / 服务流程 as steps: split on arrows, semicolons and lines."""
    steps = (_NUMBERING.sub("", s).strip(" 。，,、") for s in _STEP_SPLIT.split(text))
    return [s for s in steps if s]
