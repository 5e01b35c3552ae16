"""Prometheus metrics of the bot, shared by every uvicorn worker, and the `/metrics` page.

Several workers: `zwbot serve --workers N` sets `PROMETHEUS_MULTIPROC_DIR` to an empty folder
before the workers start (`handlers.metrics_folder`); each worker then writes its samples
to memory-mapped files there and `/metrics`, whichever worker answers, adds them all up.
One worker without that variable uses the ordinary in-process registry."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

from handlers.metrics_folder import MULTIPROC_ENV

if TYPE_CHECKING:
    from handlers.searching.cache import LiveIndex
    from search import Document, Hit

# WeChat gives 5 s; the interesting part of the latency curve is well below that.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.0, 3.0, 4.5, 5.0, 10.0)
SEARCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)

HTTP_REQUESTS = Counter(
    "zwbot_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "zwbot_http_request_seconds",
    "Time to answer an HTTP request.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
UPDATES = Counter(
    "zwbot_updates_total", "WeChat/WeCom updates handled by the dispatcher.", ["kind", "outcome"]
)
UPDATE_LATENCY = Histogram(
    "zwbot_update_seconds", "Time to handle one update.", ["kind"], buckets=LATENCY_BUCKETS
)
DEADLINE_FALLBACKS = Counter(
    "zwbot_deadline_fallbacks_total",
    "Replies too slow for the passive-reply deadline, sent via the customer-service API.",
)
RETRIES_ABSORBED = Counter(
    "zwbot_retries_absorbed_total",
    "WeChat re-deliveries answered from the first delivery instead of being handled again.",
)
SEARCH_LATENCY = Histogram(
    "zwbot_search_seconds", "Time of one catalogue search.", buckets=SEARCH_BUCKETS
)
# CPU time of the worker's thread in searches: with the server's CPU it tells what a message
# costs apart from search (`zwbot bench load`).
SEARCH_CPU = Counter(
    "zwbot_search_cpu_seconds", "CPU time of catalogue searches (answer-cache lookups included)."
)
SEARCH_CACHE_HITS = Counter(
    "zwbot_search_cache_hits", "Searches answered from the per-worker answer cache."
)
SEARCH_CACHE_MISSES = Counter(
    "zwbot_search_cache_misses", "Searches the per-worker answer cache did not have."
)
ERRORS = Counter("zwbot_errors_total", "Errors caught and answered politely.", ["where"])
RATE_LIMITED = Counter("zwbot_rate_limited_total", "Messages refused by the per-user rate limit.")
SENDS_GIVEN_UP = Counter(
    "zwbot_sends_given_up_total",
    "Customer-service sends given up (never delivered or maybe delivered), by reason.",
    ["reason"],
)
SENDS_HELD = Counter(
    "zwbot_sends_held_total",
    "Customer-service sends WeChat refused for the 48-hour window or a quota, kept to send later.",
    ["reason"],
)


def record_deadline_fallback() -> None:
    """One reply missed the passive deadline and went through the customer-service API."""
    DEADLINE_FALLBACKS.inc()


def record_retry_absorbed() -> None:
    """One WeChat retry was answered without handling the message a second time."""
    RETRIES_ABSORBED.inc()


def record_error(where: str) -> None:
    """One error was caught at `where` (a short fixed name: 'webhook', 'database', …)."""
    ERRORS.labels(where=where).inc()


def record_give_up(reason: str) -> None:
    """One customer-service send was given up; `reason` is an errcode or a short fixed word
    ('ambiguous', 'network', 'attempts', 'unreached', 'error', 'expired')."""
    SENDS_GIVEN_UP.labels(reason=reason).inc()


def record_held(reason: str) -> None:
    """One customer-service send was refused for now and kept (reason: the errcode)."""
    SENDS_HELD.labels(reason=reason).inc()


def record_rate_limited() -> None:
    """One message was refused by the rate limit."""
    RATE_LIMITED.inc()


def record_search_cache(hit: bool) -> None:
    """One search was (`hit`) or was not answered from the answer cache."""
    (SEARCH_CACHE_HITS if hit else SEARCH_CACHE_MISSES).inc()


def observe_search(seconds: float) -> None:
    """One search took `seconds`."""
    SEARCH_LATENCY.observe(seconds)


@contextmanager
def search_timer() -> Iterator[None]:
    """`with search_timer(): index.search(...)` records the search latency."""
    started = time.perf_counter()
    try:
        yield
    finally:
        SEARCH_LATENCY.observe(time.perf_counter() - started)


# (kind, outcome) → the labelled counter and histogram: `labels()` costs a sort and a lock
# per call; the children it returns are the same objects every time (a dozen in all).
_UPDATE_SERIES: dict[tuple[str, str], tuple[Any, Any]] = {}


def observe_update(kind: str, outcome: str, seconds: float) -> None:
    """One dispatcher update of `kind` ended with `outcome` ('handled', 'unhandled', 'error')."""
    series = _UPDATE_SERIES.get((kind, outcome))
    if series is None:
        series = (UPDATES.labels(kind=kind, outcome=outcome), UPDATE_LATENCY.labels(kind=kind))
        _UPDATE_SERIES[(kind, outcome)] = series
    series[0].inc()
    series[1].observe(seconds)


# (method, route, status) → the labelled counter and histogram, as for updates; bounded, as the
# method comes from the client.
_HTTP_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}
HTTP_SERIES_MAX = 512


def observe_http(method: str, route: str, status: int, seconds: float) -> None:
    """One HTTP request; `route` is the route template, never the raw path."""
    series = _HTTP_SERIES.get((method, route, status))
    if series is None:
        series = (
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)),
            HTTP_LATENCY.labels(route=route),
        )
        if len(_HTTP_SERIES) < HTTP_SERIES_MAX:
            _HTTP_SERIES[(method, route, status)] = series
    series[0].inc()
    series[1].observe(seconds)


def remembered_http_series() -> int:
    """How many labelled HTTP series are kept for reuse (at most `HTTP_SERIES_MAX`)."""
    return len(_HTTP_SERIES)


def render() -> tuple[bytes, str]:
    """The text exposition of every worker's metrics, and its content type."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class TimedSearch:
    """`index` with every `search` timed into `zwbot_search_seconds` and its thread's CPU
    time into `zwbot_search_cpu_seconds_total` (the app factory wraps its live index in it);
    changes pass straight through."""

    def __init__(self, index: LiveIndex) -> None:
        self.index = index

    def search(self, query: str, *, top: int = 5, citizen: bool = True) -> list[Hit]:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return self.index.search(query, top=top, citizen=citizen)
        finally:
            SEARCH_LATENCY.observe(time.perf_counter() - started)
            SEARCH_CPU.inc(time.thread_time() - cpu)

    def upsert(self, doc: Document) -> None:
        self.index.upsert(doc)

    def remove(self, code: str) -> None:
        self.index.remove(code)

    def set_extra_synonyms(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.index.set_extra_synonyms(pairs)

    def codes(self) -> frozenset[str]:
        return self.index.codes()
