"""`zwbot queue status|dead|purge`: the durable job queue for staff — what waits, what was sent,
the dead-letter list (given up, or may have arrived) and the followers not reachable."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from handlers.db.database import open_database
from handlers.delivery.queue import JobQueue
from handlers.settings import get_settings

queue_app = typer.Typer(help="The durable job queue of outbound messages.", no_args_is_help=True)

LABELS = {
    "queued": "等待发送",
    "claimed": "已领取",
    "sending": "发送中",
    "done": "已发送",
    "dead": "放弃（死信）",
    "unreached": "无法送达（超过48小时未互动）",
    "held": "已保留（待群众再次留言或次日额度恢复后发送）",
}


@queue_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Jobs per state."""

    async def run() -> dict[str, int]:
        async with open_database(get_settings()) as (_, sessions):
            return await JobQueue(sessions).counts()

    counts = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps(counts))
        return
    for state, count in counts.items():
        typer.echo(f"{LABELS[state]}：{count}")


@queue_app.command("dead")
def dead(limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50) -> None:
    """The dead-letter list: jobs given up or not reachable, with the reason (no openids)."""

    async def run() -> list[str]:
        async with open_database(get_settings()) as (_, sessions):
            rows = await JobQueue(sessions).dead_letters(limit)
        return [
            f"#{row.id} {row.kind} {LABELS.get(row.state, row.state)} "
            f"{row.created_at:%Y-%m-%d %H:%M} 尝试{row.attempts}次 "
            f"{row.payload.get('title', '')}：{row.last_error}"
            for row in rows
        ]

    lines = asyncio.run(run())
    for line in lines:
        typer.echo(line)
    typer.echo(f"共{len(lines)}条。")


@queue_app.command("purge")
def purge(
    days: Annotated[
        int | None, typer.Option(help="Keep this many days (default: ZWBOT_MESSAGE_LOG_DAYS).")
    ] = None,
) -> None:
    """Delete finished jobs (they hold openids) older than the retention period."""
    settings = get_settings()
    keep = days if days is not None else settings.message_log_days
    if keep < 0:
        typer.echo("--days must not be negative", err=True)
        raise typer.Exit(2)
    before = datetime.now(UTC) - timedelta(days=keep)

    async def run() -> int:
        async with open_database(settings) as (_, sessions):
            return await JobQueue(sessions).purge(before)

    typer.echo(f"purged {asyncio.run(run())} finished jobs older than {before:%Y-%m-%d %H:%M} UTC")


def register(app: typer.Typer) -> None:
    """Add `zwbot queue`."""
    app.add_typer(queue_app, name="queue")
