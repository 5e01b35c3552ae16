"""Charts on the village, town, fund and item pages: their numbers are the records' numbers,
the SVG needs no script and no inline style, and the village index shows what exists."""

from __future__ import annotations

import re
from decimal import Decimal

from catalogue.codes import normalize_code_text
from handlers.web.charts import Bar, bar_chart, flowchart, sums
from tests.kits import citizen as kit

seed = kit.seed


def _figures(html: str) -> list[str]:
    return re.findall(r'<figure class="chart">(.*?)</figure>', html, flags=re.S)


def _table(figure: str) -> dict[str, str]:
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td></tr>", figure)
    return dict(rows)


def test_bars_add_up_and_are_ordered_largest_first():
    bars = sums([("修路", Decimal("1.5")), ("饮水", Decimal("3")), ("修路", Decimal("2.25"))])
    assert bars == [Bar("修路", Decimal("3.75")), Bar("饮水", Decimal("3"))]
    chart = bar_chart("测试", bars)
    assert chart is not None and chart.total == Decimal("6.75")
    svg = str(chart.svg)
    assert svg.count("<rect") == 2 and "<script" not in svg and "style=" not in svg
    assert 'role="img"' in svg and "<title>测试（单位：万元）</title>" in svg
    assert bar_chart("空", []) is None and bar_chart("零", [Bar("a", Decimal(0))]) is None


def test_labels_drop_a_shared_region_name_but_never_part_of_a_word():
    departments = [Bar("天祝藏族自治县民政局", Decimal(2)), Bar("天祝藏族自治县教育局", Decimal(1))]
    svg = str(bar_chart("部门", departments).svg)  # type: ignore[union-attr]
    assert ">民政局<" in svg and ">教育局<" in svg
    years = [Bar("2015年", Decimal(2)), Bar("2016年", Decimal(1))]
    svg = str(bar_chart("年度", years).svg)  # type: ignore[union-attr]
    assert ">2015年<" in svg and ">2016年<" in svg


def test_a_flowchart_draws_each_step_in_order():
    svg = str(flowchart("流程", ["申请：带上材料到窗口", "受理：当场受理", "办结"]))
    names = re.findall(r">(\d\. [^<]+)<", svg)
    assert names == ["1. 申请", "2. 受理", "3. 办结"]
    assert svg.count("<rect") == 3 and "<script" not in svg and "style=" not in svg
    assert flowchart("无", []) is None


async def test_the_village_page_charts_are_the_records(citizen_side):
    page = (await citizen_side.http.get(f"/villages/{seed.HONGDA}")).text
    figures = _figures(page)
    assert figures, "no chart on the village page"
    api = (await citizen_side.http.get(f"/api/places/{seed.HONGDA}/poverty")).json()
    allocations = [a for year in api["years"] for a in year["allocations"]]
    by_purpose: dict[str, Decimal] = {}
    for allocation in allocations:
        key = allocation["purpose"] or "未注明"
        by_purpose[key] = by_purpose.get(key, Decimal(0)) + Decimal(allocation["amount"])
    purpose_chart = next(f for f in figures if "按用途" in f)
    shown = {label: Decimal(value) for label, value in _table(purpose_chart).items()}
    assert shown == by_purpose


async def test_the_town_page_charts_its_villages(citizen_side):
    page = (await citizen_side.http.get(f"/villages/{seed.HUACANGSI_TOWN}")).text
    assert any("按村" in figure for figure in _figures(page))


async def test_the_fund_page_charts_departments_and_types(citizen_side):
    page = (await citizen_side.http.get("/funds?year=2015")).text
    figures = _figures(page)
    by_department = next(f for f in figures if "按部门" in f)
    by_type = next(f for f in figures if "按类型" in f)
    total = re.search(r"合计 <strong>([\d.]+)</strong> 万元", page)
    assert total is not None
    for figure in (by_department, by_type):
        assert sum(Decimal(v) for v in _table(figure).values()) == Decimal(total.group(1))


async def test_the_item_page_draws_its_procedure(citizen_side):
    page = (await citizen_side.http.get(f"/items/{normalize_code_text(seed.NETBAR)}")).text
    assert "流程图（按上面的步骤绘制）" in page
    drawn = re.findall(r">(\d\. [^<]+)</text>", page)
    assert drawn == ["1. 受理", "2. 审查", "3. 决定", "4. 送达"]


async def test_the_village_index_shows_which_villages_have_published_data(citizen_side):
    page = (await citizen_side.http.get("/villages")).text
    assert re.search(r"全县 \d+ 个村（社区）中，\d+ 个已公开", page)
    assert re.search(rf'has-data" href="/villages/{seed.HONGDA}">[^<]*<small>20\d\d', page)
