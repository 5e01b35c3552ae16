"""The items list's importer schema (declared in `catalogue.lists.declarations.ITEMS`: the
county template's Chinese headers beside the English ones of `service_items.csv`-style
directories), its own parsers, and the model fields a row's columns write.

Only columns present in a file are written, so a partial file never blanks other fields.
"""

from __future__ import annotations

from typing import Any

from catalogue.categories import from_category_text
from catalogue.importing.departments import parse_uscc
from catalogue.importing.schema import ParsedRow, schema_of
from catalogue.importing.values import CellError
from catalogue.lists.declarations import ITEMS


def _region(text: str) -> str:
    if not (text.isdigit() and len(text) in (9, 12)):
        raise CellError(f"「{text}」应为9位乡镇代码或12位村（社区）代码")
    return text


def _own_region(text: str) -> str:
    """A GB/T 2260 code (6 digits; the 12-digit statistical form of a county or above)."""
    if text.isdigit() and len(text) == 12 and text.endswith("000000"):
        return text[:6]
    if not (text.isdigit() and len(text) == 6):
        raise CellError(f"「{text}」应为6位行政区划代码（GB/T 2260）")
    return text


def _type_code(text: str) -> str:
    if from_category_text(text) is None:
        raise CellError(
            f"「{text}」不是事项类型代码，应为 01–10 或 20（公共服务），或表1的 XK、CF 等"
        )
    return text


SCHEMA = schema_of(
    ITEMS,
    {
        "category_code": _type_code,
        "implementing_body_uscc": parse_uscc,
        "devolved_region": _region,
        "region_code": _own_region,
    },
)

# file column → model field(s); a field is written only when its column is in the file
_TEXT_FIELDS = {
    "undertaking_unit": "handling_office",
    "conditions": "conditions",
    "basis": "legal_basis",
    "flowchart": "flowchart",
    "fee": "fee",
    "location": "location",
    "hours": "hours",
    "phone": "phone",
    "supervision_phone": "supervision_phone",
    "supervision_way": "supervision_way",
    "service_content": "service_content",
    "management_requirements": "management_requirements",
    "sub_item": "sub_name",
}
_LIST_FIELDS = {"requirements": "requirements", "procedure": "procedure"}
_OPTIONAL_TEXT = {
    "item_code": "national_item_code",
    "implementation_code": "national_implementation_code",
}
_LIMITS = {"time_limit_legal": "legal_limit", "time_limit_promise": "promised_limit"}
DEFAULTS: dict[str, Any] = {
    **{field: "" for field in _TEXT_FIELDS.values()},
    **{field: [] for field in _LIST_FIELDS.values()},
    **{field: None for field in _OPTIONAL_TEXT.values()},
    "parent_name": "",
    **{f"{p}_{part}": None for p in _LIMITS.values() for part in ("value", "unit", "note")},
    "classified": False,
    "source": "",
    "aliases": [],
    "keywords": [],
    "parent_id": None,
    "suspension_class": None,
    "suspension_reason": None,
    "suspended_at": None,
    "last_case_on": None,
}


def region_of(code: str) -> str:
    """The region an item is exercised in: the county, or the town/village it is devolved to."""
    region, town, village = code[0:6], code[6:9], code[9:12]
    if town == "000":
        return region
    return region + town + (village if village != "000" else "")


def _source(row: ParsedRow) -> str:
    text = str(row.get("source", ""))
    if row.get("licence"):
        text += f"（{row.values['licence']}）"
    if row.get("source_id"):
        text += f" #{row.values['source_id']}"
    return text.strip()[:300]


def item_fields(row: ParsedRow) -> dict[str, Any]:
    present = row.values
    values: dict[str, Any] = {"name": present["name"]}
    if "parent_item" in present:
        values["parent_name"] = row.get("parent_item", "")
    for column, target in _TEXT_FIELDS.items():
        if column in present:
            values[target] = present[column] or ""
    for column, target in _LIST_FIELDS.items():
        if column in present:
            values[target] = present[column] or []
    for column, target in _OPTIONAL_TEXT.items():
        if column in present:
            values[target] = present[column]
    for column, prefix in _LIMITS.items():
        if column in present:
            value, unit, note = present[column] or (None, None, None)
            values.update(
                {f"{prefix}_value": value, f"{prefix}_unit": unit, f"{prefix}_note": note}
            )
    if "classified" in present:
        values["classified"] = bool(present["classified"])
    if any(key in present for key in ("source", "source_id", "licence")):
        values["source"] = _source(row)
    return values
