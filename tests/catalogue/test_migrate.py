"""Migrations build the whole schema on SQLite and PostgreSQL, and are idempotent."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue import migrate
from catalogue.models import Base


async def test_upgrade_creates_every_table_and_is_idempotent(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)  # the fixture already upgraded once
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= tables
    assert await migrate.current_revision(engine) == migrate.head_revision()


async def test_models_match_migrations(engine: AsyncEngine) -> None:
    """No model change is missing a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def diff(connection: sa.Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []
