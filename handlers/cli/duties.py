"""`zwbot duties run|report|weekly`: the daily job sending each responsible staff member their
due duties, the per-department report of overdue and pending work (第二十二条), and its weekly
summary to the review office, the county government and the administrators."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import duty_report
from catalogue.models import utcnow
from catalogue.workflow.workdays import china_date
from handlers.db.database import open_database
from handlers.jobs.duties import send_duty_summaries
from handlers.jobs.weekly import send_weekly
from handlers.settings import Settings, get_settings
from handlers.staff.duty_wording import report_text
from handlers.wecom.api import DEFAULT_BASE, WeComClient

duties_app = typer.Typer(help="Due and overdue duties of the regulations.", no_args_is_help=True)


Sender = Callable[[str, str], Awaitable[None]]
# One sending job: the database's sessions and a sender in, the recipients sent and failed out.
Job = Callable[[async_sessionmaker[AsyncSession], Sender], Awaitable[Any]]


def _wecom_ready(settings: Settings, dry_run: bool) -> None:
    secret = settings.wecom_secret.get_secret_value()
    if not dry_run and not (settings.wecom_corp_id and secret and settings.wecom_agent_id):
        typer.echo("WECOM_CORP_ID, WECOM_SECRET and WECOM_AGENT_ID are needed to send", err=True)
        raise typer.Exit(1)


def _send(settings: Settings, job: Job, *, dry_run: bool, base_url: str) -> tuple[int, int]:
    """Run `job` with the WeCom app's text sender (or printing, for a dry run); how many
    messages were sent and how many failed."""

    async def main() -> tuple[int, int]:
        async with open_database(settings) as (_, sessions):
            if dry_run:

                async def show(user_id: str, text: str) -> None:
                    typer.echo(f"--- to {user_id}\n{text}")

                done = await job(sessions, show)
            else:
                client = WeComClient(
                    settings.wecom_corp_id,
                    settings.wecom_secret.get_secret_value(),
                    settings.wecom_agent_id,
                    base_url=base_url,
                )
                try:
                    done = await job(sessions, client.send_text)
                finally:
                    await client.aclose()
            return len(done.sent), len(done.failed)

    return asyncio.run(main())


@duties_app.command("run")
def run(
    day: Annotated[
        str | None, typer.Option("--date", help="Pretend today is this day (YYYY-MM-DD).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the summaries instead of sending them.")
    ] = False,
    api_base: Annotated[str, typer.Option("--api-base", help="WeCom API base URL.")] = DEFAULT_BASE,
) -> None:
    """Send today's summaries through the WeCom app (run once a day, e.g. from cron)."""
    settings = get_settings()
    today = date.fromisoformat(day) if day else china_date(utcnow())
    _wecom_ready(settings, dry_run)

    async def job(sessions: async_sessionmaker[AsyncSession], send: Sender) -> Any:
        return await send_duty_summaries(sessions, send, today, settings.duty_user_ids)

    sent, failed = _send(settings, job, dry_run=dry_run, base_url=api_base)
    typer.echo(f"duties of {today}: {sent} summaries sent, {failed} failed")
    if failed:
        raise typer.Exit(1)


@duties_app.command("weekly")
def weekly(
    day: Annotated[
        str | None, typer.Option("--date", help="Pretend today is this day (YYYY-MM-DD).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the summary instead of sending it.")
    ] = False,
) -> None:
    """Send the week's 通报 summary through the WeCom app (run once a week, e.g. from cron)."""
    settings = get_settings()
    today = date.fromisoformat(day) if day else china_date(utcnow())
    _wecom_ready(settings, dry_run)
    link = settings.public_base_url.rstrip("/") + "/console/reports"

    async def job(sessions: async_sessionmaker[AsyncSession], send: Sender) -> Any:
        return await send_weekly(sessions, send, today, link)

    base_url = settings.wecom_api_base or DEFAULT_BASE
    sent, failed = _send(settings, job, dry_run=dry_run, base_url=base_url)
    typer.echo(f"weekly summary of {today}: {sent} sent, {failed} failed")
    if failed:
        raise typer.Exit(1)


@duties_app.command("report")
def report(
    day: Annotated[
        str | None, typer.Option("--date", help="Pretend today is this day (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Overdue and pending work per department (《建设运行办法》第二十二条 通报)."""
    today = date.fromisoformat(day) if day else china_date(utcnow())

    async def main() -> str:
        async with open_database() as (_, sessions), sessions() as session:
            return report_text(await duty_report.build(session, today))

    typer.echo(asyncio.run(main()))


def register(app: typer.Typer) -> None:
    """Add `zwbot duties`."""
    app.add_typer(duties_app, name="duties")
