"""Item fields staff may change (字段=值), the 第九条 class of each, and the declaration-driven
check of a new value (the channels read what was typed: `handlers/staff/parsing.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalogue.lists import forms
from catalogue.lists.declarations import ITEMS
from catalogue.models import Item, TimeLimit
from catalogue.workflow.errors import (
    BadDuty,
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


@dataclass(frozen=True, slots=True)
class Duty:
    """A 责任事项: its title (受理责任 …) and what it holds."""

    title: str
    content: str


#: A field's new value as the channels read it: text (a 实施主体 by its name), lines or words
#: as lists, a time limit, a duty.
FieldValue = str | list[str] | TimeLimit | Duty


def json_value(spec: FieldSpec, value: FieldValue) -> Any:
    """The JSON-ready new value of a field, checked against its declaration: a name is never
    empty, a phone has a phone's form, a duty has a title (departments resolved later)."""
    if spec.kind == "time_limit":
        if not isinstance(value, TimeLimit):
            raise TypeError(f"{spec.attribute} takes a TimeLimit")
        return {"value": value.value, "unit": value.unit, "note": value.note}
    if spec.kind == "duty":
        if not isinstance(value, Duty):
            raise TypeError(f"{spec.attribute} takes a Duty")
        if not value.title.strip():
            raise BadDuty()
        return {"title": value.title.strip(), "content": value.content.strip()}
    if spec.kind in ("lines", "words"):
        if not isinstance(value, list):
            raise TypeError(f"{spec.attribute} takes a list of texts")
        parts = [part.strip() for part in value if part.strip()]
        if spec.attribute == "requirements":
            return [
                {"name": part, "originals": 1, "copies": 0, "required": True, "note": ""}
                for part in parts
            ]
        return parts
    if not isinstance(value, str):
        raise TypeError(f"{spec.attribute} takes a text")
    text = value.strip()
    if spec.attribute == "name" and not text:
        raise MissingArgument(Missing.NAME)
    form = ITEMS.field(spec.attribute).form
    if text and form is forms.Form.PHONE:
        wrong = forms.phone_problem(text)
        if wrong is not None:
            raise BadValue(spec.label, wrong)
    return text


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
