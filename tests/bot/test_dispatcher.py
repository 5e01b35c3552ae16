"""The dispatcher: FSM in handlers, per-user ordering, the "更多" continuation."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.continuation import keep_rest
from bot.dispatcher import Dispatcher
from bot.events import Event, TextMessage, event_from_fields
from bot.filters import StateFilter, Text
from bot.fsm import Changes, FSMContext, State, StatesGroup, StorageKey
from bot.replies import TextReply
from bot.storage import Delivery, MemoryStorage, ResilientStorage, Turn
from bot.storage.memory import MemoryTurn


class Feedback(StatesGroup):
    waiting_text = State()


def said(content: str, user: str = "o1", msg_id: str = "1") -> Event:
    fields = {"ToUserName": "gh", "FromUserName": user, "CreateTime": "1"}
    return event_from_fields({**fields, "MsgType": "text", "Content": content, "MsgId": msg_id})


async def test_a_conversation_with_state() -> None:
    dp = Dispatcher()

    @dp.text(Text("意见"))
    async def start(message: TextMessage, state: FSMContext) -> str:
        await state.set_state(Feedback.waiting_text)
        return "请写下您的意见。"

    @dp.text(StateFilter(Feedback.waiting_text))
    async def receive(message: TextMessage, state: FSMContext) -> str:
        await state.update_data(feedback=message.content)
        await state.set_state(None)
        return "谢谢，已收到。"

    @dp.text()
    async def fallback(message: TextMessage, raw_state: str | None) -> str:
        return f"默认 {raw_state}"

    assert await dp.feed_event(said("意见")) == TextReply("请写下您的意见。")
    assert await dp.feed_event(said("意见", user="o2")) == TextReply("请写下您的意见。")
    assert await dp.feed_event(said("路灯坏了")) == TextReply("谢谢，已收到。")
    assert await dp.feed_event(said("你好")) == TextReply("默认 None")
    assert await dp.fsm_context(said("x")).get_data() == {"feedback": "路灯坏了"}
    assert await dp.fsm_context(said("x", user="o2")).get_state() == "Feedback:waiting_text"


async def test_one_user_at_a_time_other_users_in_parallel() -> None:
    dp = Dispatcher()
    running: dict[str, int] = {}
    most: dict[str, int] = {}
    order: list[str] = []

    @dp.text()
    async def slow(message: TextMessage) -> str:
        user = message.user_id
        running[user] = running.get(user, 0) + 1
        most[user] = max(most.get(user, 0), running[user])
        most["all"] = max(most.get("all", 0), sum(running.values()))
        await asyncio.sleep(0.05)
        order.append(message.content)
        running[user] -= 1
        return message.content

    events = [said(f"a{i}", user="a") for i in range(4)] + [
        said(f"b{i}", user="b") for i in range(4)
    ]
    replies = await asyncio.gather(*(dp.feed_event(e) for e in events))
    assert [r.content for r in replies if isinstance(r, TextReply)] == [
        f"a{i}" for i in range(4)
    ] + [f"b{i}" for i in range(4)]
    assert most["a"] == 1 and most["b"] == 1
    assert most["all"] == 2  # the two users did overlap
    assert [c for c in order if c.startswith("a")] == ["a0", "a1", "a2", "a3"]


async def test_more_returns_kept_parts_in_order_then_routes_normally() -> None:
    dp = Dispatcher()
    dp.text.register(lambda message: f"handler:{message.content}")
    await keep_rest(dp.fsm_context(said("x")), ["第二部分", "第三部分"])
    assert await dp.feed_event(said("更多")) == TextReply("第二部分")
    assert await dp.feed_event(said(" “更多” ")) == TextReply("第三部分")
    assert await dp.feed_event(said("更多")) == TextReply("handler:更多")
    assert await dp.feed_event(said("更多", user="o2")) == TextReply("handler:更多")


async def test_a_new_question_drops_the_rest_of_an_old_answer() -> None:
    dp = Dispatcher()
    dp.text.register(lambda message: f"handler:{message.content}")
    await keep_rest(dp.fsm_context(said("x")), ["旧答案的第二部分"])
    assert await dp.feed_event(said("新问题")) == TextReply("handler:新问题")
    assert await dp.feed_event(said("更多")) == TextReply("handler:更多")


class CountingStorage(MemoryStorage):
    """Memory storage that counts whole-record reads and single reads of state or data."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.records = 0

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        self.records += 1
        return await super().get_state(key), await super().get_data(key)

    async def get_state(self, key: StorageKey) -> str | None:
        self.reads += 1
        return await super().get_state(key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self.reads += 1
        return await super().get_data(key)


async def test_reads_under_the_lock_come_from_the_record_read_once() -> None:
    storage = CountingStorage()
    dp = Dispatcher(storage=storage)

    @dp.text()
    async def count(message: TextMessage, state: FSMContext) -> str:
        data = await state.update_data(n=(await state.get_data()).get("n", 0) + 1)
        data["n"] = -1  # a caller's copy: changing it changes nothing stored
        await state.update_data(seen=True)
        await state.set_state("S:one")
        return f"{(await state.get_data())['n']} {await state.get_state()}"

    assert await dp.feed_event(said("a")) == TextReply("1 S:one")
    assert await dp.feed_event(said("b", msg_id="2")) == TextReply("2 S:one")
    assert (storage.records, storage.reads) == (2, 0)  # one record read per event
    context = dp.fsm_context(said("x"))
    assert await context.get_data() == {"n": 2, "seen": True}  # outside: from the storage
    assert storage.reads == 1


class _FlakyTurn(MemoryTurn):
    async def _close(self, changes: Changes, answer: str | None) -> None:
        self.storage.locks.release(self.key)
        raise ConnectionError("gone")


class _FlakyStorage(MemoryStorage):
    """Opens turns, then becomes unreachable before closing them."""

    unavailable = (ConnectionError,)

    def turn(self, key: StorageKey, delivery: Delivery | None = None) -> Turn:
        return _FlakyTurn(self, key, delivery)


async def test_a_failed_closing_writes_and_answers_on_the_fallback() -> None:
    primary, fallback = _FlakyStorage(), MemoryStorage()
    storage = ResilientStorage(primary, fallback)
    dp = Dispatcher(storage=storage)
    dp.turn_counter = lambda event: ("rl", 60)

    @dp.text()
    async def remember(message: TextMessage, state: FSMContext) -> str:
        await state.update_data(said=message.content)
        return "记下了"

    event = said("低保")
    turn = await dp.turn(event, Delivery("d1", 60, 10)).open()
    assert turn.claimed and turn.holds and not storage.degraded
    assert await dp.feed(event, turn) == TextReply("记下了")
    turn.answer("<xml>记下了</xml>")
    await turn.close()
    await turn.close()  # closed once only
    assert storage.degraded  # the breaker heard of the failure
    assert await fallback.answer_of("d1", 0) == "<xml>记下了</xml>"
    assert await fallback.get_data(StorageKey("gh", "o1")) == {"said": "低保"}
    assert await primary.get_data(StorageKey("gh", "o1")) == {}
