"""Column schemas of the lists: Chinese headers, aliases, parsers; header and row checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalogue.importing.report import ImportReport
from catalogue.importing.tables import Table
from catalogue.importing.values import (
    CellError,
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_time_limit,
    parse_year,
    split_materials,
    split_steps,
)
from catalogue.lists.declarations import ListDeclaration
from catalogue.lists.forms import Form

Parser = Callable[[str], Any]
HEADER_ROW = 1

# How a declared field's cells are read in files (other forms are kept as text).
FORM_PARSERS: dict[Form, Parser] = {
    Form.YEAR: parse_year,
    Form.AMOUNT: parse_amount,
    Form.FLAG: parse_bool,
    Form.DATE: parse_date,
    Form.COUNT: parse_count,
    Form.TIME_LIMIT: parse_time_limit,
    Form.STEPS: split_steps,
    Form.MATERIALS: split_materials,
}


@dataclass(frozen=True)
class Column:
    """One column: key used in code, Chinese header of the template, other accepted headers."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Parser | None = None
    max_length: int | None = None
    note: str = ""
    stored: bool = True  # False: recognised (e.g. a source file's bookkeeping) but not kept

    @property
    def template_header(self) -> str:
        """The header written in templates; `*` marks a required column."""
        return f"{self.header}*" if self.required else self.header


@dataclass(frozen=True)
class ParsedRow:
    """A valid row: its spreadsheet row number and parsed values by column key."""

    row: int
    values: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)  # key → header as written in the file

    def get(self, key: str, default: Any = None) -> Any:
        """The parsed value, or `default` when the cell was empty or the column absent."""
        value = self.values.get(key)
        return default if value is None else value

    def header(self, key: str) -> str:
        """The header of a column as the file wrote it (for messages)."""
        return self.columns.get(key, key)


# Columns that exports add for people (`PUBLICATION_COLUMNS`: publication state, version,
# 更新日期 and the last change, demo marking); imports of exported lists ignore them.
EXPORT_ONLY = (
    Column("status", "状态", ("发布状态",), stored=False),
    Column("version", "版本", (), stored=False),
    Column("updated_on", "更新日期", (), stored=False),
    Column("revision_note", "最近变更", (), stored=False),
    Column("demo", "演示数据", ("is_demo",), stored=False),
)


def normalize_header(text: str) -> str:
    """Header text compared loosely: width, case, spaces, `*` and 必填 markers ignored."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    folded = re.sub(r"[(（]\s*必填\s*[)）]|\*|\s", "", folded)
    return folded


@dataclass(frozen=True)
class Schema:
    """The columns of one list and the columns that identify a row (its natural key)."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()

    def column(self, key: str) -> Column:
        """A column by key."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def _lookup(self) -> dict[str, Column]:
        table: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.header, column.key, *column.aliases):
                table.setdefault(normalize_header(name), column)
        return table

    def resolve(self, headers: list[str], report: ImportReport) -> dict[int, Column]:
        """Which column each header is; unknown, duplicate and missing columns are errors."""
        lookup = self._lookup()
        found: dict[int, Column] = {}
        seen: dict[str, int] = {}
        accepted = "、".join(c.header for c in self.columns if c.stored)
        for index, header in enumerate(headers):
            if not header.strip():
                report.error(HEADER_ROW, f"第{index + 1}列", "表头为空；请填写列名或删除该列")
                continue
            column = lookup.get(normalize_header(header))
            if column is None:
                report.error(
                    HEADER_ROW,
                    header,
                    f"不是「{self.title}」的列；可用的列：{accepted}",
                )
                continue
            if column.key in seen:
                report.error(
                    HEADER_ROW,
                    header,
                    f"与第{seen[column.key] + 1}列「{headers[seen[column.key]]}」是同一列，重复了",
                )
                continue
            seen[column.key] = index
            found[index] = column
        for column in self.columns:
            if column.required and column.key not in seen:
                report.error(HEADER_ROW, column.header, "缺少必填列")
        for group in self.one_of:
            if not any(key in seen for key in group):
                names = "或".join(f"「{self.column(key).header}」" for key in group)
                report.error(HEADER_ROW, "", f"至少需要{names}中的一列")
        return found

    def parse(self, table: Table, report: ImportReport) -> list[ParsedRow]:
        """Every non-empty row checked; problems go to `report` and such rows are left out."""
        found = self.resolve(table.headers, report)
        if report.errors:
            return []
        names = {column.key: table.headers[index] for index, column in found.items()}
        parsed: list[ParsedRow] = []
        first_row_of: dict[tuple[Any, ...], int] = {}
        for offset, cells in enumerate(table.rows):
            number = offset + 2
            if not any(cell.strip() for cell in cells):
                continue
            report.rows += 1
            if len(cells) > len(table.headers) and any(
                c.strip() for c in cells[len(table.headers) :]
            ):
                report.error(
                    number,
                    "",
                    f"该行有{len(cells)}个单元格，多于表头的{len(table.headers)}列"
                    "（内容中的逗号可能没有加引号）",
                )
                continue
            values, failed = self._parse_row(number, cells, found, names, report)
            key = tuple(values.get(k) for k in self.key)
            keyed = all(k in values for k in self.key) and any(v is not None for v in key)
            if keyed and key in first_row_of:
                what = "、".join(self.column(k).header for k in self.key)
                report.error(number, "", f"与第{first_row_of[key]}行重复（{what}相同）")
                continue
            if keyed:
                first_row_of[key] = number
            if not failed:
                parsed.append(ParsedRow(number, values, names))
        if report.rows == 0 and not report.errors:
            report.error(0, "", "文件只有表头，没有数据行")
        return parsed

    def _parse_row(
        self,
        number: int,
        cells: list[str],
        found: dict[int, Column],
        names: dict[str, str],
        report: ImportReport,
    ) -> tuple[dict[str, Any], bool]:
        values: dict[str, Any] = {}
        failed = False
        for index, column in found.items():
            if not column.stored:
                continue
            text = cells[index].strip() if index < len(cells) else ""
            header = names[column.key]
            if not text:
                if column.required:
                    report.error(number, header, "必填，不能为空")
                    failed = True
                values[column.key] = None
                continue
            if column.max_length is not None and len(text) > column.max_length:
                report.error(number, header, f"超过{column.max_length}字（实际{len(text)}字）")
                failed = True
                continue
            try:
                values[column.key] = column.parse(text) if column.parse else text
            except CellError as error:
                report.error(number, header, str(error))
                failed = True
        return values, failed


def schema_of(declaration: ListDeclaration, parsers: Mapping[str, Parser] | None = None) -> Schema:
    """The importer's schema of a declared list (`declaration.layout`), with the export-only
    columns when the list is exported. A column is parsed as its form says (`FORM_PARSERS`)
    unless `parsers` gives the list's own parser for its key."""
    layout = declaration.layout
    if layout is None:
        raise ValueError(f"{declaration.name} declares no file layout")
    own = parsers or {}
    columns = tuple(
        Column(
            column.key,
            declaration.column_header(column),
            column.aliases,
            required=column.required,
            parse=own.get(column.key) or FORM_PARSERS.get(declaration.column_form(column)),
            max_length=column.max_length,
            note=column.note,
            stored=column.stored,
        )
        for column in layout.columns
    )
    extra = EXPORT_ONLY if layout.exported else ()
    return Schema(layout.kind, layout.title, (*columns, *extra), layout.key, layout.one_of)
