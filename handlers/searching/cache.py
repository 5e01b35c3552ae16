"""Recent search results kept per worker: busy days are many people asking the same thing.

`CachedSearch(index, size)` is the live index remembering the hits of the last `size`
distinct queries. Any change of the index through it — `upsert` and `remove` (`sync_items`
after a staff command), `set_extra_synonyms` (the synonym watcher) — empties it before the
change returns, so a cached answer never outlives the index state it came from. What the
hits may show is still decided per message by the public-item cache (published-only).
`observe(hit)` is told of every lookup (the app passes the metrics' counter of hits and
misses; this module does not import the metrics, so command-line tools stay light).

`LiveIndex` is what the app needs of its live index; `search.SearchIndex` is one, and so
are the wrappers around it (this cache, the metrics' `TimedSearch`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from search import Document, Hit


class LiveIndex(Protocol):
    """The running app's search index: searched per message, changed by the watchers."""

    def search(self, query: str, *, top: int = 5, citizen: bool = True) -> list[Hit]: ...

    def upsert(self, doc: Document) -> None: ...

    def remove(self, code: str) -> None: ...

    def set_extra_synonyms(self, pairs: Iterable[tuple[str, str]]) -> None: ...

    def codes(self) -> frozenset[str]: ...


class SearchCache:
    """The kept results and how often they served."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.results: dict[tuple[str, int, bool], tuple[Hit, ...]] = {}
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        self.results = {}


class CachedSearch:
    """`index` with its `search` answered from the last `size` distinct queries."""

    def __init__(
        self, index: LiveIndex, size: int, observe: Callable[[bool], None] | None = None
    ) -> None:
        self.index = index
        self.cache = SearchCache(size)
        self.observe = observe

    def search(self, query: str, *, top: int = 5, citizen: bool = True) -> list[Hit]:
        key = (query, top, citizen)
        results = self.cache.results  # one dict for the whole call, even if cleared meanwhile
        found = results.get(key)
        if self.observe is not None:
            self.observe(found is not None)
        if found is not None:
            self.cache.hits += 1
            return list(found)
        self.cache.misses += 1
        hits = self.index.search(query, top=top, citizen=citizen)
        if len(results) >= self.cache.size:  # the oldest query goes first
            results.pop(next(iter(results), key), None)
        results[key] = tuple(hits)
        return hits

    def upsert(self, doc: Document) -> None:
        try:
            self.index.upsert(doc)
        finally:
            self.cache.clear()

    def remove(self, code: str) -> None:
        try:
            self.index.remove(code)
        finally:
            self.cache.clear()

    def set_extra_synonyms(self, pairs: Iterable[tuple[str, str]]) -> None:
        try:
            self.index.set_extra_synonyms(pairs)
        finally:
            self.cache.clear()

    def codes(self) -> frozenset[str]:
        return self.index.codes()


def cache_search(
    index: LiveIndex, size: int, observe: Callable[[bool], None] | None = None
) -> LiveIndex:
    """`index` behind a cache of `size` queries (each lookup told to `observe`: hit or not);
    `index` itself when `size` is 0."""
    return CachedSearch(index, size, observe) if size > 0 else index
