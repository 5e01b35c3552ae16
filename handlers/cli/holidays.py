"""`zwbot holidays import|list|template`: the State Council's yearly holiday schedule, which
working-day deadlines count with (the calendar package only knows the years before its release)."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from catalogue import audit, holidays
from catalogue.models import OfficialDay
from catalogue.workflow import workdays
from handlers.db.database import open_database

holidays_app = typer.Typer(
    help="The State Council's yearly holiday schedule (节假日安排).", no_args_is_help=True
)


@holidays_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV: 日期,类型(放假|上班),名称", exists=True)],
) -> None:
    """Store a year's schedule (replacing what was stored for its years), audited; open
    working-day deadlines are counted again."""
    data = file.read_bytes()

    async def run() -> holidays.Imported:
        async with open_database() as (_, sessions), sessions() as session:
            done = await holidays.import_schedule(session, data, file.name)
            await audit.append(
                session,
                audit.Record(
                    actor=f"cli:{getpass.getuser()}"[:64],
                    role="admin",
                    action="holidays.import",
                    target=",".join(str(year) for year in sorted(done.years)),
                    command=f"holidays import {file.name}",
                    after={
                        "file": file.name,
                        "sha256": done.sha256,
                        "holidays": done.holidays,
                        "workdays": done.workdays,
                        "recounted": {str(k): str(v[1]) for k, v in done.recounted.items()},
                    },
                    result="ok",
                ),
            )
            await session.commit()
            return done

    try:
        done = asyncio.run(run())
    except holidays.ScheduleError as error:
        typer.echo(f"未导入：\n{error}", err=True)
        raise typer.Exit(1) from error
    years = "、".join(str(year) for year in sorted(done.years))
    typer.echo(
        f"已导入 {years} 年节假日安排：放假 {done.holidays} 天，调休上班 {done.workdays} 天"
        f"（sha256 {done.sha256[:16]}…）。"
    )
    for request_id, (old, new) in sorted(done.recounted.items()):
        typer.echo(f"申请 #{request_id} 的期限按正式安排重新计算：{old} → {new}")


@holidays_app.command("list")
def list_(year: Annotated[int, typer.Argument(help="Year.")]) -> None:
    """The stored schedule of a year, or where that year's working days come from."""

    async def run() -> list[OfficialDay]:
        async with open_database() as (_, sessions), sessions() as session:
            await holidays.load_schedule(session)
            found = await session.scalars(
                select(OfficialDay).where(OfficialDay.year == year).order_by(OfficialDay.day)
            )
            return list(found)

    days = asyncio.run(run())
    for day in days:
        typer.echo(f"{day.day}\t{'上班' if day.workday else '放假'}\t{day.name}")
    if not days:
        known = workdays.covers(year)
        typer.echo(
            f"{year} 年：未导入；"
            + ("使用日历包中的正式安排。" if known else "没有正式安排，工作日按周一至周五估算。")
        )


@holidays_app.command("template")
def template() -> None:
    """An example file to fill in from the State Council's notice."""
    typer.echo(holidays.TEMPLATE, nl=False)


def register(app: typer.Typer) -> None:
    """Add `zwbot holidays`."""
    app.add_typer(holidays_app, name="holidays")
