"""Item fields staff may change by chat (字段=值), the 第九条 class of each, and value parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from catalogue.lists import forms
from catalogue.lists.declarations import ITEMS
from catalogue.models import Item
from catalogue.workflow.errors import (
    BadDuty,
    BadTimeLimit,
    BadValue,
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


# 第九条 class and how staff write each changeable item field; names and aliases are declared
# once in catalogue.lists.declarations.
_CHANGEABLE: tuple[tuple[str, ChangeClass, str], ...] = (
    ("name", ChangeClass.BASIS, "text"),
    ("legal_basis", ChangeClass.BASIS, "text"),
    ("legal_time_limit", ChangeClass.BASIS, "time_limit"),
    ("department_id", ChangeClass.SUBJECT, "department"),
    ("handling_office", ChangeClass.PROCESS, "text"),
    ("conditions", ChangeClass.PROCESS, "text"),
    ("procedure", ChangeClass.PROCESS, "lines"),
    ("flowchart", ChangeClass.PROCESS, "text"),
    ("promised_time_limit", ChangeClass.PROCESS, "time_limit"),
    ("fee", ChangeClass.PROCESS, "text"),
    ("management_requirements", ChangeClass.PROCESS, "text"),
    ("location", ChangeClass.STATIC, "text"),
    ("hours", ChangeClass.STATIC, "text"),
    ("phone", ChangeClass.STATIC, "text"),
    ("supervision_phone", ChangeClass.STATIC, "text"),
    ("supervision_way", ChangeClass.STATIC, "text"),
    ("service_content", ChangeClass.STATIC, "text"),
    ("requirements", ChangeClass.STATIC, "lines"),
    ("responsibilities", ChangeClass.DUTY, "duty"),
    ("aliases", ChangeClass.OTHER, "words"),
    ("keywords", ChangeClass.OTHER, "words"),
)
_SPECS = tuple(
    FieldSpec(attribute, ITEMS.label(attribute), klass, kind)
    for attribute, klass, kind in _CHANGEABLE
)

FIELDS = {spec.label: spec for spec in _SPECS}
BY_ATTRIBUTE = {spec.attribute: spec for spec in _SPECS}
_ALIASES = {
    alias: spec.label
    for spec in _SPECS
    for alias in ITEMS.field(spec.attribute).aliases
    if alias not in FIELDS
}


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
    form = ITEMS.field(spec.attribute).form
    if value and form is forms.Form.PHONE:
        wrong = forms.phone_problem(value)
        if wrong is not None:
            raise BadValue(spec.label, wrong)
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
