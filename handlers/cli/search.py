"""`zwbot search`: the citizen search over the catalogue in `DATABASE_URL`, one query or a batch."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from catalogue.models import Item, PublicationStatus
from catalogue.scope import scope_of
from handlers.db.database import open_database
from handlers.searching.service import build_index, document_of, load_synonyms
from search import Document, Hit, SearchIndex

# What `--drafts` searches: every record on its way to publication or already public.
# Never a path to citizens: only this command builds such an index.
EVALUATED_STATUSES = (
    PublicationStatus.PUBLISHED.value,
    PublicationStatus.SUSPENDED.value,
    PublicationStatus.PENDING_REVIEW.value,
    PublicationStatus.DRAFT.value,
)


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


async def _draft_index() -> SearchIndex:
    """The citizen index as it would be with every unclassified draft and pending item of the
    deployment's regions published: for evaluating search over a freshly loaded file."""
    async with open_database() as (_engine, sessions), sessions() as session:
        scope = scope_of(session)
        items = await session.scalars(
            select(Item)
            .where(
                Item.status.in_(EVALUATED_STATUSES),
                Item.classified.is_(False),
                scope.condition(Item.region_code),
            )
            .order_by(Item.code)
        )
        documents: list[Document] = [
            replace(document_of(item, scope), published=True) for item in items
        ]
        synonyms = await load_synonyms(session)
    index = await asyncio.to_thread(SearchIndex.build, documents)
    index.set_extra_synonyms(synonyms)
    return index


async def _index(staff: bool, drafts: bool) -> SearchIndex:
    if drafts:
        return await _draft_index()
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
    drafts: Annotated[
        bool,
        typer.Option(
            "--drafts",
            help="Evaluation only: search drafts and pending items too, ranked as a citizen's"
            " search would rank them if they were published (e.g. the real file after a first"
            " load that kept its incomplete records as drafts). Citizens never see drafts.",
        ),
    ] = False,
) -> None:
    """Search the catalogue as a citizen would (published items; penalties ranked last)."""
    if (query is None) == (batch is None):
        typer.echo("请给出一个查询，或用 --batch FILE 给出查询文件（二者选一）。", err=True)
        raise typer.Exit(2)
    if staff and drafts:
        typer.echo("--staff 与 --drafts 只能选一个。", err=True)
        raise typer.Exit(2)
    queries = _read_lines(batch) if batch is not None else [query or ""]
    index = asyncio.run(_index(staff, drafts))
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
