"""Filters: text, regex, commands, event keys, states, magic F, combinations, plain functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bot.events import Event, event_from_fields
from bot.filters import (
    Command,
    CommandObject,
    EventKey,
    Filter,
    FilterObject,
    FilterResult,
    Regex,
    StateFilter,
    Text,
)
from bot.fsm import State, StatesGroup
from bot.magic import F

BASE = {"ToUserName": "gh", "FromUserName": "o1", "CreateTime": "1"}


def said(content: str) -> Event:
    return event_from_fields({**BASE, "MsgType": "text", "Content": content, "MsgId": "1"})


def spoken(recognition: str) -> Event:
    return event_from_fields({**BASE, "MsgType": "voice", "Recognition": recognition, "MsgId": "2"})


def click(key: str) -> Event:
    return event_from_fields({**BASE, "MsgType": "event", "Event": "CLICK", "EventKey": key})


class Apply(StatesGroup):
    name = State()
    phone = State()


async def test_text_filter_matches_text_and_voice() -> None:
    hello = Text("你好", "hello")
    assert await hello(said(" Hello "))
    assert await hello(spoken("你好"))
    assert not await hello(said("你好吗"))
    assert not await hello(click("你好"))
    assert await Text(contains="执照")(said("营业执照怎么办"))
    assert await Text(startswith=("查", "问"))(said("问一下"))
    assert await Text(endswith="吗")(said("能办吗"))
    assert not await Text("Hello", ignore_case=False)(said("hello"))


async def test_regex_passes_the_match() -> None:
    result = await Regex(r"XK(\d{5})")(said("查 XK00012"))
    assert isinstance(result, dict)
    assert result["match"].group(1) == "00012"
    assert not await Regex(r"\d+")(said("无数字"))


async def test_command_with_prefixes_and_bare_chinese() -> None:
    publish = Command("发布", "publish")
    assert await publish(said("/publish XK00001")) == {
        "command": CommandObject("/", "publish", "XK00001")
    }
    assert await publish(said("／发布 XK00001 XK00002")) == {
        "command": CommandObject("／", "发布", "XK00001 XK00002")
    }
    assert await publish(said("/发布XK00001")) == {"command": CommandObject("/", "发布", "XK00001")}
    assert not await publish(said("发布 XK00001"))
    assert not await publish(said("/publisher"))
    bare = Command("查询", prefixes=("/", ""))
    assert await bare(said("查询营业执照")) == {"command": CommandObject("", "查询", "营业执照")}
    assert await bare(spoken("/查询 低保")) == {"command": CommandObject("/", "查询", "低保")}
    with pytest.raises(ValueError):
        Command()


async def test_event_key_exact_and_prefix() -> None:
    assert await EventKey("GUIDE")(click("GUIDE")) == {"event_key": "GUIDE"}
    assert await EventKey(prefix="village_")(click("village_620623101")) == {
        "event_key": "village_620623101",
        "event_key_suffix": "620623101",
    }
    assert not await EventKey("GUIDE")(click("OTHER"))
    assert not await EventKey("GUIDE")(said("GUIDE"))


async def test_state_filter() -> None:
    event = said("张三")
    assert await StateFilter(Apply.name)(event, raw_state="Apply:name")
    assert not await StateFilter(Apply.phone)(event, raw_state="Apply:name")
    assert await StateFilter(Apply)(event, raw_state="Apply:phone")
    assert await StateFilter(None)(event, raw_state=None)
    assert not await StateFilter(None)(event, raw_state="Apply:name")
    assert await StateFilter("*")(event, raw_state="anything")
    assert await StateFilter("Apply:name")(event, raw_state="Apply:name")
    with pytest.raises(ValueError):
        StateFilter()


async def test_combinations() -> None:
    both = Text(contains="执照") & Regex(r"(\d+)")
    result = await both(said("营业执照 3"))
    assert isinstance(result, dict) and result["match"].group(1) == "3"
    assert not await both(said("营业执照"))
    either = Text("a") | Text("b")
    assert await either(said("b"))
    assert not await (~Text("a"))(said("a"))
    assert await (~Text("a"))(said("c"))


async def test_magic_and_plain_function_filters() -> None:
    data: dict[str, Any] = {"raw_state": None, "role": "staff"}
    assert await FilterObject(F.content == "hi")(said("hi"), data) is True
    assert await FilterObject(F.content.startswith("查"))(said("查询"), data) is True
    assert await FilterObject(F.event_key == "X")(said("X"), data) is False
    as_dict = await FilterObject(F.content.as_("words"))(said("hi"), data)
    assert as_dict == {"words": "hi"}

    def staff_only(event: Event, role: str) -> bool:
        return role == "staff"

    async def adds(event: Event) -> dict[str, int]:
        return {"n": 3}

    def everything(event: Event, **data: Any) -> bool:
        return "raw_state" in data

    assert await FilterObject(staff_only)(said("x"), data) is True
    assert await FilterObject(staff_only)(said("x"), {"role": "citizen"}) is False
    assert await FilterObject(adds)(said("x"), data) == {"n": 3}
    assert await FilterObject(everything)(said("x"), data) is True


class RoleByCheck(Filter):
    """Written as `check`: reads the routing data without a copy."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        return {"seen": data["role"]} if data.get("role") == "staff" else False


class RoleByCall(Filter):
    """Written as `__call__(event, **data)`, as filters were before `check`."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        return data.get("role") == "staff"


async def test_class_filters_written_either_way_are_called_alike() -> None:
    staff: dict[str, Any] = {"role": "staff"}
    citizen: dict[str, Any] = {"role": "citizen"}
    for written in (RoleByCheck(), RoleByCall()):
        # through the router, directly with keywords, and inside combinations
        assert await FilterObject(written)(said("x"), staff)
        assert not await FilterObject(written)(said("x"), citizen)
        assert await written(said("x"), **staff)
        assert await written.check(said("x"), staff)
        assert not await (~written).check(said("x"), staff)
        assert await (Text("x") & written)(said("x"), **staff)
        assert await (Text("y") | written).check(said("x"), staff)
    assert await FilterObject(RoleByCheck())(said("x"), staff) == {"seen": "staff"}


async def test_a_filter_chained_after_one_that_passes_values_reads_them() -> None:
    class NeedsMatch(Filter):
        async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
            return "match" in data

    data: dict[str, Any] = {"raw_state": None}
    assert await FilterObject(Regex(r"\d") & NeedsMatch())(said("第3条"), data)
    assert not await FilterObject(NeedsMatch())(said("第3条"), data)
    assert data == {"raw_state": None}  # the routing data is never changed in place


async def test_a_filter_implementing_neither_is_refused_when_called() -> None:
    class Empty(Filter):
        pass

    with pytest.raises(TypeError, match="neither check nor __call__"):
        await Empty().check(said("x"), {})
    with pytest.raises(TypeError, match="neither check nor __call__"):
        await Empty()(said("x"))
