"""The staff console driven in headless Chromium: WeCom sign-in through the fake WeCom API's
authorisation redirect, the TOTP step typed into the page, a bulk approval confirmed with one
code, an import file uploaded and a ticket answered — with the real cookies (Secure, HttpOnly,
SameSite=Strict), the CSP and no console errors. Screenshots go to the test's folder."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from catalogue import migrate
from catalogue import tickets as ticket_rules
from catalogue.db import session_factory
from catalogue.models import ChangeRequest, Item, Ticket
from catalogue.workflow import fields, proposals, runner
from handlers.app import create_app
from tests.kits import browser as chromium
from tests.kits import citizen as kit
from tests.kits import staff_wecom as wk
from tests.kits import staff_world as W
from tools.fakes import FakeWeChatApi, FakeWeComApi

browser = chromium.browser  # the Chromium fixture of the browser kit
SECRET = "console-browser-wecom-secret"
WECHAT_SECRET = "console-browser-wechat-sec"


@dataclass
class Site:
    base: str
    sessions: Any
    world: Any
    wecom: FakeWeComApi
    wechat: FakeWeChatApi


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    async def prepare() -> Any:
        engine = create_async_engine(sqlite_url)
        await migrate.upgrade(engine)
        world = await W.build_world(session_factory(engine))
        await engine.dispose()
        return world

    world = asyncio.run(prepare())
    wecom = FakeWeComApi(corp_id=wk.CORP_ID, secret=SECRET)
    wechat = FakeWeChatApi(app_id=kit.APP_ID, app_secret=WECHAT_SECRET)
    with wecom.serve() as wecom_base, wechat.serve() as wechat_base:
        settings = kit.settings_for(
            sqlite_url,
            WECHAT_APP_SECRET=WECHAT_SECRET,
            WECHAT_API_BASE=wechat_base,
            WECOM_CORP_ID=wk.CORP_ID,
            WECOM_TOKEN=wk.WECOM_TOKEN,
            WECOM_AES_KEY=wk.WECOM_AES_KEY,
            WECOM_AGENT_ID=wk.AGENT_ID,
            WECOM_SECRET=SECRET,
            WECOM_API_BASE=wecom_base,
            WECOM_OAUTH_BASE=wecom_base,
        )
        app = create_app(settings)
        with kit.serving(app) as base:
            settings.public_base_url = base  # WeCom sends the browser back here
            engine_sessions = app.state.sessions
            yield Site(base, engine_sessions, world, wecom, wechat)


class Page:
    """One browser tab over DevTools."""

    def __init__(self, browser: Any, session: str, folder: Path) -> None:
        self.browser = browser
        self.session = session
        self.folder = folder
        self.problems: list[str] = []

    async def _settle(self) -> None:
        await self.browser.wait_for("Page.loadEventFired", self.session)
        await self.browser.drain(0.2)
        self.problems += chromium.problems(self.browser.events, self.session)
        self.browser.events.clear()

    async def go(self, url: str) -> None:
        self.browser.events.clear()
        await self.browser.call("Page.navigate", self.session, url=url)
        await self._settle()

    async def js(self, expression: str) -> Any:
        found = await self.browser.call(
            "Runtime.evaluate", self.session, expression=expression, returnByValue=True
        )
        return found["result"].get("value")

    async def act(self, expression: str) -> None:
        """Run script that navigates (a click, a form submit) and wait for the new page."""
        self.browser.events.clear()
        await self.js(expression)
        await self._settle()

    async def text(self) -> str:
        return str(await self.js("document.body.innerText"))

    async def path(self) -> str:
        return str(await self.js("location.pathname"))

    async def upload(self, selector: str, file: Path) -> None:
        document = await self.browser.call("DOM.getDocument", self.session)
        node = await self.browser.call(
            "DOM.querySelector", self.session, nodeId=document["root"]["nodeId"], selector=selector
        )
        await self.browser.call(
            "DOM.setFileInputFiles", self.session, files=[str(file)], nodeId=node["nodeId"]
        )

    async def shot(self, name: str) -> None:
        found = await self.browser.call(
            "Page.captureScreenshot", self.session, format="png", captureBeyondViewport=True
        )
        (self.folder / f"{name}.png").write_bytes(base64.b64decode(found["data"]))


async def _tab(browser: Any, folder: Path) -> Page:
    target = await browser.call("Target.createTarget", url="about:blank")
    attached = await browser.call(
        "Target.attachToTarget", targetId=target["targetId"], flatten=True
    )
    session = attached["sessionId"]
    for domain in ("Page.enable", "Runtime.enable", "Log.enable", "DOM.enable"):
        await browser.call(domain, session)
    await browser.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=1280,
        height=900,
        deviceScaleFactor=1,
        mobile=False,
    )
    return Page(browser, session, folder)


async def _file_requests(site: Site) -> list[int]:
    ids = []
    for user, code, op in (
        ("clerk", W.LIVE, "change"),
        ("clerk", W.DRAFT, "submit"),
    ):
        staff = site.world.staff[user]

        async def operation(session: Any, member: Any, code: str = code, op: str = op) -> Any:
            if op == "submit":
                return await proposals.submit(session, member, code)
            spec = fields.BY_ATTRIBUTE["phone"]
            return await proposals.propose_change(session, member, code, [(spec, "0935-3128888")])

        outcome = await runner.run(site.sessions, runner.Actor.of(staff), "test", operation)
        assert not outcome.refused, outcome.message
        ids.append(outcome.result.request.id)
    return ids


async def test_a_reviewers_day_in_the_browser(site: Site, browser: Any, tmp_path: Path) -> None:
    ids = await _file_requests(site)
    async with site.sessions() as session:
        ticket = await ticket_rules.open_ticket(
            session, openid="o_browser_citizen_000000000000", message="几天能办好？"
        )
        await session.commit()
    page = await _tab(browser, tmp_path)
    totp = pyotp.TOTP(site.world.secrets["review"])

    await page.go(site.base + "/console")
    assert await page.path() == "/console/login"
    site.wecom.signed_in = "review"
    await page.act("document.querySelector('a.button').click()")  # to WeCom and back
    assert await page.path() == "/console/oauth" and "请输入动态码" in await page.text()
    assert await page.js("document.cookie") == ""  # HttpOnly: no script sees the session
    await page.shot("totp")
    await page.act(
        f"document.getElementById('code').value = '{totp.now()}';"
        "document.querySelector('form.stack').submit()"
    )
    assert await page.path() == "/console" and "件申请等您办理" in await page.text()

    await page.go(site.base + "/console/queue")
    queue = await page.text()
    assert all(f"#{i}" in queue for i in ids)
    await page.shot("queue")
    code = totp.at(time.time() + 30)  # the next code: one code is accepted once
    await page.act(
        "document.querySelector('input[data-select-all]').click();"  # console.js ticks them all
        f"document.getElementById('totp').value = '{code}';"
        "document.querySelector('fieldset.decide button').click()"
    )
    shown = await page.text()
    assert "办理结果" in shown and f"#{ids[0]} 审核通过" in shown, shown
    await page.shot("approved")
    async with site.sessions() as session:
        states = [(await session.get(ChangeRequest, i)).state for i in ids]  # type: ignore[union-attr]
    assert states == ["approved", "approved"]

    await page.go(site.base + "/console/tickets")
    await page.act(
        f"document.getElementById('answer{ticket.id}').value = '一般5个工作日。';"
        f"document.querySelector('form[action$=\"/{ticket.id}/answer\"]').submit()"
    )
    assert "已送达" in await page.text()
    async with site.sessions() as session:
        answered = await session.get(Ticket, ticket.id)
        assert answered is not None and answered.state == "delivered"

    await page.act("document.querySelector('form.signout button').click()")
    assert await page.path() == "/console/login" and "已安全退出" in await page.text()

    # a clerk signs in and uploads a file of new items
    site.wecom.signed_in = "clerk"
    await page.act("document.querySelector('a.button').click()")
    clerk_code = pyotp.TOTP(site.world.secrets["clerk"]).now()
    await page.act(
        f"document.getElementById('code').value = '{clerk_code}';"
        "document.querySelector('form.stack').submit()"
    )
    await page.go(site.base + "/console/import")
    upload = tmp_path / "items.csv"
    upload.write_text(
        "事项编码,事项名称,事项类别,实施主体,咨询电话\n,养老机构备案,其他,天祝县民政局,0935-3121001\n",
        encoding="utf-8-sig",
    )
    await page.upload("#file", upload)
    await page.act("document.querySelector('form.stack').submit()")
    shown = await page.text()
    assert "新增 1 条" in shown and "新建：" in shown and "/tmp/" not in shown, shown
    await page.shot("imported")
    async with site.sessions() as session:
        item = (await session.scalars(select(Item).where(Item.name == "养老机构备案"))).one()
        assert item.status == "draft"
    assert page.problems == []
