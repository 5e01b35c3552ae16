"""`zwbot events …`: the life events (一件事) citizens can ask about, maintained by staff.

Shipped events can be replaced (add one of the same name) or hidden (remove); staff's own are
added and removed. A running app picks changes up within half a minute."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from catalogue.life_events import (
    LifeEventError,
    add_event,
    life_events,
    parse_event,
    remove_event,
)
from handlers.db.database import open_database

events_app = typer.Typer(
    help="一件事：生活中的事和要办的事项（工作人员维护）。", no_args_is_help=True
)


def _step(text: str) -> dict[str, object]:
    """「说明=事项名称或检索词|…」 or just 「事项名称」: a step; words are tried in order. After
    「#」, the circumstances that make it the step a story points to (「#着火|车祸」)."""
    text, _, circumstances = text.partition("#")
    label, _, words = text.partition("=")
    if not words:
        label, words = "", label
    terms = [w.strip() for w in words.split("|") if w.strip()]
    when = [w.strip() for w in circumstances.split("|") if w.strip()]
    return {"label": label.strip(), "names": terms, "terms": terms, "when": when}


@events_app.command("list")
def list_events() -> None:
    """List the events in force with their triggers and steps."""

    async def run() -> list[str]:
        async with open_database() as (_engine, sessions), sessions() as session:
            events = await life_events(session)
        lines = []
        for event in events:
            origin = "随程序提供" if event.shipped else "工作人员添加"
            lines.append(f"{event.name}（{origin}）  说法：{'、'.join(event.triggers)}")
            for number, step in enumerate(event.steps, start=1):
                words = "|".join(dict.fromkeys((*step.names, *step.terms)))
                when = f"  #{'|'.join(step.when)}" if step.when else ""
                lines.append(f"  {number}. {step.label} = {words}{when}")
        return lines

    for line in asyncio.run(run()):
        typer.echo(line)


@events_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="事件名称，如「开农家乐」。")],
    trigger: Annotated[
        list[str], typer.Option("--trigger", "-t", help="群众的说法（可多个），如「开农家乐」。")
    ],
    step: Annotated[
        list[str],
        typer.Option(
            "--step",
            "-s",
            help=(
                "按顺序的一步（可多个）：「说明=事项名称|检索词」或直接写事项名称；"
                "后面可加「#情形|情形」，群众说到这些情形时直接答这一步。"
            ),
        ),
    ],
    by: Annotated[str, typer.Option("--by", help="添加人。")] = "",
) -> None:
    """Add an event, or replace one of the same name (effective within half a minute)."""
    try:
        event = parse_event({"name": name, "triggers": trigger, "steps": [_step(s) for s in step]})
    except LifeEventError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None

    async def run() -> str:
        async with open_database() as (_engine, sessions), sessions() as session:
            outcome = await add_event(session, event, by=by)
            await session.commit()
            return outcome

    outcome = asyncio.run(run())
    typer.echo(
        f"已{'替换' if outcome == 'replaced' else '添加'}：{event.name}（{len(event.steps)} 步）"
    )


@events_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="要删除（随程序提供的则隐藏）的事件名称。")],
    by: Annotated[str, typer.Option("--by", help="操作人。")] = "",
) -> None:
    """Remove a staff event, or hide a shipped one."""

    async def run() -> str:
        async with open_database() as (_engine, sessions), sessions() as session:
            outcome = await remove_event(session, name, by=by)
            await session.commit()
            return outcome

    outcome = asyncio.run(run())
    messages = {
        "removed": f"已删除：{name}",
        "hidden": f"已隐藏随程序提供的：{name}（再用 add 添加同名事件即可恢复或替换）",
        "missing": f"没有找到「{name}」。",
    }
    typer.echo(messages[outcome])
    if outcome == "missing":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zwbot events`."""
    app.add_typer(events_app, name="events")
