"""Open-data exports (财政专项资金 第九条): what is published and not classified, as CSV or JSON.

Items, departments and regions are those of the deployment's regions (`catalogue.scope`).

CSV files use the Chinese template headers, so an export can be imported again unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue.categories import CATEGORIES
from catalogue.formulas import neutralise
from catalogue.importing.runner import kind_of
from catalogue.models import (
    PUBLIC_STATUSES,
    Department,
    FundItem,
    FundType,
    Item,
    PovertyAllocation,
    PovertyProject,
    PublicationStatus,
    Region,
    Responsibility,
)
from catalogue.queries.visibility import local_department, local_region, public_item
from catalogue.scope import scope_of
from catalogue.workflow.workdays import china_date

PUBLIC = [status.value for status in PUBLIC_STATUSES]
Record = dict[str, Any]


def _limit(value: int | None, unit: str | None, note: str | None) -> str:
    if value is None:
        return note or ""
    text = f"{value}个{unit}" if unit == "工作日" else f"{value}{unit or '日'}"
    return f"{text}（{note}）" if note else text


def _day(moment: datetime | None) -> str:
    """A moment as its date in China (更新日期)."""
    return china_date(moment).isoformat() if moment is not None else ""


def _status(status: str) -> str:
    return PublicationStatus(status).label


async def _items(session: AsyncSession) -> list[Record]:
    query = (
        select(Item)
        .where(public_item(scope_of(session)))
        .options(selectinload(Item.department))
        .order_by(Item.code)
    )
    records = []
    for item in (await session.scalars(query)).all():
        devolved = item.region_code if len(item.region_code) > 6 else ""
        records.append(
            {
                "code": item.code,
                "name": item.name,
                "parent_item": item.parent_name,
                "sub_item": item.sub_name,
                "category": "公共服务" if item.kind == "service" else CATEGORIES[item.category],
                "department": item.department.name if item.department else "",
                "undertaking_unit": item.handling_office,
                "devolved_region": devolved,
                "item_code": item.national_item_code or "",
                "implementation_code": item.national_implementation_code or "",
                "time_limit_legal": _limit(
                    item.legal_limit_value, item.legal_limit_unit, item.legal_limit_note
                ),
                "time_limit_promise": _limit(
                    item.promised_limit_value, item.promised_limit_unit, item.promised_limit_note
                ),
                "conditions": item.conditions,
                "requirements": item.requirements,
                "basis": item.legal_basis,
                "procedure": item.procedure,
                "flowchart": item.flowchart,
                "fee": item.fee,
                "location": item.location,
                "hours": item.hours,
                "phone": item.phone,
                "supervision_phone": item.supervision_phone,
                "supervision_way": item.supervision_way,
                "service_content": item.service_content,
                "management_requirements": item.management_requirements,
                "source": item.source,
                "status": _status(item.status),
                "version": item.version,
                "updated_on": _day(item.updated_at_public),
                "revision_note": item.revision_note,
                "demo": item.is_demo,
            }
        )
    return records


async def _responsibilities(session: AsyncSession) -> list[Record]:
    query = (
        select(Item.code, Responsibility)
        .join(Responsibility.item)
        .where(public_item(scope_of(session)))
        .order_by(Item.code, Responsibility.seq, Responsibility.id)
    )
    return [
        {
            "code": code,
            "seq": duty.seq,
            "title": duty.title,
            "content": duty.content,
            "accountability": duty.accountability,
        }
        for code, duty in await session.execute(query)
    ]


async def _departments(session: AsyncSession) -> list[Record]:
    query = select(Department).where(local_department(scope_of(session))).order_by(Department.name)
    rows = (await session.scalars(query)).all()
    return [
        {
            "name": d.name,
            "short_name": d.short_name,
            "org_code": d.org_code or "",
            "uscc": d.uscc or "",
            "region_code": d.region_code or "",
            "address": d.address,
            "phone": d.phone,
            "demo": d.is_demo,
        }
        for d in rows
    ]


async def _regions(session: AsyncSession) -> list[Record]:
    query = select(Region).where(local_region(scope_of(session))).order_by(Region.code)
    rows = (await session.scalars(query)).all()
    return [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "parent_code": r.parent_code or "",
            "short_name": r.short_name,
            "source": r.source,
        }
        for r in rows
    ]


async def _funds(session: AsyncSession) -> list[Record]:
    query = (
        select(FundItem)
        .where(FundItem.status.in_(PUBLIC))
        .order_by(FundItem.budget_year, FundItem.fund_type, FundItem.project_name)
    )
    return [
        {
            "budget_year": f.budget_year,
            "fund_type": FundType(f.fund_type).label,
            "department": f.department.name,
            "project_name": f.project_name,
            "budget_amount": f.budget_amount,
            "management_measures": f.management_measures,
            "allocation_and_use": f.allocation_and_use,
            "performance_evaluation": f.performance_evaluation,
            "competitive": f.competitive,
            "application_guide": f.application_guide,
            "review_results": f.review_results,
            "allocation": f.allocation,
            "budget_approved_on": f.budget_approved_on,
            "published_on": f.published_on,
            "change_note": f.change_note,
            "status": _status(f.status),
            "demo": f.is_demo,
        }
        for f in (await session.scalars(query)).all()
    ]


async def _allocations(session: AsyncSession) -> list[Record]:
    query = (
        select(PovertyAllocation)
        .where(PovertyAllocation.status.in_(PUBLIC))
        .order_by(PovertyAllocation.year, PovertyAllocation.region_code)
    )
    return [
        {
            "year": a.year,
            "region": a.region_code,
            "region_name": a.region.name,
            "amount": a.amount,
            "document_number": a.document_number,
            "purpose": a.purpose,
            "fund_source": a.fund_source,
            "status": _status(a.status),
            "demo": a.is_demo,
        }
        for a in (await session.scalars(query)).all()
    ]


async def _projects(session: AsyncSession) -> list[Record]:
    query = (
        select(PovertyProject)
        .where(PovertyProject.status.in_(PUBLIC))
        .order_by(PovertyProject.year, PovertyProject.name)
    )
    return [
        {
            "year": p.year,
            "name": p.name,
            "approval_number": p.approval_number,
            "investment": p.investment,
            "construction_content": p.construction_content,
            "benefits": p.benefits,
            "competent_unit": p.competent_unit,
            "implementing_unit": p.implementing_unit,
            "villages": [v.code for v in p.villages],
            "households": p.households_benefited,
            "persons": p.persons_benefited,
            "fund_source": p.fund_source,
            "progress": p.progress,
            "changed_on": p.changed_on,
            "change_note": p.change_note,
            "status": _status(p.status),
            "demo": p.is_demo,
        }
        for p in (await session.scalars(query)).all()
    ]


_EXPORTERS: dict[str, Callable[[AsyncSession], Any]] = {
    "items": _items,
    "responsibilities": _responsibilities,
    "departments": _departments,
    "regions": _regions,
    "funds": _funds,
    "poverty-allocations": _allocations,
    "poverty-projects": _projects,
}


async def export_records(session: AsyncSession, kind: str) -> list[Record]:
    """The public records of a list, keyed by the column keys of its import schema."""
    records: list[Record] = await _EXPORTERS[kind_of(kind).name](session)
    return records


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(records: Sequence[Record]) -> str:
    """A JSON array (amounts as exact decimal strings in 万元, dates ISO 8601)."""
    return json.dumps(list(records), ensure_ascii=False, indent=1, default=_json_value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return neutralise("；".join(_material(v) if isinstance(v, dict) else str(v) for v in value))
    return neutralise(str(value))


def _material(material: dict[str, Any]) -> str:
    """「营业执照（原件1份，复印件2份）」: the form the importer reads back."""
    counts = []
    if material.get("originals") is not None:
        counts.append(f"原件{material['originals']}份")
    if material.get("copies") is not None:
        counts.append(f"复印件{material['copies']}份")
    name = str(material.get("name", ""))
    return f"{name}（{'，'.join(counts)}）" if counts else name


def to_csv(kind: str, records: Sequence[Record]) -> str:
    """CSV (UTF-8 with BOM, so Excel opens it) with the Chinese headers of the import template."""
    schema = kind_of(kind).schema
    keys: list[str] = []
    for record in records:
        keys += [key for key in record if key not in keys]
    headers = []
    for key in keys:
        try:
            headers.append(schema.column(key).header)
        except KeyError:
            headers.append(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for record in records:
        writer.writerow([_cell(record.get(key)) for key in keys])
    return "\ufeff" + buffer.getvalue()
