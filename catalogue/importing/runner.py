"""Running an import of one KIND: read, check every row, then write everything or nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import (
    cases,
    departments,
    funds,
    items,
    poverty,
    regions,
    responsibilities,
)
from catalogue.importing.options import COMPLETENESS_RULE, ImportOptions, MissingFields
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import ParsedRow, Schema
from catalogue.importing.tables import (
    DEFAULT_LIMITS,
    Table,
    TableLimits,
    TableReadError,
    read_table,
)

Runner = Callable[[AsyncSession, list[ParsedRow], ImportReport, ImportOptions], Awaitable[None]]


@dataclass(frozen=True)
class Kind:
    """A list that can be imported: its columns and how its rows are written."""

    name: str
    schema: Schema
    run: Runner


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("regions", regions.SCHEMA, regions.run),
        Kind("departments", departments.SCHEMA, departments.run),
        Kind("items", items.SCHEMA, items.run),
        Kind("responsibilities", responsibilities.SCHEMA, responsibilities.run),
        Kind("funds", funds.SCHEMA, funds.run),
        Kind("poverty-allocations", poverty.ALLOCATION_SCHEMA, poverty.run_allocations),
        Kind("poverty-projects", poverty.PROJECT_SCHEMA, poverty.run_projects),
        Kind("cases", cases.SCHEMA, cases.run),
    )
}


class UnknownKindError(KeyError):
    """A KIND that is not one of `KINDS`."""


def kind_of(name: str) -> Kind:
    """The importable list called `name` (`items`, `funds`, `poverty-projects` …)."""
    try:
        return KINDS[name.strip().lower().replace("_", "-")]
    except KeyError:
        raise UnknownKindError(f"unknown kind {name!r}; known: {', '.join(KINDS)}") from None


async def import_table(
    session: AsyncSession,
    kind: str,
    table: Table,
    *,
    publish: bool = False,
    dry_run: bool = False,
    demo: bool = False,
    missing_fields: MissingFields = COMPLETENESS_RULE,
) -> ImportReport:
    """Import a table into the session's transaction; with any error, nothing is written.

    `missing_fields` is the completeness rule of a record: with `publish`, a new record it
    finds lacking is loaded as a draft (by default the rule of `catalogue.lists.completeness`).

    The caller owns the transaction: commit when `report.ok` and not a dry run, else roll back.
    """
    spec = kind_of(kind)
    report = ImportReport(
        spec.name, table.source, spec.schema.title, table.encoding, dry_run=dry_run
    )
    rows = spec.schema.parse(table, report)
    if report.errors and not rows:
        return report
    # Rows whose cells are fine are still checked against the database, so that one run
    # reports every problem; a runner writes nothing once the report holds an error.
    options = ImportOptions(publish, dry_run, demo, missing_fields=missing_fields)
    await spec.run(session, rows, report, options)
    report.errors.sort(key=lambda problem: problem.row)
    report.warnings.sort(key=lambda problem: problem.row)
    return report


async def import_file(
    session: AsyncSession,
    kind: str,
    path: Path,
    *,
    publish: bool = False,
    dry_run: bool = False,
    demo: bool = False,
    limits: TableLimits = DEFAULT_LIMITS,
    missing_fields: MissingFields = COMPLETENESS_RULE,
) -> ImportReport:
    """Import a CSV (UTF-8, UTF-8-BOM, GBK/GB18030) or XLSX file within `limits`."""
    try:
        table = read_table(path, limits)
    except TableReadError as error:
        spec = kind_of(kind)
        report = ImportReport(spec.name, str(path), spec.schema.title, dry_run=dry_run)
        report.error(0, "", str(error))
        return report
    return await import_table(
        session,
        kind,
        table,
        publish=publish,
        dry_run=dry_run,
        demo=demo,
        missing_fields=missing_fields,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return "；".join(_text(v) for v in value)
    return str(value)


def table_from_rows(rows: Iterable[Mapping[str, object]], source: str = "") -> Table:
    """A table from dicts keyed by template headers or column keys (values of any simple type)."""
    materialised = list(rows)
    headers: list[str] = []
    for row in materialised:
        headers += [key for key in row if key not in headers]
    cells = [[_text(row.get(key)) for key in headers] for row in materialised]
    return Table(headers, cells, "rows", source)


async def import_rows(
    session: AsyncSession,
    kind: str,
    rows: Iterable[Mapping[str, object]],
    *,
    publish: bool = False,
    dry_run: bool = False,
    demo: bool = False,
    source: str = "",
) -> ImportReport:
    """Import rows given as dicts (for `zwbot demo` and tests); same checks as a file."""
    table = table_from_rows(rows, source)
    if not table.headers:
        spec = kind_of(kind)
        report = ImportReport(spec.name, source, spec.schema.title, dry_run=dry_run)
        report.error(0, "", "没有数据行")
        return report
    return await import_table(session, kind, table, publish=publish, dry_run=dry_run, demo=demo)
