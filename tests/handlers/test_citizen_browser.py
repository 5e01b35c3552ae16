"""The public pages in headless Chromium at a phone's viewport: no console errors, no failed
loads, no sideways scrolling. Chromium is Debian's `chromium` package, driven over the
DevTools protocol; CI must have it (the test fails there without it, and skips elsewhere)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from catalogue.codes import normalize_code_text
from tests.kits import citizen as kit
from tests.kits.browser import browser, problems

__all__ = ["browser"]  # the fixture

seed = kit.seed
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
PAGES = [
    "/",
    "/items?category=XK",
    f"/items/{normalize_code_text(seed.NETBAR)}",
    f"/items/{normalize_code_text(seed.PERFORMANCE)}",
    "/departments",
    "/villages",
    f"/villages/{seed.HONGDA}",
    "/funds?year=2015",
    "/search?q=开网吧",
    "/opendata",
    "/no/such/page",
]


@pytest.fixture
def site(sqlite_url: str) -> Iterator[str]:
    """The seeded app served by uvicorn on a loopback port (in a thread)."""

    async def prepare() -> None:
        async with kit.running_side(sqlite_url):
            pass  # migrated and seeded; the served app below opens the same database

    asyncio.run(prepare())
    with kit.serving(kit.create_app(kit.settings_for(sqlite_url))) as base:
        yield base


async def test_pages_render_on_a_phone_without_console_errors(site, browser, tmp_path):
    target = await browser.call("Target.createTarget", url="about:blank")
    attached = await browser.call(
        "Target.attachToTarget", targetId=target["targetId"], flatten=True
    )
    session = attached["sessionId"]
    for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
        await browser.call(domain, session)
    await browser.call("Emulation.setDeviceMetricsOverride", session, **PHONE)
    await browser.call("Emulation.setScriptExecutionDisabled", session, value=True)
    for path in PAGES:
        browser.events.clear()
        await browser.call("Page.navigate", session, url=site + path)
        await browser.wait_for("Page.loadEventFired", session)
        await browser.drain(0.3)
        assert problems(browser.events, session) == [], path
        layout = await browser.call(
            "Runtime.evaluate",
            session,
            expression="JSON.stringify([document.documentElement.scrollWidth, innerWidth,"
            " document.title, getComputedStyle(document.body).fontSize,"
            " document.styleSheets.length])",
            returnByValue=True,
        )
        scroll_width, inner_width, title, font, sheets = json.loads(layout["result"]["value"])
        assert scroll_width <= inner_width, (
            f"{path} scrolls sideways: {scroll_width} > {inner_width}"
        )
        assert "天祝" in title and font == "17px" and sheets == 1, path
    shot = await browser.call("Page.captureScreenshot", session, format="png")
    assert len(shot["data"]) > 1000
