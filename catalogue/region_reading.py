"""The regions stored in a database, read with the plain driver (sqlite3, asyncpg).

`zwbot code explain` must start in a fraction of a second: SQLAlchemy's async engine and the
models cost it more CPU than everything else it does. The one query it needs is written here
against the `regions` table of `catalogue.models.Region`
(`tests/catalogue/test_region_reading.py` checks both read the same)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from catalogue.region_directory import COUNTY_CODE, RegionDirectory, RegionEntry

# The two URLs the application accepts (`handlers.settings` refuses any other).
SQLITE_URL_PREFIX = "sqlite+aiosqlite://"
POSTGRES_URL_PREFIX = "postgresql+asyncpg://"
DATABASE_URL_PREFIXES = (SQLITE_URL_PREFIX, POSTGRES_URL_PREFIX)

_QUERY = "SELECT code, name, level, parent_code FROM regions"

Row = Sequence[str | None]


class RegionReadError(Exception):
    """The regions could not be read; the message says why (in the driver's words)."""


def read_region_directory(url: str, county_code: str = COUNTY_CODE) -> RegionDirectory:
    """The directory of every region stored in the database at `url` (an application
    database URL); empty when the database has none. Never writes, never migrates."""
    if url.startswith(SQLITE_URL_PREFIX):
        rows = _sqlite_rows(url.removeprefix(SQLITE_URL_PREFIX))
    elif url.startswith(POSTGRES_URL_PREFIX):
        rows = asyncio.run(_postgres_rows(url.removeprefix(POSTGRES_URL_PREFIX)))
    else:
        raise RegionReadError(f"not a database URL of the application: {url.split(':', 1)[0]}:")
    return _directory(rows, county_code)


def _directory(rows: Iterable[Row], county_code: str) -> RegionDirectory:
    return RegionDirectory(
        (RegionEntry(str(code), str(name), str(level), up) for code, name, level, up in rows),
        county_code,
    )


def _sqlite_rows(location: str) -> list[Row]:
    """`location` is what follows `sqlite+aiosqlite://`: `/relative/path`, `//absolute/path`
    or `/:memory:`, perhaps with `?options` (SQLAlchemy's reading of the URL)."""
    path = location.removeprefix("/").split("?", 1)[0]
    if path in ("", ":memory:"):
        return []  # a new in-memory database holds no regions
    if not Path(path).is_file():
        raise RegionReadError(f"no database file at {path}")
    try:
        # Read-only: explaining a code never creates or changes a database.
        connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=30)
        try:
            return list(connection.execute(_QUERY))
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise RegionReadError(str(error)) from error


async def _postgres_rows(location: str) -> list[Row]:
    """`location` is what follows `postgresql+asyncpg://`. As SQLAlchemy's asyncpg dialect
    does, the URL's options (`?ssl=require`) are asyncpg's keyword arguments."""
    import asyncpg  # only for PostgreSQL

    parts = urlsplit("postgresql://" + location)
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    if "prepared_statement_cache_size" in options:
        options["prepared_statement_cache_size"] = int(options["prepared_statement_cache_size"])
    dsn = urlunsplit(parts._replace(query=""))
    try:
        connection = await asyncpg.connect(dsn, timeout=10, **options)
        try:
            return [tuple(record) for record in await connection.fetch(_QUERY)]
        finally:
            await connection.close()
    except (TimeoutError, OSError, asyncpg.PostgresError, ValueError, TypeError) as error:
        raise RegionReadError(str(error) or type(error).__name__) from error
