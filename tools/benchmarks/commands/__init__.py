"""`zwbot bench …`: benchmark scripts that print figures (never timed tests).

Each benchmark is one command of `bench_app`; its last output line is one JSON object."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

bench_app = typer.Typer(
    help="Benchmarks: print figures, last line one JSON object.", no_args_is_help=True
)


def shared_data(name: str) -> Path:
    """A reference data file of `../shared/data` (or `$ZWBOT_SHARED_DIR/data`)."""
    root = os.environ.get("ZWBOT_SHARED_DIR")
    base = Path(root) if root else Path(__file__).resolve().parents[4] / "shared"
    return base / "data" / name


CsvOption = Annotated[
    Path | None,
    typer.Option("--csv", help="Catalogue CSV (default ../shared/data/service_items.csv)."),
]


def _catalogue(csv: Path | None) -> Path:
    path = csv or shared_data("service_items.csv")
    if not path.is_file():
        typer.echo(f"catalogue CSV not found: {path} (give --csv)", err=True)
        raise typer.Exit(2)
    return path


@bench_app.command("search")
def bench_search(
    csv: CsvOption = None,
    sizes: Annotated[str, typer.Option(help="Catalogue sizes, comma-separated.")] = (
        "6318,50000,200000"
    ),
    queries: Annotated[int, typer.Option(help="Queries per size (all six classes).")] = 3000,
    baseline_queries: Annotated[
        int, typer.Option(help="Queries per size for rapidfuzz.process.extract (slow).")
    ] = 60,
) -> None:
    """Search speed: build seconds, p50/p99 ms, peak RSS per size, beside rapidfuzz."""
    from tools.benchmarks.search_speed import run_all

    wanted = tuple(int(size) for size in sizes.split(",") if size.strip())
    run_all(_catalogue(csv), typer.echo, wanted, queries, baseline_queries)


@bench_app.command("quality")
def bench_quality(
    csv: CsvOption = None,
    devset: Annotated[
        Path | None,
        typer.Option(help="One query TSV instead of the tuning and held-out parts."),
    ] = None,
) -> None:
    """Search quality: top-1/top-3/MRR per query class, beside rapidfuzz and FTS5, for the
    tuning parts (tests/search/devset.tsv, devset2.tsv … devset5.tsv) and the held-out parts
    (tests/search/heldout.tsv, heldout2.tsv, heldout3.tsv, heldout4.tsv)."""
    from tools.benchmarks.search_corpus import (
        DEVSET,
        DEVSET2,
        DEVSET3,
        DEVSET4,
        DEVSET5,
        HELDOUT,
        HELDOUT2,
        HELDOUT3,
        HELDOUT4,
    )
    from tools.benchmarks.search_quality import run

    parts = (
        {"given": devset}
        if devset
        else {
            "tuning": DEVSET,
            "tuning-2": DEVSET2,
            "tuning-3": DEVSET3,
            "tuning-4": DEVSET4,
            "tuning-5": DEVSET5,
            "held-out": HELDOUT,
            "held-out-2": HELDOUT2,
            "held-out-3": HELDOUT3,
            "held-out-4": HELDOUT4,
        }
    )
    run(_catalogue(csv), parts, typer.echo)


@bench_app.command("conversations")
def bench_conversations(
    part: Annotated[
        str,
        typer.Option(
            help=(
                "tuning, tuning2 … tuning24, heldout2, heldout3, heldout5, heldout6, heldout7,"
                " heldout8, heldout9, heldout10, heldout11, heldout12, heldout13, heldout14,"
                " heldout15, heldout16, heldout17, heldout18, heldout19, heldout20, heldout21"
                " (the last nineteen"
                " kept out of tuning)"
                " or all."
            )
        ),
    ] = "all",
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Each failing turn: expected and replied.")
    ] = False,
    beside_real: Annotated[
        bool,
        typer.Option(
            "--beside-real",
            help=(
                "First load the real catalogue (--csv, which implies this) beside the demo as"
                " other regions' published catalogues, as issue 12 is checked."
            ),
        ),
    ] = False,
    csv: CsvOption = None,
) -> None:
    """Citizen conversations on the demo through /wechat: right/wrong per class, reply times."""
    import asyncio

    from tools.benchmarks.beside_real import BesideRealError
    from tools.benchmarks.conversation_set import ConversationSetError, load
    from tools.benchmarks.conversations import Loaded, play_all, report

    try:
        conversations = load(part)
    except ConversationSetError as error:
        typer.echo(f"conversation set: {error}", err=True)
        raise typer.Exit(2) from error
    beside = _catalogue(csv) if beside_real or csv else None
    loaded: list[Loaded] = []
    try:
        results = asyncio.run(play_all(conversations, beside, loaded.append))
    except BesideRealError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    report(results, part, typer.echo, verbose, loaded[0].text)


@bench_app.command("startup")
def bench_startup(
    runs: Annotated[int, typer.Option(min=1, help="Fresh processes per figure.")] = 5,
) -> None:
    """Start-up: CPU and wall seconds of `zwbot --help`, `zwbot code explain` and a worker
    (import, create_app, lifespan), each in fresh processes."""
    from tools.benchmarks.startup import run

    run(runs, typer.echo)


def register(app: typer.Typer) -> None:
    """Add `zwbot bench`."""
    app.add_typer(bench_app, name="bench")
