"""`zwbot audit verify|export|purge`: check, copy out and thin the hash-chained audit log."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer

from catalogue import audit
from catalogue.workflow import runner
from handlers.database import open_database

audit_app = typer.Typer(help="The hash-chained audit log of staff actions.", no_args_is_help=True)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from error


@audit_app.command("verify")
def verify() -> None:
    """Recompute the chain; exit 1 and name the first altered, removed or inserted entry."""

    async def run() -> audit.Verification:
        async with open_database() as (_, sessions), sessions() as session:
            return await audit.verify(session)

    result = asyncio.run(run())
    if result.intact:
        typer.echo(f"audit chain intact: {result.checked} entries, head {result.head_seq}")
        return
    typer.echo(f"audit chain BROKEN: {result.finding}")
    raise typer.Exit(1)


@audit_app.command("export")
def export(
    since: Annotated[str, typer.Option("--since", help="First day (UTC), YYYY-MM-DD.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSON Lines file (default: stdout).")
    ] = None,
) -> None:
    """Entries since a date as JSON Lines, hashes included (verifiable on their own)."""
    day = _date(since)

    async def run(stream: TextIO) -> int:
        count = 0
        async with open_database() as (_, sessions), sessions() as session:
            async for row in audit.export(session, day):
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        return count

    if output is None:
        asyncio.run(run(sys.stdout))
        return
    with output.open("w", encoding="utf-8") as stream:
        count = asyncio.run(run(stream))
    typer.echo(f"exported {count} entries to {output}")


@audit_app.command("purge")
def purge(
    before: Annotated[str, typer.Option("--before", help="Delete entries older than this day.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete old entries (and command receipts); anything younger than 180 days is refused."""
    day = _date(before)
    if not yes:
        typer.confirm(f"Delete audit entries before {day}?", abort=True)

    async def run() -> int:
        async with open_database() as (_, sessions), sessions() as session:
            removed = await audit.purge(session, day, actor=f"cli:{getpass.getuser()}"[:64])
            await runner.purge_receipts(session, datetime(day.year, day.month, day.day, tzinfo=UTC))
            await session.commit()
            return removed

    try:
        removed = asyncio.run(run())
    except audit.PurgeRefusedError as error:
        typer.echo(f"refused: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"purged {removed} entries before {day}")


def register(app: typer.Typer) -> None:
    """Add `zwbot audit`."""
    app.add_typer(audit_app, name="audit")
