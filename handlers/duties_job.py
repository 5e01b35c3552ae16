"""The daily duties job: each responsible staff member gets one WeCom summary of what is due."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import WeChatApiError
from catalogue import duties
from catalogue import staff as registry
from catalogue.workflow import runner

log = logging.getLogger("handlers.duties")

SendText = Callable[[str, str], Awaitable[None]]


@dataclass
class DutyRun:
    """Who was sent what, and who could not be reached."""

    sent: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


async def send_duty_summaries(
    sessions: async_sessionmaker[AsyncSession], send: SendText, today: date
) -> DutyRun:
    """Compute the duties of `today` and send each responsible active member one summary."""
    async with sessions() as session:
        found = await duties.compute_duties(session, today)
        members = await registry.list_staff(session, include_inactive=False)
        plans = [
            (member.wecom_user_id, member.role, duties.duties_of(member, found))
            for member in members
        ]
    result = DutyRun()
    for user_id, role, mine in plans:
        if not mine:
            continue
        text = f"{today:%Y-%m-%d} 工作提醒\n\n{duties.summary(mine, today)}"
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
            result=f"sent {len(mine)} duties to {user_id} ({role})",
        )
    return result
