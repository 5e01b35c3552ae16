"""Reading CSV and XLSX files into header + rows of text, detecting the encoding of CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import charset_normalizer

from catalogue.formulas import restore

_GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz", "cp936"}
# GB 2312 level-1 hanzi (the 3,755 most common characters) have lead bytes 0xB0–0xD7: real
# Chinese text is almost all level-1, GBK bytes of other languages decode to rare characters.
_LEVEL1_SHARE = 0.8


class TableReadError(ValueError):
    """A file that cannot be read as a table; the message is Chinese and says what to do."""


MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TableLimits:
    """Bounds on what an import file may hold, checked before or while it is read (never
    after): a file past one of them is refused in seconds with memory bounded, whatever it
    holds. The county's largest real list (6,318 items, 5.8 MB) is well inside them."""

    max_file_bytes: int = 20 * MIB
    max_rows: int = 20_000
    max_columns: int = 100
    max_cell_chars: int = 20_000
    # An .xlsx is a zip: what it expands to, not its size on disk, is what reading costs.
    max_xlsx_expanded_bytes: int = 100 * MIB


DEFAULT_LIMITS = TableLimits()


@dataclass
class Table:
    """The cells of a file as text: `rows[i]` is spreadsheet row `i + 2` (the header is row 1)."""

    headers: list[str]
    rows: list[list[str]]
    encoding: str
    source: str = ""


def _plausible_chinese(text: str) -> bool:
    """GB18030-decoded text that reads as Chinese: no private-use characters, common hanzi."""
    if any("\ue000" <= c <= "\uf8ff" for c in text):
        return False
    return _level1_share(text) >= _LEVEL1_SHARE


def _level1_share(text: str) -> float:
    hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not hanzi:
        return 1.0
    common = 0
    for char in hanzi:
        try:
            encoded = char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= encoded[0] <= 0xD7
    return common / len(hanzi)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV file: UTF-8 with or without BOM, UTF-16, GBK/GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8-BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    guesses = [match.encoding for match in charset_normalizer.from_bytes(data)]
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and (_plausible_chinese(text) or (guesses and guesses[0] in _GB_FAMILY)):
        return text, "GB18030"
    guess = f"（猜测为 {guesses[0]}，无法确定）" if guesses else ""
    raise TableReadError(
        f"无法识别文件编码{guess}：文件既不是UTF-8，也不是GBK/GB18030。"
        "请在Excel中选择“另存为”→“CSV UTF-8（逗号分隔）”，或直接导入 .xlsx 文件。"
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def _table(cells: list[list[str]], encoding: str, source: str) -> Table:
    cells = [[restore(cell) for cell in row] for row in cells]
    while cells and not any(c.strip() for c in cells[0]):
        cells = cells[1:]
    if not cells:
        raise TableReadError(
            "文件是空的：没有表头，也没有数据行。请使用 zwbot template 生成的模板。"
        )
    headers = [h.strip() for h in cells[0]]
    while headers and not headers[-1]:
        headers.pop()
    rows = [row + [""] * (len(headers) - len(row)) for row in cells[1:]]
    return Table(headers, rows, encoding, source)


def _bounded(rows: Iterable[list[str]], limits: TableLimits) -> list[list[str]]:
    """The rows, refused as soon as one passes a limit or holds a NUL character."""
    cells: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        if number > limits.max_rows + 1:  # the header row is not counted
            raise TableReadError(
                f"文件超过 {limits.max_rows} 行数据，未导入。请分成几个文件分别导入。"
            )
        if len(row) > limits.max_columns:
            raise TableReadError(
                f"第{number}行有 {len(row)} 列，超过 {limits.max_columns} 列的上限，未导入。"
                "请使用 zwbot template 生成的模板。"
            )
        for column, cell in enumerate(row, start=1):
            if len(cell) > limits.max_cell_chars:
                raise TableReadError(
                    f"第{number}行第{column}列有 {len(cell)} 个字，超过 {limits.max_cell_chars} "
                    "字的上限，未导入。"
                )
            if "\x00" in cell:
                raise TableReadError(f"第{number}行第{column}列含有空字符（NUL），请删除后再导入。")
        cells.append(row)
    return cells


def parse_csv_text(
    text: str, encoding: str = "UTF-8", source: str = "", limits: TableLimits = DEFAULT_LIMITS
) -> Table:
    """A table from CSV text (comma, or tab when the header has tabs and no commas)."""
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        cells = _bounded(([c.strip() for c in row] for row in reader), limits)
    except csv.Error as error:
        raise TableReadError(f"CSV 格式错误：{error}") from error
    return _table(cells, encoding, source)


def _size_text(size: int) -> str:
    return f"{size / MIB:.1f} MB"


def read_csv_bytes(data: bytes, source: str = "", limits: TableLimits = DEFAULT_LIMITS) -> Table:
    """A table from the bytes of a CSV file of any supported encoding."""
    if not data.strip():
        raise TableReadError(
            "文件是空的：没有表头，也没有数据行。请使用 zwbot template 生成的模板。"
        )
    text, encoding = decode_bytes(data)
    return parse_csv_text(text, encoding, source, limits)


def _expanded_size(path: Path) -> int:
    """What the members of an .xlsx (a zip archive) expand to, from its directory alone."""
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(path) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (BadZipFile, OSError) as error:
        raise TableReadError(f"无法打开Excel文件「{path.name}」：{error}") from error


def read_xlsx(path: Path, limits: TableLimits = DEFAULT_LIMITS) -> Table:
    """A table from the first worksheet of an .xlsx workbook (streamed, read-only)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    expanded = _expanded_size(path)
    if expanded > limits.max_xlsx_expanded_bytes:
        raise TableReadError(
            f"Excel文件「{path.name}」解压后有 {_size_text(expanded)}，超过 "
            f"{_size_text(limits.max_xlsx_expanded_bytes)} 的上限，未导入。"
            "请删去多余的工作表、格式和空行，或另存为 CSV UTF-8 后再导入。"
        )
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise TableReadError(f"无法打开Excel文件「{path.name}」：{error}") from error
    try:
        sheet = workbook.worksheets[0]
        width = sheet.max_column or 0  # the sheet's declared used range
        if width > limits.max_columns:
            raise TableReadError(
                f"工作表「{sheet.title}」的使用范围有 {width} 列，超过 {limits.max_columns} 列"
                "的上限，未导入。请删除表格右侧多余的列（含只有格式的空列）后再导入。"
            )
        # One column past the limit is read, so that a wider sheet is noticed, never more: a
        # forged sheet dimension cannot make every row 16,384 cells wide.
        rows = sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1)
        cells = _bounded(([_cell(v) for v in _trimmed(row)] for row in rows), limits)
    finally:
        workbook.close()
    return _table(cells, "XLSX", str(path))


def _trimmed(row: tuple[object, ...]) -> tuple[object, ...]:
    """A row without its trailing empty cells (read-only sheets pad rows to the width)."""
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]


def read_table(path: Path, limits: TableLimits = DEFAULT_LIMITS) -> Table:
    """A table from a .csv, .txt/.tsv or .xlsx file within `limits`."""
    if not path.is_file():
        raise TableReadError(f"找不到文件「{path}」。")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise TableReadError(
            f"文件「{path.name}」有 {_size_text(size)}，超过 {_size_text(limits.max_file_bytes)}"
            " 的上限，未导入。请分成几个文件分别导入。"
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, limits)
    if suffix == ".xls":
        raise TableReadError(
            "不支持旧版 .xls 文件：请在Excel中另存为 .xlsx 或 CSV UTF-8 后再导入。"
        )
    return read_csv_bytes(path.read_bytes(), str(path), limits)
