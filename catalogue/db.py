"""Async engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from catalogue.region_directory import COUNTY_CODE
from catalogue.scope import scope_info


def is_sqlite(url: str) -> bool:
    """Whether a SQLAlchemy URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = _create_async_engine(url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return _create_async_engine(url, **kwargs)


# `Session.info` entry holding the audit chain's HMAC key (kept out of the database).
AUDIT_KEY = "zwbot.audit_key"
# `Session.info` entry: a callable whose value moves whenever the regions may have changed
# (`catalogue.queries.regions` keeps the towns and villages per value).
PLACES_VERSION = "zwbot.places_version"


def session_factory(
    engine: AsyncEngine,
    home_region: str = COUNTY_CODE,
    *,
    audit_key: bytes | None = None,
    places_version: Callable[[], object] | None = None,
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (`expire_on_commit=False`), carry
    the regions the deployment serves (`catalogue.scope`), sign audit entries with
    `audit_key` (`catalogue.audit` uses a development key without one) and, given
    `places_version`, let the town and village look-ups be read once per its value
    (`catalogue.queries.regions.PLACES_VERSION`)."""
    info = scope_info(home_region)
    if audit_key:
        info[AUDIT_KEY] = audit_key
    if places_version is not None:
        info[PLACES_VERSION] = places_version
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)
