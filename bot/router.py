"""Routers: one per feature, nested with `include_router`, an observer per event kind."""

from __future__ import annotations

from typing import Any

from bot.events import Event, Kind
from bot.filters import FilterLike, FilterObject
from bot.observer import EventObserver, Frozen, chain, check_filters
from bot.types import UNHANDLED, Data, Middleware, NextHandler


class _Routing:
    """What one router does with one kind of event, built once on the first such event."""

    __slots__ = ("guards", "inner", "outer")

    def __init__(
        self, outer: NextHandler, guards: list[FilterObject], inner: list[Middleware]
    ) -> None:
        self.outer = outer  # the outer middlewares around `_propagate`
        self.guards = guards  # the router's and the observer's
        self.inner = inner  # the inner middlewares of this router and its ancestors


class Router:
    """Handlers grouped by event kind; events go to this router's handlers, then sub-routers.

    The tree of routers with its guards and middlewares is set up before the first event:
    routing it freezes the whole tree (as Starlette's app builds its middleware stack once),
    and a later `include_router`, `filter` or middleware raises `Frozen`.
    """

    def __init__(self, *, name: str | None = None) -> None:
        self.name = name or f"router-{id(self):x}"
        self.frozen = False
        self.parent_router: Router | None = None
        self.sub_routers: list[Router] = []
        self.guards: list[FilterObject] = []
        self.outer_middlewares: list[Middleware] = []
        self.inner_middlewares: list[Middleware] = []
        self.observers = {kind: EventObserver(kind) for kind in Kind}
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
        self._routing: dict[Kind, _Routing] = {}

    def __repr__(self) -> str:
        return f"Router({self.name!r})"

    def include_router(self, router: Router) -> Router:
        self._check_open()
        if router.frozen:
            raise Frozen(f"{router!r} has routed events already")
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
        self._check_open()
        self.guards.extend(FilterObject(f) for f in filters)

    def outer_middleware(self, middleware: Middleware) -> Middleware:
        """Runs for every event entering this router (any kind), before filters."""
        self._check_open()
        self.outer_middlewares.append(middleware)
        return middleware

    def middleware(self, middleware: Middleware) -> Middleware:
        """Runs around every handler chosen here or in sub-routers."""
        self._check_open()
        self.inner_middlewares.append(middleware)
        return middleware

    def _check_open(self) -> None:
        if self.frozen:
            raise Frozen(f"cannot change {self!r} after it routed its first event")

    def freeze(self) -> None:
        """Fix the whole tree this router is in (done by the first event routed)."""
        root = self
        while root.parent_router is not None:
            root = root.parent_router
        pending = [root]
        while pending:
            router = pending.pop()
            router.frozen = True
            for observer in router.observers.values():
                observer.frozen = True
            pending.extend(router.sub_routers)

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

    def _routing_of(self, kind: Kind) -> _Routing:
        routing = self._routing.get(kind)
        if routing is None:
            if not self.frozen:
                self.freeze()
            observer = self.observers[kind]
            routing = _Routing(
                chain(self.outer_middlewares + observer.outer_middlewares, self._propagate),
                self.guards + observer.guards,
                self._inner_chain(kind),
            )
            self._routing[kind] = routing
        return routing

    async def propagate(self, event: Event, data: Data) -> Any:
        """The result of the first handler that takes `event`, or `UNHANDLED`."""
        return await self._routing_of(event.kind).outer(event, data)

    async def _propagate(self, event: Event, data: Data) -> Any:
        routing = self._routing_of(event.kind)
        guarded = await check_filters(routing.guards, event, data)
        if guarded is None:
            return UNHANDLED
        result = await self.observers[event.kind].trigger(event, guarded, routing.inner)
        if result is not UNHANDLED:
            return result
        for router in self.sub_routers:
            result = await router.propagate(event, guarded)
            if result is not UNHANDLED:
                return result
        return UNHANDLED
