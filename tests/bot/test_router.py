"""Routing: observers per kind, nested routers, guards, middlewares, dependency injection."""

from __future__ import annotations

from typing import Any

import pytest

from bot.dispatcher import Dispatcher
from bot.events import Event, Kind, TextMessage, event_from_fields
from bot.filters import Command, CommandObject, EventKey, Text
from bot.magic import F
from bot.observer import Frozen
from bot.replies import TextReply
from bot.router import Router
from bot.types import UNHANDLED, Data, NextHandler, SkipHandler

BASE = {"ToUserName": "gh", "FromUserName": "o1", "CreateTime": "1"}


def said(content: str, user: str = "o1") -> Event:
    fields = {**BASE, "FromUserName": user, "MsgType": "text", "Content": content, "MsgId": "1"}
    return event_from_fields(fields)


EVENTS = {
    Kind.TEXT: {"MsgType": "text", "Content": "x"},
    Kind.VOICE: {"MsgType": "voice", "Recognition": "x"},
    Kind.IMAGE: {"MsgType": "image"},
    Kind.LOCATION: {"MsgType": "location"},
    Kind.LINK: {"MsgType": "link"},
    Kind.SUBSCRIBE: {"MsgType": "event", "Event": "subscribe"},
    Kind.UNSUBSCRIBE: {"MsgType": "event", "Event": "unsubscribe"},
    Kind.SCAN: {"MsgType": "event", "Event": "SCAN"},
    Kind.CLICK: {"MsgType": "event", "Event": "CLICK"},
    Kind.VIEW: {"MsgType": "event", "Event": "VIEW"},
    Kind.LOCATION_EVENT: {"MsgType": "event", "Event": "LOCATION"},
    Kind.UNKNOWN: {"MsgType": "miniprogrampage"},
}


@pytest.mark.parametrize("kind", list(Kind))
async def test_each_kind_reaches_its_own_observer(kind: Kind) -> None:
    dp = Dispatcher()
    for other in Kind:
        dp.observers[other].register(lambda event, name=other.value: name)
    reply = await dp.feed_event(event_from_fields({**BASE, **EVENTS[kind]}))
    assert reply == TextReply(kind.value)


async def test_first_matching_handler_wins_then_sub_routers_in_order() -> None:
    dp, first, second = Dispatcher(), Router(name="first"), Router(name="second")
    dp.include_routers(first, second)

    @first.text(Text("a"))
    async def a(message: TextMessage) -> str:
        return "first:a"

    @second.text()
    async def anything(message: TextMessage) -> str:
        return "second:any"

    @dp.text(Text("root"))
    async def root(message: TextMessage) -> str:
        return "root"

    assert await dp.feed_event(said("root")) == TextReply("root")
    assert await dp.feed_event(said("a")) == TextReply("first:a")
    assert await dp.feed_event(said("b")) == TextReply("second:any")
    assert await dp.feed_event(event_from_fields({**BASE, **EVENTS[Kind.IMAGE]})) is None


async def test_router_guard_and_observer_guard() -> None:
    dp, staff = Dispatcher(), Router(name="staff")
    dp.include_router(staff)
    staff.filter(lambda event, role: role == "staff")
    staff.text.filter(F.content.startswith("/"))
    staff.text.register(lambda message, command: f"staff {command.command}", Command("审核"))
    dp.text.register(lambda message: "citizen")  # registered later on the root: root runs first
    assert await dp.feed_event(said("/审核"), role="staff") == TextReply("citizen")
    dp.text.handlers.clear()
    assert await dp.feed_event(said("/审核"), role="staff") == TextReply("staff 审核")
    assert await dp.feed_event(said("/审核"), role="citizen") is None
    assert await dp.feed_event(said("审核"), role="staff") is None


async def test_filter_results_and_workflow_data_are_injected_by_name() -> None:
    dp = Dispatcher(catalogue="the catalogue")
    dp["search"] = "the index"
    seen: dict[str, Any] = {}

    @dp.text(Command("查询", prefixes=""))
    async def query(
        message: TextMessage, command: CommandObject, catalogue: str, search: str
    ) -> str:
        seen.update(command=command, catalogue=catalogue, search=search)
        return "ok"

    @dp.click(EventKey(prefix="v_"))
    def village(event: Event, event_key_suffix: str, **data: Any) -> str:  # sync handlers work too
        known = sorted(k for k in data if k in ("state", "raw_state", "dispatcher"))
        return f"{event_key_suffix} {known}"

    assert await dp.feed_event(said("查询 低保")) == TextReply("ok")
    assert seen == {
        "command": CommandObject("", "查询", "低保"),
        "catalogue": "the catalogue",
        "search": "the index",
    }
    assert dp["catalogue"] == "the catalogue"
    click = event_from_fields({**BASE, "MsgType": "event", "Event": "CLICK", "EventKey": "v_101"})
    assert await dp.feed_event(click) == TextReply("101 ['dispatcher', 'raw_state', 'state']")


async def test_middlewares_order_and_data() -> None:
    dp, child = Dispatcher(), Router(name="child")
    dp.include_router(child)
    trail: list[str] = []

    def recorder(name: str):  # type: ignore[no-untyped-def]
        async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
            trail.append(f">{name}")
            data[name] = True
            result = await handler(event, data)
            trail.append(f"<{name}")
            return result

        return middleware

    dp.outer_middleware(recorder("dp_outer"))
    dp.middleware(recorder("dp_inner"))
    child.outer_middleware(recorder("child_outer"))
    child.text.middleware(recorder("child_text_inner"))
    child.voice.middleware(recorder("never"))

    @child.text(lambda event, dp_outer: dp_outer)  # an outer middleware's data reaches filters
    async def handler(message: TextMessage, dp_inner: bool, child_text_inner: bool) -> str:
        trail.append("handler")
        return "done"

    assert await dp.feed_event(said("x")) == TextReply("done")
    assert trail == [
        ">dp_outer",
        ">child_outer",
        ">dp_inner",
        ">child_text_inner",
        "handler",
        "<child_text_inner",
        "<dp_inner",
        "<child_outer",
        "<dp_outer",
    ]


async def test_outer_middleware_can_stop_an_event() -> None:
    dp = Dispatcher()

    async def block(handler: NextHandler, event: Event, data: Data) -> Any:
        return "blocked" if event.user_id == "banned" else await handler(event, data)

    dp.outer_middleware(block)
    dp.text.register(lambda message: "ok")
    assert await dp.feed_event(said("x", user="banned")) == TextReply("blocked")
    assert await dp.feed_event(said("x", user="fine")) == TextReply("ok")


async def test_skip_handler_passes_to_the_next() -> None:
    dp = Dispatcher()

    @dp.text()
    async def picky(message: TextMessage) -> str:
        raise SkipHandler

    dp.text.register(lambda message: "next")
    assert await dp.feed_event(said("x")) == TextReply("next")


async def test_propagate_reports_unhandled() -> None:
    router = Router()
    assert await router.propagate(said("x"), {}) is UNHANDLED


def test_bad_registrations_are_refused() -> None:
    a, b = Router(name="a"), Router(name="b")
    a.include_router(b)
    with pytest.raises(RuntimeError):
        b.include_router(a)
    with pytest.raises(RuntimeError):
        Router().include_router(b)
    with pytest.raises(TypeError):
        a.text.register(lambda: "no event parameter")


async def test_the_tree_is_set_up_before_the_first_event_and_frozen_by_it() -> None:
    """Chains and guard lists are built once per router and kind: later changes fail loudly."""
    dp = Dispatcher()
    child = Router(name="child")
    seen: list[str] = []

    @child.text()
    async def answer(event: Event, tag: str = "") -> str:
        return f"child{tag}"

    def tagging(name: str) -> Any:
        async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
            seen.append(name)
            return await handler(event, {**data, "tag": f"{data.get('tag', '')}+{name}"})

        return middleware

    dp.include_router(child)
    dp.middleware(tagging("root-inner"))  # an ancestor's inner middleware reaches the child
    child.text.middleware(tagging("child-inner"))
    child.outer_middleware(tagging("child-outer"))
    assert await dp.feed_event(said("b")) == TextReply("child+child-outer+root-inner+child-inner")
    assert seen == ["child-outer", "root-inner", "child-inner"]

    late = Router(name="late")
    late.text()(lambda event: "late")
    for change in (
        lambda: child.text.filter(F.content == "c"),
        lambda: child.outer_middleware(tagging("x")),
        lambda: dp.middleware(tagging("x")),
        lambda: child.image.middleware(tagging("x")),  # a kind no event reached yet
        lambda: dp.include_router(late),
    ):
        with pytest.raises(Frozen):
            change()
    assert await dp.feed_event(said("c")) == TextReply("child+child-outer+root-inner+child-inner")
    with pytest.raises(Frozen):  # a router that routed events is not grafted elsewhere
        Dispatcher().include_router(child)

    # Another dispatcher's tree is its own: set up and frozen independently.
    other = Dispatcher()
    other.text()(lambda event: "other")
    assert await other.feed_event(said("a")) == TextReply("other")
    fresh = Dispatcher()
    fresh.middleware(tagging("fresh"))  # not frozen by the other trees' events


async def test_filters_passing_no_values_leave_the_data_alone() -> None:
    from bot.filters import FilterObject
    from bot.observer import check_filters

    data: dict[str, Any] = {"a": 1}
    event = said("x")
    same = await check_filters([FilterObject(F.content == "x")], event, data)
    assert same == {"a": 1}
    extended = await check_filters([FilterObject(F.content.as_("text"))], event, data)
    assert extended == {"a": 1, "text": "x"} and data == {"a": 1}
    assert await check_filters([FilterObject(F.content == "y")], event, data) is None
