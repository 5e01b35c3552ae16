"""`zwbot bench notify`: notices to a village's followers through the durable job queue."""

from __future__ import annotations

from typing import Annotated

import typer


def notify(
    followers: Annotated[int, typer.Option(help="Followers of the village.")] = 100_000,
    workers: Annotated[int, typer.Option(help="Worker processes (one is killed).")] = 2,
    rate: Annotated[float, typer.Option(help="Configured sends a second, all workers.")] = 400.0,
    latency: Annotated[float, typer.Option(help="Seconds each fake API send takes.")] = 0.05,
    busy: Annotated[float, typer.Option(help="Share of sends answered -1 (busy).")] = 0.01,
    silent: Annotated[float, typer.Option(help="Share of followers with a closed window.")] = 0.01,
    kill_at: Annotated[
        float, typer.Option(help="Kill worker 0 when this share is settled (>1: never).")
    ] = 0.3,
    database: Annotated[
        str | None, typer.Option(help="DATABASE_URL to use (default: a new SQLite file).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Give up after this many seconds.")] = 1800.0,
) -> None:
    """Fan-out, sends/s against the rate, queue depth, time to drain, 0 duplicates, 0 lost;
    last line JSON."""
    from tools.benchmarks.notify import run

    if followers < 1 or workers < 1 or rate <= 0:
        typer.echo("followers, workers and rate must be positive", err=True)
        raise typer.Exit(2)
    run(
        typer.echo,
        followers=followers,
        workers=workers,
        rate=rate,
        latency=latency,
        busy=busy,
        silent=silent,
        kill_at=kill_at,
        database_url=database,
        timeout=timeout,
    )


def register(app: typer.Typer) -> None:
    """Add `notify` to the `zwbot bench` group (created here if no other module has yet)."""
    for group in app.registered_groups:
        if group.name == "bench" and group.typer_instance is not None:
            group.typer_instance.command("notify")(notify)
            return
    bench = typer.Typer(help="Benchmarks: scripts that print figures.", no_args_is_help=True)
    bench.command("notify")(notify)
    app.add_typer(bench, name="bench")
