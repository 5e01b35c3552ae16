"""Item fields staff may change by chat (字段=值), the 第九条 class of each, and value parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from catalogue.models import Item
from catalogue.workflow.errors import (
    BadDuty,
    BadTimeLimit,
    Missing,
    MissingArgument,
    UnknownField,
)
from catalogue.workflow.rules import ChangeClass


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One changeable field: its attribute, how its value is written, its 第九条 class."""

    attribute: str
    label: str
    change_class: ChangeClass
    kind: str = "text"  # text | lines | time_limit | department | words | duty


_SPECS = (
    FieldSpec("name", "名称", ChangeClass.BASIS),
    FieldSpec("legal_basis", "设定依据", ChangeClass.BASIS),
    FieldSpec("legal_time_limit", "法定时限", ChangeClass.BASIS, "time_limit"),
    FieldSpec("department_id", "实施主体", ChangeClass.SUBJECT, "department"),
    FieldSpec("handling_office", "承办股室", ChangeClass.PROCESS),
    FieldSpec("conditions", "受理条件", ChangeClass.PROCESS),
    FieldSpec("procedure", "办理流程", ChangeClass.PROCESS, "lines"),
    FieldSpec("flowchart", "流程图", ChangeClass.PROCESS),
    FieldSpec("promised_time_limit", "承诺时限", ChangeClass.PROCESS, "time_limit"),
    FieldSpec("fee", "收费标准", ChangeClass.PROCESS),
    FieldSpec("management_requirements", "管理要求", ChangeClass.PROCESS),
    FieldSpec("location", "办公地点", ChangeClass.STATIC),
    FieldSpec("hours", "办公时间", ChangeClass.STATIC),
    FieldSpec("phone", "联系电话", ChangeClass.STATIC),
    FieldSpec("supervision_phone", "监督电话", ChangeClass.STATIC),
    FieldSpec("supervision_way", "监督方式", ChangeClass.STATIC),
    FieldSpec("service_content", "服务内容", ChangeClass.STATIC),
    FieldSpec("requirements", "申请材料", ChangeClass.STATIC, "lines"),
    FieldSpec("responsibilities", "责任事项", ChangeClass.DUTY, "duty"),
    FieldSpec("aliases", "别名", ChangeClass.OTHER, "words"),
    FieldSpec("keywords", "关键词", ChangeClass.OTHER, "words"),
)

_ALIASES = {
    "依据": "设定依据",
    "权力依据": "设定依据",
    "部门": "实施主体",
    "实施机关": "实施主体",
    "流程": "办理流程",
    "办理程序": "办理流程",
    "服务流程": "办理流程",
    "收费": "收费标准",
    "时限": "承诺时限",
    "地点": "办公地点",
    "地址": "办公地点",
    "电话": "联系电话",
    "咨询电话": "联系电话",
    "材料": "申请材料",
    "办理要件": "申请材料",
    "责任": "责任事项",
}

FIELDS = {spec.label: spec for spec in _SPECS}
BY_ATTRIBUTE = {spec.attribute: spec for spec in _SPECS}


def field_spec(name: str) -> FieldSpec:
    """The field a staff member named (label, alias or attribute)."""
    key = name.strip()
    key = _ALIASES.get(key, key)
    spec = FIELDS.get(key) or BY_ATTRIBUTE.get(key)
    if spec is None:
        raise UnknownField(name, tuple(FIELDS))
    return spec


_SPLIT = re.compile(r"[；;\n]+")
_LIMIT = re.compile(r"^(\d+)\s*个?\s*(工作日|日|天|小时|个月|月)?(?:[（(](.+)[)）])?$")


def parse_time_limit(text: str) -> dict[str, Any]:
    """ "20个工作日", "15日（不含公示期）", "即办" → value/unit/note."""
    value = text.strip()
    if value in ("即办", "当场办结", "立即办理"):
        return {"value": 0, "unit": "即办", "note": value}
    match = _LIMIT.match(value)
    if match is None:
        raise BadTimeLimit(text)
    unit = match.group(2) or "日"
    return {
        "value": int(match.group(1)),
        "unit": "日" if unit == "天" else unit,
        "note": match.group(3),
    }


def parse_value(spec: FieldSpec, text: str) -> Any:
    """The JSON-ready new value of a field from what was typed (departments resolved later)."""
    value = text.strip()
    if spec.kind == "lines":
        parts = [part.strip() for part in _SPLIT.split(value) if part.strip()]
        if spec.attribute == "requirements":
            return [
                {"name": part, "originals": 1, "copies": 0, "required": True, "note": ""}
                for part in parts
            ]
        return parts
    if spec.kind == "words":
        return [part.strip() for part in re.split(r"[，,、；;\s]+", value) if part.strip()]
    if spec.kind == "time_limit":
        return parse_time_limit(value)
    if spec.kind == "duty":
        title, sep, content = value.partition("：" if "：" in value else ":")
        if not sep or not title.strip():
            raise BadDuty()
        return {"title": title.strip(), "content": content.strip()}
    if spec.attribute == "name" and not value:
        raise MissingArgument(Missing.NAME)
    return value


def current_value(item: Item, spec: FieldSpec) -> Any:
    """The field's present value, JSON-ready, for the request's `before`."""
    if spec.kind == "time_limit":
        limit = getattr(item, spec.attribute)
        return {"value": limit.value, "unit": limit.unit, "note": limit.note}
    if spec.kind == "duty":
        return [{"title": duty.title, "content": duty.content} for duty in item.responsibilities]
    value = getattr(item, spec.attribute)
    if isinstance(value, list):
        return list(value)
    return value
