"""A delivery on Redis in two round trips: open (nonce, claim, lock, record, counter), close
(FSM writes, answer, unlock) — and the slower paths: lock busy, deadline missed, cancelled."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.dispatcher import Dispatcher
from bot.errors import ReplayedNonce
from bot.events import Event, TextMessage, event_from_fields
from bot.fsm import FSMContext, StorageKey
from bot.replies import MORE_COMMAND, Reply, TextReply
from bot.responder import BUSY_TEXT, SUCCESS, Responder
from bot.storage import Delivery, MemoryStorage, ResilientStorage
from bot.storage.redis import RedisStorage
from bot.types import Data, NextHandler

pytestmark = pytest.mark.redis
USER = "o_citizen"
KEY = StorageKey("gh", USER)


def said(content: str, msg_id: int, user: str = USER) -> Event:
    fields = {"ToUserName": "gh", "FromUserName": user, "CreateTime": "1", "MsgType": "text"}
    return event_from_fields({**fields, "Content": content, "MsgId": str(msg_id)})


def count_commands(redis: Redis) -> Counter[str]:
    """Every command the client sends (scripts included: EVALSHA), by name."""
    sent: Counter[str] = Counter()
    original = redis.execute_command

    async def counting(*args: Any, **options: Any) -> Any:
        sent[str(args[0])] += 1
        return await original(*args, **options)

    redis.execute_command = counting  # type: ignore[method-assign]
    return sent


def counting_dispatcher(storage: RedisStorage, seen: list[Any]) -> Dispatcher:
    """A dispatcher whose storage counts messages (a rate limit's counter) and whose handler
    reads and writes FSM data on every message."""
    dp = Dispatcher(storage=storage)
    dp.turn_counter = lambda event: (f"rl:test:{event.user_id}", 120)

    async def outer(handler: NextHandler, event: Event, data: Data) -> Any:
        seen.append(data.get("turn_count"))
        return await handler(event, data)

    dp.outer_middleware(outer)

    @dp.text()
    async def answer(message: TextMessage, state: FSMContext) -> str:
        data = await state.get_data()
        asked = [*data.get("asked", []), message.content]
        await state.update_data(asked=asked)
        await state.set_state("Citizen:asking")
        return f"第{len(asked)}问：{message.content}"

    return dp


async def test_an_ordinary_message_costs_two_round_trips(redis: Redis, redis_prefix: str) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    seen: list[Any] = []
    responder = Responder(counting_dispatcher(storage, seen))
    sent = count_commands(redis)

    first = await responder.respond(said("低保", 1), lambda xml: xml, nonce=("n1", 60))
    assert "第1问：低保" in first.body
    assert sent == Counter({"EVALSHA": 2})  # open and close, nothing else
    sent.clear()
    second = await responder.respond(said("医保", 2), lambda xml: xml, nonce=("n2", 60))
    assert "第2问：医保" in second.body and sent == Counter({"EVALSHA": 2})
    sent.clear()
    no_nonce = await responder.respond(said("社保", 3), lambda xml: xml)
    assert "第3问：社保" in no_nonce.body and sent == Counter({"EVALSHA": 2})

    assert seen == [1, 2, 3]  # counted in the opening round trip, handed to middlewares
    assert await storage.get_record(KEY) == ("Citizen:asking", {"asked": ["低保", "医保", "社保"]})
    assert await redis.get(storage.lock_key(KEY)) is None
    assert 0 < await redis.ttl(storage.fsm_key(KEY, "data")) <= storage.state_ttl

    # WeChat's retry of message 2 gets the recorded body; the handler does not run again.
    retry = await responder.respond(said("医保", 2), lambda xml: xml, nonce=("n4", 60))
    assert retry.body == second.body and seen == [1, 2, 3]
    with pytest.raises(ReplayedNonce):
        await responder.respond(said("医保", 5), lambda xml: xml, nonce=("n4", 60))


async def test_a_long_reply_kept_for_more_is_written_when_the_turn_closes(
    redis: Redis, redis_prefix: str
) -> None:
    dp = Dispatcher(storage=RedisStorage(redis, prefix=redis_prefix))

    @dp.text()
    async def long(message: TextMessage) -> str:
        return "办理材料。" * 400

    responder = Responder(dp)  # no customer-service sender: the rest waits for 更多
    sent = count_commands(redis)
    await responder.respond(said("材料", 1), lambda xml: xml)
    assert sent == Counter({"EVALSHA": 2})
    rest = await responder.respond(said(MORE_COMMAND, 2), lambda xml: xml)
    assert "办理材料" in rest.body


async def test_a_busy_lock_is_waited_for_and_the_answer_still_recorded(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    seen: list[Any] = []
    dp = counting_dispatcher(storage, seen)
    responder = Responder(dp)
    await storage.set_data(KEY, {"asked": ["旧问题"]})
    # Another worker is still handling this user's previous message.
    other = RedisStorage(redis, prefix=redis_prefix)
    released = asyncio.Event()

    async def previous_message() -> None:
        async with other.turn(KEY) as turn:
            await released.wait()
            await turn.context.set_data({"asked": ["旧问题", "上一问"]})

    holder = asyncio.create_task(previous_message())
    await asyncio.sleep(0.05)
    event = said("低保", 9)
    answering = asyncio.create_task(responder.respond(event, lambda xml: xml))
    await asyncio.sleep(0.1)
    assert not answering.done()  # waits for the previous message: per-user order
    released.set()
    await holder
    response = await asyncio.wait_for(answering, 5)
    assert "第3问：低保" in response.body  # read after the previous message wrote
    assert seen == [1]
    assert await storage.get_data(KEY) == {"asked": ["旧问题", "上一问", "低保"]}
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") is None
    assert await storage.answer_of(f"gh:{event.dedup_key}", 0) == response.body


async def test_a_missed_deadline_answers_success_then_writes_and_unlocks(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    dp = Dispatcher(storage=storage)
    pushed: list[tuple[str, Reply]] = []

    @dp.text()
    async def slow(message: TextMessage, state: FSMContext) -> str:
        await asyncio.sleep(0.3)
        await state.update_data(slow=True)
        return "查询结果"

    async def sender(user: str, reply: Reply) -> None:
        # The lock is already free while the late reply is pushed.
        assert await redis.get(f"{redis_prefix}:lock:{KEY}") is None
        pushed.append((user, reply))

    responder = Responder(dp, sender=sender, deadline=0.05)
    event = said("慢查询", 1)
    response = await responder.respond(event, lambda xml: xml)
    assert response.body == SUCCESS
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") is not None  # still running
    assert await storage.answer_of(f"gh:{event.dedup_key}", 0) == SUCCESS
    await responder.drain()
    assert pushed == [(USER, TextReply("查询结果"))]
    assert await storage.get_data(KEY) == {"slow": True}
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") is None
    # A retry after the deadline still gets "success", not the late body.
    assert (await responder.respond(event, lambda xml: xml)).body == SUCCESS


async def test_a_cancelled_delivery_still_writes_and_frees_the_lock(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    dp = Dispatcher(storage=storage)
    started = asyncio.Event()

    @dp.text()
    async def slow(message: TextMessage, state: FSMContext) -> str:
        started.set()
        await asyncio.sleep(0.1)
        await state.set_state("S:done")
        return "好"

    responder = Responder(dp)
    answering = asyncio.create_task(responder.respond(said("慢", 1), lambda xml: xml))
    await started.wait()
    answering.cancel()  # e.g. the client went away
    with pytest.raises(asyncio.CancelledError):
        await answering
    await responder.drain()
    assert await storage.get_state(KEY) == "S:done"
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") is None


async def test_a_failing_handler_keeps_its_writes_and_frees_the_lock(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    dp = Dispatcher(storage=storage)

    @dp.text()
    async def broken(message: TextMessage, state: FSMContext) -> str:
        await state.set_state("S:half")
        raise RuntimeError("boom")

    response = await Responder(dp).respond(said("坏", 1), lambda xml: xml)
    assert "系统暂时出了点问题" in response.body
    assert await storage.get_state(KEY) == "S:half"
    assert await redis.get(f"{redis_prefix}:lock:{KEY}") is None


async def test_unreachable_redis_alone_answers_busy_and_runs_nothing() -> None:
    storage = RedisStorage.from_url("redis://127.0.0.1:1/0", socket_timeout=0.2)
    dp = Dispatcher(storage=storage)
    ran: list[str] = []
    dp.text.register(lambda message: ran.append(message.content) or "好")
    try:
        responder = Responder(dp)
        first = await responder.respond(said("你好", 1), lambda xml: xml, nonce=("n", 60))
        retry = await responder.respond(said("你好", 1), lambda xml: xml, nonce=("m", 60))
    finally:
        await storage.close()
    # the retry is answered busy as well (its CreateTime may be a second later)
    assert BUSY_TEXT in first.body and BUSY_TEXT in retry.body and ran == []


async def test_unreachable_redis_turns_open_on_the_fallback_uncounted() -> None:
    primary = RedisStorage.from_url("redis://127.0.0.1:1/0", socket_timeout=0.2)
    storage = ResilientStorage(primary, MemoryStorage())
    dp = Dispatcher(storage=storage)
    dp.turn_counter = lambda event: ("rl:x", 120)
    counts: list[Any] = []

    @dp.text()
    async def answer(message: TextMessage, turn_count: int | None = None) -> str:
        counts.append(turn_count)
        return "好"

    try:
        responder = Responder(dp)
        response = await responder.respond(said("你好", 1), lambda xml: xml, nonce=("n", 60))
        retry = await responder.respond(said("你好", 1), lambda xml: xml, nonce=("m", 60))
    finally:
        await storage.close()
    assert "好" in response.body and counts == [None]  # not counted by the storage
    assert retry.body == response.body and storage.degraded


async def test_a_retry_after_the_first_handler_died_handles_the_message(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix, lock_timeout=0.5)
    dp = Dispatcher(storage=storage)
    handled: list[str] = []

    @dp.text()
    async def answer(message: TextMessage) -> str:
        handled.append(message.content)
        return f"答：{message.content}"

    event = said("低保", 7)
    key = f"gh:{event.dedup_key}"
    # The first delivery's worker claimed the message and locked the user, then was killed
    # (kill -9): its turn never closes, its claim's lease and its lock run out by themselves.
    await dp.turn(event, Delivery(key, 600, lease=0.3)).open()
    responder = Responder(dp, deadline=2.0, lease_margin=0.3)
    retry = await responder.respond(event, lambda xml: xml, nonce=("n2", 60))
    assert "答：低保" in retry.body and handled == ["低保"]
    again = await responder.respond(event, lambda xml: xml, nonce=("n3", 60))
    assert again.body == retry.body and handled == ["低保"]  # answered once, then replayed


async def test_a_lock_busy_past_the_deadline_answers_success_and_pushes_late(
    redis: Redis, redis_prefix: str
) -> None:
    storage = RedisStorage(redis, prefix=redis_prefix)
    dp = Dispatcher(storage=storage)
    dp.text.register(lambda message: f"答：{message.content}")
    pushed: list[tuple[str, Reply]] = []

    async def sender(user: str, reply: Reply) -> None:
        pushed.append((user, reply))

    responder = Responder(dp, sender=sender, deadline=0.2)
    # The user's previous message is still being handled (by any worker) for a while.
    previous = await RedisStorage(redis, prefix=redis_prefix).turn(KEY).open()
    response = await asyncio.wait_for(responder.respond(said("低保", 3), lambda xml: xml), 2)
    assert response.body == SUCCESS and pushed == []  # the deadline holds while waiting
    await previous.close()
    await responder.drain()
    assert pushed == [(USER, TextReply("答：低保"))]
