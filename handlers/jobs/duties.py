"""The daily duties job: each staff member gets one WeCom summary of what is due, the
citizens' 人工 tickets waiting for their answer, the requests waiting for their step (review,
decision, publication) and the decisions on their own requests since the start of yesterday
(Beijing time), with the rejection reasons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import WeChatApiError
from catalogue import duties
from catalogue import staff as registry
from catalogue import tickets as ticket_rules
from catalogue.models import ChangeRequest
from catalogue.workflow import notices, runner, views
from catalogue.workflow.lists import LIST_KINDS
from catalogue.workflow.results import RequestInfo
from catalogue.workflow.rules import RequestState
from handlers.staff import duty_wording
from handlers.staff.refusals import beijing_minute
from handlers.staff.request_wording import request_line
from handlers.staff.wording import tickets_block

log = logging.getLogger("handlers.duties")

SendText = Callable[[str, str], Awaitable[None]]


@dataclass
class DutyRun:
    """Who was sent what, and who could not be reached."""

    sent: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def _decided_at(request: ChangeRequest) -> datetime:
    return request.applied_at or request.decided_at or request.reviewed_at or request.updated_at


def summary_text(
    today: date,
    mine: list[duties.Duty],
    waiting: list[ChangeRequest],
    decided: list[ChangeRequest],
    tickets: str = "",
) -> str:
    """One member's daily message: tickets waiting for their answer (`tickets_block`),
    requests waiting for them, decisions on their own requests (Beijing time, with the
    reasons), then their duties."""
    parts = [f"{today:%Y-%m-%d} 工作提醒"]
    if tickets:
        parts.append(tickets)
    if waiting:
        lines = (request_line(RequestInfo.of(r)) for r in waiting)
        parts.append("【等您审核、审定或发布的申请】\n" + "\n".join(lines))
    if decided:
        lines = (
            f"{request_line(RequestInfo.of(r))}（{beijing_minute(_decided_at(r))}）"
            for r in decided
        )
        parts.append("【您的申请昨日以来的结果（北京时间）】\n" + "\n".join(lines))
    if mine:
        parts.append(duty_wording.summary(mine, today))
    return "\n\n".join(parts)


async def send_duty_summaries(
    sessions: async_sessionmaker[AsyncSession],
    send: SendText,
    today: date,
    duty_user_ids: Sequence[str] = (),
) -> DutyRun:
    """Compute the duties of `today` and send each active member with something to do or
    to hear one summary (`duty_user_ids`: `ZWBOT_DUTY_STAFF`, who answers the tickets of no
    department; every admin when empty)."""
    async with sessions() as session:
        found = await duties.compute_duties(session, today)
        members = await registry.list_staff(session, include_inactive=False)
        plans = []
        for member in members:
            waiting = [
                request
                for request in await views.pending_requests(session, member)
                # a list review is already among the duties, with its deadline
                if not (
                    request.target_kind in LIST_KINDS
                    and request.state == RequestState.PENDING_REVIEW.value
                )
            ]
            decided = await notices.decided_since(session, member, notices.yesterday_start(today))
            mine = duties.duties_of(member, found)
            duty = ticket_rules.on_duty(member, duty_user_ids)
            open_tickets = await ticket_rules.tickets_waiting_for(session, member, on_duty=duty)
            tickets = await tickets_block(session, open_tickets) if open_tickets else ""
            plans.append(
                (member.wecom_user_id, member.role, mine, waiting, decided, tickets, open_tickets)
            )
    result = DutyRun()
    for user_id, role, mine, waiting, decided, tickets, open_tickets in plans:
        if not (mine or waiting or decided or tickets):
            continue
        text = summary_text(today, mine, waiting, decided, tickets)
        try:
            await send(user_id, text)
        except WeChatApiError as error:
            log.warning("duty summary to %s failed: %s", user_id, error)
            result.failed[user_id] = str(error)
            continue
        result.sent[user_id] = text
        await runner.record_event(
            sessions,
            actor="system:duties",
            role="",
            action="duties.notify",
            result=(
                f"sent {len(mine)} duties, {len(open_tickets)} tickets, "
                f"{len(waiting)} waiting requests, {len(decided)} decisions to {user_id} ({role})"
            ),
        )
    return result
