"""Recent search results kept per worker: busy days are many people asking the same thing.

`cache_search(index, size)` makes the live index remember the hits of the last `size`
distinct queries. Any change of the index — `upsert` and `remove` (`sync_items` after a
staff command), `set_extra_synonyms` (the synonym watcher) — empties it before the change
returns, so a cached answer never outlives the index state it came from. What the hits may
show is still decided per message by the public-item cache (published-only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

S = TypeVar("S")
MUTATORS = ("upsert", "remove", "set_extra_synonyms")


class SearchCache:
    """The kept results and how often they served."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.results: dict[tuple[str, int, bool], tuple[Any, ...]] = {}
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        self.results = {}


def cache_search(index: S, size: int) -> S:
    """The same index, its `search` answered from the last `size` distinct queries."""
    if size <= 0:
        return index
    cache = SearchCache(size)
    search: Callable[..., list[Any]] = index.search  # type: ignore[attr-defined]

    def cached(query: str, *, top: int = 5, citizen: bool = True) -> list[Any]:
        key = (query, top, citizen)
        results = cache.results  # one dict for the whole call, even if cleared meanwhile
        found = results.get(key)
        if found is not None:
            cache.hits += 1
            return list(found)
        cache.misses += 1
        hits = search(query, top=top, citizen=citizen)
        if len(results) >= cache.size:  # the oldest query goes first
            results.pop(next(iter(results), key), None)
        results[key] = tuple(hits)
        return hits

    def clearing(method: Callable[..., Any]) -> Callable[..., Any]:
        def change(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            finally:
                cache.clear()

        return change

    for name in MUTATORS:
        setattr(index, name, clearing(getattr(index, name)))
    index.search = cached  # type: ignore[attr-defined]
    index.search_cache = cache  # type: ignore[attr-defined]
    return index
