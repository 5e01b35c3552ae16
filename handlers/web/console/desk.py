"""Citizens' 人工 tickets (answer, close) and the 差评 ledger (回访, 整改) in the console: the
chat's operations (`catalogue.tickets`, `catalogue.ratings`) run through the same runner, and an
answer is handed to the citizen post exactly as the chat's `回复` does."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import ratings as rating_rules
from catalogue import tickets as ticket_rules
from catalogue.models import Role, StaffMember, Ticket, utcnow
from catalogue.workflow.outcome import Outcome
from handlers.staff import ticket_wording
from handlers.web.console.auth import Signed, SignedDep, form_of, text_field
from handlers.web.console.rendering import page
from handlers.web.console.runs import run
from handlers.web.params import optional_int

router = APIRouter(prefix="/console", include_in_schema=False)
LEDGER_LIMIT = 100


@dataclass(frozen=True, slots=True)
class TicketRow:
    """A ticket with its standing against the time limit."""

    ticket: Ticket
    state: str
    age: str
    sla: ticket_rules.Sla
    department: str

    @property
    def sla_text(self) -> str:
        """The standing against the time limit, in words."""
        return ticket_wording.sla_text(self.sla)


def _key(signed: Signed, nonce: str, what: str) -> str | None:
    return f"console:{signed.actor.user_id}:{nonce}:{what}"[:128] if nonce else None


async def _tickets_page(
    request: Request, signed: Signed, *, result: str = "", ok: bool = True, status_code: int = 200
) -> Response:
    now = utcnow()
    rows: list[TicketRow] = []

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        found = await ticket_rules.unfinished_tickets(session, staff)
        names = await ticket_rules.department_names(
            session, {t.department_id for t in found if t.department_id is not None}
        )
        for ticket in found:
            rows.append(
                TicketRow(
                    ticket,
                    ticket_rules.TicketState(ticket.state).label,
                    ticket_wording.span(ticket_rules.age(ticket, now)),
                    ticket_rules.sla(ticket, now),
                    names.get(ticket.department_id or 0, ""),
                )
            )
        return Outcome(action="staff.tickets", target="", message=f"{len(found)} tickets")

    outcome = await run(request, signed, "工单", op)
    return page(
        request,
        "console/tickets.html",
        {
            "signed": signed,
            "rows": rows,
            "refusal": outcome.message if outcome.refused else "",
            "result": result,
            "ok": ok,
            "nonce": secrets.token_urlsafe(12),
            "answers": signed.actor.role != Role.AUDITOR.value,
            "max_answer": ticket_rules.MAX_ANSWER,
        },
        status_code=status_code,
    )


@router.get("/tickets")
async def tickets(request: Request, signed: SignedDep) -> Response:
    return await _tickets_page(request, signed)


def _number(text: str) -> int:
    number = optional_int(text)
    assert number is not None
    return number


@router.post("/tickets/{number}/answer")
async def answer(request: Request, number: str, signed: SignedDep) -> Response:
    ticket_id = _number(number)
    form = await form_of(request, signed)
    text = text_field(form, "answer", limit=ticket_rules.MAX_ANSWER)
    nonce = text_field(form, "nonce", limit=40)

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        return await ticket_rules.answer_ticket(session, staff, ticket_id, text)

    outcome = await run(
        request, signed, f"回复 #{ticket_id} {text}", op, key=_key(signed, nonce, f"t{ticket_id}")
    )
    message = outcome.message
    if not outcome.refused and not outcome.replayed:
        post = getattr(request.app.state, "citizen_post", None)
        if post is None:
            message += "\n公众号客服消息未配置，答复已保存，尚未发送。"
        else:
            message += "\n" + (await post.deliver_ticket(ticket_id)).message
    return await _tickets_page(
        request,
        signed,
        result=message,
        ok=not outcome.refused,
        status_code=400 if outcome.refused else 200,
    )


@router.post("/tickets/{number}/close")
async def close(request: Request, number: str, signed: SignedDep) -> Response:
    ticket_id = _number(number)
    form = await form_of(request, signed)
    reason = text_field(form, "reason", limit=200)
    nonce = text_field(form, "nonce", limit=40)

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        return await ticket_rules.close_ticket(session, staff, ticket_id, reason)

    outcome = await run(
        request, signed, f"关闭 #{ticket_id} {reason}", op, key=_key(signed, nonce, f"c{ticket_id}")
    )
    return await _tickets_page(
        request,
        signed,
        result=outcome.message,
        ok=not outcome.refused,
        status_code=400 if outcome.refused else 200,
    )


async def _ratings_page(
    request: Request,
    signed: Signed,
    *,
    everything: bool = False,
    result: str = "",
    ok: bool = True,
    status_code: int = 200,
) -> Response:
    rows: list[rating_rules.LedgerRow] = []

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        department = staff.department_id if staff.role == Role.CLERK.value else None
        rows.extend(
            await rating_rules.ledger(
                session, department_id=department, open_only=not everything, limit=LEDGER_LIMIT
            )
        )
        return Outcome(action="staff.ratings", target="", message=f"{len(rows)} cases")

    outcome = await run(request, signed, "差评 全部" if everything else "差评", op)
    return page(
        request,
        "console/ratings.html",
        {
            "signed": signed,
            "rows": rows,
            "everything": everything,
            "refusal": outcome.message if outcome.refused else "",
            "result": result,
            "ok": ok,
            "nonce": secrets.token_urlsafe(12),
            "handles": signed.actor.role != Role.AUDITOR.value,
        },
        status_code=status_code,
    )


@router.get("/ratings")
async def ratings(request: Request, signed: SignedDep, all: str | None = None) -> Response:
    return await _ratings_page(request, signed, everything=all == "1")


@router.post("/ratings/{number}/{step}")
async def handle_case(request: Request, number: str, step: str, signed: SignedDep) -> Response:
    rating_id = _number(number)
    if step not in ("followup", "rectify"):
        return await _ratings_page(
            request, signed, result="没有这种操作。", ok=False, status_code=404
        )
    form = await form_of(request, signed)
    text = text_field(form, "text", limit=1000)
    nonce = text_field(form, "nonce", limit=40)

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        if step == "followup":
            return await rating_rules.follow_up(session, staff, rating_id, text)
        return await rating_rules.rectify(session, staff, rating_id, text)

    word = "回访" if step == "followup" else "整改"
    outcome = await run(
        request,
        signed,
        f"{word} #{rating_id} {text}",
        op,
        key=_key(signed, nonce, f"{step}{rating_id}"),
    )
    return await _ratings_page(
        request,
        signed,
        result=outcome.message,
        ok=not outcome.refused,
        status_code=400 if outcome.refused else 200,
    )
