"""The app factory: what a production worker does at start beyond wiring."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.wire import sign
from handlers.observability import metrics
from tests.kits import citizen as kit


async def test_production_workers_freeze_their_startup_objects(sqlite_url):
    import gc

    settings = kit.settings_for(sqlite_url)  # test secrets: production would refuse them
    app = kit.create_app(settings.model_copy(update={"environment": "production"}))
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 0  # the index is out of the collector's scans
    finally:
        gc.unfreeze()


async def test_production_workers_warm_their_storage_at_start(sqlite_url, monkeypatch):
    import gc

    from bot.storage import MemoryStorage
    from handlers import app as app_module

    warmed: list[str] = []

    class Warmed(MemoryStorage):
        async def warm(self) -> None:
            warmed.append("warm")

    monkeypatch.setattr(app_module, "_storage", lambda settings: Warmed())
    settings = kit.settings_for(sqlite_url)
    for environment, expected in (("development", []), ("production", ["warm"])):
        warmed.clear()
        app = kit.create_app(settings.model_copy(update={"environment": environment}))
        try:
            async with app.router.lifespan_context(app):
                assert warmed == expected  # Redis connections open before the first message
        finally:
            gc.unfreeze()


# the fast lane: /wechat goes straight to the webhook, before FastAPI's middleware stack


class Spy:
    """A Starlette-style middleware that notes every HTTP path it sees."""

    seen: list[str] = []

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            Spy.seen.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)


@asynccontextmanager
async def _running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


def _posted(route: str = "/wechat", status: str = "200") -> float:
    """The count of POSTs answered `status` on `route`, read as `/metrics` reads it."""
    wanted = {"method": "POST", "route": route, "status": status}
    (family,) = metrics.HTTP_REQUESTS.collect()
    return sum(
        sample.value
        for sample in family.samples
        if sample.name.endswith("_total") and sample.labels == wanted
    )


async def test_wechat_callbacks_take_the_lane_and_other_paths_the_stack(sqlite_url):
    await kit.seed_database(sqlite_url)
    app = kit.create_app(kit.settings_for(sqlite_url, REDIS_URL=""))
    app.add_middleware(Spy)
    Spy.seen = []
    before = _posted()
    async with _running(app) as http:
        citizen = kit.WeChatUser(http, "o_lane_citizen")
        assert await citizen.say("低保") != ""
        assert (await http.get("/api/openapi.json")).status_code == 200
        refused = await http.put("/wechat")
    assert Spy.seen == ["GET /api/openapi.json", "PUT /wechat"]  # no POST /wechat
    assert _posted() == before + 1  # the lane's own metrics, counted once
    assert refused.status_code == 405  # a method the webhook does not answer: as before
    assert refused.json() == {"detail": "不支持这种访问方式。"}


async def test_the_webhook_is_not_in_the_openapi_schema(sqlite_url):
    app = kit.create_app(kit.settings_for(sqlite_url, REDIS_URL=""))
    assert not [path for path in app.openapi()["paths"] if path.startswith("/we")]


def _requests() -> list[tuple[str, dict[str, str], bytes]]:
    """One of each answer: verification, a message, refusals, odd methods and bodies."""
    now = str(int(time.time()))

    def signed(nonce: str, **extra: str) -> dict[str, str]:
        return {"signature": sign(kit.TOKEN, now, nonce), "timestamp": now, "nonce": nonce, **extra}

    return [
        ("GET", signed("1", echostr="hello"), b""),
        ("GET", signed("1", echostr="hello"), b""),  # replayed nonce
        ("GET", {**signed("2", echostr="x"), "signature": "0" * 40}, b""),
        ("POST", signed("3"), b"<xml><ToUserName>gh</ToUserName></xml>"),  # plaintext refused
        ("POST", {}, b"<xml/>"),
        ("POST", signed("4", encrypt_type="aes", msg_signature="0"), b"x" * 70_000),
        ("POST", signed("5", encrypt_type="aes", msg_signature="0"), b"<xml><Encrypt>"),
        ("HEAD", signed("6"), b""),
        ("DELETE", signed("7"), b""),
    ]


async def test_the_lane_answers_exactly_as_the_stack_did(sqlite_url):
    await kit.seed_database(sqlite_url)
    answers: dict[str, list[tuple[int, str | None, bytes]]] = {}
    for way in ("lane", "stack"):
        app = kit.create_app(kit.settings_for(sqlite_url, REDIS_URL=""))
        if way == "stack":
            app.lanes.clear()  # every request through middlewares, router and route
        async with _running(app) as http:
            answers[way] = [
                (r.status_code, r.headers.get("content-type"), r.content)
                for method, params, body in _requests()
                for r in [await http.request(method, "/wechat", params=params, content=body)]
            ]
            reply = await kit.WeChatUser(http, f"o_{way}").say("营业执照")
            answers[way].append((200, None, reply.encode()))
    assert answers["lane"] == answers["stack"]
    assert [status for status, _, _ in answers["lane"]] == [
        200, 403, 403, 403, 403, 413, 400, 400, 405, 200
    ]  # fmt: skip


def _periodic_tasks() -> list[asyncio.Task[Any]]:
    return [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "Periodic.run" and not task.done()
    ]


async def test_a_failed_start_stops_what_it_had_started(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.app import create_app
    from handlers.searching.public_items import PublicItems

    async def broken(self: PublicItems) -> None:
        raise RuntimeError("preload failed")

    monkeypatch.setattr(PublicItems, "preload", broken)
    before = _periodic_tasks()
    app = create_app(kit.settings_for(sqlite_url))
    with pytest.raises(RuntimeError, match="preload failed"):
        async with app.router.lifespan_context(app):
            pass
    assert _periodic_tasks() == before  # the watchers started before the failure are stopped


async def test_the_wecom_mount_is_closed_with_the_app(sqlite_url: str) -> None:
    from handlers.app import create_app
    from tests.kits import staff_wecom as wecom

    settings = kit.settings_for(
        sqlite_url,
        WECOM_CORP_ID=wecom.CORP_ID,
        WECOM_TOKEN=wecom.WECOM_TOKEN,
        WECOM_AES_KEY=wecom.WECOM_AES_KEY,
        WECOM_AGENT_ID=wecom.AGENT_ID,
        WECOM_SECRET="wecom-app-secret-for-tests",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        client = app.state.wecom.client
        assert client is not None and not client.http.is_closed
    assert client.http.is_closed


@pytest.mark.redis
async def test_no_openid_is_written_in_a_redis_key(sqlite_url: str, redis_url: str) -> None:
    import secrets

    from redis.asyncio import Redis

    from handlers.app import create_app
    from handlers.guards.privacy import keyed_hash

    await kit.seed_database(sqlite_url)
    settings = kit.settings_for(sqlite_url, REDIS_URL=redis_url)
    openid = f"o_keys_{secrets.token_hex(8)}"
    app = create_app(settings)
    async with _running(app) as http:
        user = kit.WeChatUser(http, openid)
        assert await user.say("人工")  # leaves a conversation state behind
    client = Redis.from_url(redis_url)
    try:
        names = [key.decode() async for key in client.scan_iter(match="zwbot:*")]
        hashed = keyed_hash(f"{kit.ACCOUNT}:{openid}", settings.hash_key.get_secret_value())
        assert f"zwbot:fsm:{hashed[:32]}:state" in names
        assert not any(openid in name for name in names)
        await client.delete(f"zwbot:fsm:{hashed[:32]}:state")
    finally:
        await client.aclose()


async def test_a_served_worker_starts_without_migrating(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`zwbot serve` migrates once before it starts its workers; their start skips it."""
    import handlers.app
    from catalogue import migrate
    from handlers.db.database import open_database

    settings = kit.settings_for(sqlite_url)
    async with open_database(settings):  # what `zwbot serve` does first
        pass

    async def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the worker migrated again")

    monkeypatch.setattr(migrate, "upgrade", refused)
    monkeypatch.setattr(handlers.app, "get_settings", lambda: settings)
    async with _running(handlers.app.create_served_app()) as http:
        assert (await http.get("/healthz")).status_code == 200
    migrating = handlers.app.create_app(settings)  # any other app migrates at its start
    with pytest.raises(AssertionError, match="migrated again"):
        async with migrating.router.lifespan_context(migrating):
            pass
