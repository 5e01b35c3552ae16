"""The transfer check of a search-quality round (docs/search.md, "Round 6"): per-query
results of the parts a round may look at, and only the per-class totals of one part it
does not look at, so a change can be seen to carry over (or not) to unseen queries before
the held-out parts are measured.

    python -m tools.benchmarks.search_transfer [--failures FILE]

prints top-1/top-3 per part and class; with `--failures`, writes each query of the looked-at
parts that is not right first (class, rank, query, expected, first three hits) to FILE.
The check part's queries and results are never written. The held-out parts are not run."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from search import SearchIndex
from tools.benchmarks.search_corpus import (
    DEVSET,
    DEVSET2,
    DEVSET3,
    DEVSET4,
    DEVSET5,
    DevQuery,
    Quality,
    documents_from_csv,
    evaluate,
    load_devset,
    summarise,
)

LOOKED = (DEVSET, DEVSET2, DEVSET3, DEVSET4)  # tuned on: per-query results may be read
CHECK = DEVSET5  # the transfer check: totals only
CSV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "service_items.csv"


@dataclass(frozen=True, slots=True)
class Miss:
    """A looked-at query whose first hit is not right (rank None: not in the first ten)."""

    part: str
    query: DevQuery
    rank: int | None
    first: tuple[str, ...]


def run_part(index: SearchIndex, devset: Sequence[DevQuery]) -> tuple[list[Quality], list[Miss]]:
    """Totals per class of one part and its queries not right first (as `zwbot bench
    quality` counts them: an absent query is right when its first hit is not confident)."""
    hits = [index.search(item.query, top=10) for item in devset]
    names = [[hit.document.name for hit in found] for found in hits]
    sure = [bool(found) and found[0].confident for found in hits]
    results = list(evaluate(devset, names, sure))
    misses = [
        Miss("", item, rank, tuple(names[at][:3]))
        for at, (item, rank) in enumerate(results)
        if rank != 1
    ]
    return summarise(results), misses


def transfer_check(
    index: SearchIndex, looked: Sequence[Path] = LOOKED, check: Path = CHECK
) -> tuple[dict[str, list[Quality]], list[Miss]]:
    """Totals of every part (looked-at ones and the check) and the looked-at parts' misses
    only."""
    totals: dict[str, list[Quality]] = {}
    misses: list[Miss] = []
    for path in looked:
        quality, missed = run_part(index, load_devset(path))
        totals[path.name] = quality
        misses.extend(Miss(path.name, m.query, m.rank, m.first) for m in missed)
    totals[check.name], _unread = run_part(index, load_devset(check))
    return totals, misses


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--failures", type=Path, default=None)
    args = parser.parse_args(argv)
    index = SearchIndex.build(documents_from_csv(args.csv))
    totals, misses = transfer_check(index)
    for part, quality in totals.items():
        role = "check (totals only)" if part == CHECK.name else "looked at"
        print(f"{part} [{role}]")
        for row in quality:
            print(f"  {row.kind:<11} {row.count:>4}  top1 {row.top1:.3f}  top3 {row.top3:.3f}")
    if args.failures is not None:
        lines = [
            "\t".join(
                (
                    m.part,
                    m.query.kind,
                    str(m.rank),
                    m.query.query,
                    " | ".join(sorted(m.query.expected)),
                    " / ".join(m.first),
                )
            )
            for m in misses
        ]
        args.failures.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
