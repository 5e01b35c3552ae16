"""JSON logs hide openids; metrics add up across workers; health and readiness probes."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import structlog
from fastapi import FastAPI

from handlers import observability
from handlers.guards.privacy import keyed_hash, openid_hash
from handlers.metrics_folder import prepare_multiprocess_dir
from handlers.observability import metrics
from handlers.observability.logs import HashUserIds, configure_logging
from handlers.settings import Settings
from tests.kits.metrics import counted

OPENID = "oAbCdEfGhIjKlMnOpQrStUvWxYz1"  # 28 characters, as WeChat's


def _settings(**values: str) -> Settings:
    return Settings(ZWBOT_HASH_KEY="test-hash-key", **values)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(_settings(), stream=stream)
    yield stream
    logging.getLogger().handlers = [
        h for h in logging.getLogger().handlers if h.get_name() != "zwbot-json"
    ]
    structlog.reset_defaults()


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_openid_fields_and_strings_are_hashed(log_lines: io.StringIO) -> None:
    structlog.get_logger("t").info(
        "message handled",
        openid=OPENID,
        FromUserName=OPENID,
        body=f"<xml><FromUserName><![CDATA[{OPENID}]]></FromUserName></xml>",
        nested={"user_id": OPENID, "text": f"hello {OPENID}"},
    )
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1",
        "POST",
        f"/wechat?signature=ab&openid={OPENID}&nonce=1",
        "1.1",
        200,
    )
    text = log_lines.getvalue()
    assert OPENID not in text
    first, access = _records(log_lines)
    hashed = "u:" + keyed_hash(OPENID, "test-hash-key")[:16]
    assert first["openid"] == hashed and first["FromUserName"] == hashed
    assert hashed in str(first["body"]) and first["nested"] == {
        "user_id": hashed,
        "text": f"hello {hashed}",
    }
    assert first["level"] == "info" and "timestamp" in first
    assert f"openid={hashed}" in str(access["event"]) and access["logger"] == "uvicorn.access"


def test_exception_tracebacks_are_scrubbed(log_lines: io.StringIO) -> None:
    try:
        raise RuntimeError(f"lookup failed for {OPENID}")
    except RuntimeError:
        logging.getLogger("zwbot.test").exception("handler failed")
    (record,) = _records(log_lines)
    assert OPENID not in log_lines.getvalue()
    assert "RuntimeError" in str(record["exception"])


def test_keyed_hash_depends_on_the_key() -> None:
    assert openid_hash(OPENID, _settings()) == keyed_hash(OPENID, "test-hash-key")
    assert keyed_hash(OPENID, "a") != keyed_hash(OPENID, "b")
    assert len(openid_hash(OPENID, _settings())) == 64
    assert HashUserIds("k").scrub("no ids here: o123") == "no ids here: o123"


def _app(settings: Settings) -> FastAPI:
    app = FastAPI()

    @app.get("/api/items/{code}")
    async def item(code: str) -> dict[str, str]:
        return {"code": code}

    observability.install(app, settings)
    return app


async def _get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get(path)


@pytest.mark.redis
async def test_health_ready_and_metrics(sqlite_url: str, redis_url: str) -> None:
    app = _app(_settings(DATABASE_URL=sqlite_url, REDIS_URL=redis_url))
    assert (await _get(app, "/healthz")).json() == {"status": "ok"}
    ready = await _get(app, "/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}

    before = counted(metrics.HTTP_REQUESTS, method="GET", route="/api/items/{code}", status="200")
    await _get(app, "/api/items/XK00001000")
    metrics.record_deadline_fallback()
    metrics.record_retry_absorbed()
    with metrics.search_timer():
        pass
    page = (await _get(app, "/metrics")).text
    after = counted(metrics.HTTP_REQUESTS, method="GET", route="/api/items/{code}", status="200")
    assert after == before + 1
    for name in (
        'zwbot_http_requests_total{method="GET",route="/api/items/{code}",status="200"}',
        "zwbot_http_request_seconds_bucket",
        "zwbot_deadline_fallbacks_total",
        "zwbot_retries_absorbed_total",
        "zwbot_search_seconds_count",
    ):
        assert name in page
    assert "XK00001000" not in page  # raw paths never become labels


async def test_readyz_reports_unreachable_database_and_redis() -> None:
    port = _free_port()  # nothing listens there
    settings = _settings(
        DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/none",
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
    )
    ready = await _get(_app(settings), "/readyz")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"].startswith("unreachable") and checks["redis"].startswith(
        "unreachable"
    )
    assert (await _get(_app(settings), "/healthz")).status_code == 200


_WORKER = """
from handlers.observability import metrics
for _ in range({n}):
    metrics.record_deadline_fallback()
metrics.observe_search(0.002)
"""


def test_metrics_add_up_across_worker_processes(tmp_path: Path) -> None:
    env = {**os.environ, metrics.MULTIPROC_ENV: str(tmp_path)}
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", _WORKER.format(n=n)], env=env, check=True, timeout=60)
    page = subprocess.run(
        [
            sys.executable,
            "-c",
            "from handlers.observability import metrics; print(metrics.render()[0].decode())",
        ],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout
    assert "zwbot_deadline_fallbacks_total 7.0" in page
    assert "zwbot_search_seconds_count 2.0" in page


def test_prepare_multiprocess_dir_empties_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(metrics.MULTIPROC_ENV, "")  # restored to unset after the test
    monkeypatch.delenv(metrics.MULTIPROC_ENV)
    assert prepare_multiprocess_dir(1) is None
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"stale")
    assert prepare_multiprocess_dir(2, folder) == folder
    assert list(folder.iterdir()) == [] and os.environ[metrics.MULTIPROC_ENV] == str(folder)


async def test_bot_deadline_fallbacks_and_absorbed_retries_are_counted() -> None:
    import asyncio

    from bot.dispatcher import Dispatcher
    from bot.events import event_from_fields
    from bot.responder import Responder
    from handlers.observability.bridge import install_bot_log_metrics

    install_bot_log_metrics()
    dispatcher = Dispatcher()

    @dispatcher.text()
    async def slow(event: object) -> str:
        await asyncio.sleep(0.3)
        return "答复"

    sent: list[str] = []

    async def sender(openid: str, reply: object) -> None:
        sent.append(openid)

    responder = Responder(dispatcher, sender=sender, deadline=0.1)
    event = event_from_fields(
        {
            "ToUserName": "gh",
            "FromUserName": OPENID,
            "CreateTime": "1",
            "MsgType": "text",
            "Content": "低保",
            "MsgId": "42",
        }
    )
    fallbacks = counted(metrics.DEADLINE_FALLBACKS)
    absorbed = counted(metrics.RETRIES_ABSORBED)
    first, retry = await asyncio.gather(
        responder.respond(event, lambda xml: xml), responder.respond(event, lambda xml: xml)
    )
    await responder.drain()
    assert first.body == retry.body == "success" and sent == [OPENID]
    assert counted(metrics.DEADLINE_FALLBACKS) == fallbacks + 1
    assert counted(metrics.RETRIES_ABSORBED) == absorbed + 1


async def test_the_app_counts_updates_and_answers_probes(sqlite_url: str, tmp_path: Path) -> None:
    import time

    from bot.wire import WeChatEnvelope, build_xml
    from handlers.app import create_app

    aes = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    settings = _settings(
        ZWBOT_ENV="test",
        ZWBOT_DATA_DIR=str(tmp_path),
        DATABASE_URL=sqlite_url,
        REDIS_URL="",
        WECHAT_TOKEN="obs-token",
        WECHAT_APP_ID="wx_obs",
        WECHAT_AES_KEY=aes,
    )
    app = create_app(settings)
    envelope = WeChatEnvelope("obs-token", "wx_obs", aes)
    xml = build_xml(
        {"ToUserName": "gh", "FromUserName": OPENID, "CreateTime": int(time.time()),
         "MsgType": "text", "Content": "办理低保需要什么材料", "MsgId": 77}
    )  # fmt: skip
    searches = _search_count()
    before = sum(
        counted(metrics.UPDATES, kind="text", outcome=outcome)
        for outcome in ("handled", "unhandled", "error")
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        query, body = envelope.wrap(xml, encrypted=True)
        assert (await client.post("/wechat", params=query, content=body)).status_code == 200
        assert (await client.get("/readyz")).json()["checks"] == {"database": "ok"}
        page = (await client.get("/metrics")).text
    after = sum(
        counted(metrics.UPDATES, kind="text", outcome=outcome)
        for outcome in ("handled", "unhandled", "error")
    )
    assert after == before + 1
    # Searched as said, and (nothing found in an empty catalogue) once more in plain words.
    assert _search_count() == searches + 2
    assert 'zwbot_http_requests_total{method="POST",route="/wechat",status="200"}' in page


def _search_count() -> float:
    (family,) = metrics.SEARCH_LATENCY.collect()
    return next(s.value for s in family.samples if s.name == "zwbot_search_seconds_count")


def test_observe_http_counts_each_series_and_stays_bounded() -> None:
    def count(method: str, status: str = "200") -> float:
        return counted(metrics.HTTP_REQUESTS, method=method, route="/obs-test", status=status)

    def observed(route: str = "/obs-test") -> float:
        (family,) = metrics.HTTP_LATENCY.collect()
        return sum(
            s.value
            for s in family.samples
            if s.name.endswith("_count") and s.labels["route"] == route
        )

    before, seen = count("POST"), observed()
    for status in (200, 200, 403):
        metrics.observe_http("POST", "/obs-test", status, 0.001)
    assert count("POST") == before + 2 and count("POST", "403") == 1
    assert observed() == seen + 3
    # Odd methods from clients: each still counted, the remembered series capped.
    methods = [f"X{n}" for n in range(metrics.HTTP_SERIES_MAX + 10)]
    for method in methods:
        metrics.observe_http(method, "/obs-test", 200, 0.001)
    assert all(count(method) == 1 for method in methods)
    assert metrics.remembered_http_series() <= metrics.HTTP_SERIES_MAX
