"""Routers: one per feature, nested with `include_router`, an observer per event kind."""

from __future__ import annotations

from typing import Any

from bot.events import Event, Kind
from bot.filters import FilterLike, FilterObject
from bot.observer import EventObserver, chain, check_filters
from bot.types import UNHANDLED, Data, Middleware


class Router:
    """Handlers grouped by event kind; events go to this router's handlers, then sub-routers."""

    def __init__(self, *, name: str | None = None) -> None:
        self.name = name or f"router-{id(self):x}"
        self.parent_router: Router | None = None
        self.sub_routers: list[Router] = []
        self.guards: list[FilterObject] = []
        self.outer_middlewares: list[Middleware] = []
        self.inner_middlewares: list[Middleware] = []
        self.observers = {kind: EventObserver(self, kind) for kind in Kind}
        self.text = self.observers[Kind.TEXT]
        self.voice = self.observers[Kind.VOICE]
        self.image = self.observers[Kind.IMAGE]
        self.location = self.observers[Kind.LOCATION]
        self.link = self.observers[Kind.LINK]
        self.subscribe = self.observers[Kind.SUBSCRIBE]
        self.unsubscribe = self.observers[Kind.UNSUBSCRIBE]
        self.scan = self.observers[Kind.SCAN]
        self.click = self.observers[Kind.CLICK]
        self.view = self.observers[Kind.VIEW]
        self.location_event = self.observers[Kind.LOCATION_EVENT]
        self.unknown = self.observers[Kind.UNKNOWN]

    def __repr__(self) -> str:
        return f"Router({self.name!r})"

    def include_router(self, router: Router) -> Router:
        if router.parent_router is not None:
            raise RuntimeError(f"{router!r} is already included in {router.parent_router!r}")
        ancestor: Router | None = self
        while ancestor is not None:
            if ancestor is router:
                raise RuntimeError(f"including {router!r} in {self!r} would make a cycle")
            ancestor = ancestor.parent_router
        router.parent_router = self
        self.sub_routers.append(router)
        return router

    def include_routers(self, *routers: Router) -> None:
        for router in routers:
            self.include_router(router)

    def filter(self, *filters: FilterLike) -> None:
        """Guard the whole router: no handler here or below runs unless these pass."""
        self.guards.extend(FilterObject(f) for f in filters)

    def outer_middleware(self, middleware: Middleware) -> Middleware:
        """Runs for every event entering this router (any kind), before filters."""
        self.outer_middlewares.append(middleware)
        return middleware

    def middleware(self, middleware: Middleware) -> Middleware:
        """Runs around every handler chosen here or in sub-routers."""
        self.inner_middlewares.append(middleware)
        return middleware

    def _inner_chain(self, kind: Kind) -> list[Middleware]:
        routers: list[Router] = []
        node: Router | None = self
        while node is not None:
            routers.append(node)
            node = node.parent_router
        middlewares: list[Middleware] = []
        for router in reversed(routers):
            middlewares += router.inner_middlewares + router.observers[kind].inner_middlewares
        return middlewares

    async def propagate(self, event: Event, data: Data) -> Any:
        """The result of the first handler that takes `event`, or `UNHANDLED`."""
        observer = self.observers[event.kind]
        outer = self.outer_middlewares + observer.outer_middlewares
        return await chain(outer, self._propagate)(event, data)

    async def _propagate(self, event: Event, data: Data) -> Any:
        observer = self.observers[event.kind]
        guarded = await check_filters(self.guards + observer.guards, event, data)
        if guarded is None:
            return UNHANDLED
        result = await observer.trigger(event, guarded, self._inner_chain(event.kind))
        if result is not UNHANDLED:
            return result
        for router in self.sub_routers:
            result = await router.propagate(event, guarded)
            if result is not UNHANDLED:
                return result
        return UNHANDLED
