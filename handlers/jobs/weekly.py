"""The weekly summary for 审改办 and the county office (《建设运行办法》第二十二条 通报): the
departments' overdue and pending work, the week's 人工 tickets and 差评, and where the full
report is (the staff console's 通报 page). Sent in WeCom to the active review office,
county-government deciders and administrators; `zwbot duties weekly` runs it (cron, weekly)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import WeChatApiError
from catalogue import duty_report
from catalogue import ratings as rating_rules
from catalogue import staff as registry
from catalogue import tickets as ticket_rules
from catalogue.models import Rating, Role, Ticket
from catalogue.workflow import runner
from catalogue.workflow.workdays import CHINA_OFFSET
from handlers.jobs.duties import DutyRun, SendText

log = logging.getLogger("handlers.jobs.weekly")
# Who reads the county's 通报 and can act on it (the auditor reads the console's page).
READERS = frozenset({Role.REVIEW_OFFICE, Role.APPROVER, Role.ADMIN})
WEEK = timedelta(days=7)
TOP_DEPARTMENTS = 10


def _start_of(day: date) -> datetime:
    """Midnight of a China date, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - CHINA_OFFSET


async def weekly_text(session: AsyncSession, today: date, link: str) -> str:
    """The summary of the week ending `today` (China dates)."""
    report = await duty_report.build(session, today)
    since, until = _start_of(today - WEEK + timedelta(days=1)), _start_of(today + timedelta(days=1))
    tickets = list(
        await session.scalars(
            select(Ticket).where(Ticket.created_at >= since, Ticket.created_at < until)
        )
    )
    late = sum(ticket_rules.sla(t, until).overdue for t in tickets)
    unfinished = sum(t.state in ticket_rules.UNFINISHED for t in tickets)
    bad = await session.scalar(
        select(func.count())
        .select_from(Rating)
        .where(Rating.at >= since, Rating.at < until, Rating.case_state != "")
    )
    open_cases = await rating_rules.count_open_cases(session)
    late_departments = [d for d in report.departments if d.overdue]
    lines = [
        f"【每周工作通报】{today - WEEK + timedelta(days=1):%m月%d日}至{today:%m月%d日}"
        "（《建设运行办法》第二十二条）",
        f"有待办工作的部门 {len(report.departments)} 个，其中 {len(late_departments)} 个有逾期。",
    ]
    for work in report.departments[:TOP_DEPARTMENTS]:
        lines.append(f"· {work.name}：逾期 {len(work.overdue)} 项，待办 {len(work.pending)} 项")
    if len(report.departments) > TOP_DEPARTMENTS:
        lines.append(f"· 另有 {len(report.departments) - TOP_DEPARTMENTS} 个部门")
    lines.append(
        f"本周人工工单 {len(tickets)} 件：未办完 {unfinished} 件，超时 {late} 件。"
        f"本周差评 {int(bad or 0)} 件；全部未办结差评 {open_cases} 件。"
    )
    lines.append(f"完整通报（图表和 CSV）：{link}")
    return "\n".join(lines)


async def send_weekly(
    sessions: async_sessionmaker[AsyncSession], send: SendText, today: date, link: str
) -> DutyRun:
    """Send the week's summary to every active reader; each sending is audited."""
    async with sessions() as session:
        text = await weekly_text(session, today, link)
        readers = [
            member
            for member in await registry.list_staff(session, include_inactive=False)
            if member.role in {role.value for role in READERS}
        ]
    result = DutyRun()
    for member in readers:
        try:
            await send(member.wecom_user_id, text)
        except WeChatApiError as error:
            log.warning("weekly summary to %s failed: %s", member.wecom_user_id, error)
            result.failed[member.wecom_user_id] = str(error)
            continue
        result.sent[member.wecom_user_id] = text
    await runner.record_event(
        sessions,
        actor="job:weekly",
        role="",
        action="report.weekly",
        result=f"sent {len(result.sent)}, failed {len(result.failed)}",
        command=f"weekly {today}",
    )
    return result
