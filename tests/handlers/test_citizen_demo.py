"""With the demo catalogue: every village's chat totals equal the open-data export's rows, the
fund list per year and department too, and cards are marked as demonstration data."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal

from catalogue.queries import places
from tests.kits import citizen as kit


async def test_village_answers_equal_the_open_data_export(demo):
    http, sessions = demo
    allocations = json.loads((await http.get("/opendata/poverty-allocations.json")).text)
    assert allocations, "the demo has published allocations"
    by_place: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for row in allocations:
        by_place[(row["region"], int(row["year"]))] += Decimal(row["amount"])
    async with sessions() as session:
        labels = {p.code: p.label for p in await places(session=session)}
    user = kit.WeChatUser(http, "o_demo_official")
    checked = 0
    for (code, year), total in sorted(by_place.items()):
        if len(code) != 12:  # villages; towns include their villages and are checked below
            continue
        answer = await user.say(f"{labels[code]} 扶贫 {year}")
        match = re.search(rf"{year}年 分配资金\d+笔，合计([\d.]+)万元", answer)
        assert match, answer
        assert Decimal(match.group(1)) == total, (code, year, answer)
        assert "（演示数据）" in answer
        checked += 1
    assert checked >= 5
    town_totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for (code, year), total in by_place.items():
        town_totals[(code[:9], year)] += total
    for (town, year), total in sorted(town_totals.items())[:3]:
        answer = await user.say(f"{labels[town]} 资金 {year}")
        match = re.search(rf"{year}年 分配资金\d+笔，合计([\d.]+)万元", answer)
        assert match and Decimal(match.group(1)) == total, answer


async def test_the_county_city_and_province_codes_are_named_with_their_parents(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_demo_codes")
    assert "620623 是天祝藏族自治县（武威市、甘肃省）的行政区划代码" in await user.say("620623")
    city = await user.say("620600是哪里")
    assert "620600 是武威市（甘肃省）的行政区划代码" in city and "天祝藏族自治县（620623）" in city


async def test_fund_answers_equal_the_open_data_export(demo):
    http, _ = demo
    funds = json.loads((await http.get("/opendata/funds.json")).text)
    assert funds
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for row in funds:
        key = (int(row["budget_year"]), row["department"])
        totals[key] += Decimal(row["budget_amount"])
        counts[key] += 1
    user = kit.WeChatUser(http, "o_demo_citizen")
    for (year, department), total in sorted(totals.items()):
        answer = await user.say(f"{year} {department} 专项资金")
        match = re.search(r"共(\d+)项，合计([\d.]+)万元", answer)
        assert match, answer
        assert int(match.group(1)) == counts[(year, department)]
        assert Decimal(match.group(2)) == total, (year, department, answer)


async def test_demo_items_are_marked_everywhere(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_demo_item")
    card = await user.say("低保")
    assert card.startswith("（演示数据）【") or "（演示数据）" in card
    found = (await http.get("/api/search", params={"q": "低保"})).json()
    assert found and found[0]["item"]["demo"] is True
    page = await http.get(found[0]["item"]["url"].replace(kit.BASE_URL, ""))
    assert page.status_code == 200 and "演示数据" in page.text
