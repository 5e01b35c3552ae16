"""Importing responsibilities under their item, found by code or by department and name."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.exporting import export_records
from catalogue.importing import import_file, import_rows
from catalogue.lists.completeness import Lack
from catalogue.models import Item, Responsibility
from handlers.staff.import_wording import problem_text, report_lines
from tests.kits import first_load


async def test_duties_by_code_or_name(session: AsyncSession, tmp_path: Path) -> None:
    row = first_load.complete_row(
        {"事项名称": "取水许可", "事项类别": "行政许可", "实施主体": "天祝县水务局"}
    )
    items = await import_rows(session, "items", [row], publish=True)
    # complete but for its 责任事项: a first load keeps it a draft
    assert items.ok and (items.published, items.drafts) == (0, 1)
    assert dict(items.short_of) == {Lack("责任事项"): 1}
    code = (await session.scalars(select(Item.code))).one()
    typed = code.replace("—", "-").lower()
    path = tmp_path / "duties.csv"
    path.write_text(
        "事项编码,实施主体,事项名称,责任事项,责任内容,追责情形\n"
        f"{typed},,,受理责任,公示申请条件,不予受理未说明理由\n"
        ",天祝县水务局,取水许可,审查责任,审查材料,违规审查\n"
        ",天祝县水务局,排水许可,决定责任,作出决定,\n"
        f"{code[:-1]}9,,,送达责任,送达,\n",
        encoding="utf-8",
    )
    report = await import_file(session, "responsibilities", path)
    assert [problem_text(p) for p in report.errors] == [
        "第4行「事项名称」列：找不到「天祝县水务局」的事项「排水许可」：请写事项编码，或先导入事项",
        f"第5行「事项编码」列：没有编码为「{code[:-1]}9」的事项",
    ]
    assert (await session.scalars(select(Responsibility))).all() == []
    path.write_text(
        "\n".join(path.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8"
    )
    report = await import_file(session, "responsibilities", path)
    assert report.ok and report.created == 2
    duties = (await session.scalars(select(Responsibility).order_by(Responsibility.seq))).all()
    assert [(d.seq, d.title) for d in duties] == [(1, "受理责任"), (2, "审查责任")]
    again = await import_file(session, "responsibilities", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert await export_records(session, "responsibilities") == []  # the item is a draft
    # with its 责任事项 in, the same items file published again completes the first load
    published = await import_rows(session, "items", [row], publish=True)
    assert (published.published, published.short_records) == (1, 0), report_lines(published)
    exported = await export_records(session, "responsibilities")
    assert [(r["code"], r["title"]) for r in exported] == [(code, "受理责任"), (code, "审查责任")]
