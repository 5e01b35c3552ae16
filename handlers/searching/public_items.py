"""A per-process read-through cache of public items for citizens' answers.

Search hits, list pages and chosen numbers name items by canonical code; their cards need the
item with its department and responsibilities. Loading 25 of them per message was most of a
message's cost, so each worker keeps what it loaded, keyed by code — and "not public" too.

Freshness: the cache empties itself when `handlers.db.changes` reports a change of items,
departments or responsibilities. A publication, suspension or abolition committed by this
process is seen by the very next look-up (the commit moves the generation synchronously);
one committed by another worker or a CLI command within `handlers.db.changes.POLL_SECONDS`
(plus one stamp query) once `ChangeWatcher` runs in the app's lifespan."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import queries
from catalogue.codes import BASIC_CODE_LENGTH
from catalogue.models import Item
from handlers.db.changes import CHANGES, Changes

TABLES = ("items", "departments", "responsibilities")
MAX_ENTRIES = 50_000  # codes (public or not) kept before starting afresh
PRELOAD_ATTEMPTS = 3


class PublicItems:
    """`await cache.by_codes(["…"])` → the public ones among them, as detached items."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        changes: Changes = CHANGES,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self.sessions = sessions
        self.changes = changes
        self.max_entries = max_entries
        self._items: dict[str, Item | None] = {}
        self._generation = changes.generation(*TABLES)
        self.hits = 0
        self.misses = 0

    def _fresh(self) -> int:
        generation = self.changes.generation(*TABLES)
        if generation != self._generation or len(self._items) > self.max_entries:
            self._items = {}
            self._generation = generation
        return generation

    def clear(self) -> None:
        """Forget everything (the next look-ups read the database)."""
        self._items = {}

    async def preload(self, *, attempts: int = PRELOAD_ATTEMPTS) -> int:
        """Load every public item at once (the app's start: ~0.5 s and ~45 MB per worker
        for the county's 6,318), so the first citizens after a start find them in memory.

        A load overtaken by a change is not kept (it may be stale) but read again, at most
        `attempts` times: at the app's start the change watcher's first reading, which
        marks every table changed, usually lands while the items load."""
        items: list[Item] = []
        for _ in range(attempts):
            generation = self._fresh()
            async with self.sessions() as session:
                items = await queries.public_items(session=session)
            if self.changes.generation(*TABLES) == generation:
                self._items.update((item.code, item) for item in items)
                break
        return len(items)

    async def by_codes(self, codes: Sequence[str]) -> dict[str, Item]:
        """Public items by canonical code, like `catalogue.queries.items_by_codes`."""
        generation = self._fresh()
        wanted = dict.fromkeys(codes)
        cached = self._items
        missing = [code for code in wanted if code not in cached]
        if not missing:  # the usual case: one pass, no session
            self.hits += len(wanted)
            return {code: item for code in wanted if (item := cached[code]) is not None}
        loaded: dict[str, Item] = {}
        if missing:
            self.misses += len(missing)
            async with self.sessions() as session:
                loaded = await queries.items_by_codes(session=session, codes=missing)
            # Closing the session detached the items with everything loaded. Kept only if
            # nothing changed while they were read (else they may already be stale).
            if self.changes.generation(*TABLES) == generation:
                for code in missing:
                    self._items[code] = loaded.get(code)
        self.hits += len(wanted) - len(missing)
        found: dict[str, Item] = {}
        for code in wanted:
            item = loaded[code] if code in loaded else self._items.get(code)
            if item is not None:
                found[code] = item
        return found

    async def by_code(self, code: str) -> Item | None:
        """The public item of one canonical code."""
        return (await self.by_codes([code])).get(code)


async def items_by_codes(
    session: AsyncSession, codes: Sequence[str], cache: PublicItems | None
) -> dict[str, Item]:
    """Through the cache when the app has one, else straight from the database."""
    if cache is not None:
        return await cache.by_codes(codes)
    return await queries.items_by_codes(session=session, codes=codes)


async def item_by_code(session: AsyncSession, code: str, cache: PublicItems | None) -> Item | None:
    """A canonical code through the cache; any other rendering is looked up in the database."""
    if cache is not None and len(code) > BASIC_CODE_LENGTH and queries.canonical_code(code) == code:
        return await cache.by_code(code)
    return await queries.item_by_code(session=session, code=code)
