"""`zwbot ratings ledger|report`: the 差评 ledger and a month's 好差评 figures per department and
item (国办发〔2019〕51号), for the county office; CSV with `--csv`."""

from __future__ import annotations

import asyncio
import csv
import sys
from typing import Annotated

import typer

from catalogue import ratings as rules
from catalogue.models import utcnow
from catalogue.workflow.errors import WorkflowError
from catalogue.workflow.workdays import china_date
from handlers.db.database import open_database
from handlers.settings import get_settings
from handlers.staff import parsing
from handlers.staff.ticket_wording import ledger_line

ratings_app = typer.Typer(help="好差评: the 差评 ledger and monthly figures.", no_args_is_help=True)


@ratings_app.command("ledger")
def ledger(
    open_only: Annotated[
        bool, typer.Option("--open", help="Only 差评 not yet followed up and rectified.")
    ] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
) -> None:
    """Every 差评 with its state, follow-up and rectification, newest first."""

    async def main() -> list[rules.LedgerRow]:
        async with open_database(get_settings()) as (_, sessions), sessions() as session:
            return await rules.ledger(session, open_only=open_only)

    rows = asyncio.run(main())
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(
            ["编号", "日期", "等级", "状态", "部门", "事项编码", "事项", "工单", "回访", "整改"]
        )
        for row in rows:
            writer.writerow(
                [
                    row.id,
                    china_date(row.at).isoformat(),
                    row.level,
                    row.state,
                    row.department,
                    row.item_code,
                    row.item_name,
                    row.ticket_id or "",
                    _cell(row.followup),
                    _cell(row.rectification),
                ]
            )
        return
    if not rows:
        typer.echo("没有差评。")
        return
    for row in rows:
        typer.echo(ledger_line(row))
        if row.followup:
            typer.echo(f"  回访：{row.followup}")
        if row.rectification:
            typer.echo(f"  整改：{row.rectification}")
    typer.echo(f"共 {len(rows)} 条差评。")


def _cell(text: str) -> str:
    # Spreadsheets run cells that start with these as formulas.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@ratings_app.command("report")
def report(
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM (default: the current month).")
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
) -> None:
    """A month's ratings per department and per item: the five levels, 差评, 满意率."""
    try:
        wanted = parsing.month(month) if month else rules.Month.of(china_date(utcnow()))
    except WorkflowError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None

    async def main() -> rules.MonthReport:
        async with open_database(get_settings()) as (_, sessions), sessions() as session:
            return await rules.month_report(session, wanted)

    try:
        result = asyncio.run(main())
    except WorkflowError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    levels = list(rules.LEVELS.values())
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["范围", "名称", "评价数", *levels, "差评", "差评已办结", "满意率"])
        for scope, figures in (("部门", result.departments), ("事项", result.items)):
            for row in figures:
                data = row.as_dict()
                writer.writerow(
                    [
                        scope,
                        _cell(row.name),
                        row.total,
                        *(data[level] for level in levels),
                        row.bad,
                        row.bad_done,
                        f"{row.satisfaction:.2%}",
                    ]
                )
        return
    typer.echo(f"{result.month} 好差评统计")
    if not result.departments:
        typer.echo("本月没有评价。")
        return
    for title, figures in (("按部门", result.departments), ("按事项", result.items)):
        typer.echo(f"\n【{title}】")
        for row in figures:
            counts = " ".join(f"{rules.LEVELS[s]}{row.counts[s]}" for s in rules.LEVELS)
            typer.echo(
                f"{row.name}：{row.total} 条，{counts}；差评 {row.bad}（已办结 {row.bad_done}）；"
                f"满意率 {row.satisfaction:.1%}"
            )


def register(app: typer.Typer) -> None:
    """Add `zwbot ratings`."""
    app.add_typer(ratings_app, name="ratings")
