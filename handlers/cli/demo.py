"""`zwbot demo`: migrate the configured database and load the Tianzhu demo catalogue."""

from __future__ import annotations

import asyncio

import typer

from catalogue.demo import DemoConflictError, DemoDataError, DemoReport, load_demo
from catalogue.regions import RegionDataError
from handlers.db.database import open_database
from handlers.settings import get_settings


async def _load(reset: bool) -> DemoReport:
    async with open_database() as (_engine, sessions), sessions() as session, session.begin():
        return await load_demo(session, reset=reset)


def demo(
    reset: bool = typer.Option(
        False, "--reset", help="Delete every demo record first, then load the demo again."
    ),
) -> None:
    """Load the demo catalogue (演示数据) into DATABASE_URL; running it again changes nothing."""
    try:
        report = asyncio.run(_load(reset))
    except (DemoConflictError, DemoDataError, RegionDataError) as error:
        typer.echo(f"演示数据未载入：{error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"数据库：{get_settings().effective_database_url}")
    typer.echo(report.summary())
    if report.changed == 0:
        typer.echo("演示数据已是最新，本次没有改动。")


def register(app: typer.Typer) -> None:
    """Add `zwbot demo`."""
    app.command("demo")(demo)
