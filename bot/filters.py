"""Filters: small callables returning `bool | dict` (a dict feeds handler keyword arguments)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from magic_filter import MagicFilter

from bot.events import (
    ClickEvent,
    Event,
    ScanEvent,
    SubscribeEvent,
    TextMessage,
    ViewEvent,
    VoiceMessage,
)
from bot.fsm import State, StatesGroup

FilterResult = bool | dict[str, Any]


class Filter:
    """Base of class filters; combine them with `&`, `|` and `~`.

    A filter implements `check(event, data)` (the routing data as it is, to read, never to
    change) or `__call__(event, **data)`; each defaults to the other. The router calls
    `check`: a filter written that way spares every message a copy of the routing data as
    keyword arguments for each of its few dozen filter checks.
    """

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        return await self.check(event, data)

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        """The filter's result for `event` with the routing `data` (not copied: read only)."""
        if type(self).__call__ is Filter.__call__:
            raise TypeError(f"{type(self).__name__} implements neither check nor __call__")
        return await self(event, **data)

    def __and__(self, other: Filter) -> Filter:
        return _All((self, other))

    def __or__(self, other: Filter) -> Filter:
        return _Any((self, other))

    def __invert__(self) -> Filter:
        return _Not(self)


class _All(Filter):
    def __init__(self, filters: Sequence[Filter]) -> None:
        self.filters = tuple(filters)

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        found: dict[str, Any] = {}
        for item in self.filters:
            result = await item.check(event, {**data, **found} if found else data)
            if not result:
                return False
            if isinstance(result, dict):
                found.update(result)
        return found or True


class _Any(Filter):
    def __init__(self, filters: Sequence[Filter]) -> None:
        self.filters = tuple(filters)

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        for item in self.filters:
            result = await item.check(event, data)
            if result:
                return result
        return False


class _Not(Filter):
    def __init__(self, inner: Filter) -> None:
        self.inner = inner

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        return not await self.inner.check(event, data)


def text_of(event: Event) -> str | None:
    """What the user said: a text message's content or a voice message's recognition."""
    if isinstance(event, TextMessage):
        return event.content
    if isinstance(event, VoiceMessage):
        return event.recognition
    return None


class Text(Filter):
    """Match what the user said (text, or voice recognition) exactly or by part."""

    def __init__(
        self,
        *equals: str,
        contains: str | Sequence[str] = (),
        startswith: str | Sequence[str] = (),
        endswith: str | Sequence[str] = (),
        ignore_case: bool = True,
        strip: bool = True,
    ) -> None:
        def many(value: str | Sequence[str]) -> tuple[str, ...]:
            return (value,) if isinstance(value, str) else tuple(value)

        self.ignore_case = ignore_case
        self.strip = strip
        norm = self._norm
        self.equals = tuple(norm(v) for v in equals)
        self.contains = tuple(norm(v) for v in many(contains))
        self.startswith = tuple(norm(v) for v in many(startswith))
        self.endswith = tuple(norm(v) for v in many(endswith))

    def _norm(self, value: str) -> str:
        value = value.strip() if self.strip else value
        return value.casefold() if self.ignore_case else value

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        said = text_of(event)
        if said is None:
            return False
        value = self._norm(said)
        return (
            value in self.equals
            or any(part in value for part in self.contains)
            or any(value.startswith(part) for part in self.startswith)
            or any(value.endswith(part) for part in self.endswith)
        )


class Regex(Filter):
    """`re.search` over what the user said; passes `match` to the handler."""

    def __init__(self, pattern: str | re.Pattern[str], flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags) if isinstance(pattern, str) else pattern

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        said = text_of(event)
        if said is None:
            return False
        match = self.pattern.search(said.strip())
        return {"match": match} if match else False


@dataclass(frozen=True, slots=True)
class CommandObject:
    """A parsed command: `/发布 XK00001` → prefix "/", command "发布", args "XK00001"."""

    prefix: str
    command: str
    args: str


class Command(Filter):
    """Commands by name after one of `prefixes` ("" allows bare words); passes `command`."""

    def __init__(
        self, *names: str, prefixes: str | Sequence[str] = ("/", "／"), ignore_case: bool = True
    ) -> None:
        if not names:
            raise ValueError("Command needs at least one name")
        self.prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
        self.ignore_case = ignore_case
        self.names = {name.casefold() if ignore_case else name: name for name in names}

    def _match(self, tail: str) -> tuple[str, str] | None:
        folded = tail.casefold() if self.ignore_case else tail
        for key in sorted(self.names, key=len, reverse=True):
            if folded == key or folded.startswith(key + " "):
                return self.names[key], tail[len(key) :].strip()
            # Chinese commands are often typed without a space: "查询营业执照".
            if not key.isascii() and folded.startswith(key):
                return self.names[key], tail[len(key) :].strip()
        return None

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        said = text_of(event)
        if said is None:
            return False
        said = said.strip()
        # Longest prefix first, so "" never shadows "/".
        for prefix in sorted(self.prefixes, key=len, reverse=True):
            if said.startswith(prefix):
                found = self._match(said[len(prefix) :])
                if found is not None:
                    return {"command": CommandObject(prefix, *found)}
        return False


class EventKey(Filter):
    """Menu click, view, scan or subscribe events by key (exact or `prefix`); passes `event_key`."""

    def __init__(self, *keys: str, prefix: str | None = None) -> None:
        self.keys = frozenset(keys)
        self.prefix = prefix

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        if not isinstance(event, ClickEvent | ViewEvent | ScanEvent | SubscribeEvent):
            return False
        key = event.event_key
        if key in self.keys:
            return {"event_key": key}
        if self.prefix is not None and key.startswith(self.prefix):
            return {"event_key": key, "event_key_suffix": key[len(self.prefix) :]}
        return False


StateLike = State | str | type[StatesGroup] | None


class StateFilter(Filter):
    """The user's FSM state is one of `states`; `None` = no state, `"*"` = any."""

    def __init__(self, *states: StateLike) -> None:
        if not states:
            raise ValueError("StateFilter needs at least one state")
        self.states = states

    def _matches(self, current: str | None, wanted: StateLike) -> bool:
        if wanted == "*":
            return True
        if wanted is None:
            return current is None
        if isinstance(wanted, type):
            return current in wanted.state_names()
        return wanted == current

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        current = data.get("raw_state")
        return any(self._matches(current, wanted) for wanted in self.states)


FilterLike = Filter | MagicFilter | Callable[..., FilterResult | Awaitable[FilterResult]]


class FilterObject:
    """Any filter the observers accept, called uniformly with dependency injection."""

    def __init__(self, target: FilterLike) -> None:
        self.target = target
        self._magic = target if isinstance(target, MagicFilter) else None
        self._filter = target if isinstance(target, Filter) else None
        # A filter written as `__call__(event, **data)` is called so, without the detour
        # through the default `check`; one written as `check` gets the data uncopied.
        self._spread = (
            self._filter is not None and type(self._filter).__call__ is not Filter.__call__
        )
        # The filter's own `check` when that is how it is called: the observers await it
        # straight, without this object's `__call__` in between (a coroutine fewer per
        # check, some 40 checks a message).
        self.direct: Callable[[Event, Mapping[str, Any]], Awaitable[FilterResult]] | None = (
            self._filter.check if self._filter is not None and not self._spread else None
        )
        self._params: frozenset[str] | None = None
        if self._magic is None and self._filter is None:
            signature = inspect.signature(target)
            takes_all = any(
                p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()
            )
            self._params = None if takes_all else frozenset(list(signature.parameters)[1:])

    async def __call__(self, event: Event, data: dict[str, Any]) -> FilterResult:
        if self._magic is not None:
            value = self._magic.resolve(event)
            return value if isinstance(value, dict) else bool(value)
        if self._filter is not None:
            if self._spread:
                return await self._filter(event, **data)
            return await self._filter.check(event, data)
        kwargs = data if self._params is None else {k: data[k] for k in self._params if k in data}
        result = self.target(event, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result if isinstance(result, dict) else bool(result)
