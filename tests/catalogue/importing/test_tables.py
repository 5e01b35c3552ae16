"""Reading CSV in every encoding county offices produce, XLSX, and refusing what cannot be read."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from catalogue.importing.tables import TableReadError, decode_bytes, read_table

CSV_TEXT = "部门名称,统一社会信用代码\n天祝县教育局,\n天祝县公安局,11511300008778693M\n"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (CSV_TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"), "UTF-8-BOM"),
        (CSV_TEXT.encode("gbk"), "GB18030"),
        (CSV_TEXT.encode("gb18030"), "GB18030"),
        (CSV_TEXT.encode("utf-16"), "UTF-16"),
    ],
)
def test_encodings(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    path = tmp_path / "departments.csv"
    path.write_bytes(encoded)
    table = read_table(path)
    assert table.encoding == encoding
    assert table.headers == ["部门名称", "统一社会信用代码"]
    assert table.rows == [["天祝县教育局", ""], ["天祝县公安局", "11511300008778693M"]]


def test_short_gbk_text_is_not_taken_for_korean() -> None:
    # charset-normalizer alone calls these bytes cp949; county files are GBK.
    assert decode_bytes("部门名称\n县教育局\n".encode("gbk")) == ("部门名称\n县教育局\n", "GB18030")
    assert decode_bytes("项目\n𠀀字\n".encode("gb18030"))[1] == "GB18030"


@pytest.mark.parametrize(
    ("encoded", "guess"),
    [
        ("事項名稱,金額\n縣教育局,12\n".encode("big5"), "big5"),
        ("café,naïve\n1,2\n".encode("latin-1"), ""),
    ],
)
def test_undecidable_encodings_are_explained(encoded: bytes, guess: str) -> None:
    with pytest.raises(TableReadError) as raised:
        decode_bytes(encoded)
    message = str(raised.value)
    assert "无法识别文件编码" in message and "CSV UTF-8" in message
    assert guess in message


def test_empty_files(tmp_path: Path) -> None:
    for content in (b"", b"\n\n  \n", b"\xef\xbb\xbf"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        with pytest.raises(TableReadError, match="文件是空的"):
            read_table(path)


def test_missing_file_and_old_excel(tmp_path: Path) -> None:
    with pytest.raises(TableReadError, match="找不到文件"):
        read_table(tmp_path / "nothing.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(TableReadError, match=r"\.xls"):
        read_table(old)


def test_tab_separated_text(tmp_path: Path) -> None:
    path = tmp_path / "regions.txt"
    path.write_text("区划代码\t名称\n620623100\t华藏寺镇\n", encoding="utf-16")
    table = read_table(path)
    assert table.headers == ["区划代码", "名称"] and table.rows == [["620623100", "华藏寺镇"]]


def test_xlsx_cells_become_text(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["预算年度", "预算金额（万元）", "预算批准日期", "备注"])
    sheet.append([2016, 12.5, datetime(2016, 3, 1), None])
    sheet.append([2017, 1234.0, date(2017, 2, 28), " 有空格 "])
    path = tmp_path / "funds.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.encoding == "XLSX"
    assert table.rows == [
        ["2016", "12.5", "2016-03-01", ""],
        ["2017", "1234", "2017-02-28", "有空格"],
    ]


def test_broken_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(TableReadError, match="无法打开Excel文件"):
        read_table(path)
