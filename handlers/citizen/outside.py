"""Matters the catalogue does not hold (出入境证件, 驾驶证, 公积金, 不动产登记, 税务, 医保 …):
an honest answer saying so, who handles the matter, the local department to ask with its
phone, and the national service number, with the offer of 人工 (`catalogue.outside_matters`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.outside_matters import OutsideMatter, hotlines
from handlers.citizen import parsing, texts
from handlers.citizen.checklist import not_a_step_of_the_checklist
from handlers.citizen.common import on_said
from handlers.citizen.filters import OutsideMatterAsked, UrgentMatterSaid, matter_said, said
from handlers.citizen.memory import remember


async def outside_matter(
    event: Event,
    matter: OutsideMatter,
    named: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """Not in the catalogue, who handles it, whom to ask here; what was said is kept for 人工,
    and a question next (「电话多少」) is about this matter, not a card shown before."""
    trace.update(answer="outside")
    await remember(state, unmatched=said(event) or named, focus="outside", outside=named)
    return await outside_answer(session, matter, named, wording)


async def urgent_matter(
    event: Event, matter: OutsideMatter, state: FSMContext, trace: dict[str, str]
) -> str:
    """An emergency: its number at once; this account calls no one (人工 next still
    forwards what was said)."""
    trace.update(answer="urgent")
    await remember(state, unmatched=said(event) or "", focus="")
    return texts.URGENT.format(hotline=matter.hotline, office=matter.office)


async def outside_answer(
    session: AsyncSession, matter: OutsideMatter, named: str, wording: texts.Wording
) -> str:
    """The answer on a matter outside the catalogue, named by the words `named`."""
    lines = [
        wording.say(texts.OUTSIDE_MATTER, named=named, matter=matter.name, office=matter.office)
    ]
    lines += await _whom_to_ask(session, matter)
    lines.append(texts.OFFER_HUMAN)
    return "\n".join(lines)


async def _whom_to_ask(session: AsyncSession, matter: OutsideMatter) -> list[str]:
    """The local department to ask about a matter, with its phone, and the national number."""
    lines = []
    department = await queries.department_to_ask(session=session, words=matter.ask)
    if department is not None:
        phone = f"（{department.phone}）" if department.phone else ""
        name = department.short_name or department.name
        lines.append(texts.OUTSIDE_ASK.format(department=name, phone=phone))
    also = "也" if department is not None else ""
    hotline = texts.OUTSIDE_HOTLINE.format(also=also, hotline=matter.hotline)
    lines.append(hotline if matter.hotline else texts.ASK_HOTLINE)
    return lines


async def whom_to_ask_of_matter(session: AsyncSession, text: str) -> str | None:
    """For what cannot be served here (「我的养老金怎么还没到账」): who handles the matter
    outside the catalogue the words name, and whom to ask; None when they name none."""
    found = matter_said(text)
    if found is None:
        return None
    matter, named = found
    head = texts.OUTSIDE_WHO.format(named=named, office=matter.office)
    return "\n".join([head, *await _whom_to_ask(session, matter)])


async def service_number(event: Event, number: str, trace: dict[str, str]) -> str:
    """「12345是干啥的电话」 「12333是哪里的」: what the service number is for."""
    trace.update(answer="service-number", code=number)
    if number == parsing.SERVICE_HOTLINE:
        return texts.SERVICE_HOTLINE_IS
    hotline = hotlines()[number]
    matters = "、".join(hotline.matters)
    return texts.NATIONAL_HOTLINE_IS.format(number=number, label=hotline.label, matters=matters)


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-outside")
    on_said(router, OutsideMatterAsked(), not_a_step_of_the_checklist)(outside_matter)
    return router


def urgent_router() -> Router:
    """Emergencies, answered before anything else is read of a message."""
    router = Router(name="citizen-urgent")
    on_said(router, UrgentMatterSaid())(urgent_matter)
    return router
