"""A catalogue's first load (`publish`) publishes complete records only: the completeness rule
of `catalogue.lists` decides, every short record loads as a draft, counted per field."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import import_rows, import_table, table_from_rows
from catalogue.importing.options import COMPLETENESS_RULE, published_at_source
from catalogue.lists.completeness import Lack
from catalogue.models import Item
from handlers.staff.import_wording import problem_text, report_lines
from tests.kits import first_load

ROWS = [
    # complete approval item, once its 责任事项 are in
    {"事项名称": "取水许可", "事项类别": "行政许可", "实施主体": "县水务局"},
    # an approval item without 办理要件 and 承办股室 (第十一条)
    {
        "事项名称": "采砂许可",
        "事项类别": "行政许可",
        "实施主体": "县水务局",
        "办理要件": "",
        "承办股室": "",
    },
    # a service item without 管理要求 (第十二条) and with a broken phone number
    {
        "事项名称": "用水报装",
        "事项类别": "公共服务",
        "实施主体": "县水务局",
        "管理要求": "",
        "咨询电话": "12",
    },
    # a complete service item
    {"事项名称": "水质检测", "事项类别": "公共服务", "实施主体": "县水务局"},
    # a penalty without 设定依据 and 监督方式 (第十条（一）)
    {
        "事项名称": "违规取水处罚",
        "事项类别": "行政处罚",
        "实施主体": "县水务局",
        "设定依据": "",
        "监督方式": "",
    },
]


async def _statuses(session: AsyncSession) -> dict[str, str]:
    return dict((await session.execute(select(Item.name, Item.status))).all())


async def test_only_complete_records_are_published_and_the_rest_counted_per_field(
    session: AsyncSession,
) -> None:
    rows = [first_load.complete_row(row) for row in ROWS]
    report = await import_rows(session, "items", rows, publish=True)
    assert report.ok, report_lines(report)
    # power items have no 责任事项 yet: only the complete service item goes live
    assert await _statuses(session) == {
        "取水许可": "draft",
        "采砂许可": "draft",
        "用水报装": "draft",
        "水质检测": "published",
        "违规取水处罚": "draft",
    }
    assert (report.published, report.drafts, report.short_records) == (1, 4, 4)
    assert dict(report.short_of) == {
        Lack("责任事项"): 3,
        Lack("办理要件"): 1,
        Lack("承办股室"): 1,
        Lack("管理要求"): 1,
        Lack("联系电话", malformed=True): 1,
        Lack("设定依据"): 1,
        Lack("监督方式"): 1,
    }
    text = "\n".join(report_lines(report))
    assert "已作为草稿载入（记录不完整，未发布）4 条" in text
    assert "  责任事项：3 条" in text and "zwbot import responsibilities" in text
    assert "第3行「事项名称」列：记录不完整（缺 责任事项、办理要件、承办股室）" in text
    assert len(report.created_codes) == 5 and all(c in text for c in report.created_codes)


async def test_responsibilities_complete_the_first_load(session: AsyncSession) -> None:
    rows = [first_load.complete_row(row) for row in ROWS]
    assert (await import_rows(session, "items", rows)).ok  # drafts
    duties = first_load.duty_rows(ROWS)
    # a 责任事项 without its 责任内容 does not complete its item
    duties[0] = {**duties[0], "责任内容": ""}
    assert (await import_rows(session, "responsibilities", duties)).ok
    report = await import_rows(session, "items", rows, publish=True)
    assert report.ok, report_lines(report)
    assert await _statuses(session) == {
        "取水许可": "draft",  # its 责任内容 is empty
        "采砂许可": "draft",
        "用水报装": "draft",
        "水质检测": "published",
        "违规取水处罚": "draft",
    }
    assert report.short_of[Lack("责任事项", malformed=True)] == 1
    # the catalogue is live now: what is completed later goes through 提交 → 通过 → 发布
    fixed = first_load.duty_rows(ROWS)[:1]
    assert (await import_rows(session, "responsibilities", fixed)).ok
    again = await import_rows(session, "items", rows, publish=True)
    assert not again.ok and "只用于首次载入" in problem_text(again.errors[0])
    assert (await _statuses(session))["取水许可"] == "draft"


async def test_other_regions_published_at_source_but_the_county_still_complete(
    session: AsyncSession,
) -> None:
    # `--published-at-source`: the county's own records keep the county's rule exactly
    rows = [first_load.complete_row(row) for row in ROWS]
    table = table_from_rows(rows)
    report = await import_table(
        session, "items", table, publish=True, missing_fields=published_at_source()
    )
    assert report.ok, report_lines(report)
    assert (report.published, report.drafts) == (1, 4)
    # another region's record is its own government's to complete: published as it came
    short = {"name": "不动产统一登记", "kind": "power", "responsibilities": []}
    assert published_at_source()({**short, "region_code": "650200"}) == []
    county_missing = published_at_source()({**short, "region_code": "620623101"})
    assert county_missing == COMPLETENESS_RULE({**short, "region_code": "620623101"})
    assert Lack("责任事项") in county_missing
