"""The bot's database storage, the fallback every worker shares while Redis is down: a
message is claimed once across workers, and a conversation goes on from worker to worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.dispatcher import Dispatcher
from bot.events import event_from_fields
from bot.fsm import StorageKey
from bot.responder import BUSY_TEXT, Responder
from bot.storage import Delivery, ResilientStorage, StorageUnavailable
from bot.storage.redis import RedisStorage
from catalogue.db import session_factory
from catalogue.models import BotConversation, BotDelivery, Ticket
from handlers.app import create_app
from handlers.citizen import texts
from handlers.db.bot_storage import DatabaseStorage
from handlers.observability import metrics
from handlers.observability.bridge import install_bot_log_metrics
from tests.kits import citizen as kit
from tests.kits import public_catalogue as seed

KEY = StorageKey("gh", "oUser")
DOWN = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is down for every worker


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_two_workers_claim_a_delivery_once_and_share_answers_and_conversations(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = DatabaseStorage(sessions, name=lambda raw: f"h{len(raw)}")
    second = DatabaseStorage(sessions, name=lambda raw: f"h{len(raw)}")
    turn = await first.turn(KEY, Delivery("gh:msg:1", 600, 10, nonce=("n1", 60))).open()
    assert turn.claimed and turn.holds
    other = await second.turn(KEY, Delivery("gh:msg:1", 600, 10, nonce=("n2", 60))).open()
    assert not other.claimed and not other.holds and not other.replayed
    replay = await second.turn(KEY, Delivery("gh:msg:2", 600, 10, nonce=("n1", 60))).open()
    assert replay.replayed and not replay.claimed

    waiting = asyncio.create_task(second.answer_of("gh:msg:1", 3))
    await turn.context.set_state("Citizen:describing_problem")
    await turn.context.update_data(asked=["人工"])
    turn.answer("<xml>请说明问题</xml>")
    await turn.close()
    assert await waiting == "<xml>请说明问题</xml>"
    async with second.turn(KEY) as next_turn:  # the next message, on the other worker
        assert await next_turn.context.get_state() == "Citizen:describing_problem"
        assert await next_turn.context.get_data() == {"asked": ["人工"]}
        await next_turn.context.clear()
    assert await first.get_record(KEY) == (None, {})

    async with sessions() as session:  # rows are named as told: no openid in them
        keys = (await session.scalars(select(BotDelivery.key))).all()
        assert "delivery:h8" in keys and not any("oUser" in key for key in keys)
        assert await session.scalar(select(func.count()).select_from(BotConversation)) == 0


async def test_a_claim_whose_worker_died_is_taken_over_after_its_lease(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    first = DatabaseStorage(sessions, clock=clock)
    second = DatabaseStorage(sessions, clock=clock)
    dead = await first.turn(KEY, Delivery("m", 600, 10)).open()
    assert dead.claimed  # …and its worker is killed: the turn never closes
    assert not (await second.turn(StorageKey("gh", "o2"), Delivery("m", 600, 10)).open()).claimed
    assert await second.answer_of("m", 0.05) is None
    clock.now += 11
    again = await second.turn(StorageKey("gh", "o2"), Delivery("m", 600, 10)).open()
    assert again.claimed
    again.answer("<xml>答</xml>")
    await again.close()
    clock.now += 500  # an answer is kept for the delivery's ttl, not its lease
    assert await first.answer_of("m", 0) == "<xml>答</xml>"
    assert not (await first.turn(KEY, Delivery("m", 600, 10)).open()).claimed


def _errors(where: str) -> float:
    (family,) = metrics.ERRORS.collect()
    return sum(
        s.value
        for s in family.samples
        if s.name.endswith("_total") and s.labels == {"where": where}
    )


async def test_with_redis_and_the_database_unreachable_messages_are_answered_busy() -> None:
    install_bot_log_metrics()
    redis = RedisStorage.from_url(DOWN, socket_timeout=0.2)
    storage = ResilientStorage(redis, DatabaseStorage())  # the lifespan never opened it
    dp = Dispatcher(storage=storage)
    ran: list[str] = []
    dp.text.register(lambda message: ran.append(message.content) or "答")
    fields = {"ToUserName": "gh", "FromUserName": "oU", "CreateTime": "1", "MsgType": "text"}
    event = event_from_fields({**fields, "Content": "低保", "MsgId": "1"})
    before = _errors("storage")
    try:
        with pytest.raises(StorageUnavailable):
            await storage.turn(KEY, Delivery("m", 600, 10)).open()
        responder = Responder(dp)
        first = await responder.respond(event, lambda xml: xml)
        retry = await responder.respond(event, lambda xml: xml)
    finally:
        await storage.close()
    assert BUSY_TEXT in first.body and retry.body == first.body and ran == []
    assert _errors("storage") == before + 2


@pytest.fixture
async def workers(database_url: str, engine: AsyncEngine) -> AsyncIterator[list[Any]]:
    """Two app instances ("workers") on one database, their Redis down."""
    async with session_factory(engine)() as session:
        await seed.seed_public_catalogue(session)
    settings = kit.settings_for(database_url, REDIS_URL=DOWN)
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(2):
            app = create_app(settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            clients.append(
                await stack.enter_async_context(
                    httpx.AsyncClient(transport=transport, base_url="http://testserver")
                )
            )
        yield clients


async def test_redis_down_retries_spread_over_two_workers_are_handled_once(
    workers: list[Any], engine: AsyncEngine
) -> None:
    citizens = [f"o_outage_{n:02d}" for n in range(6)]
    for n, openid in enumerate(citizens):
        # WeChat delivers each message and its retry to the two workers at once, in turn
        # reaching one or the other first.
        on = [kit.WeChatUser(http, openid) for http in (workers if n % 2 else workers[::-1])]
        for said in ("人工", f"第{n}号村民：低保怎么申请"):
            xml = on[0].text_xml(said)
            first, retry = await asyncio.gather(on[0].post(xml), on[1].post(xml))
            assert first.status == retry.status == 200
            assert first.text == retry.text  # the same answer, never a second handling
            on = on[::-1]  # the citizen's next message reaches the other worker first
        assert texts.HUMAN_ADDED.split("{")[0] in first.text  # the question went to the ticket

    async with session_factory(engine)() as session:
        tickets = (await session.scalars(select(Ticket).order_by(Ticket.id))).all()
    assert sorted(t.openid for t in tickets) == sorted(citizens)  # one ticket each
    assert all(t.message.endswith("低保怎么申请") for t in tickets)
