"""Fault drills: WeChat API failing or slow (the durable job queue: nothing lost, nothing sent
twice, in order per citizen) and the process killed during a publication (no partial state
after restart)."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.client import WeChatClient
from bot.replies import TextReply
from catalogue.db import create_engine
from catalogue.models import Item
from handlers.delivery.queue import JobQueue
from tests.kits import citizen as kit
from tests.kits.queue import Pipe
from tools.fakes.wechat_api import FakeWeChatApi


class SlowSends:
    """Customer-service sends are recorded at once but answered after `delay` seconds."""

    def __init__(self, app: ASGIApp, delay: float) -> None:
        self.app = app
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("path", "").endswith("/custom/send"):

            async def late(message: Message) -> None:
                if message["type"] == "http.response.start":
                    await asyncio.sleep(self.delay)
                await send(message)

            await self.app(scope, receive, late)
            return
        await self.app(scope, receive, send)


class Slow:
    """The outside world answering slowly: every API call waits `delay` seconds first."""

    def __init__(self, app: ASGIApp, delay: float) -> None:
        self.app = app
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)


def _client(api: FakeWeChatApi, *, delay: float = 0.0, timeout: float = 10.0) -> WeChatClient:
    app: ASGIApp = Slow(api.app, delay) if delay else api.app
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wechat-fake", timeout=timeout
    )
    # The job queue owns retries: the client makes one attempt per send.
    return WeChatClient(
        api.app_id, api.app_secret, base_url="http://wechat-fake", http=http, attempts=1
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeWeChatApi]:
    yield FakeWeChatApi(cs_quota=1000)


def _users(n: int) -> list[str]:
    return [f"oUser{i:023d}" for i in range(n)]


async def test_failing_api_loses_nothing_and_sends_nothing_twice(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = _client(api)
    outbox = Pipe(sessions, client, attempts=6, workers=2)
    path = "/cgi-bin/message/custom/send"
    api.fail(path, -1, times=4)  # "system busy"
    api.fail(path, 0, times=3, status=503)  # the gateway in front of WeChat
    try:
        for user in _users(5):
            for n in range(3):
                await outbox.send(user, TextReply(f"第{n}条答复"))
        assert await outbox.drain(20)
    finally:
        await client.aclose()
    for user in _users(5):
        assert api.texts_to(user) == ["第0条答复", "第1条答复", "第2条答复"]  # in order, once
    assert outbox.delivered == 15 and outbox.failed == 0


async def test_slow_api_delivers_everything_once(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = _client(api, delay=0.3)
    outbox = Pipe(sessions, client)
    try:
        for user in _users(8):
            await outbox.send(user, TextReply("您好"))
        assert await outbox.drain(20)
    finally:
        await client.aclose()
    assert sorted(m.touser for m in api.sent) == sorted(_users(8))


async def test_a_send_that_may_have_arrived_is_not_repeated(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # Slower than the client waits: WeChat got the message, the answer never came back.
    user = _users(1)[0]
    with kit.serving(SlowSends(api.app, 0.6), lifespan="off") as base:
        http = httpx.AsyncClient(timeout=0.25)
        client = WeChatClient(api.app_id, api.app_secret, base_url=base, http=http, attempts=1)
        outbox = Pipe(sessions, client)
        try:
            await outbox.send(user, TextReply("只发一次"))
            assert await outbox.drain(10)
            give_up = time.monotonic() + 5
            while not api.texts_to(user) and time.monotonic() < give_up:
                await asyncio.sleep(0.05)  # the slow fake records the one send
            await asyncio.sleep(0.3)  # a repeated send would be recorded by now too
        finally:
            await http.aclose()
    assert api.texts_to(user) == ["只发一次"]
    assert outbox.failed == 1 and outbox.delivered == 0


async def test_unsendable_replies_are_given_up_not_retried_forever(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = _client(api)
    outbox = Pipe(sessions, client, attempts=3)
    user = _users(1)[0]
    api.silent_users.add(user)  # 45015: the 48-hour window is closed
    api.fail("/cgi-bin/message/custom/send", -1, times=10)
    try:
        await outbox.send(user, TextReply("答复"))
        assert await outbox.drain(10)
    finally:
        await client.aclose()
    assert outbox.failed == 1 and api.texts_to(user) == []


async def test_a_long_answers_parts_arrive_in_order_exactly_once_with_two_workers(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # Each citizen's parts are jobs of their own; two workers share the queue and the first
    # sends fail for certain (-1): a part waiting for its retry keeps the later ones behind
    # it, so the parts still arrive in order, each once.
    client = _client(api)
    outbox = Pipe(sessions, client, workers=2)
    path = "/cgi-bin/message/custom/send"
    long_text = "\n".join(f"第{n:02d}行：" + "办理材料和流程说明" * 12 for n in range(40))
    users = _users(3)
    try:
        for user in users:
            await outbox.send(user, TextReply(long_text))
        parts = (await outbox.queue.counts())["queued"] // len(users)
        assert parts >= 4  # a long answer: several 2048-byte parts
        api.fail(path, -1, times=parts)
        assert await outbox.drain(30)
    finally:
        await client.aclose()
    for user in users:
        sent = api.texts_to(user)
        assert len(sent) == parts and len(set(sent)) == parts  # each part once
        assert "".join(sent).replace("\n", "") == long_text.replace("\n", "")  # in order
    assert outbox.delivered == parts * len(users) and outbox.failed == 0
    assert sum(worker.retried for worker in outbox.workers) == parts


async def test_a_late_reply_claimed_by_a_killed_worker_is_sent_by_another(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # A worker claims the queued late answer and is killed before sending it (nothing
    # settled, nothing given back): after its lease another worker sends it, once.
    client = _client(api)
    outbox = Pipe(sessions, client)
    user = _users(1)[0]
    await outbox.send(user, TextReply("晚到的答复"))
    killed = JobQueue(sessions, lease=timedelta(seconds=1))  # its claims' lease: 1 s
    assert len(await killed.claim("killed-worker", 10)) == 1
    assert await outbox.drain(0.5) is False  # held by the dead worker's lease
    assert api.texts_to(user) == []
    await asyncio.sleep(0.6)  # the lease is over: the job is taken back
    assert await outbox.queue.recover() == (1, 0)
    try:
        assert await outbox.drain(10)
    finally:
        await client.aclose()
    assert api.texts_to(user) == ["晚到的答复"] and outbox.delivered == 1


# --- the process killed during a publication ------------------------------------------------

_PUBLISH = """
import asyncio, sys
from pathlib import Path
from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.importing.runner import import_file

async def main(url: str, path: str, pause: bool) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    async with session_factory(engine)() as session:
        # the reference rows lack required fields: published as if complete, so that the
        # killed transaction is a publication (the completeness rule is tested elsewhere)
        report = await import_file(
            session, "items", Path(path), publish=True, missing_fields=lambda _row: []
        )
        assert report.ok, report
        await session.flush()
        print("WRITTEN", flush=True)
        if pause:
            sys.stdin.readline()  # killed here: everything written, nothing committed
        await session.commit()
    await engine.dispose()
    print("COMMITTED", flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3] == "pause"))
"""


def _subset(shared_dir: Path, folder: Path, rows: int) -> Path:
    lines = (shared_dir / "data" / "service_items.csv").read_text("utf-8-sig").splitlines()
    path = folder / "items.csv"
    path.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    return path


def _publish(url: str, csv_path: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _PUBLISH, url, str(csv_path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _published(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            items = await connection.scalar(sa.select(sa.func.count()).select_from(Item))
            published = await connection.scalar(
                sa.select(sa.func.count()).select_from(Item).where(Item.status == "published")
            )
            return int(items or 0), int(published or 0)
    finally:
        await engine.dispose()


async def test_publication_killed_mid_transaction_leaves_nothing(
    database_url: str, shared_dir: Path, tmp_path: Path
) -> None:
    csv_path = _subset(shared_dir, tmp_path, 200)
    process = _publish(database_url, csv_path, "pause")
    assert process.stdout is not None
    line = await asyncio.to_thread(process.stdout.readline)
    assert line.strip() == "WRITTEN", process.stderr.read() if process.stderr else ""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # After the "restart": nothing of the killed publication is visible.
    assert await _published(database_url) == (0, 0)

    # Publishing again completes, once.
    again = _publish(database_url, csv_path, "run")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "COMMITTED" in out
    items, published = await _published(database_url)
    assert items > 150 and published == items


# --- the assembled app: late replies go out through the outbox, once each ------------------


async def test_late_replies_reach_a_failing_api_once_each(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.wire import WeChatEnvelope, build_xml
    from handlers.app import create_app
    from handlers.citizen import items
    from handlers.settings import Settings

    await kit.seed_database(sqlite_url)
    answer = items.search_and_answer

    @functools.wraps(answer)
    async def slow_answer(*args: Any, **kwargs: Any) -> str:
        # An answer from the caches needs no I/O and may beat even a 1 ms deadline.
        await asyncio.sleep(0.05)
        return await answer(*args, **kwargs)

    monkeypatch.setattr(items, "search_and_answer", slow_answer)

    api = FakeWeChatApi(cs_quota=1000)
    aes = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    api.fail("/cgi-bin/message/custom/send", -1, times=1)  # the first send: "system busy"
    with api.serve() as base:
        app = create_app(
            Settings(  # type: ignore[call-arg]
                ZWBOT_ENV="test",
                ZWBOT_DATA_DIR=str(tmp_path),
                DATABASE_URL=sqlite_url,
                REDIS_URL="",
                WECHAT_TOKEN="faults-token",
                WECHAT_APP_ID=api.app_id,
                WECHAT_APP_SECRET=api.app_secret,
                WECHAT_AES_KEY=aes,
                WECHAT_API_BASE=base,
                ZWBOT_REPLY_DEADLINE=0.001,  # every answer is late
                ZWBOT_HASH_KEY="faults-hash-key-0123456789abcdef",
            )
        )
        envelope = WeChatEnvelope("faults-token", api.app_id, aes)
        users = [f"oLate{i:023d}" for i in range(4)]
        messages = [
            build_xml(
                {"ToUserName": "gh_t", "FromUserName": user, "CreateTime": int(time.time()),
                 "MsgType": "text", "Content": "网吧", "MsgId": 9000 + n}
            )
            for n, user in enumerate(users)
        ]  # fmt: skip
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://zwbot") as client,
        ):
            for xml in [*messages, messages[0], messages[1]]:  # two WeChat retries
                query, body = envelope.wrap(xml, encrypted=True)
                response = await client.post("/wechat", params=query, content=body)
                assert response.status_code == 200 and response.text == "success"
            give_up = time.monotonic() + 20
            while len(api.sent) < len(users) and time.monotonic() < give_up:
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # anything sent twice would arrive now
    assert sorted(m.touser for m in api.sent) == sorted(users)
    assert all("网吧" in " ".join(api.texts_to(user)) or api.messages_to(user) for user in users)


# --- a worker process killed with a late answer queued: another process sends it ------------

_LATE_WORKER = """
import asyncio, functools, sys, time
import httpx
from bot.wire import WeChatEnvelope, build_xml
from handlers.app import create_app
from handlers.citizen import items
from handlers.settings import Settings

url, data_dir, base, app_id, secret, aes, user = sys.argv[1:8]
answer = items.search_and_answer


@functools.wraps(answer)
async def slow_answer(*args, **kwargs):
    await asyncio.sleep(0.05)  # later than the 1 ms deadline: a late answer
    return await answer(*args, **kwargs)


items.search_and_answer = slow_answer


async def main() -> None:
    app = create_app(Settings(
        ZWBOT_ENV="test", ZWBOT_DATA_DIR=data_dir, DATABASE_URL=url, REDIS_URL="",
        WECHAT_TOKEN="faults-token", WECHAT_APP_ID=app_id, WECHAT_APP_SECRET=secret,
        WECHAT_AES_KEY=aes, WECHAT_API_BASE=base, ZWBOT_REPLY_DEADLINE=0.001,
        ZWBOT_HASH_KEY="faults-hash-key-0123456789abcdef",
    ))
    xml = build_xml({"ToUserName": "gh_t", "FromUserName": user,
                     "CreateTime": int(time.time()), "MsgType": "text", "Content": "网吧",
                     "MsgId": 7001})
    query, body = WeChatEnvelope("faults-token", app_id, aes).wrap(xml, encrypted=True)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://zwbot"
    ) as client:
        response = await client.post("/wechat", params=query, content=body)
        print("ANSWERED", response.text, flush=True)
        await asyncio.sleep(3600)  # killed here, its late answer not yet delivered


asyncio.run(main())
"""


async def _reply_jobs(url: str) -> list[tuple[str, int]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                sa.text("SELECT state, attempts FROM outbound_jobs WHERE kind = 'reply'")
            )
            return [(str(state), int(attempts)) for state, attempts in rows]
    finally:
        await engine.dispose()


async def test_a_killed_workers_late_answer_is_delivered_by_another_process(
    sqlite_url: str, tmp_path: Path
) -> None:
    from handlers.app import create_app
    from handlers.settings import Settings

    await kit.seed_database(sqlite_url)
    api = FakeWeChatApi(cs_quota=1000)
    aes = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    user = "oKilled00000000000000000000"
    api.fail("/cgi-bin/message/custom/send", -1, times=1000)  # "system busy" meanwhile
    with api.serve() as base:
        first = subprocess.Popen(
            [sys.executable, "-c", _LATE_WORKER, sqlite_url, str(tmp_path), base,
             api.app_id, api.app_secret, aes, user],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            # The first worker answered "success", queued the late answer and tried to send
            # it once (refused: busy); then it is killed, its retry still to come.
            give_up = time.monotonic() + 60
            jobs: list[tuple[str, int]] = []
            while time.monotonic() < give_up and first.poll() is None:
                jobs = (
                    await _reply_jobs(sqlite_url) if (tmp_path / "zwbot.sqlite3").exists() else []
                )
                if any(state == "queued" and attempts >= 1 for state, attempts in jobs):
                    break  # refused once, waiting for its retry (2 s)
                await asyncio.sleep(0.2)
            assert jobs and jobs[0] == ("queued", 1), first.stderr.read() if first.poll() else jobs
        finally:
            first.send_signal(signal.SIGKILL)
            out, _err = first.communicate(timeout=30)
        assert "ANSWERED success" in out
        assert api.texts_to(user) == []
        api.heal()
        second = create_app(  # another worker process of the same account and database
            Settings(  # type: ignore[call-arg]
                ZWBOT_ENV="test",
                ZWBOT_DATA_DIR=str(tmp_path),
                DATABASE_URL=sqlite_url,
                REDIS_URL="",
                WECHAT_TOKEN="faults-token",
                WECHAT_APP_ID=api.app_id,
                WECHAT_APP_SECRET=api.app_secret,
                WECHAT_AES_KEY=aes,
                WECHAT_API_BASE=base,
                ZWBOT_HASH_KEY="faults-hash-key-0123456789abcdef",
            )
        )
        async with second.router.lifespan_context(second):
            give_up = time.monotonic() + 30
            while not api.texts_to(user) and time.monotonic() < give_up:
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # a second copy would arrive by now
    sent = api.texts_to(user)
    assert len(sent) == 1 and "互联网上网服务" in sent[0]  # the answer to 网吧, once
    assert [state for state, _ in await _reply_jobs(sqlite_url)] == ["done"]
