"""「人工」: the citizen's unanswered question becomes a numbered ticket for staff (the duty
staff are told in WeCom; the answer comes back as a customer-service message). Asked for
with nothing to forward, a person is reached at once: the ticket is opened and numbered, and
what the citizen says next becomes its question (staff see it on the ticket)."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import StateFilter
from bot.fsm import FSMContext
from bot.router import Router
from bot.types import SkipHandler
from catalogue.models import Ticket
from catalogue.tickets import (
    TicketState,
    add_to_ticket,
    blank_message,
    open_ticket,
    withdraw_ticket,
)
from handlers.citizen import cards, texts
from handlers.citizen.clauses import find_plainly
from handlers.citizen.common import on_said
from handlers.citizen.conversation import complaint_lines, supervision_phone
from handlers.citizen.filters import HumanRequest, Intent, Rating, Said, SmallTalk
from handlers.citizen.filters import said as said_text
from handlers.citizen.memory import Citizen, Memory, recall, remember
from handlers.citizen.searching import Searcher, shares_a_thing
from handlers.citizen.understanding import Reading
from handlers.citizen.understanding.reading import read
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems
from handlers.settings import Settings


async def _context(state: FSMContext) -> str:
    memory = await recall(state)
    parts = []
    if memory.card_code:
        parts.append(f"最近查看：{memory.card_code}")
    if memory.list_query:
        parts.append(f"最近查询：{memory.list_query}")
    return "；".join(parts)


async def _open(
    event: Event,
    message: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    *,
    blank: bool = False,
) -> str:
    """A new ticket with `message`; `blank`: the citizen has only asked for a person, and
    what they say next is added to it."""
    memory = await recall(state)
    ticket = await open_ticket(
        session,
        openid=event.user_id,
        account=event.to_user,
        message=blank_message(message) if blank else message,
        context=await _context(state),
        item_code=memory.card_code,  # the item looked at decides the responsible department
    )
    # what is said next is added to it: the question, or more of what was forwarded
    await state.set_state(Citizen.describing_problem if blank else Citizen.adding_detail)
    await remember(state, unmatched="", ticket=ticket.id)
    trace.update(answer="ticket-open" if blank else "ticket", code=str(ticket.id))
    if blank:
        return texts.HUMAN_OPENED.format(ticket=ticket.id)
    return texts.HUMAN_CREATED.format(ticket=ticket.id)


async def _pending(event: Event, session: AsyncSession, memory: Memory) -> Ticket | None:
    """The citizen's ticket still waiting for staff, opened by 「人工」 in this conversation."""
    if not memory.ticket:
        return None
    ticket = await session.get(Ticket, memory.ticket)
    if ticket is None or ticket.openid != event.user_id:
        return None
    return ticket if ticket.state == TicketState.OPEN.value else None


async def described(
    event: Event,
    said: str,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    search: Searcher | None = None,
    public_items: PublicItems | None = None,
) -> str:
    """The problem typed after 「人工」: added to the ticket opened then (still waiting for
    staff), else a new ticket (after a complaint asking for a person, or 「有人吗」). A question
    an item answers (「城里养狗要不要办证」) gets that item's answer at once as well; asking for
    the supervision phone again (「监督电话再说一遍」) or about the hotline (「打12345能管用不」)
    is answered and the ticket still waits."""
    memory = await recall(state)
    reading = read(said)
    asks_phone = reading.aspect == "phone" or "电话" in said
    about_lines = any(word in said for word in SUPERVISION)
    if HOTLINE in said or (asks_phone and (not reading.core or about_lines)):
        phone = await supervision_phone(session)
        trace.update(answer="supervision-phone")
        return texts.SUPERVISION_AGAIN.format(phone=phone or "12345政务服务便民热线")
    answer = await _answered(said, reading, session, settings, search, public_items)
    adding = (Citizen.describing_problem.state, Citizen.adding_detail.state)
    if memory.ticket and await state.get_state() in adding:
        ticket = await add_to_ticket(session, memory.ticket, openid=event.user_id, text=said)
        if ticket is not None:
            await state.set_state(None)
            await remember(state, unmatched="")
            trace.update(answer="ticket-added", code=str(ticket.id))
            added = texts.HUMAN_ADDED.format(ticket=ticket.id)
            return "\n".join((answer, added)) if answer else added
    opened = await _open(event, said, session, state, trace)
    return "\n".join((answer, opened)) if answer else opened


# 「取消」 「算了不用了」 right after 「人工」: the ticket is withdrawn
WITHDRAW = re.compile(
    r"(?:算了|那|那就)?[，,\s]*(?:取消|不用了|不需要了|不要了|撤销|撤回)(?:吧|了|工单|人工)?"
)
# 「工单进度怎么样了」 「回复了没」: the ticket's own state asked, nothing to add to it
TICKET_ASKED = re.compile("工单|回复了没|答复了没|回了没|还没回|啥时候回|什么时候回|多久回|有人回")


async def tells_more(event: Event, search: Searcher | None = None) -> bool:
    """Whether a message after a forwarded ticket tells more of it (「民政局6号窗口的人骂我」)
    rather than asks something new: no question of an item's aspect, nothing search is sure
    of."""
    text = said_text(event) or ""
    if not text or read(text).aspect is not None:
        return False
    if search is None:
        return True
    hits = search.search(text, top=1, citizen=True)
    return not (hits and hits[0].confident)


# 「进度怎么样了」 said alone while a ticket waits: the ticket's, not an application's.
PROGRESS_ALONE = re.compile(
    r"^(?:那|我的|我那个)?(?:进度|进展)(?:怎么样|咋样|如何|到哪)?了?(?:吗|呢|啊)?$"
)


def ticket_asked(event: Event) -> bool:
    """Whether the message asks after the ticket itself (「工单进度怎么样了」 「多久回」)."""
    return TICKET_ASKED.search(said_text(event) or "") is not None


def ticket_asked_after(event: Event) -> bool:
    """Whether, a ticket waiting, the message asks after it (its words, or 「进度怎么样了」)."""
    text = (said_text(event) or "").strip(" 。？?！!")
    return ticket_asked(event) or PROGRESS_ALONE.match(text) is not None


async def has_open_ticket(event: Event, session: AsyncSession, state: FSMContext) -> bool:
    """Whether the citizen's ticket opened by 「人工」 still waits for staff."""
    return await _pending(event, session, await recall(state)) is not None


async def ticket_waiting(
    event: Event, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    """The ticket asked after: still waiting, nothing added to it (the state goes on)."""
    pending = await _pending(event, session, await recall(state))
    if pending is None:
        raise SkipHandler
    trace.update(answer="ticket-waiting", code=str(pending.id))
    return texts.HUMAN_WAITING.format(ticket=pending.id)


def withdrawal_said(event: Event) -> bool:
    """Whether the message only takes the request back (「取消」 「算了不用了」)."""
    return WITHDRAW.fullmatch((said_text(event) or "").strip(" 。！!，,~～")) is not None


async def withdraw(
    event: Event, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    """「取消」 right after 「人工」: the ticket still waiting is withdrawn (one staff have
    begun answering is theirs to finish); with none, the words are small talk's."""
    pending = await _pending(event, session, await recall(state))
    if pending is None or await withdraw_ticket(session, pending.id, openid=event.user_id) is None:
        raise SkipHandler
    await state.set_state(None)
    trace.update(answer="ticket-withdrawn", code=str(pending.id))
    return texts.HUMAN_WITHDRAWN.format(ticket=pending.id)


SUPERVISION = ("监督", "投诉")  # the phone asked again is the complaints line
HOTLINE = "12345"  # the hotline named: a question about where to complain, no problem told


async def _answered(
    said: str,
    reading: Reading,
    session: AsyncSession,
    settings: Settings,
    search: Searcher | None,
    public_items: PublicItems | None,
) -> str:
    """The answer of the item a question for staff names, when search is sure of it and the
    words say its thing; '' otherwise."""
    if search is None:
        return ""
    query = reading.rest if reading.aspect is not None else said
    found, query = await find_plainly(search, session, query, public_items)
    if not found or not found[0].hit.confident:
        return ""
    if not shares_a_thing(found[0], fold(said), fold(query)):
        return ""
    # short: the item, its phone and guide; staff answer the rest
    return cards.answer(found[0].item, settings.public_base_url, reading.aspect or "phone")


async def human(
    event: Event,
    problem: str,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    complained: bool = False,
) -> str:
    """「人工」: forward the problem said with it, else the last unanswered question; with
    nothing to forward, a ticket at once, the question to be added. A complaint told with
    it (`complained`) is forwarded with where to complain at once."""
    if problem:
        opened = await _open(event, problem, session, state, trace)
        if not complained:
            return opened
        lines = complaint_lines(await supervision_phone(session))[:-1]  # 人工: asked already
        return "\n".join([opened, *lines])
    return await ask_human(event, session, state, trace, said=said_text(event) or "")


async def ask_human(
    event: Event,
    session: AsyncSession,
    state: FSMContext,
    trace: dict[str, str],
    said: str = texts.HUMAN_MENU,
) -> str:
    """Shared by the text command and the menu button: the last unanswered question becomes
    a ticket; with none, a ticket is opened at once (or the one opened before and still
    waiting is named again: a repeated 「人工」 makes no second ticket) and the citizen is
    asked to add the question to it."""
    memory = await recall(state)
    if memory.unmatched:
        return await _open(event, memory.unmatched, session, state, trace)
    pending = await _pending(event, session, memory)
    if pending is not None:
        await state.set_state(Citizen.describing_problem)
        trace.update(answer="ticket-pending", code=str(pending.id))
        return texts.HUMAN_PENDING.format(ticket=pending.id)
    return await _open(event, said, session, state, trace, blank=True)


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-tickets")
    waiting = StateFilter(Citizen.describing_problem, Citizen.adding_detail)
    on_said(router, waiting, withdrawal_said)(withdraw)
    on_said(router, waiting, ticket_asked)(ticket_waiting)
    # later on, while the ticket still waits: 「算了不用了」 「工单多久回」 「进度怎么样了」
    on_said(router, withdrawal_said, has_open_ticket)(withdraw)
    on_said(router, ticket_asked_after, has_open_ticket)(ticket_waiting)
    on_said(
        router,
        StateFilter(Citizen.describing_problem),
        ~HumanRequest(),
        ~SmallTalk(),
        ~Rating(),
        Said(),
    )(described)
    on_said(
        router,
        StateFilter(Citizen.adding_detail),
        ~HumanRequest(),
        ~SmallTalk(),
        ~Rating(),
        tells_more,
        Said(),
    )(described)
    on_said(router, HumanRequest())(human)
    # 「有人吗」, then what this account cannot serve (progress, booking, one's own records).
    unserved = Intent("progress", "booking", "personal")
    on_said(router, StateFilter(Citizen.person_asked), unserved)(described)
    return router
