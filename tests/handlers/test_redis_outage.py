"""Redis stops under two workers: citizens and staff keep being answered, and a staff command
WeCom delivers to both workers is applied once (its receipt is in the database).

The shared Redis is never stopped: both app instances reach it through a proxy this test
cuts (docs/operations.md has the drill that stops the real server)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue.db import session_factory
from catalogue.models import ChangeRequest
from handlers.app import create_app
from tests.kits import staff_wecom as wecom
from tools.drills.proxy import TcpProxy

W = wecom.W
kit = wecom.kit


@pytest.fixture
async def workers(
    engine: AsyncEngine, database_url: str, redis_url: str
) -> AsyncIterator[tuple[list[Any], TcpProxy, Any]]:
    """Two app instances ("workers") on one database, sharing Redis through a proxy."""
    world = await W.build_world(session_factory(engine))
    target = urlsplit(redis_url)
    with TcpProxy(target.port or 6379) as proxy:
        settings = kit.settings_for(
            database_url,
            REDIS_URL=f"redis://127.0.0.1:{proxy.port}{target.path}",
            WECOM_CORP_ID=wecom.CORP_ID,
            WECOM_TOKEN=wecom.WECOM_TOKEN,
            WECOM_AES_KEY=wecom.WECOM_AES_KEY,
            WECOM_AGENT_ID=wecom.AGENT_ID,
        )
        async with AsyncExitStack() as stack:
            members = []
            for _ in range(2):
                app = create_app(settings)
                await stack.enter_async_context(app.router.lifespan_context(app))
                http = await stack.enter_async_context(
                    httpx.AsyncClient(
                        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
                    )
                )
                members.append(wecom.Member(http, "clerk"))
            yield members, proxy, world


@pytest.mark.redis
async def test_a_staff_command_delivered_to_both_workers_applies_once_without_redis(
    workers: tuple[list[Any], TcpProxy, Any], engine: AsyncEngine
) -> None:
    (first, second), proxy, _ = workers
    before = await first.say(f"查 {W.LIVE}")
    assert W.LIVE in before

    proxy.cut()
    xml = first.xml("text", "55443322", Content=f"变更 {W.LIVE} 电话=0935-3123333")
    on_first = wecom.Member.read(await first.post(xml))
    on_second = wecom.Member.read(await second.post(xml))  # WeCom's retry, other worker
    assert "已提交变更申请" in on_first
    assert on_second == on_first  # the second worker replays the first one's receipt
    async with session_factory(engine)() as session:
        count = await session.scalar(select(func.count()).select_from(ChangeRequest))
    assert count == 1

    proxy.restore()
    after = await second.say(f"查 {W.LIVE}")
    assert after.startswith(before) and after.count("#1 变更") == 1  # one pending request
