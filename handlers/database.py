"""The application's database: one engine and session factory per process, from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue import migrate
from catalogue.db import create_engine, session_factory
from handlers.settings import Settings, get_settings


@asynccontextmanager
async def open_database(
    settings: Settings | None = None, *, upgrade: bool = True
) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    """Engine and session factory for the configured database, migrated to head first; its
    sessions serve the configured home region (`catalogue.scope`)."""
    settings = settings or get_settings()
    engine = create_engine(settings.effective_database_url)
    try:
        if upgrade:
            await migrate.upgrade(engine)
        yield engine, session_factory(engine, settings.home_region)
    finally:
        await engine.dispose()
