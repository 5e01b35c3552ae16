"""The staff chat without HTTP: a local fake of the WeCom server API (token, app message, media),
a chat with the staff dispatcher that confirms with TOTP codes, and the `desk` fixture (the
small county of `staff_world` on SQLite)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import Dispatcher
from bot.events import event_from_fields
from bot.storage import MemoryStorage
from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.models import StaffMember
from handlers.searching.service import build_index
from handlers.wecom.api import WeComClient
from handlers.wecom.callback import wecom_dispatcher
from tests.kits import staff_world as W

# --- a local fake of the WeCom server API (token, app message, media) ----------------------


@dataclass
class FakeWeCom:
    sent: list[dict[str, Any]]
    media: dict[str, tuple[bytes, str]]
    app: FastAPI


def fake_wecom() -> FakeWeCom:
    app = FastAPI()
    fake = FakeWeCom([], {}, app)

    @app.get("/cgi-bin/gettoken")
    async def token(corpid: str, corpsecret: str) -> dict[str, Any]:
        if corpsecret != "wecom-secret":
            return {"errcode": 40001, "errmsg": "invalid credential"}
        return {"errcode": 0, "access_token": "tok", "expires_in": 7200}

    @app.post("/cgi-bin/message/send")
    async def send(request: Request, access_token: str) -> dict[str, Any]:
        if access_token != "tok":
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        fake.sent.append(await request.json())
        return {"errcode": 0, "errmsg": "ok"}

    @app.get("/cgi-bin/media/get")
    async def media(access_token: str, media_id: str) -> Response:
        if media_id not in fake.media:
            return JSONResponse({"errcode": 40007, "errmsg": "invalid media_id"})
        content, name = fake.media[media_id]
        return Response(
            content,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return fake


def client_for(fake: FakeWeCom) -> WeComClient:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=fake.app), base_url="http://x")
    return WeComClient("ww1", "wecom-secret", "1000002", base_url="http://wecom.fake", http=http)


# --- a chat with the staff dispatcher ------------------------------------------------------


class Chat:
    def __init__(self, dispatcher: Dispatcher, world: Any) -> None:
        self.dispatcher = dispatcher
        self.world = world
        self.count = 0

    async def say(self, user: str, text: str, **extra: str) -> str:
        self.count += 1
        fields = {
            "ToUserName": "ww1",
            "FromUserName": user,
            "CreateTime": str(1_790_000_000 + self.count),
            "MsgType": "text",
            "Content": text,
            "MsgId": str(self.count),
            **extra,
        }
        reply = await self.dispatcher.feed_event(event_from_fields(fields))
        return getattr(reply, "content", "") if reply is not None else ""

    async def do(self, user: str, text: str) -> str:
        """Say it, and confirm (with a TOTP code where the role needs one) if asked."""
        reply = await self.say(user, text)
        if "须确认" not in reply:
            return reply
        secret = self.world.secrets.get(user)
        if secret:
            await self._next_time_step(user)
        code = f" {pyotp.TOTP(secret).now()}" if secret else ""
        return await self.say(user, f"确认{code}")

    async def _next_time_step(self, user: str) -> None:
        """A code is accepted once per 30-second step: a person confirming twice in a row
        waits for the next code. Here that wait is taken by forgetting the last step used."""
        sessions = self.dispatcher.workflow_data.get("sessions")
        if sessions is None:
            return
        async with sessions() as session:
            await session.execute(
                update(StaffMember)
                .where(StaffMember.wecom_user_id == user)
                .values(totp_last_step=None)
            )
            await session.commit()


@dataclass
class Desk:
    chat: Chat
    sessions: async_sessionmaker[AsyncSession]
    world: Any
    fake: FakeWeCom


@pytest.fixture
async def desk(sqlite_url: str) -> AsyncIterator[Desk]:
    engine = create_engine(sqlite_url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    world = await W.build_world(sessions)
    fake = fake_wecom()
    client = client_for(fake)
    index = await build_index(sessions)
    dispatcher = wecom_dispatcher(MemoryStorage(), client=client, sessions=sessions, search=index)
    try:
        yield Desk(Chat(dispatcher, world), sessions, world, fake)
    finally:
        await client.aclose()
        await engine.dispose()
