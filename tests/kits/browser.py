"""A headless Chromium (Debian's `chromium` package) driven over the DevTools protocol: the
`browser` fixture, and the console errors and failed loads of a page (`problems`). CI must
have Chromium (a test using it fails there without it, and skips elsewhere)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import websockets

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


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


def problems(events: list[dict[str, Any]], session: str) -> list[str]:
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
