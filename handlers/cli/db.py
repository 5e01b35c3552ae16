"""`zwbot db …`: schema migrations."""

from __future__ import annotations

import asyncio

import typer

from catalogue import migrate
from handlers.db.database import open_database
from handlers.settings import get_settings

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""

    async def run() -> str | None:
        async with open_database(upgrade=False) as (engine, _):
            await migrate.upgrade(engine, revision)
            return await migrate.current_revision(engine)

    current = asyncio.run(run())
    typer.echo(f"database {get_settings().effective_database_url} at revision {current}")


@db_app.command("current")
def current() -> None:
    """Print the revision the database is at and the newest shipped revision."""

    async def run() -> str | None:
        async with open_database(upgrade=False) as (engine, _):
            return await migrate.current_revision(engine)

    typer.echo(f"current: {asyncio.run(run())}  head: {migrate.head_revision()}")


def register(app: typer.Typer) -> None:
    """Add `zwbot db`."""
    app.add_typer(db_app, name="db")
