"""PostgreSQL stops: citizens get "系统繁忙", staff commands fail whole, service recovers alone.

The real shared server is never stopped here: the app talks to it through a proxy the test
cuts and restores (docs/operations.md has the drill that stops the real server)."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import Dispatcher
from bot.events import Event, event_from_fields
from bot.replies import TextReply
from bot.router import Router
from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.models import Region
from handlers.db.changes import POLL_SECONDS
from handlers.guards.outage import BUSY_TEXT, STAFF_BUSY_TEXT, OutageGuard, is_database_outage
from tools.drills.proxy import TcpProxy


def _message(text: str, n: int) -> Event:
    return event_from_fields(
        {
            "ToUserName": "gh_1",
            "FromUserName": "oCitizen",
            "CreateTime": str(n),
            "MsgType": "text",
            "Content": text,
            "MsgId": str(n),
        }
    )


def _dispatcher(sessions: async_sessionmaker[AsyncSession], proxy: TcpProxy) -> Dispatcher:
    citizen = Router(name="citizen")
    staff = Router(name="staff")
    citizen.outer_middleware(OutageGuard())
    staff.outer_middleware(OutageGuard(STAFF_BUSY_TEXT))

    @staff.text(lambda event: event.content.startswith("新增"))
    async def add_towns(event: Any) -> str:
        # One staff command = one transaction; the database dies in the middle of it.
        async with sessions() as session, session.begin():
            session.add(Region(code="620623101", name="打柴沟镇", level="town"))
            await session.flush()
            proxy.cut()
            session.add(Region(code="620623102", name="安远镇", level="town"))
            await session.flush()
        return "已新增"

    @citizen.text()
    async def count(event: Any) -> str:
        async with sessions() as session:
            total = await session.scalar(sa.select(sa.func.count()).select_from(Region))
        return f"共有{total}个地区"

    dispatcher = Dispatcher()
    dispatcher.include_routers(staff, citizen)
    return dispatcher


@pytest.mark.postgres
async def test_database_outage_busy_reply_whole_failure_and_recovery(postgres_url: str) -> None:
    target = urlsplit(postgres_url.replace("postgresql+asyncpg", "postgresql"))
    with TcpProxy(target.port or 5432) as proxy:
        url = postgres_url.replace(f":{target.port}/", f":{proxy.port}/")
        engine = create_engine(url, connect_args={"timeout": 2})
        try:
            await migrate.upgrade(engine)
            dispatcher = _dispatcher(session_factory(engine), proxy)
            assert await dispatcher.feed_event(_message("你好", 1)) == TextReply("共有0个地区")

            # The database dies in the middle of a staff command.
            assert await dispatcher.feed_event(_message("新增 两个镇", 2)) == TextReply(
                STAFF_BUSY_TEXT
            )
            # While it is down, every citizen gets the polite busy reply.
            for n in range(3, 6):
                assert await dispatcher.feed_event(_message("低保", n)) == TextReply(BUSY_TEXT)

            proxy.restore()
            # Recovers by itself, and the half-done command left nothing behind.
            assert await dispatcher.feed_event(_message("你好", 6)) == TextReply("共有0个地区")
        finally:
            await engine.dispose()


def test_query_bugs_are_not_outages() -> None:
    assert is_database_outage(ConnectionRefusedError())
    assert not is_database_outage(ValueError("bad"))
    assert not is_database_outage(sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key")))


@pytest.mark.postgres
async def test_the_whole_app_answers_busy_then_recovers(postgres_url: str) -> None:
    from tests.kits import citizen as kit

    target = urlsplit(postgres_url.replace("postgresql+asyncpg", "postgresql"))
    with TcpProxy(target.port or 5432) as proxy:
        url = postgres_url.replace(f":{target.port}/", f":{proxy.port}/")
        async with kit.running_side(url) as side:
            citizen = side.user()
            normal = await citizen.say("网吧")
            assert normal and normal != BUSY_TEXT

            proxy.cut()
            # Public answers already in memory may still be given until the change watcher
            # fails to read its stamps (at most `POLL_SECONDS`), then every cache is emptied.
            give_up = time.monotonic() + POLL_SECONDS + 2.0
            while await citizen.say("网吧") != BUSY_TEXT:
                assert time.monotonic() < give_up, "answers from memory after the bound"
                await asyncio.sleep(0.05)
            for _ in range(3):
                assert await citizen.say("网吧") == BUSY_TEXT
            ready = await side.http.get("/readyz")
            assert ready.status_code == 503 and ready.json()["checks"]["database"] != "ok"

            proxy.restore()
            assert await citizen.say("网吧") == normal
            assert (await side.http.get("/readyz")).status_code == 200
