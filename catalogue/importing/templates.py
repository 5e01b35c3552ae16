"""Blank CSV and XLSX templates with the Chinese headers of a list (`zwbot template KIND`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from catalogue.importing.runner import kind_of
from catalogue.importing.schema import Column, Parser
from catalogue.importing.values import (
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_time_limit,
    parse_year,
    split_materials,
    split_steps,
)

_PARSER_NOTES: dict[Parser, str] = {
    parse_amount: "单位万元；可写 12.5、1,234.5万元、125000元",
    parse_date: "如 2015年6月15日、2015-06-15 或 2015.6.15",
    parse_bool: "填“是”或“否”，空为否",
    parse_year: "4位年份，如 2016",
    parse_count: "整数",
    parse_time_limit: "如 20个工作日、30(工作日)、60日、即办",
    split_materials: "多份材料用“；”分隔，可注明“原件1份，复印件2份”“（如有）”",
    split_steps: "步骤用“→”或“；”分隔",
}


def column_note(column: Column) -> str:
    """What to write in a column."""
    if column.note:
        return column.note
    return _PARSER_NOTES.get(column.parse, "") if column.parse else ""


def template_columns(kind: str) -> list[Column]:
    """The columns a person fills in (bookkeeping columns of other formats left out)."""
    return [column for column in kind_of(kind).schema.columns if column.stored]


def template_csv(kind: str) -> str:
    """The header row as CSV, UTF-8 with BOM so that Excel shows the Chinese headers."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        [column.template_header for column in template_columns(kind)]
    )
    return "\ufeff" + buffer.getvalue()


def write_template_xlsx(kind: str, path: Path) -> None:
    """A workbook: the list sheet with headers, and a sheet that explains every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    spec = kind_of(kind)
    columns = template_columns(kind)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = spec.schema.title[:31]
    sheet.append([column.template_header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "说明", "也可用的列名"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in columns:
        guide.append(
            [
                column.header,
                "必填" if column.required else "",
                column_note(column),
                "、".join(column.aliases),
            ]
        )
    guide.append([])
    guide.append(["只导入第一个工作表；表头第1行，数据从第2行开始；带 * 的列必须填写。"])
    workbook.save(path)
