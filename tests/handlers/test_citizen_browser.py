"""The public pages in headless Chromium at a phone's viewport: no console errors, no failed
loads, no sideways scrolling. Chromium is Debian's `chromium` package, driven over the
DevTools protocol; CI must have it (the test fails there without it, and skips elsewhere)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
import zwbot_tests_citizen_kit as kit

from catalogue.codes import normalize_code_text

seed = kit.seed
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
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


def _chromium() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if path is None:
        message = "chromium is not installed (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def site(sqlite_url: str) -> Iterator[str]:
    """The seeded app served by uvicorn on a loopback port (in a thread)."""

    async def prepare() -> None:
        async with kit.running_side(sqlite_url):
            pass  # migrated and seeded; the served app below opens the same database

    asyncio.run(prepare())
    with kit.serving(kit.create_app(kit.settings_for(sqlite_url))) as base:
        yield base


class Browser:
    """A headless Chromium and one DevTools connection to it."""

    def __init__(self, process: subprocess.Popen[str], ws: Any) -> None:
        self.process = process
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        await self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    async def wait_for(self, method: str, session: str, timeout: float = 30) -> None:
        if any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            return
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            event = json.loads(await asyncio.wait_for(self.ws.recv(), end - time.monotonic()))
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return
        raise TimeoutError(method)

    async def drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(await asyncio.wait_for(self.ws.recv(), left)))
            except TimeoutError:
                return


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    process = subprocess.Popen(
        [
            _chromium(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--remote-debugging-port=0",
            f"--user-data-dir={tmp_path / 'profile'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        end = time.monotonic() + 30
        assert process.stderr is not None
        while url is None and time.monotonic() < end:
            line = await asyncio.to_thread(process.stderr.readline)
            if not line and process.poll() is not None:
                break
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            url = found.group(1) if found else None
        assert url, "chromium did not open its DevTools port"
        async with websockets.connect(url, max_size=None) as ws:
            yield Browser(process, ws)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _problems(events: list[dict[str, Any]], session: str) -> list[str]:
    found = []
    for event in events:
        if event.get("sessionId") != session:
            continue
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(f"console.{params['type']}: {params.get('args')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            # The Chinese 404 page is expected to answer 404; everything it loads must not fail.
            if "status of 404" in entry.get("text", "") and entry.get("url", "").endswith(
                "/no/such/page"
            ):
                continue
            found.append(f"log: {entry.get('text')} {entry.get('url', '')}")
    return found


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
        assert _problems(browser.events, session) == [], path
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
