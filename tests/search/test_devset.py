"""The development set reaches the quality target on the real catalogue (../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.benchmarks.search_corpus import (
    DEVSET,
    documents_from_csv,
    evaluate,
    load_devset,
    summarise,
)
from search import SearchIndex

CLASSES = {"partial", "typo", "pinyin", "synonym", "colloquial", "variant"}


def test_the_devset_is_large_and_covers_six_classes() -> None:
    devset = load_devset(DEVSET)
    assert len(devset) >= 150
    assert {item.kind for item in devset} == CLASSES
    assert min(sum(1 for item in devset if item.kind == kind) for kind in CLASSES) >= 25


@pytest.mark.slow
def test_devset_quality_on_the_real_catalogue(shared_dir: Path) -> None:
    docs = documents_from_csv(shared_dir / "data" / "service_items.csv")
    names = {doc.name for doc in docs}
    devset = load_devset(DEVSET)
    for item in devset:
        assert item.expected <= names, item  # every expected item exists in the catalogue
    index = SearchIndex.build(docs)
    ranked = [[hit.document.name for hit in index.search(item.query, top=10)] for item in devset]
    quality = {q.kind: q for q in summarise(evaluate(devset, ranked))}
    overall = quality["all"]
    assert overall.top1 >= 0.85, quality
    assert overall.top3 >= 0.95, quality
    assert all(quality[kind].top1 >= 0.75 for kind in CLASSES), quality
