"""Inverted lists (token → ids): appended while building, copy-on-write tuples afterwards."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import repeat
from operator import itemgetter
from typing import Generic, TypeVar

T = TypeVar("T")

COMMON_POSTINGS, COMMON_SHARE = 250, 0.005  # longer lists are checked against hits, not walked
FEW_HITS, CHECKED_HITS = 64, 300
UBIQUITOUS_SHARE = 0.1
# Set views of common lists kept at most (then all are dropped and remade as asked): about
# 2 MiB at 6,318 items, about 30 MiB at 200,000.
MAX_SET_VIEWS = 512


class Postings(Generic[T]):
    """Readers get immutable tuples; a writer (holding the index lock) replaces a whole tuple,
    so a reader never sees a list change under it."""

    __slots__ = ("_bulk", "_lists", "_sets")

    def __init__(self) -> None:
        self._lists: dict[str, tuple[T, ...]] = {}
        self._bulk: dict[str, list[T]] | None = None
        # Set views of long lists, each with the tuple it was made from (a stale one is redone).
        self._sets: dict[str, tuple[tuple[T, ...], frozenset[T]]] = {}

    def start_bulk(self) -> None:
        """Append cheaply until `finish_bulk` (nobody reads meanwhile)."""
        self._bulk = {}

    def finish_bulk(self) -> None:
        bulk, self._bulk = self._bulk or {}, None
        for token, values in bulk.items():
            self._lists[token] = tuple(dict.fromkeys((*self._lists.get(token, ()), *values)))

    def add_all(self, tokens: Iterable[str], value: T) -> None:
        """`add` for many tokens (the bulk path is the hot loop of building)."""
        bulk = self._bulk
        if bulk is None:
            for token in tokens:
                self.add(token, value)
            return
        for token in tokens:
            found = bulk.get(token)
            if found is None:
                bulk[token] = [value]
            else:
                found.append(value)

    def add(self, token: str, value: T) -> None:
        if self._bulk is not None:
            self._bulk.setdefault(token, []).append(value)
            return
        current = self._lists.get(token, ())
        if value not in current:
            self._lists[token] = (*current, value)

    def discard(self, token: str, value: T) -> None:
        kept = tuple(v for v in self._lists.get(token, ()) if v != value)
        if kept:
            self._lists[token] = kept
        else:
            self._lists.pop(token, None)

    def get(self, token: str) -> tuple[T, ...]:
        return self._lists.get(token, ())

    def members(self, token: str) -> frozenset[T]:
        """The list of a token as a set, kept while the list stays the same (lock-free: a
        writer replaces the tuple, and a set made from an older tuple is not used)."""
        found = self._lists.get(token, ())
        cached = self._sets.get(token)
        if cached is not None and cached[0] is found:
            return cached[1]
        members = frozenset(found)
        if len(self._sets) >= MAX_SET_VIEWS:
            self._sets = {}  # readers holding the old dict or set are not disturbed
        self._sets[token] = (found, members)
        return members

    def set_views(self) -> int:
        """How many sets `members` keeps (at most `MAX_SET_VIEWS`: the memory stays bounded)."""
        return len(self._sets)

    def get_all(self, tokens: Iterable[str]) -> Iterator[tuple[T, ...]]:
        """`get` of each token, in order (the lists' own `get`: no Python call per token)."""
        return map(self._lists.get, tokens, repeat(()))

    def __contains__(self, token: str) -> bool:
        return token in self._lists

    @property
    def has(self) -> Callable[[str], bool]:
        """`token in postings` as the lists' own `__contains__` (no Python call per token;
        the dict of lists is never replaced, only its items)."""
        return self._lists.__contains__

    def idf(self, token: str, total: int) -> float:
        """Inverse document frequency (a token nowhere counts as the rarest)."""
        return math.log(1.0 + total / (len(self._lists.get(token, ())) or 1))

    def idfs(self, tokens: Iterable[str], total: int) -> dict[str, float]:
        """`idf` of each token, in the order given (one call per variant, not per token)."""
        log, lists = math.log, self._lists
        return {t: log(1.0 + total / (len(lists.get(t, ())) or 1)) for t in tokens}


def accumulate(
    postings: Postings[int],
    weights: Mapping[str, float],
    total: int,
    contains: Callable[[int, str], bool] | None = None,
) -> dict[int, float]:
    """IDF-weighted matches per entry. Rare tokens walk their lists; a common token (once
    there are candidates) is only checked against the best candidates found so far, so a
    query costs about the same at 6,000 or 200,000 entries. `contains(entry, token)` does
    the check; without it the token's list is the truth (checked as a set intersection)."""
    hits: dict[int, float] = {}
    lists = zip(weights, postings.get_all(weights), strict=True)
    # Shortest list first, ties by token (tokens are distinct: the lists are never compared).
    found_tokens = sorted([(len(found), token, found) for token, found in lists])
    common = max(COMMON_POSTINGS, int(total * COMMON_SHARE))
    ubiquitous = max(common, int(total * UBIQUITOUS_SHARE))
    for size, token, found in found_tokens:
        weight = weights[token]
        if hits and size > ubiquitous:
            break  # sorted: the rest are in a tenth of all entries or more (登记, 许可…)
        if size <= common or len(hits) < FEW_HITS:
            if not hits:
                hits = dict.fromkeys(found, weight)  # what the loop below gives from nothing
                continue
            for eid in found:
                if eid in hits:
                    hits[eid] += weight
                else:
                    hits[eid] = weight
            continue
        if len(hits) > CHECKED_HITS:
            # = heapq.nlargest(CHECKED_HITS, …, key): ties stay in order (a stable sort)
            hits = dict(sorted(hits.items(), key=itemgetter(1), reverse=True)[:CHECKED_HITS])
        if contains is None:
            # The set's `intersection` walks the few hits, looking each up in the long list's
            # set (`hits.keys() & members` would walk the whole list: a frozenset is not a
            # set to `dict_keys.__and__`). Each hit found gains the weight once.
            for eid in postings.members(token).intersection(hits):
                hits[eid] += weight
            continue
        for eid in hits:
            if contains(eid, token):
                hits[eid] += weight
    return hits
