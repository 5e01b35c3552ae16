"""The citizen side end to end: a seeded database, the real app, and a WeChat user who posts
signed, AES-encrypted callbacks built with wechatpy's own crypto (as WeChat does).

Test modules import it as `from tests.kits import citizen as kit`; its fixtures are
shared through tests/handlers/conftest.py.
"""

from __future__ import annotations

import itertools
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import to_text

from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.demo import load_demo
from catalogue.models import PowerItem, ServiceItem
from handlers.app import create_app
from handlers.settings import Settings
from tests.kits import public_catalogue as seed

TOKEN = "citizen-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0123456789abcdef"
ACCOUNT = "gh_tianzhu_test"
BASE_URL = "https://zw.tianzhu.example"
MAX_BYTES = 2048


# Registrations with many results, so lists have more than one page.
REGISTRATIONS = [
    "个体工商户设立登记",
    "个体工商户变更登记",
    "个体工商户注销登记",
    "农民专业合作社设立登记",
    "农民专业合作社变更登记",
    "农民专业合作社注销登记",
    "企业名称变更登记",
]


async def add_registrations(session: AsyncSession, department_id: int) -> list[str]:
    """Seven published registration items (QR category) of one department."""
    codes = []
    for number, name in enumerate(REGISTRATIONS, start=20):
        code = seed.code(seed.SOCIAL_ORG, "QR", number)
        session.add(
            seed.item(
                PowerItem if number % 2 else ServiceItem,
                code,
                name,
                department_id=department_id,
                requirements=[
                    {"name": "登记申请书", "originals": 1, "copies": 0, "required": True}
                ],
            )
        )
        codes.append(code)
    await session.commit()
    return codes


def settings_for(database_url: str, **extra: Any) -> Settings:
    """Settings of a test app in safe (AES) mode."""
    values: dict[str, Any] = {
        "ZWBOT_ENV": "test",
        "DATABASE_URL": database_url,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_AES_KEY": AES_KEY,
        "PUBLIC_BASE_URL": BASE_URL,
        "ZWBOT_HASH_KEY": "citizen-tests-hash-key",
        # Conversations here are scripted and fast; the rate limits have their own tests.
        "ZWBOT_RATE_LIMIT_PER_MINUTE": 100_000,
        "ZWBOT_WEB_RATE_LIMIT_PER_MINUTE": 0,
    }
    values.update(extra)
    return Settings(**values)


@dataclass
class Reply:
    """What the citizen sees."""

    status: int
    fields: dict[str, str]

    @property
    def text(self) -> str:
        if self.fields.get("MsgType") == "news":
            return f"{self.fields.get('Title', '')}\n{self.fields.get('Description', '')}"
        return self.fields.get("Content", "")


def _parse(xml: str) -> dict[str, str]:
    from defusedxml import ElementTree

    root = ElementTree.fromstring(xml)
    return {child.tag: (child.text or "") for child in root.iter() if len(child) == 0}


class WeChatUser:
    """One follower posting to `/wechat` exactly as WeChat's servers do in safe mode."""

    def __init__(self, http: httpx.AsyncClient, openid: str) -> None:
        self.http = http
        self.openid = openid
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        self._sent = 0

    def xml(self, msg_type: str, **fields: str) -> str:
        # WeChat dedups events by sender and CreateTime: a person clicks at most once a second.
        self._sent += 1
        parts = [
            f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
            f"<FromUserName><![CDATA[{self.openid}]]></FromUserName>",
            f"<CreateTime>{int(time.time()) + self._sent}</CreateTime>",
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
        ]
        parts += [f"<{k}>{escape(v)}</{k}>" for k, v in fields.items()]
        if msg_type != "event":
            parts.append(f"<MsgId>{secrets.randbelow(2**62)}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"

    async def post(self, xml: str) -> Reply:
        timestamp = str(int(time.time()))
        nonce = str(secrets.randbelow(10**9))
        sealed = _parse(self.crypto.encrypt_message(xml, nonce, timestamp))
        import hashlib

        signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
        params = {
            "signature": signature,
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": self.openid,
            "encrypt_type": "aes",
            "msg_signature": sealed["MsgSignature"],
        }
        body = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>"
        )
        response = await self.http.post("/wechat", params=params, content=body.encode("utf-8"))
        if response.status_code != 200 or not response.text.startswith("<"):
            return Reply(response.status_code, {})
        outer = _parse(response.text)
        plain = self.crypto.decrypt_message(
            response.text, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
        )
        reply = Reply(response.status_code, _parse(to_text(plain)))
        assert len(reply.text.encode("utf-8")) <= MAX_BYTES, reply.text
        return reply

    def text_xml(self, text: str) -> str:
        """A new text message, to post (or re-post, as a WeChat retry) with `post`."""
        return self.xml("text", Content=text)

    async def say(self, text: str) -> str:
        reply = await self.post(self.xml("text", Content=text))
        assert reply.status == 200
        return reply.text

    async def speak(self, recognition: str) -> str:
        xml = self.xml("voice", MediaId="media1", Format="amr", Recognition=recognition)
        return (await self.post(xml)).text

    async def click(self, key: str) -> str:
        return (await self.post(self.xml("event", Event="CLICK", EventKey=key))).text

    async def subscribe(self) -> str:
        return (await self.post(self.xml("event", Event="subscribe", EventKey=""))).text

    async def unsubscribe(self) -> Reply:
        return await self.post(self.xml("event", Event="unsubscribe"))


_FOLLOWERS = itertools.count(1)


def new_follower(demo: tuple[httpx.AsyncClient, Any], prefix: str = "o_follower") -> WeChatUser:
    """A new follower of the demo app (its client and sessions) each call: counted, since
    id(object()) could repeat (a freed object's address is reused, and two 'new' citizens
    then shared one conversation)."""
    http, _ = demo
    return WeChatUser(http, f"{prefix}_{next(_FOLLOWERS)}")


def is_card_or_list(text: str) -> bool:
    """Whether a reply shows an item card or a list of items."""
    return "编码：" in text or "回复序号" in text or "完整办事指南" in text


@dataclass
class CitizenSide:
    """The running app, its database and a way to make users."""

    app: FastAPI
    http: httpx.AsyncClient
    sessions: async_sessionmaker[AsyncSession]
    ids: Any
    registrations: list[str]

    def user(self, openid: str | None = None) -> WeChatUser:
        return WeChatUser(self.http, openid or f"o_{secrets.token_hex(8)}")


async def seed_database(database_url: str) -> Any:
    """Migrate the database and insert the public-catalogue seed (committed); the seed's ids."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine)() as session:
            return await seed.seed_public_catalogue(session)
    finally:
        await engine.dispose()


@contextmanager
def serving(app: ASGIApp, lifespan: str = "on") -> Iterator[str]:
    """`app` under uvicorn on a real loopback socket, in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    give_up = time.monotonic() + 60
    while not server.started and time.monotonic() < give_up:
        time.sleep(0.02)
    assert server.started, "the app did not start"
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@asynccontextmanager
async def running_side(database_url: str, **settings: Any) -> AsyncIterator[CitizenSide]:
    """Migrate and seed the database, then run the real app (lifespan included); `settings`
    are environment names and values over `settings_for`'s."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            ids = await seed.seed_public_catalogue(session)
        async with sessions() as session:
            registrations = await add_registrations(session, ids.social_id)
        app = create_app(settings_for(database_url, **settings))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield CitizenSide(app, http, sessions, ids, registrations)
    finally:
        await engine.dispose()


@pytest.fixture
async def citizen_side(sqlite_url: str) -> AsyncIterator[CitizenSide]:
    """The seeded app on SQLite (conversation behaviour does not depend on the database)."""
    async with running_side(sqlite_url) as side:
        yield side


@pytest.fixture
async def citizen_side_any_db(database_url: str) -> AsyncIterator[CitizenSide]:
    """The seeded app on SQLite and on PostgreSQL (figures and visibility)."""
    async with running_side(database_url) as side:
        yield side


@asynccontextmanager
async def demo_database(
    database_url: str,
) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    """A database migrated and loaded with the demo catalogue: its engine and sessions."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    async with sessions() as session:
        await load_demo(session)
        await session.commit()
    try:
        yield engine, sessions
    finally:
        await engine.dispose()


@asynccontextmanager
async def demo_side(
    database_url: str,
) -> AsyncIterator[tuple[httpx.AsyncClient, async_sessionmaker[AsyncSession]]]:
    """The app on the demo catalogue (migrated and loaded first): its HTTP client and sessions."""
    async with demo_database(database_url) as (_, sessions):
        app = create_app(settings_for(database_url))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http, sessions
