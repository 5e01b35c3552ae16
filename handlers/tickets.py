"""Tickets for a human (人工): opened by citizens in chat, answered by staff through the
customer-service API. Neither function commits: the caller owns the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from catalogue.models import Ticket, utcnow
from handlers.citizen import texts

MAX_MESSAGE = 1000
MAX_ANSWER = 600  # one customer-service text with the header and signature stays < 2048 bytes


class TicketError(Exception):
    """Base of the ticket errors; `str()` is a Chinese sentence for staff."""


class TicketNotFound(TicketError):
    def __init__(self, ticket_id: int) -> None:
        super().__init__(f"没有编号为 {ticket_id} 的工单。")


class TicketAlreadyAnswered(TicketError):
    def __init__(self, ticket: Ticket) -> None:
        super().__init__(f"工单 {ticket.id} 已由 {ticket.answered_by} 答复过。")


class TicketDeliveryFailed(TicketError):
    """WeChat refused the message (e.g. 45015: the citizen has not written for 48 hours)."""

    def __init__(self, ticket: Ticket, error: WeChatApiError) -> None:
        super().__init__(
            f"工单 {ticket.id} 的答复未能送达（微信错误 {error.code}：{error.message}）。"
            "群众超过48小时未与公众号互动时无法发送客服消息，工单仍为未答复状态。"
        )
        self.error = error


async def open_ticket(
    session: AsyncSession, *, openid: str, message: str, context: str = ""
) -> Ticket:
    """A new open ticket for staff; its id is the number told to the citizen."""
    ticket = Ticket(openid=openid, message=message[:MAX_MESSAGE], context=context[:MAX_MESSAGE])
    session.add(ticket)
    await session.flush()
    return ticket


async def open_tickets(session: AsyncSession, *, limit: int = 50) -> list[Ticket]:
    """Open tickets, oldest first (for the staff channel)."""
    rows = await session.scalars(
        select(Ticket).where(Ticket.state == "open").order_by(Ticket.id).limit(limit)
    )
    return list(rows)


async def deliver_ticket_reply(
    session: AsyncSession,
    *,
    client: WeChatClient,
    ticket_id: int,
    answer: str,
    staff: str,
) -> Ticket:
    """Send a staff member's answer to the citizen and mark the ticket answered.

    Raises `TicketNotFound`, `TicketAlreadyAnswered`, `TicketDeliveryFailed` (ticket left
    open) or `ValueError` for an empty answer. The caller commits.
    """
    text = answer.strip()
    if not text:
        raise ValueError("答复内容不能为空。")
    if len(text) > MAX_ANSWER:
        raise ValueError(f"答复太长（{len(text)}字），请控制在{MAX_ANSWER}字以内。")
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    if ticket.state == "answered":
        raise TicketAlreadyAnswered(ticket)
    try:
        await client.send_text(
            ticket.openid, texts.HUMAN_REPLY.format(ticket=ticket.id, answer=text)
        )
    except WeChatApiError as error:
        raise TicketDeliveryFailed(ticket, error) from error
    ticket.state = "answered"
    ticket.answer = text
    ticket.answered_by = staff
    ticket.answered_at = utcnow()
    await session.flush()
    return ticket
