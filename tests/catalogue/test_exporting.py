"""Open-data exports hold only published, non-classified records and import back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.exporting import export_records, to_csv, to_json
from catalogue.importing import import_file
from catalogue.models import Item
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
    assert again.ok, again.lines()
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
