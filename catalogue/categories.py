"""Power categories of table 1 of the county code specification and the national item types."""

from __future__ import annotations

from typing import Literal

ItemKindName = Literal["power", "service"]

# 表1 行政权力类别代码表, in the order of the regulation.
CATEGORIES: dict[str, str] = {
    "XK": "行政许可",
    "CF": "行政处罚",
    "QZ": "行政强制",
    "ZS": "行政征收",
    "GF": "行政给付",
    "CJ": "行政裁决",
    "QR": "行政确认",
    "JL": "行政奖励",
    "JD": "行政监督",
    "QT": "其他权力",
}

# National item-type codes (GB/T 39554.1 事项类型) → our category and item kind.
# 06 行政检查 is what the county list calls 行政监督; 20 公共服务 is a service item, filed under QT.
NATIONAL_TYPES: dict[str, tuple[str, str, ItemKindName]] = {
    "01": ("行政许可", "XK", "power"),
    "02": ("行政处罚", "CF", "power"),
    "03": ("行政强制", "QZ", "power"),
    "04": ("行政征收", "ZS", "power"),
    "05": ("行政给付", "GF", "power"),
    "06": ("行政检查", "JD", "power"),
    "07": ("行政确认", "QR", "power"),
    "08": ("行政奖励", "JL", "power"),
    "09": ("行政裁决", "CJ", "power"),
    "10": ("其他行政权力", "QT", "power"),
    "20": ("公共服务", "QT", "service"),
}

# Names people write in the 类别 column, mapped to (category, kind).
_NAME_ALIASES: dict[str, tuple[str, ItemKindName]] = {
    **{name: (code, "power") for code, name in CATEGORIES.items()},
    **{name: (code, kind) for name, code, kind in NATIONAL_TYPES.values()},
    "许可": ("XK", "power"),
    "处罚": ("CF", "power"),
    "强制": ("QZ", "power"),
    "征收": ("ZS", "power"),
    "给付": ("GF", "power"),
    "裁决": ("CJ", "power"),
    "确认": ("QR", "power"),
    "奖励": ("JL", "power"),
    "监督": ("JD", "power"),
    "检查": ("JD", "power"),
    "其他": ("QT", "power"),
    "其他权力": ("QT", "power"),
    "其他职权": ("QT", "power"),
    "便民服务": ("QT", "service"),
    "公共服务事项": ("QT", "service"),
}


def category_list() -> str:
    """「XK、CF、…、QT」 for messages."""
    return "、".join(CATEGORIES)


def category_name(code: str) -> str:
    """The Chinese name of a table-1 category code; KeyError for unknown codes."""
    return CATEGORIES[code.upper()]


def from_national_type(type_code: str) -> tuple[str, ItemKindName]:
    """(category, kind) of a national item-type code such as `01` or `20`.

    Raises KeyError for an unknown type code.
    """
    code = type_code.strip()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    _name, category, kind = NATIONAL_TYPES[code]
    return category, kind


def from_category_text(text: str) -> tuple[str, ItemKindName] | None:
    """(category, kind) of what people write in a 类别 cell: XK, 行政许可, 01, 公共服务 …"""
    value = text.strip()
    if not value:
        return None
    if value.upper() in CATEGORIES:
        return value.upper(), "power"
    if value.isdigit():
        try:
            return from_national_type(value)
        except KeyError:
            return None
    return _NAME_ALIASES.get(value)
