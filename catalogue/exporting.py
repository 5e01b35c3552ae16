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

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.formulas import neutralise
from catalogue.importing.runner import kind_of
from catalogue.lists.declarations import FileColumn, ListDeclaration
from catalogue.lists.forms import Form
from catalogue.models import PublicationStatus, TimeLimit
from catalogue.queries.public_lists import PUBLIC_LISTS
from catalogue.scope import scope_of
from catalogue.workflow.workdays import china_date

Record = dict[str, Any]


def _day(moment: datetime | None) -> str:
    """A moment as its date in China (更新日期)."""
    return china_date(moment).isoformat() if moment is not None else ""


# The publication columns (`PUBLICATION_COLUMNS`) a layout's export adds, on any record.
_PUBLICATION: dict[str, Callable[[Any], Any]] = {
    "status": lambda record: PublicationStatus(record.status).label,
    "version": lambda record: record.version,
    "updated_on": lambda record: _day(record.updated_at_public),
    "revision_note": lambda record: record.revision_note,
    "demo": lambda record: record.is_demo,
}
# Forms whose missing value an export leaves null; a missing text is written empty.
_NULLABLE = frozenset({Form.YEAR, Form.AMOUNT, Form.DATE, Form.FLAG, Form.COUNT})


def _read(declaration: ListDeclaration, column: FileColumn, record: Any) -> Any:
    """A column's value on a record: its declared attribute path, followed while not None."""
    value = record
    for attribute in column.export_path() or ():
        if value is None:
            break
        value = getattr(value, attribute)
    if isinstance(value, TimeLimit):
        return str(value)
    if value is None and declaration.column_form(column) not in _NULLABLE:
        return ""
    return value


def record_of(declaration: ListDeclaration, record: Any) -> Record:
    """A record as its export writes it: by the column keys of its layout, in file order."""
    layout = declaration.layout
    if layout is None:
        raise ValueError(f"{declaration.name} declares no file layout")
    values = {
        column.key: _read(declaration, column, record) for column in layout.exported_columns()
    }
    values.update({key: _PUBLICATION[key](record) for key in layout.published})
    return values


def exported_kinds() -> tuple[str, ...]:
    """The lists published as open data (`zwbot export KIND`)."""
    return tuple(PUBLIC_LISTS)


async def export_records(session: AsyncSession, kind: str) -> list[Record]:
    """The public records of a list, keyed by the column keys of its import schema."""
    public = PUBLIC_LISTS[kind_of(kind).name]
    query = public.records(scope_of(session))
    return [record_of(public.declaration, r) for r in (await session.scalars(query)).all()]


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
