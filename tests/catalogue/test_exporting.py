"""Open-data exports hold only published, non-classified records and import back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.exporting import export_records, to_csv, to_json
from catalogue.importing import import_file
from catalogue.lists.forms import Form
from catalogue.models import Item
from handlers.staff.import_wording import report_lines
from tests.kits import first_load

ROWS = [
    {
        "事项名称": name,
        "事项类别": category,
        "实施主体": "天祝县市场监督管理局",
        "法定办结时限": "20个工作日",
        "办理要件": "申请书；营业执照（原件1份）",
        "办理流程": "申请→受理→决定",
        "是否涉密": classified,
    }
    for name, category, classified in [
        ("食品经营许可", "行政许可", False),
        ("涉密事项", "行政许可", True),
        ("个体户登记咨询", "公共服务", False),
        ("价格违法处罚", "行政处罚", False),
    ]
]


async def test_only_public_items_are_exported(session: AsyncSession, tmp_path: Path) -> None:
    await first_load.publish_items(session, ROWS)
    await session.execute(update(Item).where(Item.name == "价格违法处罚").values(status="draft"))
    await session.execute(
        update(Item).where(Item.name == "个体户登记咨询").values(status="suspended")
    )
    records = await export_records(session, "items")
    # ordered by code: QT00001000 before XK00001000
    assert [r["name"] for r in records] == ["个体户登记咨询", "食品经营许可"]
    assert [r["status"] for r in records] == ["暂停", "已发布"]
    data = json.loads(to_json(records))
    assert data[1]["requirements"][1] == {
        "name": "营业执照",
        "originals": 1,
        "copies": None,
        "required": True,
        "note": "",
    }
    assert data[1]["time_limit_legal"] == "20个工作日"
    assert data[0]["category"] == "公共服务"
    path = tmp_path / "items.csv"
    path.write_text(to_csv("items", records), encoding="utf-8")
    again = await import_file(session, "items", path)
    assert again.ok, report_lines(again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


async def test_empty_export(session: AsyncSession) -> None:
    assert await export_records(session, "funds") == []
    assert to_json([]) == "[]"


async def test_export_shows_the_version_date_and_last_change(session: AsyncSession) -> None:
    from datetime import UTC, datetime

    await first_load.publish_items(session, ROWS[:1])
    await session.execute(
        update(Item)
        .where(Item.name == "食品经营许可")
        .values(
            revised_at=datetime(2026, 10, 11, 17, 0, tzinfo=UTC),  # 12 October in China
            revision_note="变更（第九条（四））：联系电话",
            version=Item.version + 1,
        )
    )
    (record,) = await export_records(session, "items")
    # loaded as a draft (1), published by the first load (2), changed (3)
    assert record["version"] == 3 and record["updated_on"] == "2026-10-12"
    assert record["revision_note"] == "变更（第九条（四））：联系电话"
    header = to_csv("items", [record]).splitlines()[0]
    assert "版本" in header and "更新日期" in header and "最近变更" in header


def test_an_export_record_follows_the_declared_columns() -> None:
    """No code per list: the layout says which columns an export writes and where a record
    keeps each; missing texts are written empty, missing numbers and dates stay null."""
    from dataclasses import replace
    from decimal import Decimal
    from types import SimpleNamespace

    from catalogue.exporting import record_of
    from catalogue.lists.declarations import FUNDS, POVERTY_PROJECTS, FileColumn
    from catalogue.models import TimeLimit

    fund = SimpleNamespace(
        budget_year=2026,
        fund_type_label="部门预算专项资金",
        department=SimpleNamespace(name="天祝县财政局"),
        project_name="草原补奖",
        budget_amount=Decimal("12.5000"),
        management_measures="",
        allocation_and_use="",
        performance_evaluation="",
        competitive=False,
        application_guide="",
        review_results="",
        allocation="",
        budget_approved_on=None,
        published_on=None,
        change_note="",
        status="published",
        is_demo=True,
    )
    record = record_of(FUNDS, fund)
    assert list(record)[:4] == ["budget_year", "fund_type", "department", "project_name"]
    assert list(record)[-2:] == ["status", "demo"]
    assert record["department"] == "天祝县财政局" and record["published_on"] is None
    assert record["status"] == "已发布" and "version" not in record

    layout = POVERTY_PROJECTS.layout
    assert layout is not None
    columns = (
        FileColumn("limit", "时限", export="limit"),
        FileColumn("unit", "单位", export="unit.name"),
        FileColumn("count", "户数", form=Form.COUNT),
        FileColumn("kept", "不导出", export=None),
    )
    sketch = replace(POVERTY_PROJECTS, layout=replace(layout, columns=columns, published=()))
    row = SimpleNamespace(limit=TimeLimit(20, "工作日"), unit=None, count=None, kept="x")
    assert record_of(sketch, row) == {"limit": "20个工作日", "unit": "", "count": None}


def test_every_exported_list_has_an_exporter() -> None:
    from catalogue.exporting import exported_kinds
    from catalogue.lists.declarations import FILED

    exported = {kind for kind, d in FILED.items() if d.layout is not None and d.layout.exported}
    assert set(exported_kinds()) == exported
