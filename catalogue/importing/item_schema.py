"""Columns of the items list (county template and the national directory format) and fields.

The county template has Chinese headers; `service_items.csv`-style directories use English ones.
Only columns present in a file are written, so a partial file never blanks other fields.
"""

from __future__ import annotations

from typing import Any

from catalogue.categories import from_category_text
from catalogue.importing.departments import parse_uscc
from catalogue.importing.schema import EXPORT_ONLY, Column, ParsedRow, Schema
from catalogue.importing.values import (
    CellError,
    parse_bool,
    parse_time_limit,
    split_materials,
    split_steps,
)


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


SCHEMA = Schema(
    kind="items",
    title="行政权力和便民服务事项",
    columns=(
        Column(
            "code",
            "事项编码",
            ("county_code", "编码"),
            max_length=40,
            note="32位县编码，空则自动赋码",
        ),
        Column("name", "事项名称", ("name",), required=True, max_length=500),
        Column("parent_item", "主项名称", ("parent_item", "主项"), max_length=500),
        Column("sub_item", "子项名称", ("sub_item", "子项"), max_length=500),
        Column("category", "事项类别", ("category", "权力类别", "事项类型", "类别")),
        Column("category_code", "事项类型代码", ("category_code", "类型代码"), parse=_type_code),
        Column(
            "department",
            "实施主体",
            ("department", "行使主体", "实施机关", "责任单位"),
            required=True,
            max_length=200,
        ),
        Column("undertaking_unit", "承办股室", ("undertaking_unit", "承办机构"), max_length=200),
        Column(
            "implementing_body_uscc",
            "实施主体统一社会信用代码",
            ("implementing_body_uscc", "统一社会信用代码"),
            parse=parse_uscc,
        ),
        Column("devolved_region", "下放区划代码", ("devolved_region",), parse=_region),
        Column("item_code", "国家基本目录编码", ("item_code",), max_length=64),
        Column("implementation_code", "国家实施编码", ("implementation_code",), max_length=128),
        Column(
            "time_limit_legal",
            "法定办结时限",
            ("time_limit_legal", "法定时限"),
            parse=parse_time_limit,
        ),
        Column(
            "time_limit_promise",
            "承诺办结时限",
            ("time_limit_promise", "承诺时限", "办结时限"),
            parse=parse_time_limit,
        ),
        Column("conditions", "受理条件", ("conditions", "办理条件")),
        Column("requirements", "办理要件", ("requirements", "申请材料"), parse=split_materials),
        Column("basis", "设定依据", ("basis", "法律依据", "实施依据")),
        Column("procedure", "办理流程", ("procedure", "服务流程"), parse=split_steps),
        Column("flowchart", "流程图", ("flowchart",)),
        Column("fee", "收费标准", ("fee", "收费")),
        Column("location", "办理地点", ("location", "地址"), max_length=500),
        Column("hours", "办理时间", ("hours",), max_length=200),
        Column("phone", "咨询电话", ("phone", "电话")),
        Column("supervision_phone", "监督电话", ("supervision_phone",), max_length=200),
        Column("supervision_way", "监督方式", ("supervision_way",)),
        Column("service_content", "服务内容", ("service_content",)),
        Column("management_requirements", "管理要求", ("management_requirements",)),
        Column("classified", "是否涉密", ("classified", "涉密"), parse=parse_bool),
        Column("source", "来源", ("source",), max_length=200),
        Column("source_id", "来源编号", ("id",), max_length=40),
        Column("licence", "许可协议", ("licence", "license"), max_length=40),
        # The region whose catalogue a row belongs to (empty: the county's own); another
        # region's row keeps its region and national codes and gets no county code.
        Column("region", "所属地区", ("region", "原地区"), max_length=100),
        Column("region_code", "所属地区代码", ("region_code", "原地区代码"), parse=_own_region),
        # Bookkeeping of the source directory.
        Column("url", "原网址", ("url",), stored=False),
        Column("admin_level", "原层级", ("admin_level",), stored=False),
        Column("implementing_level_raw", "原实施层级", ("implementing_level_raw",), stored=False),
        Column("data_year", "数据年份", ("data_year",), stored=False),
        *EXPORT_ONLY,
    ),
    key=("department", "name"),
    one_of=(("category", "category_code"),),
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
