"""`zwbot bench quality`: top-1/top-3/MRR per query class on the real catalogue, with baselines,
for the tuning part (devset.tsv) and the held-out part (heldout.tsv) of the development set."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from search import SearchIndex
from tools.benchmarks.search_baselines import Fts5Trigram, RapidfuzzNames
from tools.benchmarks.search_corpus import (
    DevQuery,
    Quality,
    documents_from_csv,
    evaluate,
    load_devset,
    summarise,
)

# A searcher answers names, best first, and whether its first answer is confident.
Searcher = Callable[[str, int], tuple[list[str], bool]]


def measure(devset: list[DevQuery], search: Searcher) -> tuple[list[Quality], float]:
    """Quality per class and mean milliseconds per query."""
    ranked: list[list[str]] = []
    confident: list[bool] = []
    started = time.perf_counter()
    for item in devset:
        names, sure = search(item.query, 10)
        ranked.append(names)
        confident.append(sure)
    elapsed = (time.perf_counter() - started) * 1000 / max(len(devset), 1)
    return summarise(evaluate(devset, ranked, confident)), elapsed


def _always_sure(search: Callable[[str, int], list[str]]) -> Searcher:
    """Baselines have no notion of confidence: any answer is shown as the answer."""

    def run(query: str, top: int) -> tuple[list[str], bool]:
        names = search(query, top)
        return names, bool(names)

    return run


def run(csv_path: Path, parts: dict[str, Path], echo: Callable[[str], None]) -> dict[str, object]:
    """Measure ours and the baselines on each part in one run; echo tables; return figures.
    `absent` rows: top-1 is the share of out-of-catalogue queries without a confident hit."""
    docs = documents_from_csv(csv_path)
    names = [doc.name for doc in docs]
    index = SearchIndex.build(docs)

    def ours(query: str, top: int) -> tuple[list[str], bool]:
        hits = index.search(query, top=top)
        return [hit.document.name for hit in hits], bool(hits) and hits[0].confident

    systems: dict[str, Searcher] = {
        "zwbot": ours,
        "rapidfuzz": _always_sure(RapidfuzzNames(names).search),
        "fts5": _always_sure(Fts5Trigram(names).search),
    }
    figures: dict[str, object] = {}
    for part, path in parts.items():
        devset = load_devset(path)
        figures[part] = _part(part, path, devset, systems, len(docs), csv_path.name, echo)
    echo(json.dumps(figures, ensure_ascii=False))
    return figures


def _part(
    part: str,
    path: Path,
    devset: list[DevQuery],
    systems: dict[str, Searcher],
    items: int,
    catalogue: str,
    echo: Callable[[str], None],
) -> dict[str, object]:
    results = {label: measure(devset, search) for label, search in systems.items()}
    echo(f"{part} part ({path.name}, {len(devset)} queries); catalogue {catalogue}: {items} items")
    echo(
        f"{'class':<11}{'n':>4}  "
        + "  ".join(f"{label + ' top1/top3/MRR':>27}" for label in systems)
    )
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
    wrong = {
        label: round(1.0 - quality.top1, 4)
        for label in systems
        for quality in results[label][0]
        if quality.kind == "absent"
    }
    if wrong:
        figures["confident_wrong_absent"] = wrong
        echo("confident-wrong on absent: " + ", ".join(f"{k} {v:.3f}" for k, v in wrong.items()))
    echo("mean ms/query: " + ", ".join(f"{k} {v[1]:.2f}" for k, v in results.items()))
    figures["ms_per_query"] = {k: round(v[1], 3) for k, v in results.items()}
    return figures
