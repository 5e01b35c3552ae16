"""「人工」: the citizen's unanswered question becomes a numbered ticket for staff (the duty
staff are told in WeCom; the answer comes back as a customer-service message)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import StateFilter
from bot.fsm import FSMContext
from bot.router import Router
from catalogue.tickets import open_ticket
from handlers.citizen import texts
from handlers.citizen.common import on_said
from handlers.citizen.filters import HumanRequest, Intent, Said, SmallTalk
from handlers.citizen.memory import Citizen, recall, remember


async def _context(state: FSMContext) -> str:
    memory = await recall(state)
    parts = []
    if memory.card_code:
        parts.append(f"最近查看：{memory.card_code}")
    if memory.list_query:
        parts.append(f"最近查询：{memory.list_query}")
    return "；".join(parts)


async def _open(
    event: Event, message: str, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    memory = await recall(state)
    ticket = await open_ticket(
        session,
        openid=event.user_id,
        account=event.to_user,
        message=message,
        context=await _context(state),
        item_code=memory.card_code,  # the item looked at decides the responsible department
    )
    await state.set_state(None)
    await remember(state, unmatched="")
    trace.update(answer="ticket", code=str(ticket.id))
    return texts.HUMAN_CREATED.format(ticket=ticket.id)


async def described(
    event: Event, said: str, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    """The problem typed after 「人工」."""
    return await _open(event, said, session, state, trace)


async def human(
    event: Event, problem: str, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    """「人工」: forward the problem said with it, else the last unanswered question, or ask."""
    if problem:
        return await _open(event, problem, session, state, trace)
    return await ask_human(event, session, state, trace)


async def ask_human(
    event: Event, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    """Shared by the text command and the menu button."""
    memory = await recall(state)
    if memory.unmatched:
        return await _open(event, memory.unmatched, session, state, trace)
    await state.set_state(Citizen.describing_problem)
    trace.update(answer="ticket-ask")
    return texts.HUMAN_ASK


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-tickets")
    on_said(router, StateFilter(Citizen.describing_problem), ~HumanRequest(), ~SmallTalk(), Said())(
        described
    )
    on_said(router, HumanRequest())(human)
    # 「有人吗」, then what this account cannot serve (progress, booking, one's own records).
    unserved = Intent("progress", "booking", "personal")
    on_said(router, StateFilter(Citizen.person_asked), unserved)(described)
    return router
