"""`zwbot audit verify|checkpoint|export|purge`: check the keyed audit chain against its last
signed checkpoint, checkpoint its head outside the database, copy it out and thin it."""

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
from handlers.db.database import open_database
from handlers.jobs import audit_trail
from handlers.settings import get_settings
from handlers.wecom.api import DEFAULT_BASE, WeComClient

audit_app = typer.Typer(help="The hash-chained audit log of staff actions.", no_args_is_help=True)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from error


@audit_app.command("verify")
def verify() -> None:
    """Recompute the keyed chain and compare it with the last signed checkpoint; exit 1 and
    say what happened: rewritten, removed, inserted, truncated or tail-deleted."""
    settings = get_settings()

    async def run() -> audit_trail.TrailCheck:
        async with open_database(settings) as (_, sessions):
            return await audit_trail.check(sessions, settings)

    trail = asyncio.run(run())
    typer.echo(trail.report())
    if not trail.intact:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint(
    api_base: Annotated[str, typer.Option("--api-base", help="WeCom API base URL.")] = DEFAULT_BASE,
) -> None:
    """Verify, then append a signed checkpoint of the chain head to ZWBOT_AUDIT_CHECKPOINT_FILE
    and send it to the administrators' WeCom (when the WeCom app is configured)."""
    settings = get_settings()

    async def run() -> audit_trail.CheckpointResult:
        client = None
        if settings.wecom_configured():
            client = WeComClient(
                settings.wecom_corp_id,
                settings.wecom_secret.get_secret_value(),
                settings.wecom_agent_id,
                base_url=api_base,
            )
        try:
            async with open_database(settings) as (_, sessions):
                send = client.send_text if client is not None else None
                return await audit_trail.take_checkpoint(sessions, settings, send)
        finally:
            if client is not None:
                await client.aclose()

    result = asyncio.run(run())
    if result.line is None:
        typer.echo(result.check.report())
        typer.echo("no checkpoint written: the chain does not verify", err=True)
        raise typer.Exit(1)
    typer.echo(f"checkpoint appended to {settings.checkpoint_path}:\n{result.line}")
    if not settings.wecom_configured():
        typer.echo("WARNING: WeCom not configured: the checkpoint was not sent to anyone", err=True)
    elif result.unreached:
        typer.echo("WARNING: not sent to " + ", ".join(result.unreached), err=True)


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
