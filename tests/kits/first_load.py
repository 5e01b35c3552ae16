"""Items loaded and published the way an administrator's first load publishes them: each row
completed with the fields the regulations require, the items imported as drafts, their
责任事项 imported, then the same items imported with `publish` (complete ones go live).

For tests whose subject is something else (search, export, scoping) but which need published
items; the completeness rule itself is tested in tests/catalogue/test_completeness.py and
tests/catalogue/importing/test_first_load.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import ImportReport, import_rows
from handlers.staff.import_wording import report_lines

# Every column a power, an approval (XK) or a service item needs besides its 责任事项.
REQUIRED_COLUMNS: dict[str, str] = {
    "设定依据": "《中华人民共和国行政许可法》",
    "承诺办结时限": "10个工作日",
    "办理流程": "受理→审查→决定→送达",
    "监督方式": "县政务服务中心投诉窗口",
    "办理要件": "申请书；身份证复印件",
    "承办股室": "业务股",
    "服务内容": "为群众办理本事项",
    "管理要求": "一次告知，限时办结",
}
SERVICE_CATEGORIES = ("公共服务", "便民服务", "20")


def complete_row(row: Mapping[str, object]) -> dict[str, object]:
    """`row` with every required column it leaves out filled in (its own values win)."""
    return {**REQUIRED_COLUMNS, **row}


def duty_rows(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """One 责任事项 with its 责任内容 for each power item of `rows`."""
    return [
        {
            "实施主体": row["实施主体"],
            "事项名称": row["事项名称"],
            "责任事项": "受理责任",
            "责任内容": "依法受理或不予受理，并一次性告知",
        }
        for row in rows
        if str(row.get("事项类别", "")) not in SERVICE_CATEGORIES
    ]


async def publish_items(
    session: AsyncSession, rows: Sequence[Mapping[str, object]], *, demo: bool = False
) -> ImportReport:
    """Load `rows` (completed) as drafts, add their 责任事项, publish them; the last report."""
    complete = [complete_row(row) for row in rows]
    drafts = await import_rows(session, "items", complete, demo=demo)
    assert drafts.ok, report_lines(drafts, 10)
    if duties := duty_rows(rows):
        loaded = await import_rows(session, "responsibilities", duties)
        assert loaded.ok, report_lines(loaded, 10)
    published = await import_rows(session, "items", complete, publish=True, demo=demo)
    assert published.ok and not published.short_of, report_lines(published, 10)
    return published


def write_first_load_files(folder: Path, items_csv: str) -> tuple[Path, Path]:
    """The items file (completed) and its responsibilities file, for `zwbot import`."""
    rows = list(csv.DictReader(io.StringIO(items_csv)))
    items = folder / "items-complete.csv"
    duties = folder / "responsibilities.csv"
    _write_csv(items, [complete_row(row) for row in rows])
    _write_csv(duties, duty_rows(rows))
    return items, duties


def cli_first_load(
    invoke: Callable[[list[str]], Any], folder: Path, items_csv: str, admin: str = "admin"
) -> str:
    """`zwbot import` as the documented first load: items as drafts, their responsibilities,
    then the items again with `--publish`; the last command's output."""
    items, duties = write_first_load_files(folder, items_csv)
    output = ""
    steps = [
        ["import", "items", str(items), "--as", admin],
        ["import", "responsibilities", str(duties), "--as", admin],
        ["import", "items", str(items), "--publish", "--as", admin],
    ]
    if not duty_rows(list(csv.DictReader(io.StringIO(items_csv)))):
        del steps[1]  # service items have no 责任事项
    for command in steps:
        result = invoke(command)
        assert result.exit_code == 0, result.output
        output = str(result.output)
    assert "作为草稿载入" not in output, output
    return output


def _write_csv(path: Path, rows: Sequence[Mapping[str, object]]) -> None:
    headers: list[str] = []
    for row in rows:
        headers += [key for key in row if key not in headers]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)
