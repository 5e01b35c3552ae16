"""An observer per event kind: its handlers, guard filters and middlewares."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from bot.events import Event, Kind
from bot.filters import FilterLike, FilterObject
from bot.types import UNHANDLED, Data, Middleware, NextHandler, SkipHandler

CallbackT = TypeVar("CallbackT", bound=Callable[..., Any])


class Frozen(RuntimeError):
    """A middleware, guard or router added after the first event was routed."""


async def check_filters(filters: list[FilterObject], event: Event, data: Data) -> Data | None:
    """The data extended by every filter's dict, or None when one filter fails.

    `data` itself when no filter passed values (data dicts are never changed in place: a
    middleware or filter that adds a value makes a new dict)."""
    extended = data
    for item in filters:
        direct = item.direct
        result = await (item(event, extended) if direct is None else direct(event, extended))
        if not result:
            return None
        if isinstance(result, dict) and result:
            extended = {**extended, **result}
    return extended


class HandlerObject:
    """A callback with its filters; called with the event first and dependencies by name."""

    def __init__(self, callback: Callable[..., Any], filters: list[FilterObject]) -> None:
        self.callback = callback
        self.filters = filters
        params = list(inspect.signature(callback).parameters.values())
        if not params:
            raise TypeError(f"handler {callback.__qualname__} must accept the event")
        takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
        self.wanted: frozenset[str] | None = (
            None if takes_all else frozenset(p.name for p in params[1:])
        )

    async def call(self, event: Event, data: Data) -> Any:
        if self.wanted is None:
            kwargs = data
        else:
            kwargs = {name: data[name] for name in self.wanted if name in data}
        result = self.callback(event, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result


def chain(middlewares: list[Middleware], final: NextHandler) -> NextHandler:
    """`final` wrapped by `middlewares`, the first one outermost."""
    handler = final
    for middleware in reversed(middlewares):
        handler = functools.partial(middleware, handler)
    return handler


class EventObserver:
    """Register handlers with `@router.text(filters...)`; guard all of them with `.filter()`.

    Guards and middlewares are set up before the first event: then its router freezes them
    (`freeze`) and caches the chains built from them, as Starlette builds its middleware
    stack once. Handlers may still be registered later.
    """

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.frozen = False
        self.handlers: list[HandlerObject] = []
        self.guards: list[FilterObject] = []
        self.outer_middlewares: list[Middleware] = []
        self.inner_middlewares: list[Middleware] = []
        # handler → (the inner middleware list it was wrapped with, the wrapped handler)
        self._chains: dict[HandlerObject, tuple[list[Middleware], NextHandler]] = {}

    def register(self, callback: CallbackT, *filters: FilterLike) -> CallbackT:
        self.handlers.append(HandlerObject(callback, [FilterObject(f) for f in filters]))
        return callback

    def __call__(self, *filters: FilterLike) -> Callable[[CallbackT], CallbackT]:
        def decorator(callback: CallbackT) -> CallbackT:
            return self.register(callback, *filters)

        return decorator

    def filter(self, *filters: FilterLike) -> None:
        """Filters every handler of this observer must also pass."""
        self._check_open()
        self.guards.extend(FilterObject(f) for f in filters)

    def outer_middleware(self, middleware: Middleware) -> Middleware:
        """Runs for every event of this kind entering the router, before any filter."""
        self._check_open()
        self.outer_middlewares.append(middleware)
        return middleware

    def middleware(self, middleware: Middleware) -> Middleware:
        """Runs around the chosen handler, after its filters passed."""
        self._check_open()
        self.inner_middlewares.append(middleware)
        return middleware

    def _check_open(self) -> None:
        if self.frozen:
            raise Frozen(f"cannot change the {self.kind} observer after the first event")

    def _chained(self, handler: HandlerObject, inner: list[Middleware]) -> NextHandler:
        """The handler wrapped by `inner` (built once: the router hands the same list)."""
        cached = self._chains.get(handler)
        if cached is not None and cached[0] is inner:
            return cached[1]
        wrapped = chain(inner, handler.call)
        self._chains[handler] = (inner, wrapped)
        return wrapped

    async def trigger(self, event: Event, data: Data, inner: list[Middleware]) -> Any:
        """The first matching handler's result, or `UNHANDLED`."""
        for handler in self.handlers:
            extended = await check_filters(handler.filters, event, data)
            if extended is None:
                continue
            try:
                return await self._chained(handler, inner)(event, extended)
            except SkipHandler:
                continue
        return UNHANDLED
