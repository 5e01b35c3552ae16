"""Check that a change to `search/` leaves every result identical, and time it.

`dump` runs the index (whichever `search` package comes first on PYTHONPATH) on every query of
the dev-set files (`tests/search/*.tsv`, held-out parts included), on the text of every turn of
the conversation sets (`tests/conversations/*.toml`, said or spoken) and on generated queries, for
citizens and staff, and writes the top 10 of each (codes, scores to 9 decimals, reasons,
`confident`) as JSON lines; `compare` counts the queries whose results differ between two dumps
and names only those of tuning parts and generated queries (a held-out part is counted, never
shown). `time` prints the CPU time per query (`time.process_time`, best of `--rounds`).

    git archive main search | tar -x -C /tmp/main-copy    # then, from outside the checkout:
    cd /tmp && PYTHONPATH=/tmp/main-copy:$CHECKOUT python -m tools.benchmarks.search_identical \
        dump --out a.jsonl
    python -m tools.benchmarks.search_identical dump --out b.jsonl
    python -m tools.benchmarks.search_identical compare a.jsonl b.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

from tools.benchmarks.search_corpus import documents_from_csv
from tools.benchmarks.search_workload import QueryMaker, multiply

DEVSET = Path(__file__).resolve().parents[2] / "tests" / "search"
CONVERSATIONS = Path(__file__).resolve().parents[2] / "tests" / "conversations"
CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "service_items.csv"


def queries(generated: int) -> list[tuple[str, str]]:
    """(source, query) pairs: every dev-set query, every conversation turn's text, then
    `generated` made from the catalogue."""
    out: list[tuple[str, str]] = []
    for path in sorted(DEVSET.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append((path.stem, line.split("\t")[1]))
    for path in sorted(CONVERSATIONS.glob("*.toml")):
        for conversation in tomllib.loads(path.read_text(encoding="utf-8"))["conversation"]:
            for turn in conversation["turns"]:
                text = turn.get("say") or turn.get("voice")
                if text:
                    out.append((f"{path.stem}-conversation", text))
    maker = QueryMaker(documents_from_csv(CSV))
    out.extend(("generated", query) for query in maker.queries(generated))
    return out


def _index(csv: Path, size: int = 0) -> object:
    """The index of the catalogue, or of `size` documents made from it (`multiply`)."""
    import search
    from search import SearchIndex

    print(f"search package: {search.__file__}", file=sys.stderr)
    docs = documents_from_csv(csv)
    return SearchIndex.build(multiply(docs, size) if size else docs)


def dump(out: Path, generated: int, csv: Path, size: int = 0) -> None:
    index = _index(csv, size)
    with out.open("w", encoding="utf-8") as sink:
        for source, query in queries(generated):
            for citizen in (True, False):
                hits = index.search(query, top=10, citizen=citizen)  # type: ignore[attr-defined]
                row = [
                    [h.document.code, f"{h.score:.9f}", list(h.reasons), h.confident] for h in hits
                ]
                record = {"source": source, "query": query, "citizen": citizen, "hits": row}
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")


def compare(first: Path, second: Path) -> int:
    a = first.read_text(encoding="utf-8").splitlines()
    b = second.read_text(encoding="utf-8").splitlines()
    if len(a) != len(b):
        print(f"different lengths: {len(a)} and {len(b)}")
        return 1
    differ: dict[str, int] = {}
    for left, right in zip(a, b, strict=True):
        if left != right:
            record = json.loads(left)
            source = record["source"]
            differ[source] = differ.get(source, 0) + 1
            if not source.startswith("heldout"):
                print(f"differs ({source}, citizen={record['citizen']}): {record['query']}")
    print(f"{len(a)} query runs compared, {sum(differ.values())} differ {differ}")
    return 1 if differ else 0


def timing(generated: int, rounds: int, csv: Path) -> None:
    index = _index(csv)
    workload = [query for source, query in queries(generated) if not source.startswith("held")]
    best = float("inf")
    for _ in range(rounds):
        began = time.process_time()
        for query in workload:
            index.search(query, top=5)  # type: ignore[attr-defined]
        best = min(best, (time.process_time() - began) / len(workload) * 1000)
    print(f"{best:.3f} ms CPU per query (best of {rounds}, {len(workload)} queries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("dump", "compare", "time"))
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--generated", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--size", type=int, default=0, help="dump: multiply the catalogue")
    args = parser.parse_args()
    if args.action == "dump":
        dump(args.out, args.generated, args.csv, args.size)
    elif args.action == "compare":
        raise SystemExit(compare(*args.files))
    else:
        timing(args.generated, args.rounds, args.csv)


if __name__ == "__main__":
    main()
