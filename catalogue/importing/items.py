"""Importing power and convenience-service items, keeping national codes, assigning county codes.

A row of another region (所属地区代码 other than the county's) keeps that region and its
national codes: it is stored beside the county's catalogue, numbered in its own region's code
space, and never presented as the county's (`catalogue.scope`). Service rows that are news
headlines or notices are left out with their reason (`non_items`).

Accepts the county template (Chinese headers) and the national/provincial directory format of
`service_items.csv` (English headers). A row is identified by (实施主体, 事项名称).
The organisation code in an item's county code is, in order: characters 9–17 of the row's
implementing-body USCC, the department's own organisation code, or a deterministic local code
(`departments.local_org_code`). Items are exercised by the county itself (town and village
000) unless 下放区划代码 names a town or village of the county.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing.item_codes import CodeBook, StoredItem
from catalogue.importing.item_planner import ItemPlanner
from catalogue.importing.item_schema import DEFAULTS, SCHEMA, item_fields, region_of
from catalogue.importing.non_items import non_item_reason
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import Blocked, ImportReport, Refusal
from catalogue.importing.schema import ParsedRow
from catalogue.importing.sync import Changes, table_of, write
from catalogue.models import (
    Department,
    Item,
    PublicationStatus,
    Region,
    Responsibility,
    RetiredCode,
    utcnow,
)
from catalogue.region_directory import load_region_directory
from catalogue.regions import load_shipped_regions, region_directory, shipped_regions
from catalogue.scope import upper_codes

__all__ = ["SCHEMA", "run"]


async def _ensure_county(session: AsyncSession, report: ImportReport, county: str) -> None:
    """Items need their region row: a database without the county gets the shipped regions."""
    if await session.get(Region, county) is not None:
        return
    loaded = await load_shipped_regions(session)
    report.notes.append(
        f"区划表中没有本县，已载入随程序提供的区划 {len(loaded.added)} 条（省、市、县、乡镇、村）。"
    )


def _books(
    stored_rows: list[dict[str, Any]], names: dict[int, str], retired: list[tuple[str, str]]
) -> dict[str, CodeBook]:
    """One code book per region's catalogue (the first six characters of the codes)."""
    by_region: dict[str, list[StoredItem]] = {}
    for r in stored_rows:
        by_region.setdefault(str(r["code"])[:6], []).append(
            StoredItem(
                r["code"],
                r["category"],
                r["main_no"],
                r["sub_no"],
                r["name"],
                r["parent_name"],
                names.get(r["department_id"], ""),
            )
        )
    retired_by_region: dict[str, list[tuple[str, str]]] = {}
    for code, basic in retired:
        retired_by_region.setdefault(code[:6], []).append((code, basic))
    books = {
        region: CodeBook.build(by_region.get(region, ()), retired_by_region.get(region, ()))
        for region in {*by_region, *retired_by_region}
    }
    every_retired = {code for code, _basic in retired}
    for book in books.values():
        book.retired = every_retired
    return books


def _catalogue_of(code: str, county: str) -> str:
    """The region whose catalogue an item code belongs to (the county for its towns too)."""
    return county if code.startswith(county) else code[:6]


async def _published_catalogues(session: AsyncSession, county: str) -> set[str]:
    """The regions whose catalogue has gone live: items published, suspended or abolished."""
    rows = await session.scalars(select(Item.code).where(Item.status.not_in(EDITABLE)).distinct())
    return {_catalogue_of(code, county) for code in rows}


async def _ensure_regions(
    session: AsyncSession, report: ImportReport, county: str, new_regions: dict[str, str]
) -> None:
    """Items need their region rows: the shipped regions for the county, and one row for each
    other region first seen in the file (named as the file names it)."""
    await _ensure_county(session, report, county)
    if not new_regions:
        return
    known = set(await session.scalars(select(Region.code)))
    for code in sorted(new_regions, key=lambda c: (upper_codes(c), c)):
        if code in known:
            continue
        parent = next((u for u in reversed(upper_codes(code)) if u in known), None)
        level = (
            "province"
            if code.endswith("0000")
            else "prefecture"
            if code.endswith("00")
            else "county"
        )
        session.add(
            Region(
                code=code, name=new_regions[code], level=level, parent_code=parent, source="导入"
            )
        )
        known.add(code)
    await session.flush()
    report.notes.append(
        "另一地区的事项按其所属地区载入（不赋本县编码，不在本县的问答、网页、接口和导出中出现）："
        + "、".join(f"{name}（{code}）" for code, name in sorted(new_regions.items()))
    )


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Validate every row and its code, then upsert departments and items in one go.

    An import never changes a published record: a row equal to it is left alone, a row that
    differs is refused (changes to published items go through a change request). `publish`
    is the initial load of a region's catalogue: refused for a region that already has
    published items; records the completeness rule finds lacking load as drafts.
    """
    items = table_of(Item)
    county = options.county_code
    departments = {d.name: d for d in (await session.scalars(select(Department))).all()}
    names = {d.id: d.name for d in departments.values()}
    stored_rows = [dict(r) for r in (await session.execute(select(items))).mappings()]
    existing = {(names.get(r["department_id"], ""), r["name"]): r for r in stored_rows}
    retired_rows = await session.execute(select(RetiredCode.code, RetiredCode.basic_code))
    books = _books(stored_rows, names, [(code, basic) for code, basic in retired_rows])
    directory = await load_region_directory(session)
    if not directory:
        directory = region_directory(shipped_regions())
    planner = ItemPlanner(report, options, directory, departments, books)
    planner.plan_departments(rows)
    planned: list[tuple[ParsedRow, dict[str, Any], dict[str, Any] | None]] = []
    for row in rows:
        found = planner.category(row)
        if found is None:
            continue
        category, kind = found
        if kind == "service" and (reason := non_item_reason(row.values["name"])):
            report.reject(row.row, row.header("name"), f"「{row.values['name'][:40]}」{reason}")
            continue
        own_region = planner.region_of_row(row)
        old = existing.get((row.values["department"], row.values["name"]))
        code = planner.code(row, category, old, own_region)
        if code is None:
            continue
        values = item_fields(row)
        values.update(
            kind=kind,
            code=code,
            subject_code=code[:22],
            basic_code=code[23:],
            category=category,
            main_no=int(code[25:30]),
            sub_no=int(code[30:33]),
            region_code=region_of(code) if planner.is_county(own_region) else own_region,
        )
        planned.append((row, values, old))
    published_regions = await _published_catalogues(session, county) if options.publish else set()
    _refuse_publishing_into_live_catalogues(report, planned, published_regions, county)
    if report.errors:
        return
    now = utcnow()
    changes = Changes()
    retired_now: list[dict[str, Any]] = []
    duties = await _stored_duties(session, planned)
    report.first_load = options.publish
    for _row, values, old in planned:
        record = {**DEFAULTS, **(old or {}), **values, "department": _row.values["department"]}
        record["responsibilities"] = duties.get(old["id"], []) if old is not None else []
        # Drafts are checked on every import, so that whoever loads them learns what they
        # lack before 提交; a first load keeps them unpublished for it.
        is_draft = old is None or old["status"] == PublicationStatus.DRAFT.value
        missing = options.missing_fields(record) if is_draft else []
        if missing:
            report.lacking(missing)
        if missing and options.publish:
            report.warn(
                _row.row,
                _row.header("name"),
                Blocked(Refusal.INCOMPLETE, "item", fields=tuple(missing)),
            )
        publish_now = options.publish and not missing
        if old is None:
            status = PublicationStatus.PUBLISHED if publish_now else PublicationStatus.DRAFT
            row_values = {**DEFAULTS, **values, "status": status.value, "is_demo": options.demo}
            row_values["published_at"] = now if publish_now else None
            row_values["department_id"] = None  # filled in after departments are written
            row_values["_department"] = _row.values["department"]
            changes.inserts.append(row_values)
            report.published += publish_now
            report.drafts += not publish_now
            report.created_codes.append(str(values["code"]))
            continue
        if old["status"] not in EDITABLE:
            if _differs(old, values):
                report.error(
                    _row.row,
                    _row.header("name"),
                    Blocked(
                        Refusal.LIVE_ITEM,
                        "item",
                        old["id"],
                        name=old["name"],
                        code=old["code"],
                        status=old["status"],
                    ),
                )
            changes.unchanged += 1
            continue
        if publish_now and old["status"] == PublicationStatus.DRAFT.value:
            values.update(status=PublicationStatus.PUBLISHED.value, published_at=now)
            report.published += 1
        if old["code"] != values["code"] and old["code"] not in books_retired(planner):
            # 编码规范 二(一): a code that stops being used is retired, never reassigned
            retired_now.append(
                {
                    "code": old["code"],
                    "basic_code": old["basic_code"],
                    "name": old["name"],
                    "reason": "abolished",
                    "merged_into": values["code"],
                    "basis": "导入时重新赋码",
                    "retired_at": now,
                    "item_id": old["id"],
                }
            )
            report.warn(
                _row.row,
                _row.header("name"),
                f"编码由「{old['code']}」改为「{values['code']}」，原编码进入代码废止库",
            )
        changes.add(old, values, old["id"])
    if report.errors:
        return
    report.created, report.updated, report.unchanged = (
        len(changes.inserts),
        len(changes.updates),
        changes.unchanged,
    )
    if planner.new_departments:
        report.notes.append(f"新建实施主体（部门） {len(planner.new_departments)} 个。")
    if options.dry_run:
        return
    await _ensure_regions(session, report, county, planner.new_regions)
    await write(
        session,
        table_of(Department),
        Changes(inserts=list(planner.new_departments.values()), updates=planner.department_updates),
    )
    result = await session.execute(select(Department.name, Department.id))
    ids = {name: department_id for name, department_id in result}
    for new_row in changes.inserts:
        new_row["department_id"] = ids[new_row.pop("_department")]
    await write(session, items, changes)
    if retired_now:
        await session.execute(insert(table_of(RetiredCode)), retired_now)
    await _link_parents(session)


EDITABLE = (PublicationStatus.DRAFT.value, PublicationStatus.PENDING_REVIEW.value)


async def _stored_duties(
    session: AsyncSession, planned: list[tuple[ParsedRow, dict[str, Any], dict[str, Any] | None]]
) -> dict[int, list[dict[str, str]]]:
    """The 责任事项 already stored for the items a file names again (a first load brings
    them with `import responsibilities` between loading the items and publishing them)."""
    ids = [old["id"] for _row, _values, old in planned if old is not None]
    found: dict[int, list[dict[str, str]]] = {}
    if not ids:
        return found
    rows = await session.execute(
        select(Responsibility.item_id, Responsibility.title, Responsibility.content).where(
            Responsibility.item_id.in_(ids)
        )
    )
    for item_id, title, content in rows:
        found.setdefault(item_id, []).append({"title": title, "content": content or ""})
    return found


def books_retired(planner: ItemPlanner) -> set[str]:
    """Every retired code (of every region)."""
    return planner.retired


def _differs(old: dict[str, Any], values: dict[str, Any]) -> bool:
    probe = Changes()
    probe.add(old, values, old["id"])
    return bool(probe.updates)


def _refuse_publishing_into_live_catalogues(
    report: ImportReport,
    planned: list[tuple[ParsedRow, dict[str, Any], dict[str, Any] | None]],
    published_regions: set[str],
    county: str,
) -> None:
    """Publishing at import is the initial load of a catalogue, nothing more: a region whose
    catalogue already has published items takes new items as drafts, through review."""
    refused: dict[str, int] = {}
    for row, values, old in planned:
        if old is not None and old["status"] != PublicationStatus.DRAFT.value:
            continue
        region = _catalogue_of(values["code"], county)
        if region in published_regions:
            refused.setdefault(region, row.row)
    for region, first_row in refused.items():
        report.error(first_row, "", Blocked(Refusal.NOT_FIRST_LOAD, "item", code=region))


async def _link_parents(session: AsyncSession) -> None:
    """parent_id of sub items: the main item of the same department named by parent_name."""
    items = table_of(Item)
    rows = (
        await session.execute(
            select(
                items.c.id,
                items.c.department_id,
                items.c.name,
                items.c.parent_name,
                items.c.parent_id,
            )
        )
    ).all()
    mains = {(r.department_id, r.name): r.id for r in rows if not r.parent_name}
    changes = Changes()
    for r in rows:
        wanted = mains.get((r.department_id, r.parent_name)) if r.parent_name else None
        if wanted != r.parent_id and wanted != r.id:
            changes.updates.append({"parent_id": wanted, "_key": r.id})
    if changes.updates:
        await _write_links(session, changes)


async def _write_links(session: AsyncSession, changes: Changes) -> None:
    # parent links are bookkeeping, not a change of the item: no version bump
    items = table_of(Item)
    statement = (
        update(items).where(items.c.id == bindparam("k_id")).values(parent_id=bindparam("v_parent"))
    )
    await session.execute(
        statement, [{"k_id": row["_key"], "v_parent": row["parent_id"]} for row in changes.updates]
    )
