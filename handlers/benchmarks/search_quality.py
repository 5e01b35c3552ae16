"""`zwbot bench quality`: top-1/top-3/MRR per query class on the real catalogue, with baselines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from handlers.benchmarks.search_baselines import Fts5Trigram, RapidfuzzNames
from handlers.benchmarks.search_corpus import (
    DevQuery,
    Quality,
    documents_from_csv,
    evaluate,
    load_devset,
    summarise,
)
from search import SearchIndex

Searcher = Callable[[str, int], list[str]]


def measure(devset: list[DevQuery], search: Searcher) -> tuple[list[Quality], float]:
    """Quality per class and mean milliseconds per query."""
    ranked: list[list[str]] = []
    started = time.perf_counter()
    for item in devset:
        ranked.append(search(item.query, 10))
    elapsed = (time.perf_counter() - started) * 1000 / max(len(devset), 1)
    return summarise(evaluate(devset, ranked)), elapsed


def run(csv_path: Path, devset_path: Path, echo: Callable[[str], None]) -> dict[str, object]:
    """Measure ours and the baselines in one run; echo a table; return the figures."""
    docs = documents_from_csv(csv_path)
    devset = load_devset(devset_path)
    names = [doc.name for doc in docs]
    index = SearchIndex.build(docs)

    def ours(query: str, top: int) -> list[str]:
        return [hit.document.name for hit in index.search(query, top=top)]

    systems: dict[str, Searcher] = {
        "zwbot": ours,
        "rapidfuzz": RapidfuzzNames(names).search,
        "fts5": Fts5Trigram(names).search,
    }
    results = {label: measure(devset, search) for label, search in systems.items()}
    echo(f"catalogue {csv_path.name}: {len(docs)} items; development set: {len(devset)} queries")
    header = f"{'class':<11}{'n':>4}  " + "  ".join(
        f"{label + ' top1/top3/MRR':>27}" for label in systems
    )
    echo(header)
    figures: dict[str, object] = {}
    for row, kind_quality in enumerate(results["zwbot"][0]):
        cells = []
        for label in systems:
            quality = results[label][0][row]
            cells.append(f"{quality.top1:>9.3f}{quality.top3:>9.3f}{quality.mrr:>9.3f}")
            figures.setdefault(label, {})[quality.kind] = {  # type: ignore[index]
                "top1": round(quality.top1, 4),
                "top3": round(quality.top3, 4),
                "mrr": round(quality.mrr, 4),
                "n": quality.count,
            }
        echo(f"{kind_quality.kind:<11}{kind_quality.count:>4}  " + "  ".join(cells))
    echo("mean ms/query: " + ", ".join(f"{k} {v[1]:.2f}" for k, v in results.items()))
    figures["ms_per_query"] = {k: round(v[1], 3) for k, v in results.items()}
    echo(json.dumps(figures, ensure_ascii=False))
    return figures
