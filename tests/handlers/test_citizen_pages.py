"""The public pages and the JSON API: everything renders, bad input is a Chinese 404/400 or a
JSON 422 — never a 500 — and only published, non-classified records are ever shown."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from catalogue.codes import normalize_code_text
from tests.kits import citizen as kit

seed = kit.seed
NETBAR = normalize_code_text(seed.NETBAR)

PAGES = [
    "/",
    "/items",
    "/items?category=XK",
    "/items?category=qr&page=1",
    f"/items/{NETBAR}",
    f"/items/{normalize_code_text(seed.PERFORMANCE)}",
    "/departments",
    "/villages",
    "/villages?q=大湾村",
    f"/villages/{seed.HONGDA}",
    f"/villages/{seed.HONGDA}?year=2016",
    f"/villages/{seed.HUACANGSI_TOWN}",
    "/funds",
    "/funds?year=2015&type=department_budget",
    "/search?q=开网吧",
    "/search",
    "/opendata",
]

BAD_INPUT = [
    "/items/not-a-code",
    "/items/" + "9" * 32,
    "/items/" + "x" * 5000,
    "/items?category=ZZ",
    "/items?page=0",
    "/items?page=abc",
    "/items?page=99999999999999999999",
    "/items?department=-1",
    "/items?department=999999",
    "/villages/nowhere",
    "/villages/620623100200?year=abc",
    "/villages/620623100200?year=1800",
    "/funds?year=20155",
    "/funds?type=bribes",
    "/opendata/secrets.csv",
    "/opendata/items.exe",
    "/no/such/page",
]


@pytest.mark.parametrize("path", PAGES)
async def test_pages_render(citizen_side, path):
    response = await citizen_side.http.get(path)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert '<meta name="viewport"' in response.text


@pytest.mark.parametrize("path", BAD_INPUT)
async def test_bad_input_is_a_chinese_error_page(citizen_side, path):
    response = await citizen_side.http.get(path)
    assert response.status_code in (400, 404), response.text[:300]
    assert "没有" in response.text or "不正确" in response.text


async def test_huge_query_strings_never_fail(citizen_side):
    http = citizen_side.http
    assert (await http.get("/search", params={"q": "网吧" * 2000})).status_code == 200
    assert (await http.get("/villages", params={"q": "村" * 4000})).status_code == 200
    api = await http.get("/api/search", params={"q": "网" * 4000})
    assert api.status_code == 422 and api.json()["message"] == "参数不正确。"
    assert api.json()["detail"][0]["loc"] == ["query", "q"]  # FastAPI's documented shape


async def test_item_guide_shows_everything(citizen_side):
    html = (await citizen_side.http.get(f"/items/{NETBAR}")).text
    for text in (
        "互联网上网服务营业场所经营单位设立审批",
        seed.NETBAR,
        "行政许可",
        "天祝藏族自治县文化广电和旅游局",
        "文化市场股",
        "《互联网上网服务营业场所管理条例》第十条",
        "有与其经营活动相适应的资金、场所和设备。",
        "法定代表人身份证",
        "消防安全检查合格意见书",
        "<li>受理</li>",
        "<li>送达</li>",
        "20个工作日",
        "10个工作日",
        "不收费",
        "天祝县政务服务中心一楼3号窗口",
        "0935-3125678",
        "0935-3129999",
        "县纪委监委派驻纪检组监督",
        "受理责任",
        "一次性告知补正材料",
        "不依法受理的",
        "审查责任",
        "2024-03-05",
    ):
        assert text in html, text
    assert "演示数据" not in html


async def test_other_renderings_of_a_code_redirect_to_the_guide(citizen_side):
    response = await citizen_side.http.get(f"/items/{seed.NETBAR}")
    assert response.status_code == 301
    assert response.headers["location"].endswith(f"/items/{NETBAR}")


async def test_retired_codes_have_a_page(citizen_side):
    merged = await citizen_side.http.get(f"/items/{normalize_code_text(seed.MERGED_AWAY)}")
    assert merged.status_code == 410
    assert "合并" in merged.text and "娱乐场所经营许可" in merged.text
    api = await citizen_side.http.get(f"/api/items/{seed.ABOLISHED}")
    assert api.status_code == 410 and api.json()["reason"] == "abolished"


async def test_demo_records_carry_the_banner(citizen_side):
    html = (await citizen_side.http.get(f"/items/{normalize_code_text(seed.SEED)}")).text
    assert "演示数据" in html


async def test_village_page_totals(citizen_side):
    html = (await citizen_side.http.get(f"/villages/{seed.HONGDA}?year=2016")).text
    assert "资金分配：2笔，合计 150.75 万元" in html
    assert "扶贫项目：1个，投资合计 88.88 万元" in html
    assert "天扶贫发〔2016〕31号" in html and "华藏寺镇人民政府" in html


async def test_fund_page_totals(citizen_side):
    html = (
        await citizen_side.http.get(f"/funds?year=2015&department={citizen_side.ids.farming_id}")
    ).text
    assert "共 2 项，合计 <strong>1534.6678</strong> 万元" in html


async def test_api(citizen_side):
    http = citizen_side.http
    item = (await http.get(f"/api/items/{seed.NETBAR.replace('—', '-')}")).json()
    assert item["code"] == seed.NETBAR and item["legal_time_limit"]["text"] == "20个工作日"
    assert [r["title"] for r in item["responsibilities"]] == ["受理责任", "审查责任"]
    listing = (await http.get("/api/items", params={"category": "XK"})).json()
    assert listing["total"] == 4
    hits = (await http.get("/api/search", params={"q": "开网吧"})).json()
    assert hits[0]["item"]["code"] == seed.NETBAR
    places = (await http.get("/api/places", params={"name": "大湾村"})).json()
    assert places["ambiguous"] and len(places["places"]) == 2
    poverty = (await http.get(f"/api/places/{seed.HONGDA}/poverty", params={"year": 2016})).json()
    assert Decimal(poverty["allocation_total"]) == Decimal("150.75")
    funds = (await http.get("/api/funds", params={"year": 2015})).json()
    assert Decimal(funds["total"]) == Decimal("1534.6678")
    docs = await http.get("/api/openapi.json")
    assert docs.status_code == 200 and "/api/items/{code}" in docs.json()["paths"]
    assert (await http.get("/api/docs")).status_code == 200
    assert (await http.get("/api/items/nothing")).status_code == 404
    assert (await http.get("/api/funds", params={"year": "x"})).status_code == 422


async def test_hidden_records_never_appear_anywhere(citizen_side_any_db):
    side = citizen_side_any_db
    http = side.http
    hidden = [*seed.HIDDEN_NAMES, seed.HIDDEN_PROJECT, seed.HIDDEN_FUND, "999.0000", "999.00"]
    hidden_codes = [seed.DRAFT, seed.CLASSIFIED, seed.PENDING]
    bodies = []
    for path in [*PAGES, "/items?per_page=100", "/search?q=网吧"]:
        bodies.append((await http.get(path)).text)
    for page_number in (1, 2):
        bodies.append((await http.get("/items", params={"page": page_number})).text)
    for dataset in ("items", "funds", "poverty-allocations", "poverty-projects"):
        for fmt in ("csv", "json"):
            response = await http.get(f"/opendata/{dataset}.{fmt}")
            assert response.status_code == 200
            bodies.append(response.text)
    bodies.append((await http.get("/api/items", params={"per_page": 100})).text)
    bodies.append((await http.get("/api/search", params={"q": "网吧", "top": 25})).text)
    bodies.append((await http.get("/api/funds")).text)
    bodies.append((await http.get(f"/api/places/{seed.HONGDA}/poverty")).text)
    user = side.user()
    for question in (
        "网吧",
        "网吧年检",
        "网吧保密审查",
        "网吧变更",
        "网吧备案",
        "红大村 扶贫",
        "2015 农牧局 专项资金",
    ):
        bodies.append(await user.say(question))
    for code in hidden_codes:
        assert (await http.get(f"/items/{normalize_code_text(code)}")).status_code == 404
        assert (await http.get(f"/api/items/{code}")).status_code == 404
        # The citizen's own code is echoed back; nothing else about the record is.
        answer = await user.say(code)
        assert "没有找到编码为" in answer
        bodies.append(answer.replace(code, ""))
    everything = "\n".join(bodies)
    for text in hidden + [normalize_code_text(c) for c in hidden_codes] + hidden_codes:
        assert text not in everything, text
    exported = json.loads((await http.get("/opendata/items.json")).text)
    assert {row["code"] for row in exported}.isdisjoint(hidden_codes)


async def test_a_code_changed_with_its_body_points_to_the_new_one(citizen_side):
    from catalogue.models import RetiredCode

    old = seed.NETBAR.replace(seed.NETBAR[12:21], "008778693")  # another body's code
    async with citizen_side.sessions() as session:
        session.add(
            RetiredCode(
                code=old,
                basic_code=old[-10:],
                name="互联网上网服务营业场所经营单位设立审批",
                reason="recoded",
                merged_into=seed.NETBAR,
                basis="实施主体变更",
            )
        )
        await session.commit()
    page = await citizen_side.http.get(f"/items/{normalize_code_text(old)}")
    assert page.status_code == 410 and f"该编码已变更为 <code>{seed.NETBAR}</code>" in page.text
    api = await citizen_side.http.get(f"/api/items/{old}")
    assert api.status_code == 410
    assert api.json()["reason"] == "recoded" and api.json()["merged_into"] == seed.NETBAR
    assert api.json()["detail"] == f"该编码已变更为 {seed.NETBAR}。"
    reply = await citizen_side.user().say(old)
    assert f"该编码已变更为 {seed.NETBAR}" in reply, reply


async def test_the_guide_shows_the_last_change(citizen_side):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from catalogue.models import Item

    async with citizen_side.sessions() as session:
        await session.execute(
            update(Item)
            .where(Item.code == seed.NETBAR)
            .values(
                revised_at=datetime(2026, 10, 12, 2, tzinfo=UTC),
                revision_note="变更（第九条（四））：联系电话",
                version=Item.version + 1,
            )
        )
        await session.commit()
    html = (await citizen_side.http.get(f"/items/{NETBAR}")).text
    assert "2026-10-12（第 2 版）" in html and "变更（第九条（四））：联系电话" in html
    detail = (await citizen_side.http.get(f"/api/items/{NETBAR}")).json()
    assert detail["version"] == 2 and detail["updated_at"].startswith("2026-10-12")
    assert detail["revision_note"] == "变更（第九条（四））：联系电话"
