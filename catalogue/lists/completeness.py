"""Which fields a record lacks or has malformed, by their Chinese names, with the article
that requires them; the values of records as the declarations name them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol

from catalogue import models
from catalogue.lists.declarations import (
    BY_KIND,
    DECLARATIONS,
    ITEMS,
    ListDeclaration,
    Requirement,
)
from catalogue.lists.forms import Form, is_blank, problem
from catalogue.models import Item, TimeLimit, utcnow
from catalogue.workflow.workdays import china_date


class ListRow(Protocol):
    """A record of a row list (a fund or poverty row): the fields the rules read besides
    its declared ones."""

    @property
    def id(self) -> int: ...

    @property
    def status(self) -> str: ...


# The lists whose records are rows of their own table, each of one kind, known to staff as
# `<ref>:<id>` (the fund and poverty lists); items and their duties are checked otherwise.
ROW_LISTS = tuple(declaration for declaration in DECLARATIONS if declaration.ref)

APPROVAL_CATEGORY = "XK"  # 行政许可: the 行政审批 items of 第十一条


@dataclass(frozen=True, slots=True)
class Shortfall:
    """One field that keeps a record from going live."""

    label: str  # the Chinese name the article uses
    article: str
    problem: str = ""  # empty: missing; otherwise what is wrong with its form

    @property
    def missing(self) -> bool:
        """Empty rather than malformed."""
        return not self.problem


class Lack(NamedTuple):
    """A field a record lacks, by its Chinese name; `malformed`: filled in, but not in its
    form. What imports count per field and staff lists show per record."""

    label: str
    malformed: bool = False

    @classmethod
    def of(cls, shortfall: Shortfall) -> Lack:
        """The field of a shortfall, without the article and the problem's detail."""
        return cls(shortfall.label, not shortfall.missing)


def item_kinds(item: Item) -> tuple[str, ...]:
    """The kinds whose requirements an item must meet."""
    if item.kind == "service":
        return ("service",)
    if item.category == APPROVAL_CATEGORY:
        return ("power", "approval")
    return ("power",)


def item_values(item: Item, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An item's fields by attribute, with `changes` (a change request's fields) laid over."""
    values: dict[str, Any] = {
        field.attribute: getattr(item, field.attribute)
        for field in ITEMS.fields
        if field.attribute != "responsibilities"
    }
    values["responsibilities"] = [
        {"title": duty.title, "content": duty.content} for duty in item.responsibilities
    ]
    for attribute, value in (changes or {}).items():
        field = ITEMS.field(attribute)
        if field.form is Form.DEPARTMENT and isinstance(value, dict):
            values[attribute] = value.get("id")
        elif field.form is Form.TIME_LIMIT and isinstance(value, dict):
            has = value.get("value") is not None or bool(value.get("note"))
            values[attribute] = value if has else None
        elif field.form is Form.DUTIES and isinstance(value, dict):
            duties = [dict(d) for d in values["responsibilities"]]
            same = [d for d in duties if d["title"] == value.get("title")]
            if same:
                same[0]["content"] = value.get("content", "")
            else:
                duties.append({"title": value.get("title"), "content": value.get("content")})
            values["responsibilities"] = duties
        else:
            values[attribute] = value
    return values


def record_values(record: ListRow, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A fund or poverty row's fields by attribute, with `changes` laid over."""
    declaration = BY_KIND[record_kind(record)]
    values = {field.attribute: getattr(record, field.attribute) for field in declaration.fields}
    values.update(changes or {})
    return values


def model_of(declaration: ListDeclaration) -> Any:
    """The table class of a list's records (its declared `model` in `catalogue.models`)."""
    return getattr(models, declaration.model)


def row_kind(declaration: ListDeclaration) -> str:
    """The one kind of record a row list holds."""
    (kind,) = declaration.requirements
    return kind


def row_list_of(record: object) -> ListDeclaration:
    """The row list a record belongs to."""
    for declaration in ROW_LISTS:
        if isinstance(record, model_of(declaration)):
            return declaration
    raise TypeError(f"{type(record).__name__} is no row of a declared list")


def record_kind(record: ListRow) -> str:
    """The kind of a fund or poverty row."""
    return row_kind(row_list_of(record))


def record_ref(record: ListRow) -> str:
    """How staff name a fund or poverty row: ``fund:12``, ``poverty:3``, ``allocation:7``."""
    return f"{row_list_of(record).ref}:{record.id}"


def record_name(record: ListRow) -> str:
    """A fund or poverty row's name in reports (its declared `naming` fields)."""
    return " ".join(str(getattr(record, a)) for a in row_list_of(record).naming)


def check(kinds: Sequence[str], values: Mapping[str, Any], today: date) -> list[Shortfall]:
    """Every requirement of `kinds` the values leave unmet, then every malformed field.

    Malformed optional fields (a broken 联系电话) count too: what is published is correct.
    """
    shortfalls: list[Shortfall] = []
    seen: set[str] = set()
    for kind in kinds:
        declaration = BY_KIND[kind]
        for requirement in declaration.requirements[kind]:
            if requirement.applies is not None and not requirement.applies(values):
                continue
            label = declaration.requirement_label(requirement)
            if label in seen:
                continue
            if all(is_blank(values.get(a)) for a in requirement.attributes):
                seen.add(label)
                shortfalls.append(Shortfall(label, requirement.article))
    declarations = list(dict.fromkeys(BY_KIND[kind] for kind in kinds))
    for declaration in declarations:
        shortfalls += _malformed(declaration, kinds, values, today, seen)
    return shortfalls


def _malformed(
    declaration: ListDeclaration,
    kinds: Sequence[str],
    values: Mapping[str, Any],
    today: date,
    seen: set[str],
) -> list[Shortfall]:
    found: list[Shortfall] = []
    for field in declaration.fields:
        value = values.get(field.attribute)
        if is_blank(value):
            continue
        wrong = problem(field.form, value, today)
        if wrong is None:
            continue
        article = _article_of(declaration, kinds, field.attribute)
        label = _label_of(declaration, kinds, field.attribute)
        if label in seen:
            continue
        seen.add(label)
        found.append(Shortfall(label, article, wrong))
    return found


def _requirement_of(
    declaration: ListDeclaration, kinds: Sequence[str], attribute: str
) -> Requirement | None:
    for kind in kinds:
        for requirement in declaration.requirements.get(kind, ()):
            if attribute in requirement.attributes:
                return requirement
    return None


def _label_of(declaration: ListDeclaration, kinds: Sequence[str], attribute: str) -> str:
    """The article's own name for a single-field requirement (办理要件), else the field's."""
    requirement = _requirement_of(declaration, kinds, attribute)
    if requirement is not None and len(requirement.attributes) == 1:
        return declaration.requirement_label(requirement)
    return declaration.label(attribute)


def _article_of(declaration: ListDeclaration, kinds: Sequence[str], attribute: str) -> str:
    requirement = _requirement_of(declaration, kinds, attribute)
    # Optional fields still published must be right: 《建设运行办法》第八条 holds every
    # department responsible for the accuracy of what it publishes.
    return requirement.article if requirement is not None else "《建设运行办法》第八条"


def item_shortfalls(
    item: Item, today: date, changes: Mapping[str, Any] | None = None
) -> list[Shortfall]:
    """What keeps an item (after `changes`) from being submitted, approved or published."""
    return check(item_kinds(item), item_values(item, changes), today)


def record_shortfalls(
    record: ListRow,
    today: date,
    changes: Mapping[str, Any] | None = None,
) -> list[Shortfall]:
    """What keeps a fund or poverty row (after `changes`) from going live."""
    return check((record_kind(record),), record_values(record, changes), today)


def row_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """An item row as an import writes it (table columns, the department by name under
    `department`, stored 责任事项 under `responsibilities`) in the declaration's attributes."""
    values: dict[str, Any] = {
        field.attribute: row.get(field.attribute)
        for field in ITEMS.fields
        if field.form is not Form.TIME_LIMIT
    }
    values["department_id"] = row.get("department_id") or row.get("department") or None
    for attribute, prefix in (("legal_time_limit", "legal"), ("promised_time_limit", "promised")):
        limit = TimeLimit(
            row.get(f"{prefix}_limit_value"),
            row.get(f"{prefix}_limit_unit"),
            row.get(f"{prefix}_limit_note"),
        )
        values[attribute] = limit if limit else None
    values["responsibilities"] = list(row.get("responsibilities") or [])
    return values


def row_kinds(row: Mapping[str, Any]) -> tuple[str, ...]:
    """`item_kinds` of an item row being imported."""
    if row.get("kind") == "service":
        return ("service",)
    if row.get("category") == APPROVAL_CATEGORY:
        return ("power", "approval")
    return ("power",)


def missing_in_import(row: Mapping[str, Any]) -> list[Lack]:
    """What keeps an imported item row from being published at once (a first load): the
    fields it lacks or has malformed; [] = complete. The same rule as `item_shortfalls`, on
    the row before it is written."""
    shortfalls = check(row_kinds(row), row_values(row), china_date(utcnow()))
    return [Lack.of(s) for s in shortfalls]


def missing_in_list_row(kind: str, values: Mapping[str, Any]) -> list[Lack]:
    """What keeps an imported fund or poverty row (its fields by attribute) from being
    published at once: `missing_in_import` for the fund and poverty lists."""
    shortfalls = check((kind,), values, china_date(utcnow()))
    return [Lack.of(s) for s in shortfalls]


__all__ = [
    "Lack",
    "ListRow",
    "Shortfall",
    "check",
    "item_kinds",
    "item_shortfalls",
    "item_values",
    "missing_in_import",
    "missing_in_list_row",
    "model_of",
    "record_kind",
    "record_name",
    "record_ref",
    "record_shortfalls",
    "record_values",
    "row_kinds",
    "row_values",
]
