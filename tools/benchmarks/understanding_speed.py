"""How long the conversation layer takes to read one message: build time of the reader from
the phrase inventory, and per-message latency over every inventory example plus item names
of the demo catalogue (`python -m tools.benchmarks.understanding_speed`; the last line
printed is one JSON object)."""

from __future__ import annotations

import json
import statistics
import time

from catalogue.demo.data import read_demo
from handlers.citizen.understanding.inventory import inventory
from handlers.citizen.understanding.reading import Reader

ROUNDS = 20


def messages() -> list[str]:
    """Every example of the inventory and every demo item name, with and without a question."""
    source = inventory()
    said = [e for entry in source.intents.values() for e in entry.examples]
    said += [e for entry in source.aspects.values() for e in entry.examples]
    names = [item.name for item in read_demo().items]
    said += names + [f"{name}要什么材料" for name in names]
    return said


def run() -> dict[str, float | int]:
    """Build the reader, then read every message ROUNDS times; times in microseconds."""
    started = time.perf_counter()
    reader = Reader(inventory())
    build_ms = (time.perf_counter() - started) * 1000
    texts = messages()
    timings: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            begin = time.perf_counter()
            reader.read(text)
            timings.append((time.perf_counter() - begin) * 1_000_000)
    timings.sort()
    return {
        "messages": len(texts),
        "reads": len(timings),
        "build_ms": round(build_ms, 2),
        "median_us": round(statistics.median(timings), 1),
        "p95_us": round(timings[int(0.95 * len(timings))], 1),
        "max_us": round(timings[-1], 1),
    }


def main() -> None:
    result = run()
    print(
        f"reader built in {result['build_ms']} ms; {result['reads']} reads of "
        f"{result['messages']} messages: median {result['median_us']} µs, "
        f"p95 {result['p95_us']} µs, max {result['max_us']} µs"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
