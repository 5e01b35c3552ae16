"""`zwbot backup`, `zwbot restore`, `zwbot purge`: database copies and personal-data retention."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from catalogue import backup as backups
from catalogue.retention import cutoff, purge_message_logs
from handlers.db.database import open_database
from handlers.settings import get_settings


def backup(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Backup file (default: DATA_DIR/backups/zwbot-<time>.*.enc)."
        ),
    ] = None,
    make_key: Annotated[
        bool, typer.Option("--new-key", help="Print a new ZWBOT_BACKUP_KEY and exit.")
    ] = False,
) -> None:
    """Copy the database while it keeps serving (SQLite backup API, or pg_dump custom format),
    encrypted with ZWBOT_BACKUP_KEY and readable by its owner only."""
    if make_key:
        typer.echo(backups.new_key())
        return
    settings = get_settings()
    url = settings.effective_database_url
    target = output or backups.default_backup_path(
        url, settings.data_dir / "backups", datetime.now(UTC)
    )
    try:
        written = backups.backup(url, target, settings.backup_key.get_secret_value())
    except backups.BackupError as error:
        typer.echo(f"backup failed: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"backup written to {written} ({written.stat().st_size} bytes, encrypted, 0600)")


def restore(
    source: Annotated[Path, typer.Argument(help="A file written by `zwbot backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the whole database with a backup (refused while `zwbot serve` uses it)."""
    settings = get_settings()
    url = settings.effective_database_url
    if not yes:
        typer.confirm(f"Replace every table of {url} with {source}?", abort=True)
    try:
        backups.restore(url, source, settings.backup_key.get_secret_value())
    except backups.BackupError as error:
        typer.echo(f"restore failed: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"database restored from {source}")


def purge(
    days: Annotated[
        int | None, typer.Option(help="Keep this many days (default: ZWBOT_MESSAGE_LOG_DAYS).")
    ] = None,
) -> None:
    """Delete citizens' message logs older than the retention period (the audit log stays)."""
    settings = get_settings()
    before = cutoff(datetime.now(UTC), days if days is not None else settings.message_log_days)

    async def run() -> int:
        async with open_database(settings) as (_, sessions), sessions() as session:
            deleted = await purge_message_logs(session, before=before)
            await session.commit()
            return deleted

    typer.echo(f"purged {asyncio.run(run())} message logs older than {before:%Y-%m-%d %H:%M} UTC")


def register(app: typer.Typer) -> None:
    """Add `zwbot backup`, `zwbot restore` and `zwbot purge`."""
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("purge")(purge)
