"""Recent search results: served again until the index changes in any way."""

from __future__ import annotations

from handlers.observability import metrics
from handlers.searching.cache import CachedSearch, cache_search
from search import Document, SearchIndex


def _document(code: str, name: str) -> Document:
    return Document(
        code=code,
        name=name,
        kind="service",
        category="GG",
        parent_name="",
        sub_name="",
        department="县文体广电和旅游局",
        aliases=(),
        keywords=(),
        extra_codes=(),
        published=True,
        suspended=False,
    )


def _index() -> SearchIndex:
    return SearchIndex.build([_document("A-1", "网吧经营许可"), _document("B-2", "结婚登记")])


def test_a_repeated_query_is_answered_from_the_cache() -> None:
    index = CachedSearch(_index(), 8)
    first = index.search("开网吧", top=5)
    again = index.search("开网吧", top=5)
    assert [h.document.code for h in again] == [h.document.code for h in first]
    assert first[0].document.code == "A-1"
    assert (index.cache.hits, index.cache.misses) == (1, 1)
    index.search("开网吧", top=25)  # another page size is another entry
    assert index.cache.misses == 2


def test_every_change_of_the_index_empties_it() -> None:
    index = CachedSearch(_index(), 8)
    assert index.search("网吧")
    index.remove("A-1")
    assert "A-1" not in [h.document.code for h in index.search("网吧")]
    index.upsert(_document("A-1", "网吧经营许可"))
    assert index.search("网吧")[0].document.code == "A-1"
    before = [h.document.code for h in index.search("上网冲浪")]
    index.set_extra_synonyms([("上网冲浪", "网吧")])
    assert [h.document.code for h in index.search("上网冲浪")][:1] == ["A-1"] != before[:1]
    assert index.cache.hits == 0


def test_the_oldest_query_makes_room_and_size_zero_turns_it_off() -> None:
    index = CachedSearch(_index(), 2)
    for query in ("网吧", "结婚", "网吧经营"):
        index.search(query)
    assert list(index.cache.results) == [("结婚", 5, True), ("网吧经营", 5, True)]
    plain = _index()
    assert cache_search(plain, 0) is plain
    assert isinstance(cache_search(plain, 1), CachedSearch)
    assert not hasattr(plain, "cache")  # the index itself is never changed


def test_timed_search_times_searches_and_passes_changes_through() -> None:
    index = metrics.TimedSearch(CachedSearch(_index(), 8))
    (family,) = metrics.SEARCH_LATENCY.collect()
    before = next(s.value for s in family.samples if s.name == "zwbot_search_seconds_count")
    assert index.search("网吧")[0].document.code == "A-1"
    index.remove("A-1")
    assert "A-1" not in index.codes()
    assert "A-1" not in [h.document.code for h in index.search("网吧")]  # the cache emptied
    (family,) = metrics.SEARCH_LATENCY.collect()
    after = next(s.value for s in family.samples if s.name == "zwbot_search_seconds_count")
    assert after == before + 2


def _total(counter: object) -> float:
    (family,) = counter.collect()  # type: ignore[attr-defined]
    return float(next(s.value for s in family.samples if s.name.endswith("_total")))


def test_cache_hits_misses_and_search_cpu_are_counted() -> None:
    index = metrics.TimedSearch(CachedSearch(_index(), 8, metrics.record_search_cache))
    hits, misses = _total(metrics.SEARCH_CACHE_HITS), _total(metrics.SEARCH_CACHE_MISSES)
    cpu = _total(metrics.SEARCH_CPU)
    for query in ("网吧", "网吧", "结婚登记", "网吧"):
        index.search(query)
    assert _total(metrics.SEARCH_CACHE_HITS) == hits + 2
    assert _total(metrics.SEARCH_CACHE_MISSES) == misses + 2
    assert _total(metrics.SEARCH_CPU) > cpu  # two real searches cost some CPU
