"""`zwbot bench answers`: how the citizen side answers the development set (prints figures)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from tools.benchmarks.citizen_answers import run

ROOT = Path(__file__).resolve().parents[3]
DEVSET = ROOT / "tests" / "search" / "devset.tsv"
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "service_items.csv"


def answers(
    csv: Annotated[Path, typer.Option(help="Catalogue to import.")] = DEFAULT_CSV,
    queries: Annotated[Path, typer.Option(help="Citizen queries (dev set TSV).")] = DEVSET,
) -> None:
    """Cards, lists and misses for every dev-set query through the real webhook."""
    for path in (csv, queries):
        if not path.is_file():
            typer.echo(f"not found: {path}", err=True)
            raise typer.Exit(2)
    asyncio.run(run(csv, queries, typer.echo))


def register(app: typer.Typer) -> None:
    """Add `answers` to the `zwbot bench` group (created here if no other module has yet)."""
    for group in app.registered_groups:
        if group.name == "bench" and group.typer_instance is not None:
            group.typer_instance.command("answers")(answers)
            return
    bench = typer.Typer(help="Benchmarks: scripts that print figures.", no_args_is_help=True)
    bench.command("answers")(answers)
    app.add_typer(bench, name="bench")
