"""Importing the yearly case statistics of items (办件量统计): how many cases each item had
in a year. 第十条（二） lets an item with no case for three years be suspended; the duty to
consider it (`catalogue.duties`) rests on these counts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import check_item_code
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import ParsedRow, schema_of
from catalogue.importing.sync import Changes, table_of, write
from catalogue.importing.values import CellError, parse_count, parse_year
from catalogue.lists.declarations import CASES
from catalogue.models import CaseCount, Item, utcnow
from catalogue.workflow.workdays import china_date


def parse_cases(text: str) -> int:
    """A case count: "0", "120", "1,200件"."""
    return parse_count(text.strip().removesuffix("件"))


def parse_past_year(text: str) -> int:
    """A year that has begun (statistics of the future do not exist)."""
    year = parse_year(text)
    if year > china_date(utcnow()).year:
        raise CellError(f"「{text}」是将来的年份，只能填写已开始的年度")
    return year


SCHEMA = schema_of(CASES, {"year": parse_past_year, "cases": parse_cases})


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Find each row's item by its code, then insert or update its count for the year."""
    codes: dict[str, int] = {
        code: item_id for code, item_id in await session.execute(select(Item.code, Item.id))
    }
    existing = {(c.item_id, c.year): c for c in (await session.scalars(select(CaseCount))).all()}
    changes = Changes()
    seen: dict[tuple[int, int], int] = {}
    for row in rows:
        check = check_item_code(row.values["code"])
        if check.code is None:
            for problem in check.errors:
                report.error(row.row, row.header("code"), problem.message)
            continue
        item_id = codes.get(str(check.code))
        if item_id is None:
            report.error(row.row, row.header("code"), f"没有编码为「{check.code}」的事项")
            continue
        key = (item_id, int(row.values["year"]))
        if key in seen:
            report.error(row.row, row.header("year"), f"与第{seen[key]}行是同一事项的同一年度")
            continue
        seen[key] = row.row
        values = {"item_id": item_id, "year": key[1], "cases": int(row.values["cases"])}
        old = existing.get(key)
        if old is None:
            changes.inserts.append({**values, "source": "import", "imported_at": utcnow()})
            continue
        changes.add({name: getattr(old, name) for name in values}, values, old.id)
    if report.errors:
        return
    report.created, report.updated = len(changes.inserts), len(changes.updates)
    report.unchanged = changes.unchanged
    if not options.dry_run:
        await write(session, table_of(CaseCount), changes)
