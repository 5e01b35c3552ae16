"""`zwbot bench load`: the load benchmark against WeRoBot (a script printing figures)."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Annotated

import typer

from tools.benchmarks.load import DEFAULT_CSV, DEVSET, Options, run
from tools.benchmarks.load_client import LoadError


def load(
    users: Annotated[int, typer.Option(min=1, max=1000, help="Concurrent citizens.")] = 100,
    seconds: Annotated[float, typer.Option(min=1, max=300, help="Measured seconds per side.")] = 20,
    storm: Annotated[
        int, typer.Option(min=0, max=5000, help="Messages of the retry storm (0: none).")
    ] = 300,
    think: Annotated[
        float, typer.Option(min=0, max=60, help="Seconds a citizen waits before writing again.")
    ] = 0.0,
    workers: Annotated[int, typer.Option(min=1, max=16, help="uvicorn workers per side.")] = 2,
    csv: Annotated[Path, typer.Option(help="Catalogue to import.")] = DEFAULT_CSV,
    queries: Annotated[Path, typer.Option(help="Seeds of the query pool (dev set TSV).")] = DEVSET,
    pool: Annotated[
        int, typer.Option(min=100, max=1_000_000, help="Distinct queries messages are drawn from.")
    ] = Options.pool,
    zipf: Annotated[
        float, typer.Option(min=0, max=3, help="Popularity exponent s (rank r sent ∝ 1/r^s).")
    ] = Options.zipf,
    pg_admin_url: Annotated[
        str, typer.Option(help="PostgreSQL URL for creating the scratch database.")
    ] = Options.pg_admin_url,
    redis_url: Annotated[str, typer.Option(help="Redis for the zwbot side.")] = Options.redis_url,
    side: Annotated[
        list[str] | None,
        typer.Option(help="Only these sides (zwbot, zwbot-nocache, werobot)."),
    ] = None,
    keep_database: Annotated[bool, typer.Option(help="Keep the scratch database.")] = False,
    accounts: Annotated[
        int,
        typer.Option(
            min=0,
            max=200,
            help="Serve this many official accounts (stored as data, 4 regions in turn) and "
            "spread the citizens over them; zwbot only, no WeRoBot side (0: one account).",
        ),
    ] = 0,
) -> None:
    """Simulated WeChat traffic against 2 workers on PostgreSQL and Redis, and WeRoBot.

    Messages are queries drawn Zipf from a pool of distinct citizen-like queries. Prints
    messages/s, p50/p99/max latency, deadline fallbacks and errors of zwbot, zwbot with its
    answer cache off and WeRoBot, zwbot's cache hit rate and CPU per message apart from
    search, and the retry storm; with --accounts N, figures per account and in total and a
    check of every reply for another region's items. The last line is one JSON object."""
    options = Options(
        users=users,
        seconds=seconds,
        storm_messages=storm,
        think=think,
        workers=workers,
        csv=csv,
        queries=queries,
        pool=pool,
        zipf=zipf,
        pg_admin_url=pg_admin_url,
        redis_url=redis_url,
        keep_database=keep_database,
        sides=tuple(side) if side else Options.sides,
    )
    # A TERM (timeout, CI) stops the run like Ctrl-C: servers stopped, scratch database dropped.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if accounts > 0:
            from tools.benchmarks.accounts_load import run_accounts

            asyncio.run(run_accounts(options, accounts, typer.echo))
        else:
            asyncio.run(run(options, typer.echo))
    except (LoadError, OSError) as error:
        typer.echo(f"load benchmark failed: {error}", err=True)
        raise typer.Exit(1) from error


def register(app: typer.Typer) -> None:
    """Add `load` to the `zwbot bench` group (created here if `bench.py` has not yet)."""
    for group in app.registered_groups:
        if group.name == "bench" and group.typer_instance is not None:
            group.typer_instance.command("load")(load)
            return
    bench = typer.Typer(help="Benchmarks: scripts that print figures.", no_args_is_help=True)
    bench.command("load")(load)
    app.add_typer(bench, name="bench")
