"""The staff side over WeCom: an independent WeCom callback implementation (AES-256-CBC,
PKCS#7 to 32, SHA-1) posting encrypted messages to `/wecom` as WeCom's servers do, and the
`side` fixture: the app with the small county of `staff_world` and a TOTP clock to move."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pyotp
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import ElementTree
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue import staff as registry
from catalogue.db import session_factory
from catalogue.models import Item
from handlers.app import create_app
from tests.kits import citizen as kit
from tests.kits import staff_world as W

CORP_ID = "ww5f3c0a9e1d2b4c6a"
WECOM_TOKEN = "wecom-staff-token"
WECOM_AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")
AGENT_ID = "1000002"


# --- an independent WeCom callback implementation (AES-256-CBC, PKCS#7 to 32, SHA-1) -------


def _key() -> bytes:
    return base64.b64decode(WECOM_AES_KEY + "=")


def _sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def encrypt(xml: str) -> str:
    raw = xml.encode("utf-8")
    body = os.urandom(16) + struct.pack(">I", len(raw)) + raw + CORP_ID.encode("ascii")
    pad = 32 - len(body) % 32
    body += bytes([pad]) * pad
    key = _key()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode("ascii")


def decrypt(encrypted: str) -> str:
    key = _key()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    body = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    body = body[: -body[-1]]
    length = struct.unpack(">I", body[16:20])[0]
    assert body[20 + length :].decode("ascii") == CORP_ID
    return body[20 : 20 + length].decode("utf-8")


def fields(xml: str) -> dict[str, str]:
    root = ElementTree.fromstring(xml)
    return {child.tag: (child.text or "") for child in root}


class Member:
    """A WeCom member posting to `/wecom` as WeCom's servers do."""

    def __init__(self, http: httpx.AsyncClient, user_id: str) -> None:
        self.http = http
        self.user_id = user_id

    def xml(self, msg_type: str, msg_id: str | None = None, **values: str) -> str:
        parts = [
            f"<ToUserName><![CDATA[{CORP_ID}]]></ToUserName>",
            f"<FromUserName><![CDATA[{self.user_id}]]></FromUserName>",
            f"<CreateTime>{int(time.time())}</CreateTime>",
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
            *(f"<{k}>{escape(v)}</{k}>" for k, v in values.items()),
            f"<MsgId>{msg_id or secrets.randbelow(2**62)}</MsgId>",
            f"<AgentID>{AGENT_ID}</AgentID>",
        ]
        return "<xml>" + "".join(parts) + "</xml>"

    async def post(self, xml: str, *, tamper: bool = False) -> httpx.Response:
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        encrypted = encrypt(xml)
        signature = _sign(WECOM_TOKEN, timestamp, nonce, encrypted)
        if tamper:
            signature = signature[::-1]
        body = (
            f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<AgentID><![CDATA[{AGENT_ID}]]></AgentID>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        )
        params = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
        return await self.http.post("/wecom", params=params, content=body.encode("utf-8"))

    @staticmethod
    def read(response: httpx.Response) -> str:
        assert response.status_code == 200, response.text
        outer = fields(response.text)
        assert outer["MsgSignature"] == _sign(
            WECOM_TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"]
        )
        return fields(decrypt(outer["Encrypt"]))["Content"]

    async def say(self, text: str, msg_id: str | None = None) -> str:
        return self.read(await self.post(self.xml("text", msg_id, Content=text)))


@dataclass
class StaffSide:
    app: FastAPI
    http: httpx.AsyncClient
    sessions: async_sessionmaker[AsyncSession]
    world: Any

    def member(self, name: str) -> Member:
        return Member(self.http, name)

    offset: float = 0.0  # seconds the second factor's clock is ahead of the real one

    async def code(self, name: str) -> str:
        """A TOTP code not used yet: the clock of the second factor moves on one step (30 s)
        first, as a staff member would wait for the next code (a code is accepted once)."""
        totp = pyotp.TOTP(self.world.secrets[name])
        self.offset += totp.interval
        return totp.at(time.time() + self.offset)

    async def do(self, name: str, text: str) -> str:
        """Say it, and confirm with a fresh TOTP code when asked."""
        member = self.member(name)
        reply = await member.say(text)
        if "须确认" not in reply:
            return reply
        assert "动态码" in reply
        return await member.say(f"确认 {await self.code(name)}")

    def found(self, words: str) -> list[str]:
        return [hit.document.code for hit in self.app.state.search.search(words, top=5)]

    async def item(self, code: str) -> Item:
        async with self.sessions() as session:
            return (await session.scalars(select(Item).where(Item.code == code))).one()


@pytest.fixture
async def side(
    engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[StaffSide]:
    sessions = session_factory(engine)
    world = await W.build_world(sessions)
    settings = kit.settings_for(
        database_url,
        WECOM_CORP_ID=CORP_ID,
        WECOM_TOKEN=WECOM_TOKEN,
        WECOM_AES_KEY=WECOM_AES_KEY,
        WECOM_AGENT_ID=AGENT_ID,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            staff_side = StaffSide(app, http, sessions, world)
            monkeypatch.setattr(
                registry,
                "utcnow",
                lambda: datetime.now(UTC) + timedelta(seconds=staff_side.offset),
            )
            yield staff_side
