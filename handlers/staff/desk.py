"""Who is talking on the staff channel, and running their commands (runner + live search)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.events import Event
from bot.filters import text_of
from bot.types import UNHANDLED, Data, NextHandler
from catalogue import staff as registry
from catalogue.models import StaffMember
from catalogue.workflow import runner
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.runner import Actor, Operation
from handlers.db.session import session_used
from handlers.searching.service import sync_outcome
from handlers.staff import refusals, wording
from handlers.staff.bound import BoundOpenids
from handlers.staff.texts import TOO_LONG

if TYPE_CHECKING:
    from catalogue.importing.tables import TableLimits

log = logging.getLogger("handlers.staff")

# Longest staff command without settings (`ZWBOT_MAX_COMMAND_CHARS`).
MAX_COMMAND_CHARS = 2000

#: Finds the staff account behind an event (WeCom UserID, or a bound openid), or None.
Identify = Callable[[AsyncSession, Event, Data], Awaitable[StaffMember | None]]


async def by_wecom_user(session: AsyncSession, event: Event, data: Data) -> StaffMember | None:
    """WeCom: `FromUserName` is the member's UserID."""
    return await registry.active_by_wecom(session, event.from_user)


def by_openid(hash_openid: Callable[[str], str], bound: BoundOpenids | None = None) -> Identify:
    """Official account: the keyed hash of the openid, bound with `zwbot staff bind`.

    With `bound`, openids not bound to active staff (citizens) cost no query."""

    async def identify(session: AsyncSession, event: Event, data: Data) -> StaffMember | None:
        digest = hash_openid(event.from_user)
        if bound is not None and not await bound.may_be_staff(session, digest):
            return None
        return await registry.active_by_openid_hash(session, digest)

    return identify


@dataclass
class Desk:
    """One staff member's context for one event: identity, database, live search."""

    sessions: async_sessionmaker[AsyncSession]
    actor: Actor
    name: str
    channel: str
    event: Event
    search: Any = None  # search.SearchIndex of the running app, when there is one
    wecom: Any = None  # handlers.wecom.api.WeComClient, for file downloads
    import_limits: TableLimits | None = None  # the settings' bounds of an uploaded file
    post: Any = None  # handlers.delivery.citizen_post.CitizenPost, to send ticket answers
    duty_staff: tuple[str, ...] = ()  # `ZWBOT_DUTY_STAFF`: who answers tickets of no department

    @property
    def key(self) -> str:
        """The idempotency key of this message: a re-delivery shares it."""
        return f"{self.channel}:{self.event.to_user}:{self.event.dedup_key}"

    async def run(self, command: str, operation: Operation, *, key: str | None = None) -> str:
        """Run one command exactly once and keep search in step; the reply text."""
        outcome = await runner.run(
            self.sessions,
            self.actor,
            command,
            operation,
            key=key or self.key,
            render=wording.render,
            explain=refusals.explain,
        )
        if not outcome.refused and not outcome.replayed:
            await self.sync_search(outcome)
        return outcome.message

    async def sync_search(self, outcome: Outcome) -> None:
        """Bring the live index in step with what the command changed, at once."""
        await sync_outcome(self.search, self.sessions, outcome)

    async def audit_event(self, action: str, result: str, command: str = "") -> None:
        """An authentication or access event on the audit chain."""
        await runner.record_event(
            self.sessions,
            actor=self.actor.user_id,
            role=self.actor.role,
            action=action,
            result=result,
            command=command,
        )


class StaffIdentity:
    """Outer middleware: only active staff pass (as `desk`); everyone else is UNHANDLED here."""

    def __init__(self, identify: Identify, channel: str) -> None:
        self.identify = identify
        self.channel = channel

    async def __call__(self, handler: NextHandler, event: Event, data: Data) -> Any:
        sessions = data.get("sessions")
        if sessions is None:
            raise RuntimeError("no database: put `sessions` in the dispatcher's workflow data")
        # A citizen is ruled out by the per-process set of bound openids without SQL;
        # a session nobody used is not closed (it holds no connection), which spares every
        # citizen message that bookkeeping.
        session = sessions()
        try:
            staff = await self.identify(session, event, data)
            if staff is None:
                return UNHANDLED
            actor = Actor.of(staff)
            name = staff.name
        finally:
            if session_used(session):
                await session.close()
        desk = Desk(
            sessions=sessions,
            actor=actor,
            name=name,
            channel=self.channel,
            event=event,
            search=data.get("search"),
            wecom=data.get("wecom"),
            post=data.get("citizen_post"),
        )
        settings = data.get("settings")
        if settings is not None:
            desk.import_limits = settings.import_limits
            desk.duty_staff = tuple(settings.duty_user_ids)
        text = text_of(event) or ""
        limit = getattr(settings, "max_command_chars", MAX_COMMAND_CHARS)
        if len(text) > limit:
            # One short answer, never the input back: a huge paste must not become dozens of
            # pushed messages or a wall of error text.
            await desk.audit_event("staff.refused", f"command of {len(text)} characters", text[:64])
            return TOO_LONG.format(limit=limit)
        return await handler(event, {**data, "desk": desk})
