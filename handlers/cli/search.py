"""`zwbot search`: the citizen search over the catalogue in `DATABASE_URL`, one query or a batch."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer

from handlers.db.database import open_database
from handlers.searching.service import build_index
from search import Hit, SearchIndex


def hit_json(hit: Hit) -> dict[str, object]:
    """The public shape of one hit in `--json` output (`confident`: may be shown as the answer;
    a query whose first hit is not confident is most likely outside the catalogue)."""
    return {
        "code": hit.document.code,
        "name": hit.document.name,
        "score": round(hit.score, 4),
        "confident": hit.confident,
    }


def _print_hits(query: str, hits: list[Hit]) -> None:
    if not hits:
        typer.echo(f"「{query}」：没有找到相关事项。")
        return
    typer.echo(f"「{query}」：")
    for rank, hit in enumerate(hits, start=1):
        mark = "（暂停）" if hit.document.suspended else ""
        why = ", ".join(hit.reasons)
        typer.echo(
            f"{rank:>2}. {hit.document.name}{mark}  {hit.document.code}  {hit.score:.3f}  [{why}]"
        )


def _read_lines(path: Path) -> list[str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")  # files saved by Chinese Windows tools
    return text.splitlines()


async def _index(staff: bool) -> SearchIndex:
    async with open_database() as (_engine, sessions):
        return await build_index(sessions, public_only=not staff)


def search_command(
    query: Annotated[str | None, typer.Argument(help="What a citizen would type.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="How many hits.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per query.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", exists=True, dir_okay=False, help="One query per line."),
    ] = None,
    staff: Annotated[
        bool, typer.Option("--staff", help="Every unclassified item, no citizen ranking.")
    ] = False,
) -> None:
    """Search the catalogue as a citizen would (published items; penalties ranked last)."""
    if (query is None) == (batch is None):
        typer.echo("请给出一个查询，或用 --batch FILE 给出查询文件（二者选一）。", err=True)
        raise typer.Exit(2)
    queries = _read_lines(batch) if batch is not None else [query or ""]
    index = asyncio.run(_index(staff))
    for text in queries:
        hits = index.search(text, top=top, citizen=not staff) if text.strip() else []
        if as_json:
            line = {"query": text, "hits": [hit_json(hit) for hit in hits]}
            typer.echo(json.dumps(line, ensure_ascii=False))
        else:
            _print_hits(text, hits)


def register(app: typer.Typer) -> None:
    """Add `zwbot search`."""
    app.command("search")(search_command)
