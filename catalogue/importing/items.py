"""Importing power and convenience-service items, keeping national codes, assigning county codes.

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
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import ParsedRow
from catalogue.importing.sync import Changes, table_of, write
from catalogue.models import Department, Item, PublicationStatus, Region, RetiredCode, utcnow
from catalogue.region_directory import load_region_directory
from catalogue.regions import load_shipped_regions, region_directory, shipped_regions

__all__ = ["SCHEMA", "run"]


async def _ensure_county(session: AsyncSession, report: ImportReport, county: str) -> None:
    """Items need their region row: a database without the county gets the shipped regions."""
    if await session.get(Region, county) is not None:
        return
    loaded = await load_shipped_regions(session)
    report.notes.append(
        f"区划表中没有本县，已载入随程序提供的区划 {len(loaded.added)} 条（省、市、县、乡镇、村）。"
    )


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Validate every row and its code, then upsert departments and items in one go."""
    items = table_of(Item)
    departments = {d.name: d for d in (await session.scalars(select(Department))).all()}
    names = {d.id: d.name for d in departments.values()}
    stored_rows = [dict(r) for r in (await session.execute(select(items))).mappings()]
    existing = {(names.get(r["department_id"], ""), r["name"]): r for r in stored_rows}
    retired_rows = await session.execute(select(RetiredCode.code, RetiredCode.basic_code))
    retired = [(code, basic) for code, basic in retired_rows]
    book = CodeBook.build(
        (
            StoredItem(
                r["code"],
                r["category"],
                r["main_no"],
                r["sub_no"],
                r["name"],
                r["parent_name"],
                names.get(r["department_id"], ""),
            )
            for r in stored_rows
        ),
        retired,
    )
    directory = await load_region_directory(session)
    if not directory:
        directory = region_directory(shipped_regions())
    planner = ItemPlanner(report, options, directory, departments, book)
    planner.plan_departments(rows)
    planned: list[tuple[ParsedRow, dict[str, Any], dict[str, Any] | None]] = []
    for row in rows:
        found = planner.category(row)
        if found is None:
            continue
        category, kind = found
        old = existing.get((row.values["department"], row.values["name"]))
        code = planner.code(row, category, old)
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
            region_code=region_of(code),
        )
        planned.append((row, values, old))
    if report.errors:
        return
    now = utcnow()
    changes = Changes()
    retired_now: list[dict[str, Any]] = []
    for _row, values, old in planned:
        if old is None:
            status = PublicationStatus.PUBLISHED if options.publish else PublicationStatus.DRAFT
            row_values = {**DEFAULTS, **values, "status": status.value, "is_demo": options.demo}
            row_values["published_at"] = now if options.publish else None
            row_values["department_id"] = None  # filled in after departments are written
            row_values["_department"] = _row.values["department"]
            changes.inserts.append(row_values)
            report.published += options.publish
            continue
        if options.publish and old["status"] in ("draft", "pending_review"):
            values.update(status=PublicationStatus.PUBLISHED.value, published_at=now)
            report.published += 1
        if old["code"] != values["code"] and old["code"] not in book.retired:
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
    report.created, report.updated, report.unchanged = (
        len(changes.inserts),
        len(changes.updates),
        changes.unchanged,
    )
    if planner.new_departments:
        report.notes.append(f"新建实施主体（部门） {len(planner.new_departments)} 个。")
    if options.dry_run:
        return
    await _ensure_county(session, report, options.county_code)
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
