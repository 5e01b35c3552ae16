"""Import speed of the real 6,318-item directory: first load, idempotent reload, JSON export.

Run: `.venv/bin/python -m tools.benchmarks.import_speed ../shared/data/service_items.csv
[DATABASE_URL ...]` (default: a new SQLite file in a temporary folder). Prints seconds.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.exporting import export_records, to_json
from catalogue.importing import import_file
from catalogue.importing.options import published_at_source
from handlers.staff.import_wording import report_lines


async def measure(url: str, path: Path) -> dict[str, float]:
    """Seconds for each step on a database that is migrated and empty."""
    engine = create_engine(url)
    figures: dict[str, float] = {}
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        for step in ("first import", "reimport (unchanged)"):
            started = time.perf_counter()
            async with sessions() as session:
                report = await import_file(
                    session, "items", path, publish=True, missing_fields=published_at_source()
                )
                if not report.ok:
                    raise SystemExit("\n".join(report_lines(report, 20)))
                await session.commit()
            figures[step] = time.perf_counter() - started
            figures[f"{step} rows"] = report.rows
        started = time.perf_counter()
        async with sessions() as session:
            exported = to_json(await export_records(session, "items"))
        figures["export json"] = time.perf_counter() - started
        figures["export json MB"] = len(exported.encode("utf-8")) / 1e6
    finally:
        await engine.dispose()
    return figures


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    path = Path(sys.argv[1])
    urls = sys.argv[2:]
    with tempfile.TemporaryDirectory() as folder:
        urls = urls or [f"sqlite+aiosqlite:///{folder}/bench.sqlite3"]
        for url in urls:
            figures = asyncio.run(measure(url, path))
            print(url.split("://", 1)[0])
            for name, value in figures.items():
                print(f"  {name:<28} {value:10.2f}")


if __name__ == "__main__":
    main()
