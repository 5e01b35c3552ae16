"""`zwbot poster CODE… | --all`: the A4 notice-board posters (PDF and PNG) of villages and towns."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from catalogue.models import Region, utcnow
from catalogue.workflow.workdays import china_date
from handlers.db.database import open_database
from handlers.settings import get_settings
from handlers.web.posters import PosterError, make_poster


def poster(
    codes: Annotated[list[str] | None, typer.Argument(help="Town or village codes.")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every village and town with published data.")
    ] = False,
    year: Annotated[int | None, typer.Option(help="The year (default: the latest).")] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Folder (default ZWBOT_DATA_DIR/posters).")
    ] = None,
) -> None:
    """Make the posters: the year's allocations and projects, the place's QR code, the date and
    the supervision hotlines (ZWBOT_SUPERVISION_PHONE must be set)."""
    if bool(codes) == every:
        typer.echo("请给出乡镇或村的代码，或 --all（二者选一）。", err=True)
        raise typer.Exit(2)
    settings = get_settings()
    folder = out or settings.data_dir / "posters"

    async def run() -> tuple[int, list[str]]:
        made, problems = 0, []
        async with open_database(settings) as (_, sessions):
            async with sessions() as session:
                wanted = list(codes or [])
                if every:
                    query = select(Region.code).where(Region.level.in_(("town", "village")))
                    if settings.home_region != "*":
                        query = query.where(Region.code.startswith(settings.home_region))
                    wanted = list(await session.scalars(query.order_by(Region.code)))
            for code in wanted:
                async with sessions() as session:
                    try:
                        done = await make_poster(
                            session,
                            code,
                            year,
                            folder,
                            base_url=settings.public_base_url,
                            phone=settings.supervision_phone,
                            today=china_date(utcnow()),
                            chromium=settings.chromium,
                        )
                    except PosterError as error:
                        problems.append(str(error))
                        if not every or "监督电话" in str(error) or "chromium" in str(error):
                            break
                        continue
                made += 1
                typer.echo(f"{done.code} {done.year}年：{done.pdf} {done.png}")
        return made, problems

    made, problems = asyncio.run(run())
    for problem in problems if not every else problems[-1:]:
        typer.echo(problem, err=True)
    if every and problems:
        typer.echo(f"{len(problems)}个地方没有生成（多为尚无公开数据）。", err=True)
    typer.echo(f"公示海报：生成{made}份，在 {folder}")
    if made == 0 or (problems and not every):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zwbot poster`."""
    app.command("poster")(poster)
