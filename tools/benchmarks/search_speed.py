"""`zwbot bench search`: index build time, query latency and peak RSS at province scale,
beside `rapidfuzz.process.extract` over names; each measurement in its own process."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tools.benchmarks.search_baselines import RapidfuzzNames
from tools.benchmarks.search_corpus import documents_from_csv
from tools.benchmarks.search_workload import QueryMaker, multiply

SIZES = (6318, 50_000, 200_000)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(csv_path: Path, size: int, system: str, queries: int) -> dict[str, float | int | str]:
    """One system at one size, in this process (run it in a fresh process for a clean RSS)."""
    base = documents_from_csv(csv_path)
    docs = multiply(base, size)
    workload = QueryMaker(base).queries(queries)
    del base
    started = time.perf_counter()
    if system == "zwbot":
        from search import SearchIndex

        index = SearchIndex.build(docs)

        def run(query: str) -> object:
            return index.search(query, top=5)
    else:
        baseline = RapidfuzzNames([doc.name for doc in docs])

        def run(query: str) -> object:
            return baseline.search(query, 5)

    build = time.perf_counter() - started
    times: list[float] = []
    cpu: list[float] = []  # the process's own CPU time: what other processes cannot inflate
    load_before = os.getloadavg()[0]
    for query in workload:
        began, began_cpu = time.perf_counter(), time.process_time()
        run(query)
        cpu.append((time.process_time() - began_cpu) * 1000)
        times.append((time.perf_counter() - began) * 1000)
    return {
        "system": system,
        "items": len(docs),
        "queries": len(times),
        "build_s": round(build, 3),
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(_percentile(times, 0.99), 3),
        "p99_cpu_ms": round(_percentile(cpu, 0.99), 3),
        # Mean CPU per (uncached) query: what decides how many messages a core answers.
        "cpu_ms_per_query": round(statistics.fmean(cpu), 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "load_avg": round((load_before + os.getloadavg()[0]) / 2, 2),
    }


def run_all(
    csv_path: Path,
    echo: Callable[[str], None],
    sizes: tuple[int, ...] = SIZES,
    queries: int = 3000,
    baseline_queries: int = 60,
) -> dict[str, object]:
    """Every size and system in a child process; echo a table and return the figures."""
    results: list[dict[str, object]] = []
    for size in sizes:
        for system, count in (("zwbot", queries), ("rapidfuzz", baseline_queries)):
            command = [
                sys.executable,
                "-m",
                "tools.benchmarks.search_speed",
                "--csv",
                str(csv_path),
                "--size",
                str(size),
                "--system",
                system,
                "--queries",
                str(count),
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(figures)
            echo(
                f"{figures['system']:<10} {figures['items']:>8} items  "
                f"build {figures['build_s']:>7.2f} s  p50 {figures['p50_ms']:>8.2f} ms  "
                f"p99 {figures['p99_ms']:>8.2f} ms (CPU {figures['p99_cpu_ms']:.2f})  "
                f"CPU/query {figures['cpu_ms_per_query']:>6.3f} ms  "
                f"peak RSS {figures['peak_rss_mb']:>4.0f} MB  ({figures['queries']} queries, "
                f"load {figures['load_avg']:.1f})"
            )
    summary: dict[str, object] = {"results": results}
    echo(json.dumps(summary, ensure_ascii=False))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--system", choices=("zwbot", "rapidfuzz"), default="zwbot")
    parser.add_argument("--queries", type=int, default=3000)
    args = parser.parse_args()
    print(json.dumps(measure(args.csv, args.size, args.system, args.queries)))


if __name__ == "__main__":
    main()
