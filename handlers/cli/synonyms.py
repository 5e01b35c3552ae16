"""`zwbot synonyms …`: the staff-maintained words citizens use for formal item terms.

A running app picks changes up by itself (`handlers.searching.service.SynonymWatcher`)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from sqlalchemy import delete, select

from catalogue.models import Synonym
from handlers.db.database import open_database
from search import normalise

synonyms_app = typer.Typer(
    help="口语词 → 正式用语（检索同义词，工作人员维护）。", no_args_is_help=True
)


@synonyms_app.command("list")
def list_synonyms() -> None:
    """List the staff synonyms."""

    async def run() -> list[Synonym]:
        async with open_database() as (_engine, sessions), sessions() as session:
            return list(await session.scalars(select(Synonym).order_by(Synonym.colloquial)))

    rows = asyncio.run(run())
    if not rows:
        typer.echo("还没有工作人员添加的同义词（随程序提供的词典仍然有效）。")
    for row in rows:
        by = f"  （{row.created_by}）" if row.created_by else ""
        typer.echo(f"{row.colloquial} → {row.formal}{by}")


@synonyms_app.command("add")
def add_synonym(
    colloquial: Annotated[str, typer.Argument(help="群众的说法，如「救急钱」。")],
    formal: Annotated[str, typer.Argument(help="事项名称里的正式用语，如「临时救助」。")],
    by: Annotated[str, typer.Option("--by", help="添加人。")] = "",
) -> None:
    """Add one colloquial → formal pair (effective in the running app within a minute)."""
    colloquial, formal = colloquial.strip(), formal.strip()
    if not normalise(colloquial) or not normalise(formal):
        typer.echo("口语词和正式用语都要有文字（标点不算）。", err=True)
        raise typer.Exit(2)
    if normalise(colloquial) == normalise(formal):
        typer.echo("口语词和正式用语相同，不需要添加。", err=True)
        raise typer.Exit(2)

    async def run() -> bool:
        async with open_database() as (_engine, sessions), sessions() as session:
            exists = await session.scalar(
                select(Synonym.id).where(Synonym.colloquial == colloquial, Synonym.formal == formal)
            )
            if exists is not None:
                return False
            session.add(Synonym(colloquial=colloquial, formal=formal, created_by=by))
            await session.commit()
            return True

    if asyncio.run(run()):
        typer.echo(f"已添加：{colloquial} → {formal}")
    else:
        typer.echo(f"已经有了：{colloquial} → {formal}")


@synonyms_app.command("remove")
def remove_synonym(
    colloquial: Annotated[str, typer.Argument(help="要删除的口语词。")],
    formal: Annotated[str | None, typer.Argument(help="只删这一个正式用语（可省略）。")] = None,
) -> None:
    """Remove a colloquial word (all its pairs, or the one with FORMAL)."""

    async def run() -> int:
        async with open_database() as (_engine, sessions), sessions() as session:
            query = delete(Synonym).where(Synonym.colloquial == colloquial.strip())
            if formal is not None:
                query = query.where(Synonym.formal == formal.strip())
            result = await session.execute(query)
            await session.commit()
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    removed = asyncio.run(run())
    typer.echo(f"已删除 {removed} 条。" if removed else f"没有找到「{colloquial}」。")


def register(app: typer.Typer) -> None:
    """Add `zwbot synonyms`."""
    app.add_typer(synonyms_app, name="synonyms")
