"""Decisions, publications, destructive and bulk commands wait for “确认” within 2 minutes
(FSM state) with the staff member's TOTP code (every role but the read-only auditor). Repeated
bad codes lock the account; a code is accepted once."""

from __future__ import annotations

import time

from bot.fsm import FSMContext, State, StatesGroup
from catalogue.models import StaffMember
from catalogue.staff import needs_second_factor
from catalogue.workflow import permissions, runner
from catalogue.workflow.errors import ForbiddenError
from handlers.staff import parsing, refusals
from handlers.staff.commands import BY_NAME
from handlers.staff.desk import Desk
from handlers.staff.texts import (
    CANCELLED,
    CONFIRM,
    CONFIRM_TOTP,
    EXPIRED,
    NOTHING_TO_CONFIRM,
)

CONFIRM_SECONDS = 120.0


class StaffConfirm(StatesGroup):
    """A command waiting for its confirmation reply."""

    waiting = State()


async def ask(desk: Desk, state: FSMContext, name: str, args: str, what: str) -> str:
    """Park the command and ask for confirmation (and a TOTP code where the role needs one);
    a locked account is told so at once instead."""
    async with desk.sessions() as session:
        staff = await session.get(StaffMember, desk.actor.staff_id)
        try:
            if staff is not None:
                permissions.require_unlocked(staff)
        except ForbiddenError as error:
            await desk.audit_event("staff.confirm", "refused: account locked", f"{name} {args}")
            return refusals.explain(error)
    await state.set_state(StaffConfirm.waiting)
    await state.set_data(
        {
            "staff_command": name,
            "staff_args": args,
            "staff_until": time.time() + CONFIRM_SECONDS,
            "staff_user": desk.actor.user_id,
        }
    )
    await desk.audit_event("staff.confirm", "asked", f"{name} {args}")
    totp = CONFIRM_TOTP if needs_second_factor(desk.actor.role) else ""
    return CONFIRM.format(what=what, totp=totp)


async def answer(desk: Desk, state: FSMContext, text: str) -> str:
    """Handle “确认 [code]” or “取消” while a command waits."""
    data = await state.get_data()
    await state.clear()
    name = str(data.get("staff_command", ""))
    args = str(data.get("staff_args", ""))
    command = BY_NAME.get(name)
    if command is None or data.get("staff_user") != desk.actor.user_id:
        return NOTHING_TO_CONFIRM
    said = parsing.words(text)
    if said and said[0] in ("取消", "cancel"):
        await desk.audit_event("staff.confirm", "cancelled", f"{name} {args}")
        return CANCELLED
    if time.time() > float(data.get("staff_until", 0)):
        await desk.audit_event("staff.confirm", "expired", f"{name} {args}")
        return EXPIRED
    if needs_second_factor(desk.actor.role):
        code = said[1] if len(said) > 1 else ""
        problem = await runner.check_second_factor(
            desk.sessions, desk.actor, code, explain=refusals.second_factor
        )
        if problem is not None:
            return f"{problem}操作未执行，请重新发送命令。"
    return await command.run(desk, args)
