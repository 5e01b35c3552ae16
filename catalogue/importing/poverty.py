"""Importing poverty allocation plans (扶贫资金分配计划) and project lists (扶贫项目清单)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import live
from catalogue.importing.options import ImportOptions
from catalogue.importing.places import load_places
from catalogue.importing.report import Blocked, ImportReport, Refusal
from catalogue.importing.schema import ParsedRow, schema_of
from catalogue.importing.sync import Changes, table_of, write
from catalogue.importing.values import CellError
from catalogue.lists.declarations import POVERTY_ALLOCATIONS, POVERTY_PROJECTS
from catalogue.models import (
    PovertyAllocation,
    PovertyProject,
    PublicationStatus,
    project_villages,
    utcnow,
)
from catalogue.workflow.workdays import china_date, working_days_between

CHANGE_PUBLISH_WORKING_DAYS = 10  # 扶贫清单 第四条: publish changes within 10 working days

_PROGRESS = {
    "计划": "planned",
    "未开工": "planned",
    "planned": "planned",
    "实施中": "in_progress",
    "在建": "in_progress",
    "in_progress": "in_progress",
    "已完成": "completed",
    "完工": "completed",
    "已完工": "completed",
    "completed": "completed",
    "已取消": "cancelled",
    "取消": "cancelled",
    "cancelled": "cancelled",
}


def _progress(text: str) -> str:
    found = _PROGRESS.get(text.strip())
    if found is None:
        raise CellError(f"「{text}」不是项目进度，应为 计划、实施中、已完成 或 已取消")
    return found


def _place_list(text: str) -> list[str]:
    return [part for part in re.split(r"[、，,；;\s]+", text.strip()) if part]


ALLOCATION_SCHEMA = schema_of(POVERTY_ALLOCATIONS)

PROJECT_SCHEMA = schema_of(
    POVERTY_PROJECTS,
    {
        "villages": _place_list,
        "progress": _progress,
    },
)


def _status(publish: bool, options: ImportOptions, now: Any) -> dict[str, Any]:
    status = PublicationStatus.PUBLISHED if publish else PublicationStatus.DRAFT
    return {
        "status": status.value,
        "published_at": now if publish else None,
        "is_demo": options.demo,
    }


async def run_allocations(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Resolve each town or village, then insert or update allocations."""
    places = await load_places(session, options.county_code)
    existing = {
        (a.year, a.region_code, a.document_number, a.purpose): a
        for a in (await session.scalars(select(PovertyAllocation))).all()
    }
    now = utcnow()
    changes = Changes()
    seen: dict[tuple[Any, ...], int] = {}
    for row in rows:
        code, problem = places.resolve(row.values["region"])
        if code is None:
            report.error(row.row, row.header("region"), problem)
            continue
        key = (row.values["year"], code, row.values["document_number"], row.get("purpose", ""))
        if key in seen:
            report.error(
                row.row,
                row.header("region"),
                f"与第{seen[key]}行重复（同一年度、地点、文号和用途）",
            )
            continue
        seen[key] = row.row
        values: dict[str, Any] = {
            "year": key[0],
            "region_code": code,
            "amount": row.values["amount"],
            "document_number": key[2],
            "purpose": key[3],
            "fund_source": row.get("fund_source", ""),
        }
        old = existing.get(key)
        if old is None:
            publish_now = live.publishable(
                report, row, "poverty_allocation", None, values, options.publish
            )
            changes.inserts.append({**values, **_status(publish_now, options, now)})
            report.published += publish_now
            report.drafts += not publish_now
            continue
        current = {k: getattr(old, k) for k in values}
        blocked = Blocked(
            Refusal.LIVE_RECORD,
            "poverty_allocation",
            old.id,
            name=old.document_number,
            year=old.year,
        )
        if live.refuses_change(report, row, old, current, values, blocked):
            continue
        if live.publishable(report, row, "poverty_allocation", old, values, options.publish):
            values.update(status=PublicationStatus.PUBLISHED.value, published_at=now)
            current.update(status=old.status, published_at=old.published_at)
            report.published += 1
        changes.add(current, values, old.id)
    if report.errors:
        return
    report.created, report.updated = len(changes.inserts), len(changes.updates)
    report.unchanged = changes.unchanged
    if not options.dry_run:
        await write(session, table_of(PovertyAllocation), changes)


_PROJECT_TEXT = {
    "construction_content": "construction_content",
    "benefits": "benefits",
    "competent_unit": "competent_unit",
    "implementing_unit": "implementing_unit",
    "fund_source": "fund_source",
    "change_note": "change_note",
}


async def run_projects(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Resolve the villages of each project, then insert or update projects and their villages."""
    places = await load_places(session, options.county_code)
    existing = {
        (p.year, p.name, p.approval_number): p
        for p in (await session.scalars(select(PovertyProject))).all()
    }
    now = utcnow()
    changes = Changes()
    villages_of: dict[tuple[Any, ...], list[str]] = {}
    for row in rows:
        codes: list[str] = []
        for place in row.get("villages", []):
            code, problem = places.resolve(place)
            if code is None:
                report.error(row.row, row.header("villages"), problem)
            elif code not in codes:
                codes.append(code)
        changed_on = row.get("changed_on")
        if options.publish and changed_on:
            late = working_days_between(changed_on, china_date(now))
            if late > CHANGE_PUBLISH_WORKING_DAYS:
                report.warn(
                    row.row,
                    row.header("changed_on"),
                    f"变更审定后已过{late}个工作日才发布，超过第四条规定的10个工作日",
                )
        key = (row.values["year"], row.values["name"], row.get("approval_number", ""))
        values: dict[str, Any] = {
            "year": key[0],
            "name": key[1],
            "approval_number": key[2],
            "investment": row.values["investment"],
        }
        for column, field in _PROJECT_TEXT.items():
            if column in row.values:
                values[field] = row.get(column, "")
        for column, field in (
            ("households", "households_benefited"),
            ("persons", "persons_benefited"),
        ):
            if column in row.values:
                values[field] = row.get(column)
        if "progress" in row.values:
            values["progress"] = row.get("progress", "planned")
        if "changed_on" in row.values:
            values["changed_on"] = row.get("changed_on")
        if "villages" in row.values:
            villages_of[key] = codes
        old = existing.get(key)
        if old is None:
            defaults: dict[str, Any] = {field: "" for field in _PROJECT_TEXT.values()}
            defaults.update(
                households_benefited=None,
                persons_benefited=None,
                progress="planned",
                changed_on=None,
            )
            publish_now = live.publishable(
                report, row, "poverty_project", None, {**defaults, **values}, options.publish
            )
            changes.inserts.append({**defaults, **values, **_status(publish_now, options, now)})
            report.published += publish_now
            report.drafts += not publish_now
            continue
        current = {k: getattr(old, k) for k in values}
        blocked = Blocked(
            Refusal.LIVE_RECORD, "poverty_project", old.id, name=old.name, year=old.year
        )
        if live.refuses_change(report, row, old, current, values, blocked):
            continue
        moved = key in villages_of and sorted(villages_of[key]) != sorted(
            v.code for v in old.villages
        )
        if moved and old.status not in live.EDITABLE:
            report.error(row.row, row.header("villages"), blocked)
            continue
        if live.publishable(report, row, "poverty_project", old, values, options.publish):
            values.update(status=PublicationStatus.PUBLISHED.value, published_at=now)
            current.update(status=old.status, published_at=old.published_at)
            report.published += 1
        outcome = changes.add(current, values, old.id)
        if (
            outcome == "unchanged"
            and key in villages_of
            and sorted(villages_of[key]) != sorted(v.code for v in old.villages)
        ):
            # only the villages changed: still a change of the project (version goes up)
            changes.unchanged -= 1
            changes.updates.append({"_key": old.id, "changed_on": old.changed_on})
    if report.errors:
        return
    report.created, report.updated = len(changes.inserts), len(changes.updates)
    report.unchanged = changes.unchanged
    if options.dry_run:
        return
    await write(session, table_of(PovertyProject), changes)
    result = await session.execute(
        select(
            PovertyProject.id,
            PovertyProject.year,
            PovertyProject.name,
            PovertyProject.approval_number,
        )
    )
    ids = {(year, name, number): pk for pk, year, name, number in result}
    touched = [ids[key] for key in villages_of]
    if touched:
        await session.execute(
            delete(project_villages).where(project_villages.c.project_id.in_(touched))
        )
        links = [
            {"project_id": ids[key], "region_code": code}
            for key, codes in villages_of.items()
            for code in codes
        ]
        if links:
            await session.execute(insert(project_villages), links)
