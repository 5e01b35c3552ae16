"""Import files are read within bounds: too large, too long, too wide, too deep or bomb-like
files are refused before (or while) they are read, with a Chinese message saying which bound."""

from __future__ import annotations

import resource
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from catalogue.importing.tables import TableLimits, TableReadError, read_table

SMALL = TableLimits(
    max_file_bytes=64 * 1024,
    max_rows=50,
    max_columns=8,
    max_cell_chars=200,
    max_xlsx_expanded_bytes=2 * 1024 * 1024,
)


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_within_the_bounds_is_read(tmp_path):
    rows = "\n".join(f"事项{i},XK" for i in range(50))
    table = read_table(_csv(tmp_path, "名称,类别\n" + rows), SMALL)
    assert len(table.rows) == 50


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    path = _csv(tmp_path, "名称\n" + "网吧\n" * 40_000)
    with pytest.raises(TableReadError, match=r"超过 0\.1 MB 的上限"):
        read_table(path, SMALL)


def test_too_many_rows_columns_or_characters(tmp_path):
    with pytest.raises(TableReadError, match="超过 50 行"):
        read_table(_csv(tmp_path, "名称\n" + "网吧\n" * 51), SMALL)
    with pytest.raises(TableReadError, match="第1行有 9 列，超过 8 列"):
        read_table(_csv(tmp_path, ",".join("abcdefghi")), SMALL)
    with pytest.raises(TableReadError, match="第2行第1列有 201 个字"):
        read_table(_csv(tmp_path, "名称\n" + "网" * 201), SMALL)


def test_a_nul_character_is_a_cell_error_not_a_database_error(tmp_path):
    with pytest.raises(TableReadError, match="第3行第2列含有空字符"):
        read_table(_csv(tmp_path, "名称,类别\n网吧,XK\n网吧,X\x00K\n"), SMALL)


def test_an_xlsx_bomb_is_refused_from_its_directory(tmp_path):
    """A small archive whose sheet expands far past the bound is never parsed."""
    path = tmp_path / "bomb.xlsx"
    workbook = Workbook()
    workbook.active.append(["名称"])
    workbook.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * (8 * 1024 * 1024))
    assert path.stat().st_size < 64 * 1024
    with pytest.raises(TableReadError, match=r"解压后有 8\.0 MB"):
        read_table(path, SMALL)


def test_a_sheet_wider_than_the_bound_is_refused_without_reading_its_rows(tmp_path):
    path = tmp_path / "wide.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["名称", "类别"])
    sheet.append(["网吧", "XK"])
    sheet.cell(row=1, column=16_000, value="x")
    workbook.save(path)
    with pytest.raises(TableReadError, match="使用范围有 16000 列，超过 8 列"):
        read_table(path, SMALL)


def test_default_bounds_keep_memory_small_on_a_junk_file(tmp_path):
    """A 25 MB junk CSV (the default bound is 20 MB) costs no memory to refuse."""
    path = tmp_path / "junk.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("a,b,c\n")
        for _ in range(1_000_000):
            handle.write("xxxxxxxxxx,yyyyyyyyyy,zzz\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(TableReadError, match=r"20\.0 MB 的上限"):
        read_table(path)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024
