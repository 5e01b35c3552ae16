"""Response models of the JSON API (they are also its OpenAPI documentation)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from catalogue.categories import CATEGORIES
from catalogue.models import Item


class Requirement(BaseModel):
    name: str
    originals: int | None = None
    copies: int | None = None
    required: bool | None = None
    note: str | None = None


class Duty(BaseModel):
    title: str
    content: str = ""
    accountability: str = ""


class ItemSummary(BaseModel):
    code: str = Field(description="32位事项编码（行使主体代码—基本编码）")
    name: str
    kind: str = Field(description="power（行政权力）或 service（便民服务）")
    category: str
    category_name: str
    department: str
    status: str = Field(description="published 或 suspended（暂停）")
    published_at: datetime | None
    updated_at: datetime | None = Field(
        description="更新日期：最近一次发布的变更（无变更时为发布时间）"
    )
    version: int = Field(description="版本：每次发布的变更加一")
    revision_note: str = Field(description="最近一次变更的说明")
    demo: bool
    url: str

    @classmethod
    def of(cls, item: Item, base_url: str) -> ItemSummary:
        from handlers.citizen.links import item_url

        return cls(
            code=item.code,
            name=item.name,
            kind=item.kind,
            category=item.category,
            category_name=CATEGORIES.get(item.category, item.category),
            department=item.department.name if item.department else "",
            status=item.status,
            published_at=item.published_at,
            updated_at=item.updated_at_public,
            version=item.version,
            revision_note=item.revision_note,
            demo=item.is_demo,
            url=item_url(base_url, item.code),
        )


class TimeLimitOut(BaseModel):
    value: int | None
    unit: str | None
    note: str | None
    text: str


class ItemDetail(ItemSummary):
    parent_name: str
    sub_name: str
    national_item_code: str | None
    national_implementation_code: str | None
    handling_office: str
    legal_basis: str
    conditions: str
    requirements: list[Requirement]
    procedure: list[str]
    flowchart: str
    legal_time_limit: TimeLimitOut
    promised_time_limit: TimeLimitOut
    fee: str
    location: str
    hours: str
    phone: str
    supervision_phone: str
    supervision_way: str
    service_content: str
    management_requirements: str
    suspension_reason: str | None
    responsibilities: list[Duty]

    @classmethod
    def of(cls, item: Item, base_url: str) -> ItemDetail:
        summary = ItemSummary.of(item, base_url).model_dump()

        def limit(value: Any) -> TimeLimitOut:
            return TimeLimitOut(
                value=value.value, unit=value.unit, note=value.note, text=str(value)
            )

        return cls(
            **summary,
            parent_name=item.parent_name,
            sub_name=item.sub_name,
            national_item_code=item.national_item_code,
            national_implementation_code=item.national_implementation_code,
            handling_office=item.handling_office,
            legal_basis=item.legal_basis,
            conditions=item.conditions,
            requirements=[Requirement.model_validate(r) for r in item.requirements or []],
            procedure=list(item.procedure or []),
            flowchart=item.flowchart,
            legal_time_limit=limit(item.legal_time_limit),
            promised_time_limit=limit(item.promised_time_limit),
            fee=item.fee,
            location=item.location,
            hours=item.hours,
            phone=item.phone,
            supervision_phone=item.supervision_phone,
            supervision_way=item.supervision_way,
            service_content=item.service_content,
            management_requirements=item.management_requirements,
            suspension_reason=item.suspension_reason if item.status == "suspended" else None,
            responsibilities=[
                Duty(title=d.title, content=d.content, accountability=d.accountability)
                for d in item.responsibilities
            ],
        )


class ItemPageOut(BaseModel):
    total: int
    page: int
    pages: int
    per_page: int
    items: list[ItemSummary]


class ErrorOut(BaseModel):
    detail: str = Field(description="中文说明")


class RetiredOut(BaseModel):
    detail: str
    code: str
    name: str
    reason: str = Field(
        description="abolished（作废）、merged（合并）或 recoded（实施主体变更，编码已变更）"
    )
    merged_into: str | None
    basis: str
    retired_at: datetime


class SearchHitOut(BaseModel):
    score: float
    reasons: list[str]
    item: ItemSummary


class DepartmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    short_name: str
    address: str
    phone: str
    item_count: int


class PlaceOut(BaseModel):
    code: str
    name: str
    level: str
    town_code: str | None
    label: str


class PlaceMatchOut(BaseModel):
    ambiguous: bool
    places: list[PlaceOut]


class AllocationOut(BaseModel):
    region_code: str
    region_name: str
    amount: Decimal = Field(description="万元")
    document_number: str
    purpose: str
    fund_source: str
    demo: bool


class ProjectOut(BaseModel):
    name: str
    approval_number: str
    investment: Decimal = Field(description="万元")
    construction_content: str
    benefits: str
    competent_unit: str
    implementing_unit: str
    villages: list[str]
    demo: bool


class YearFundsOut(BaseModel):
    year: int
    allocation_total: Decimal
    project_total: Decimal
    allocations: list[AllocationOut]
    projects: list[ProjectOut]


class RegionFundsOut(BaseModel):
    place: PlaceOut
    allocation_total: Decimal
    project_total: Decimal
    years: list[YearFundsOut]


class FundOut(BaseModel):
    budget_year: int
    fund_type: str
    fund_type_name: str
    department: str
    project_name: str
    budget_amount: Decimal = Field(description="万元")
    management_measures: str
    allocation_and_use: str
    performance_evaluation: str
    competitive: bool
    published_on: date | None
    demo: bool


class FundListOut(BaseModel):
    total: Decimal = Field(description="合计，万元")
    count: int
    rows: list[FundOut]
