"""Nothing lost when WeChat pushes back: replies refused for the daily quota (45009) or the
closed 48-hour window (45015) are kept in the database and sent after the reset or the
citizen's next message; a send that hung (and may have arrived) is not repeated; every
give-up is counted with its reason. The WeChat API is the local fake, on a real socket
where a timeout matters."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import DEFAULT_TIMEOUT, WeChatClient
from bot.replies import TextReply
from catalogue.models import HeldReply, MessageLog, Ticket, utcnow
from handlers.accounts.bots import wechat_client
from handlers.delivery import sending
from handlers.delivery.held_replies import HeldReplies
from handlers.delivery.tickets import TicketPost
from handlers.observability import metrics
from handlers.settings import Settings
from tests.kits.metrics import counted
from tests.kits.queue import Pipe
from tools.fakes import FakeWeChatApi

SEND = "/cgi-bin/message/custom/send"
USERS = [f"oHeld{i:023d}" for i in range(6)]


def _hash(openid: str) -> str:
    return f"h:{openid}"


def _given_up(reason: str) -> float:
    return counted(metrics.SENDS_GIVEN_UP, reason=reason)


def _held(reason: str) -> float:
    return counted(metrics.SENDS_HELD, reason=reason)


@pytest.fixture
async def api() -> AsyncIterator[FakeWeChatApi]:
    yield FakeWeChatApi(cs_quota=1000)


def _client(api: FakeWeChatApi) -> WeChatClient:
    return WeChatClient(
        api.app_id, api.app_secret, base_url="http://wechat-fake", http=api.client(), attempts=1
    )


async def _held_rows(sessions: async_sessionmaker[AsyncSession]) -> list[HeldReply]:
    async with sessions() as session:
        return list(await session.scalars(select(HeldReply).order_by(HeldReply.id)))


async def test_daily_quota_keeps_every_late_answer_until_the_reset(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = _client(api)
    held = HeldReplies(sessions, client, _hash)
    outbox = Pipe(sessions, client, hold=held.hold)
    before = _held("45009")
    api.fail(SEND, 45009, times=len(USERS))
    for user in USERS:
        await outbox.send(user, TextReply(f"答复{user[-2:]}"))
    assert await outbox.drain(10)
    assert api.sent == [] and outbox.held == len(USERS) and outbox.failed == 0
    assert _held("45009") == before + len(USERS)
    rows = await _held_rows(sessions)
    assert sorted(row.openid for row in rows) == USERS and {row.reason for row in rows} == {45009}
    assert all(row.retry_after == sending.quota_reset(utcnow()) for row in rows)
    async with sessions() as session:  # the message log says each answer waits
        logged = list(await session.scalars(select(MessageLog).where(MessageLog.kind == "held")))
    assert sorted(row.openid_hash for row in logged) == sorted(_hash(u) for u in USERS)
    assert {row.answer_kind for row in logged} == {"held:45009"}

    # before the reset nothing goes, not even when a citizen writes (the quota is the
    # account's, not the citizen's)
    assert await held.release() == 0 and await held.release(USERS[0]) == 0
    async with sessions() as session:  # midnight (China time) came
        await session.execute(update(HeldReply).values(retry_after=utcnow() - timedelta(1)))
        await session.commit()
    assert await held.release() == len(USERS)
    assert await held.release() == 0
    for user in USERS:
        assert api.texts_to(user) == [f"答复{user[-2:]}"]  # each once
    assert await _held_rows(sessions) == []
    await client.aclose()


async def test_a_closed_window_keeps_answers_in_order_until_the_citizen_writes(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = _client(api)
    held = HeldReplies(sessions, client, _hash)
    outbox = Pipe(sessions, client, hold=held.hold)
    user = USERS[0]
    api.silent_users.add(user)
    for n in range(3):
        await outbox.send(user, TextReply(f"第{n}部分"))
    assert await outbox.drain(10)
    assert [row.reason for row in await _held_rows(sessions)] == [45015] * 3
    assert await held.release() == 0  # the periodic round leaves window holds alone
    assert await held.release(user) == 0  # WeChat still refuses: kept, in order
    assert len(await _held_rows(sessions)) == 3
    api.user_interacted(user)
    assert await held.release(user) == 3
    assert api.texts_to(user) == ["第0部分", "第1部分", "第2部分"]
    await client.aclose()


async def test_a_hung_send_is_not_repeated_and_is_counted(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = USERS[1]
    before = _given_up("ambiguous")
    with api.serve() as base:
        http = httpx.AsyncClient(timeout=0.3)  # shorter than the hang, for the test's sake
        client = WeChatClient(api.app_id, api.app_secret, base_url=base, http=http, attempts=1)
        held = HeldReplies(sessions, client, _hash)
        outbox = Pipe(sessions, client, hold=held.hold)
        api.hang(SEND, 1.0)
        try:
            await outbox.send(user, TextReply("只发一次"))
            assert await outbox.drain(10)
            give_up = time.monotonic() + 5
            while not api.texts_to(user) and time.monotonic() < give_up:
                await asyncio.sleep(0.05)
        finally:
            await http.aclose()
    assert api.texts_to(user) == ["只发一次"]
    assert outbox.failed == 1 and outbox.held == 0 and await _held_rows(sessions) == []
    assert _given_up("ambiguous") == before + 1


async def test_other_give_ups_are_counted_with_their_reason(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = _client(api)
    outbox = Pipe(sessions, client, attempts=2)
    busy, refused = _given_up("attempts"), _given_up("40003")
    api.fail(SEND, -1, times=2)
    api.fail(SEND, 40003)  # invalid openid: never works
    try:
        await outbox.send(USERS[2], TextReply("a"))
        await outbox.send(USERS[2], TextReply("b"))
        assert await outbox.drain(10)
    finally:
        await client.aclose()
    assert outbox.failed == 2
    assert _given_up("attempts") == busy + 1 and _given_up("40003") == refused + 1


async def test_ticket_answers_wait_for_the_quota_and_a_hang_is_not_repeated(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        now = utcnow()
        tickets = [
            Ticket(openid=user, message="问", state="answered", answer=f"答{n}", answered_at=now)
            for n, user in enumerate(USERS[:2])
        ]
        session.add_all(tickets)
        await session.commit()
        quota, hung = (ticket.id for ticket in tickets)
    with api.serve() as base:
        http = httpx.AsyncClient(timeout=0.3)
        client = WeChatClient(api.app_id, api.app_secret, base_url=base, http=http, attempts=1)
        post = TicketPost(sessions, client, _hash)
        api.fail(SEND, 45009)
        delivery = await post.deliver(quota)
        assert delivery.state == "waiting" and "45009" in delivery.message
        assert await post.due(utcnow()) == []  # not before the reset
        async with sessions() as session:
            await session.execute(
                update(Ticket).where(Ticket.id == quota).values(retry_after=utcnow())
            )
            await session.commit()
        assert await post.due(utcnow() + timedelta(seconds=1)) == [quota]
        assert (await post.deliver(quota)).state == "delivered"

        before = _given_up("ambiguous")
        api.hang(SEND, 1.0)
        delivery = await post.deliver(hung)
        assert delivery.state == "delivered" and "可能已送达" in delivery.message
        assert _given_up("ambiguous") == before + 1
        assert await post.due(utcnow() + timedelta(hours=1)) == []  # never repeated
        await http.aclose()
    assert len(api.texts_to(USERS[0])) == 1 and len(api.texts_to(USERS[1])) == 1


def test_the_client_waits_as_long_as_wechat_documents() -> None:
    assert DEFAULT_TIMEOUT == 10.0
    assert WeChatClient("wx1", "s").http.timeout.read == 10.0
    settings = Settings(  # type: ignore[call-arg]
        ZWBOT_ENV="test", WECHAT_APP_ID="wx1", WECHAT_APP_SECRET="s"
    )
    client = wechat_client(settings)
    assert client is not None and client.http.timeout.read == 10.0
    slower = wechat_client(settings.model_copy(update={"wechat_api_timeout": 15.0}))
    assert slower is not None and slower.http.timeout.read == 15.0


async def test_the_app_keeps_late_answers_for_a_closed_window_and_sends_them_on_the_next_message(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functools
    from typing import Any

    from handlers.app import create_app
    from handlers.citizen import items
    from tests.kits import citizen as kit

    await kit.seed_database(sqlite_url)
    answer = items.search_and_answer

    @functools.wraps(answer)
    async def slow_answer(*args: Any, **kwargs: Any) -> str:
        await asyncio.sleep(0.05)  # later than the 1 ms deadline below: via the outbox
        return await answer(*args, **kwargs)

    monkeypatch.setattr(items, "search_and_answer", slow_answer)
    api = FakeWeChatApi(app_id=kit.APP_ID, app_secret="held-secret", cs_quota=1000)
    citizen = "oHeldApp0000000000000000000"
    api.silent_users.add(citizen)  # WeChat: 45015 for this citizen until they write
    with api.serve() as base:
        settings = kit.settings_for(
            sqlite_url,
            WECHAT_APP_SECRET="held-secret",
            WECHAT_API_BASE=base,
            ZWBOT_REPLY_DEADLINE=0.001,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                user = kit.WeChatUser(http, citizen)
                await user.say("开网吧")
                give_up = time.monotonic() + 20
                while not await _held_rows(app.state.sessions) and time.monotonic() < give_up:
                    await asyncio.sleep(0.05)
                (kept,) = await _held_rows(app.state.sessions)
                assert kept.reason == 45015 and "互联网上网服务" in kept.reply["content"]
                assert api.texts_to(citizen) == []

                api.user_interacted(citizen)  # the citizen writes again
                await user.say("营业执照")
                # The late answer (and so the release) comes after the passive "success".
                give_up = time.monotonic() + 20
                while time.monotonic() < give_up and (
                    len(api.texts_to(citizen)) < 2 or await _held_rows(app.state.sessions)
                ):
                    await asyncio.sleep(0.05)
                await app.state.citizen_post.drain()
                assert await _held_rows(app.state.sessions) == []
    sent = api.texts_to(citizen)
    assert len(sent) == 2  # the kept answer once, and the new one
    assert sent.count(kept.reply["content"]) == 1


async def test_a_long_answer_is_held_from_the_part_that_was_refused(
    api: FakeWeChatApi, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client = _client(api)
    held = HeldReplies(sessions, client, _hash)
    outbox = Pipe(sessions, client, hold=held.hold)
    user = USERS[3]
    long_text = "\n".join(f"第{n}行：" + "办理材料说明" * 20 for n in range(30))
    api.cs_quota = 1  # the first part goes, then 45047 for the rest
    await outbox.send(user, TextReply(long_text))
    assert await outbox.drain(10)
    first = api.texts_to(user)
    assert len(first) == 1 and outbox.held >= 1
    api.cs_quota = 1000
    api.user_interacted(user)
    assert await held.release(user) == outbox.held
    sent = api.texts_to(user)
    assert sent[0] == first[0] and len(sent) == len(set(sent))  # nothing twice
    assert "".join(sent).replace("\n", "") == long_text.replace("\n", "")
    await client.aclose()
