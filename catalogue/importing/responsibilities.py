"""Importing the department responsibility list (部门责任清单): duties under their item's code.

A row names its item by the 32-character code (any rendering people type) or by
实施主体 + 事项名称; the responsibility is identified by its item and its 责任事项 title.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import check_item_code
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import ParsedRow, schema_of
from catalogue.importing.sync import Changes, table_of, write
from catalogue.lists.declarations import RESPONSIBILITIES
from catalogue.models import Department, Item, Responsibility

SCHEMA = schema_of(RESPONSIBILITIES)


async def _items(session: AsyncSession) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    result = await session.execute(
        select(Item.id, Item.code, Item.name, Department.name).outerjoin(Item.department)
    )
    by_code: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for item_id, code, name, department in result:
        by_code[code] = item_id
        by_name[(department or "", name)] = item_id
    return by_code, by_name


def _item_of(
    row: ParsedRow,
    report: ImportReport,
    by_code: dict[str, int],
    by_name: dict[tuple[str, str], int],
) -> int | None:
    if row.get("code"):
        check = check_item_code(row.values["code"])
        if check.code is None:
            for problem in check.errors:
                report.error(row.row, row.header("code"), problem.message)
            return None
        item_id = by_code.get(str(check.code))
        if item_id is None:
            report.error(row.row, row.header("code"), f"没有编码为「{check.code}」的事项")
        return item_id
    key = (row.get("department", ""), row.get("name", ""))
    item_id = by_name.get(key)
    if item_id is None:
        report.error(
            row.row,
            row.header("name"),
            f"找不到「{key[0]}」的事项「{key[1]}」：请写事项编码，或先导入事项",
        )
    return item_id


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Find each row's item, then insert or update its responsibility by title."""
    by_code, by_name = await _items(session)
    existing = {
        (r.item_id, r.title): r for r in (await session.scalars(select(Responsibility))).all()
    }
    changes = Changes()
    seen: dict[tuple[int, str], int] = {}
    next_seq: dict[int, int] = {}
    for row in rows:
        item_id = _item_of(row, report, by_code, by_name)
        if item_id is None:
            continue
        key = (item_id, row.values["title"])
        if key in seen:
            report.error(row.row, row.header("title"), f"与第{seen[key]}行是同一事项的同一责任")
            continue
        seen[key] = row.row
        next_seq[item_id] = next_seq.get(item_id, 0) + 1
        values: dict[str, Any] = {
            "item_id": item_id,
            "title": row.values["title"],
            "seq": row.get("seq", next_seq[item_id]),
        }
        for column in ("content", "accountability"):
            if column in row.values:
                values[column] = row.get(column, "")
        old = existing.get(key)
        if old is None:
            changes.inserts.append({"content": "", "accountability": "", **values})
            continue
        changes.add({name: getattr(old, name) for name in values}, values, old.id)
    if report.errors:
        return
    report.created, report.updated = len(changes.inserts), len(changes.updates)
    report.unchanged = changes.unchanged
    if not options.dry_run:
        await write(session, table_of(Responsibility), changes)
