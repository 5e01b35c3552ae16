"""The real 6,318-item file loaded beside the demo is three other regions' catalogues: none of
it reaches Tianzhu's citizens through the webhook, the pages, the API or the open data."""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from catalogue import migrate
from catalogue.codes import normalize_code_text
from catalogue.db import create_engine, session_factory
from catalogue.demo import load_demo
from catalogue.importing import import_file
from catalogue.importing.options import published_at_source
from catalogue.models import Department, Item
from catalogue.queries.visibility import public_item
from handlers.staff.import_wording import report_lines
from tests.kits import citizen as kit


@asynccontextmanager
async def demo_beside_real(database_url: str, real: Path) -> AsyncIterator[dict[str, Any]]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    async with sessions() as session:
        await load_demo(session)
        await session.commit()
        # The real file lacks fields the county requires, so a first load keeps it as drafts;
        # published as their sources published them here, it is the case that must never leak.
        report = await import_file(
            session, "items", real, publish=True, missing_fields=published_at_source()
        )
        assert report.ok and report.published > 6000, report_lines(report, 10)
        await session.commit()
        foreign = (await session.scalars(select(Item).where(~Item.code.like("620623%")))).all()
        departments = (
            await session.scalars(select(Department).where(~Department.region_code.like("620623%")))
        ).all()
        local = (await session.scalars(select(Item.code).where(public_item()))).all()
    app = kit.create_app(kit.settings_for(database_url))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield {
                    "http": http,
                    "foreign": foreign,
                    "foreign_departments": [d.name for d in departments],
                    "local": set(local),
                    "url": database_url,
                }
    finally:
        await engine.dispose()


@pytest.fixture
async def world(database_url: str, shared_dir: Path) -> AsyncIterator[dict[str, Any]]:
    async with demo_beside_real(database_url, shared_dir / "data" / "service_items.csv") as side:
        yield side


def _leaks(text: str, world: dict[str, Any]) -> list[str]:
    """Names of other regions' departments or codes that appear in a reply or page."""
    found = [name for name in world["foreign_departments"] if name in text]
    for marker in ("020-", "广州市", "广东省", "克拉玛依", "广安区", "四川省"):
        if marker in text:
            found.append(marker)
    return found


async def test_chat_never_answers_with_another_regions_item(world: dict[str, Any]) -> None:
    http = world["http"]
    citizen = kit.WeChatUser(http, "o_other_regions_citizen")
    sample = random.Random(7).sample(list(world["foreign"]), 25)
    questions = [
        "港澳通行证",
        "办理往来港澳通行证",
        "律师事务所联营",
        *[i.name[:30] for i in sample],
    ]
    for question in questions:
        reply = await citizen.say(question)
        # a reply may quote the question back; what it offers must not be another region's
        offered = reply.replace(question, "").replace(
            question.replace("（", "(").replace("）", ")"), ""
        )
        assert not _leaks(offered, world), (question, reply[:300])
        for item in sample:
            assert normalize_code_text(item.code) not in normalize_code_text(reply), question


async def test_pages_api_and_open_data_hold_only_the_countys_items(world: dict[str, Any]) -> None:
    http = world["http"]
    for path in ("/", "/departments", "/items", "/search?q=港澳通行证", "/opendata"):
        page = await http.get(path)
        assert page.status_code == 200, path
        assert not _leaks(page.text, world), path
    someone_elses = world["foreign"][0]
    compact = normalize_code_text(someone_elses.code)
    assert (await http.get(f"/items/{compact}")).status_code == 404
    assert (await http.get(f"/api/items/{compact}")).status_code == 404
    if someone_elses.national_item_code:
        assert (await http.get(f"/api/items/{someone_elses.national_item_code}")).status_code == 404
    listed = (await http.get("/api/items", params={"per_page": 100})).json()
    assert listed["total"] == len(world["local"])
    departments = (await http.get("/api/departments")).json()
    assert not _leaks(json.dumps(departments, ensure_ascii=False), world)
    hits = (await http.get("/api/search", params={"q": "港澳通行证"})).json()
    assert all(normalize_code_text(h["item"]["code"]).startswith("620623") for h in hits)
    for name in ("items", "departments", "regions"):
        data = (await http.get(f"/opendata/{name}.csv")).text
        assert not _leaks(data, world), name
    items_csv = list(
        csv.DictReader((await http.get("/opendata/items.csv")).text.lstrip("\ufeff").splitlines())
    )
    assert {normalize_code_text(r["事项编码"]) for r in items_csv} == {
        normalize_code_text(code) for code in world["local"]
    }


async def test_the_home_region_is_a_setting(world: dict[str, Any]) -> None:
    guangdong = kit.create_app(kit.settings_for(world["url"], ZWBOT_HOME_REGION="440000"))
    async with guangdong.router.lifespan_context(guangdong):
        transport = httpx.ASGITransport(app=guangdong)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            listed = (await http.get("/api/items", params={"per_page": 100})).json()
            codes = [normalize_code_text(i["code"]) for i in listed["items"]]
            assert codes and all(code[:4] in ("4400", "4401") for code in codes)
            reply = await kit.WeChatUser(http, "o_guangzhou").say("港澳通行证")
            assert "620623" not in normalize_code_text(reply)
            # the default account's fixed sentences name its home region, not Tianzhu
            user = kit.WeChatUser(http, "o_guangdong")
            said = "\n".join([await user.say("你是机器人吗"), await user.say("怎么预约取号")])
            assert "我是广东省政务服务公众号" in said and "广东政务服务网或“粤省事”" in said
            assert not re.search("天祝|甘肃|甘快办", said), said
            assert guangdong.state.citizen_post.signature == "广东省政务服务"  # ticket answers
