"""The shipped demo catalogue file (`tianzhu_demo.json`), read and validated into typed records."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from catalogue.models import FundType, PublicationStatus

DEMO_FILE = Path(__file__).resolve().parent / "tianzhu_demo.json"


class DemoDataError(ValueError):
    """The demo file is missing or does not match its schema; the message says where."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def as_utc(value: datetime | None) -> datetime | None:
    """The same instant in UTC; naive values (as SQLite returns them) are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class _Timed(_Record):
    @field_validator("published_at", "suspended_at", "retired_at", mode="after", check_fields=False)
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)


class DemoMeta(_Record):
    """Says the file is demo data, where its facts come from, and the totals it must load."""

    demo: Literal[True]
    title: str
    notice: str
    version: int
    county: str
    provenance: dict[str, str]
    totals: dict[str, Any]


class DemoDepartment(_Record):
    """An implementing department with its demo organisation and credit codes."""

    name: str
    short_name: str
    org_code: str
    uscc: str
    region_code: str
    address: str
    phone: str


class DemoLimit(_Record):
    """A time limit: number, unit and note."""

    value: int | None = None
    unit: str | None = None
    note: str | None = None


class DemoRequirement(_Record):
    """One material of 办理要件."""

    name: str
    originals: int
    copies: int
    required: bool
    note: str = ""


class DemoResponsibility(_Record):
    """One duty of 部门责任清单."""

    title: str
    content: str
    accountability: str


class DemoRetirement(_Timed):
    """The retired-code entry of an abolished (or merged) item."""

    reason: Literal["abolished", "merged"]
    basis: str
    retired_at: datetime
    merged_into: str | None = None


class DemoItem(_Timed):
    """A power or convenience-service item with its full guide and county code."""

    code: str
    kind: Literal["power", "service"]
    category: str
    main_no: int
    sub_no: int
    parent_code: str | None
    name: str
    parent_name: str
    sub_name: str
    department: str
    region_code: str
    handling_office: str
    legal_basis: str
    conditions: str
    requirements: list[DemoRequirement]
    procedure: list[str]
    flowchart: str
    fee: str
    location: str
    hours: str
    phone: str
    supervision_phone: str
    supervision_way: str
    legal_time_limit: DemoLimit
    promised_time_limit: DemoLimit
    service_content: str
    management_requirements: str
    aliases: list[str]
    keywords: list[str]
    status: PublicationStatus
    suspension_class: str | None
    suspension_reason: str | None
    suspended_at: datetime | None
    classified: bool
    published_at: datetime | None
    responsibilities: list[DemoResponsibility]
    retired: DemoRetirement | None


class DemoFund(_Timed):
    """A row of the special fiscal fund list."""

    budget_year: int
    fund_type: FundType
    department: str
    project_name: str
    budget_amount: Decimal
    management_measures: str
    allocation_and_use: str
    performance_evaluation: str
    competitive: bool
    application_guide: str
    review_results: str
    allocation: str
    budget_approved_on: date | None
    published_on: date | None
    change_note: str
    status: PublicationStatus
    published_at: datetime | None


class DemoAllocation(_Timed):
    """An amount of a poverty allocation plan for one town or village."""

    year: int
    region_code: str
    amount: Decimal
    document_number: str
    purpose: str
    fund_source: str
    status: PublicationStatus
    published_at: datetime | None


class DemoProject(_Timed):
    """A row of the poverty project list (the seven Gansu columns and more)."""

    year: int
    name: str
    approval_number: str
    investment: Decimal
    construction_content: str
    benefits: str
    competent_unit: str
    implementing_unit: str
    villages: list[str]
    households_benefited: int | None
    persons_benefited: int | None
    fund_source: str
    progress: Literal["planned", "in_progress", "completed", "cancelled"]
    status: PublicationStatus
    changed_on: date | None
    change_note: str
    published_at: datetime | None


class DemoData(_Record):
    """The whole demo catalogue."""

    meta: DemoMeta
    departments: list[DemoDepartment]
    items: list[DemoItem]
    funds: list[DemoFund]
    poverty_allocations: list[DemoAllocation]
    poverty_projects: list[DemoProject]


def _expand_items(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Items with the file's shared defaults and named responsibility sets filled in."""
    defaults = dict(raw.get("item_defaults", {}))
    accountability = defaults.pop("accountability", "")
    sets: dict[str, list[dict[str, str]]] = raw.get("responsibility_sets", {})
    items: list[dict[str, Any]] = []
    for position, item in enumerate(raw.get("items", []), start=1):
        merged = {**defaults, **item}
        duties = merged.get("responsibilities")
        if isinstance(duties, str):
            if duties not in sets:
                raise DemoDataError(f"items[{position}]: unknown responsibility set {duties!r}")
            merged["responsibilities"] = [
                {"accountability": accountability, **duty} for duty in sets[duties]
            ]
        elif duties is None:
            merged["responsibilities"] = []
        items.append(merged)
    return items


def read_demo(path: Path = DEMO_FILE) -> DemoData:
    """The demo catalogue of `path` (default: the shipped file), validated."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DemoDataError(f"{path}: cannot read the demo file: {error}") from error
    body = {
        key: raw.get(key, [])
        for key in ("departments", "funds", "poverty_allocations", "poverty_projects")
    }
    try:
        return DemoData.model_validate(
            {"meta": raw.get("meta"), "items": _expand_items(raw), **body}
        )
    except ValidationError as error:
        raise DemoDataError(f"{path}: the demo file does not match its schema:\n{error}") from error
