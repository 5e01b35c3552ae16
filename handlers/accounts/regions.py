"""What a worker keeps per home region: scoped sessions, the live search index (with its
result cache) and the public-item cache. Accounts of the same region share one view; every
answer of an account is built from its region's view alone (`catalogue.scope`)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.db import session_factory
from handlers.db.changes import regions_version
from handlers.observability.logs import get_logger
from handlers.observability.metrics import TimedSearch, record_search_cache
from handlers.searching.cache import LiveIndex, cache_search
from handlers.searching.public_items import PublicItems
from handlers.searching.service import IndexFollower, SynonymWatcher, build_index
from handlers.settings import Settings

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RegionView:
    """One home region's sessions, live index and public items (per worker)."""

    home: str
    sessions: async_sessionmaker[AsyncSession]
    search: LiveIndex
    public_items: PublicItems


async def open_view(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, stack: AsyncExitStack
) -> RegionView:
    """Build the index and preload the items of the region `sessions` serve (that of
    `settings.home_region`); the followers that keep them fresh stop with `stack`."""
    # Recent results kept per worker (emptied by any index change), timed.
    index = TimedSearch(
        cache_search(await build_index(sessions), settings.search_cache_size, record_search_cache)
    )
    # Staff synonyms work without a restart; other workers' and CLI item changes.
    for periodic in (SynonymWatcher(index, sessions), IndexFollower(index, sessions)):
        periodic.start()
        stack.push_async_callback(periodic.stop)
    public_items = PublicItems(sessions)
    await public_items.preload()
    return RegionView(settings.home_region, sessions, index, public_items)


class RegionViews:
    """The views of a worker by home region, each built once, on first need."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        stack: AsyncExitStack,
    ) -> None:
        self.engine = engine
        self.sessions = sessions  # the deployment's own (its home region's)
        self.settings = settings
        self.stack = stack
        self._views: dict[str, RegionView] = {}

    def add(self, view: RegionView) -> None:
        """A view built elsewhere (the default account's, at the app's start)."""
        self._views[view.home] = view

    async def get(self, home: str) -> RegionView:
        """The view of `home`, built now if this worker has none yet."""
        view = self._views.get(home)
        if view is None:
            sessions = session_factory(
                self.engine,
                home,
                audit_key=self.settings.audit_key_bytes(),
                places_version=regions_version,
            )
            view = await open_view(
                sessions, self.settings.model_copy(update={"home_region": home}), self.stack
            )
            self._views[home] = view
            log.info("region view built", region=home, items=len(view.search.codes()))
        return view

    def __len__(self) -> int:
        return len(self._views)
