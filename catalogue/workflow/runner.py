"""Running one staff command: one transaction, audited, exactly once per idempotency key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from catalogue import audit, holidays
from catalogue import staff as registry
from catalogue.models import CommandReceipt, StaffMember
from catalogue.workflow import holds, notices, permissions, workdays
from catalogue.workflow.errors import AccountDisabled, ConcurrentEdit, WorkflowError
from catalogue.workflow.outcome import Outcome

Operation = Callable[[AsyncSession, StaffMember], Awaitable[Outcome]]
#: The channel's wording of a result, and of a refusal.
Render = Callable[[Outcome], str]
Explain = Callable[[WorkflowError], str]


def _as_is(outcome: Outcome) -> str:
    return outcome.message


@dataclass(frozen=True, slots=True)
class Actor:
    """Who runs a command: the staff account id, its UserID and role at the time."""

    staff_id: int
    user_id: str
    role: str

    @classmethod
    def of(cls, staff: StaffMember) -> Actor:
        """The actor of a loaded staff account."""
        return cls(staff.id, staff.wecom_user_id, staff.role)


async def _receipt(session: AsyncSession, key: str | None) -> Outcome | None:
    if not key:
        return None
    receipt = await session.get(CommandReceipt, key, populate_existing=True)
    if receipt is None:
        return None
    return Outcome(action="replay", target="", message=receipt.reply, replayed=True)


async def run(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    command: str,
    operation: Operation,
    *,
    key: str | None = None,
    render: Render = _as_is,
    explain: Explain = str,
) -> Outcome:
    """Run `operation` in one transaction with its audit entry and receipt; all or nothing.

    The channel's `render` words the result and `explain` a refusal (the receipt keeps the
    words, so a re-delivery gets the same answer). A refused command (a `WorkflowError`, an
    optimistic-locking conflict) changes nothing but is still audited with its reason. A key
    seen before returns the first reply unchanged.
    """
    async with sessions() as session:
        replay = await _receipt(session, key)
        if replay is not None:
            return replay
        try:
            staff = await session.get(StaffMember, actor.staff_id)
            if staff is None or not staff.active:
                raise AccountDisabled()
            permissions.require_unlocked(staff)
            await holidays.load_schedule(session)
            with workdays.estimates() as guessed:
                outcome = await operation(session, staff)
            await notices.queue(session, staff.id)
            outcome.estimated_years = frozenset(guessed)  # the channel words the warning
            outcome.message = render(outcome)
            for part in outcome.parts:
                await audit.append(session, _record(actor, command, part, "ok"))
            await audit.append(session, _record(actor, command, outcome, "ok"))
            if key:
                session.add(CommandReceipt(key=key, actor=actor.user_id, reply=outcome.message))
            await session.commit()
            return outcome
        except WorkflowError as caught:
            error: WorkflowError = caught
        except (StaleDataError, IntegrityError):
            error = ConcurrentEdit()
        refusal = explain(error)
        holds.take_moved(session)  # a refused step is owed no notice
        await session.rollback()
        replay = await _receipt(session, key)
        if replay is not None:  # a concurrent delivery of the same message won
            return replay
        refused = Outcome(action="refused", target="", message=refusal, refused=True, error=error)
        await audit.append(session, _record(actor, command, refused, f"refused: {refusal}"))
        if key:
            session.add(CommandReceipt(key=key, actor=actor.user_id, reply=refusal))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            replay = await _receipt(session, key)
            if replay is not None:
                return replay
            raise
        return refused


def _record(actor: Actor, command: str, outcome: Outcome, result: str) -> audit.Record:
    return audit.Record(
        actor=actor.user_id,
        role=actor.role,
        action=outcome.action,
        target=outcome.target,
        command=command,
        before=outcome.before,
        after=outcome.after,
        result=result,
    )


async def record_event(
    sessions: async_sessionmaker[AsyncSession],
    *,
    actor: str,
    role: str,
    action: str,
    result: str,
    command: str = "",
) -> None:
    """Append an authentication or access event in its own transaction."""
    async with sessions() as session:
        await audit.append(
            session,
            audit.Record(actor=actor, role=role, action=action, command=command, result=result),
        )
        await session.commit()


async def check_second_factor(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    code: str,
    *,
    explain: Callable[[registry.StaffError], str],
) -> str | None:
    """Check a TOTP code, keep the failure count and audit it; None when accepted, else the
    channel's `explain` of why not (audited as worded, like a refusal)."""
    async with sessions() as session:
        try:
            await registry.check_code(session, actor.staff_id, code)
            problem = None
        except registry.StaffError as error:
            problem = explain(error)
        await audit.append(
            session,
            audit.Record(
                actor=actor.user_id,
                role=actor.role,
                action="auth.totp",
                result="ok" if problem is None else f"failed: {problem}",
            ),
        )
        await session.commit()
        return problem


async def purge_receipts(session: AsyncSession, before: datetime) -> int:
    """Forget command receipts older than `before` (WeChat and WeCom retry within minutes)."""
    result = await session.execute(
        delete(CommandReceipt)
        .where(CommandReceipt.at < before)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
