"""The application's database: one engine and session factory per process, from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.backup import sqlite_in_use
from catalogue.db import create_engine, is_sqlite, session_factory
from handlers.db.changes import regions_version
from handlers.settings import Settings, get_settings


@asynccontextmanager
async def open_database(
    settings: Settings | None = None, *, upgrade: bool = True
) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    """Engine and session factory for the configured database, migrated to head first; its
    sessions serve the configured home region (`catalogue.scope`)."""
    settings = settings or get_settings()
    url = settings.effective_database_url
    with ExitStack() as marks:
        if is_sqlite(url):  # `zwbot restore` refuses a database some process marks as used
            database = make_url(url).database
            if database and database != ":memory:":
                marks.enter_context(sqlite_in_use(Path(database)))
        engine = create_engine(url)
        try:
            if upgrade:
                # Alembic (about 0.15 s of imports) only where a migration may run: not in
                # `zwbot code explain`, nor at a worker's import.
                from catalogue import migrate

                await migrate.upgrade(engine)
            yield (
                engine,
                session_factory(
                    engine,
                    settings.home_region,
                    audit_key=settings.audit_key_bytes(),
                    places_version=regions_version,
                ),
            )
        finally:
            await engine.dispose()
