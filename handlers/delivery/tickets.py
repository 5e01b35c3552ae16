"""Delivering a ticket's staff answer to the citizen through the customer-service API.

The answer is kept on the ticket before anything is sent (`catalogue.tickets.answer_ticket`);
`TicketPost.deliver` then sends it when the 48-hour window is open, and otherwise — or when
WeChat refuses for the window or a quota — leaves the ticket `waiting` with a note for staff;
the answer goes out with the citizen's next message (or after the quota resets). One worker
sends a ticket at a time: a short lease on `retry_after`, taken with a conditional UPDATE.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from catalogue.models import MessageLog, Ticket, utcnow
from catalogue.tickets import UNDELIVERED, TicketState
from handlers.citizen import texts
from handlers.delivery import sending
from handlers.delivery.mailbox import Mailbox
from handlers.delivery.sending import Verdict
from handlers.observability import metrics
from handlers.observability.logs import get_logger

LEASE = timedelta(seconds=60)  # a worker that died mid-send leaves the ticket for this long
RETRY_DELAY = timedelta(minutes=1)  # after "system busy" and network failures
log = get_logger(__name__)

#: Told when an answer reached the citizen (for the rating prompt's bookkeeping).
OnDelivered = Callable[[Ticket], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one delivery attempt; `message` is a Chinese sentence for staff."""

    ticket_id: int
    state: str
    message: str


#: Who signs ticket answers of the default account (a stored account signs with its title).
SIGNATURE = "天祝县政务服务"


def citizen_text(ticket: Ticket, signature: str = SIGNATURE) -> str:
    """The customer-service message with the answer, the account's signature and the rating
    prompt."""
    return texts.HUMAN_REPLY.format(ticket=ticket.id, answer=ticket.answer, signature=signature)


async def last_message_at(session: AsyncSession, openid_hash: str) -> datetime | None:
    """When the citizen last wrote, as the message log knows it (kept for days, not hours;
    the rows noting held answers are the bot's, not the citizen's)."""
    found: datetime | None = await session.scalar(
        select(func.max(MessageLog.at)).where(
            MessageLog.openid_hash == openid_hash, MessageLog.kind != "held"
        )
    )
    return found


class TicketPost:
    """Sends ticket answers; `hash_openid` gives the message-log key of an openid."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: WeChatClient | None,
        hash_openid: Callable[[str], str],
        *,
        on_delivered: OnDelivered | None = None,
        mailbox: Mailbox | None = None,
        signature: str = SIGNATURE,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.hash_openid = hash_openid
        self.on_delivered = on_delivered
        self.mailbox = mailbox or Mailbox()
        self.signature = signature

    async def _claim(self, ticket_id: int, now: datetime) -> Ticket | None:
        async with self.sessions() as session:
            result = await session.execute(
                update(Ticket)
                .where(
                    Ticket.id == ticket_id,
                    Ticket.state.in_(UNDELIVERED),
                    or_(Ticket.retry_after.is_(None), Ticket.retry_after <= now),
                )
                .values(retry_after=now + LEASE)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            if int(getattr(result, "rowcount", 0) or 0) != 1:
                return None
            return await session.get(Ticket, ticket_id)

    async def deliver(self, ticket_id: int, *, citizen_wrote: bool = False) -> Delivery:
        """Send the ticket's answer if it can go now; the ticket's new state either way.

        `citizen_wrote`: the citizen has just written (the window is open whatever the log
        says)."""
        now = utcnow()
        ticket = await self._claim(ticket_id, now)
        if ticket is None:
            async with self.sessions() as session:
                current = await session.get(Ticket, ticket_id)
            state = current.state if current is not None else ""
            return Delivery(ticket_id, state, f"工单 #{ticket_id} 的答复正在发送或无需发送。")
        if not citizen_wrote:
            async with self.sessions() as session:
                last = await last_message_at(session, self.hash_openid(ticket.openid))
            last = max(filter(None, (last, ticket.created_at)))
            if not sending.window_open(last, now):
                metrics.record_held("window")
                return await self._settle(
                    ticket,
                    TicketState.WAITING,
                    "群众已超过48小时未发消息，公众号不能主动发送；答复已保存，将在其下次发消息时送达。",
                    log_kind="held:window",
                )
        if self.client is None:
            return await self._settle(
                ticket,
                TicketState.WAITING,
                "公众号未配置客服消息接口（WECHAT_APP_SECRET），答复已保存，尚未发送。",
            )
        try:
            await self.client.send_text(ticket.openid, citizen_text(ticket, self.signature))
        except WeChatApiError as error:
            return await self._refused(ticket, error, now)
        delivery = await self._settle(ticket, TicketState.DELIVERED, "", delivered_at=now)
        if self.on_delivered is not None:
            await self.on_delivered(ticket)
        return delivery

    async def _refused(self, ticket: Ticket, error: WeChatApiError, now: datetime) -> Delivery:
        verdict = sending.classify(error)
        reason = sending.reason_of(error)
        code = f"微信错误 {error.code}"
        log.warning(
            "ticket answer not sent", ticket=ticket.id, verdict=verdict.value, error=str(error)
        )
        if verdict is Verdict.HOLD_UNTIL_MESSAGE:
            metrics.record_held(reason)
            note = (
                f"{code}：群众超过48小时未互动或客服消息条数已用完，"
                "答复已保存，将在其下次发消息时送达。"
            )
            return await self._settle(ticket, TicketState.WAITING, note, log_kind=f"held:{reason}")
        if verdict is Verdict.HOLD_UNTIL_RESET:
            metrics.record_held(reason)
            reset = sending.quota_reset(now)
            note = f"{code}：公众号今日接口调用次数已用完，答复已保存，将于次日零时后发送。"
            return await self._settle(
                ticket, TicketState.WAITING, note, retry_after=reset, log_kind=f"held:{reason}"
            )
        if verdict is Verdict.AMBIGUOUS:
            # The request may have reached WeChat: repeating it could deliver it twice.
            metrics.record_give_up("ambiguous")
            note = "微信接口超时，答复可能已送达；为免重复，不再重发。"
            return await self._settle(ticket, TicketState.DELIVERED, note, delivered_at=now)
        if verdict is Verdict.RETRY:
            note = f"{code}（{error.message}）：微信暂时故障，稍后自动重发。"
            return await self._settle(
                ticket, TicketState.ANSWERED, note, retry_after=now + RETRY_DELAY
            )
        metrics.record_held(reason)
        note = f"{code}（{error.message}）：微信拒收，答复已保存，将在群众下次发消息时重发。"
        return await self._settle(ticket, TicketState.WAITING, note, log_kind=f"held:{reason}")

    async def _settle(
        self,
        ticket: Ticket,
        state: TicketState,
        note: str,
        *,
        retry_after: datetime | None = None,
        delivered_at: datetime | None = None,
        log_kind: str = "",
    ) -> Delivery:
        async with self.sessions() as session:
            await session.execute(
                update(Ticket)
                .where(Ticket.id == ticket.id)
                .values(
                    state=state.value,
                    delivery_note=note[:200],
                    retry_after=retry_after,
                    delivered_at=delivered_at,
                    updated_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            if log_kind:
                # The message log says the answer waits (never the answer's text).
                session.add(
                    MessageLog(
                        openid_hash=self.hash_openid(ticket.openid),
                        kind="held",
                        answer_kind=f"ticket-{log_kind}"[:30],
                        item_code=ticket.item_code,
                    )
                )
            await session.commit()
        ticket.state = state.value
        if state is TicketState.DELIVERED:
            message = f"工单 #{ticket.id} 的答复已送达群众。"
            if note:
                message = f"工单 #{ticket.id}：{note}"
        else:
            message = f"工单 #{ticket.id} 的答复未能立即送达：{note}"
        return Delivery(ticket.id, state.value, message)

    async def due(self, now: datetime) -> list[int]:
        """Tickets to try again now: failed sends after their delay, quotas after reset."""
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Ticket.id)
                .where(
                    or_(
                        # A fresh answer is sent by the staff command itself; one whose
                        # sender died is taken up after the lease.
                        (Ticket.state == TicketState.ANSWERED.value)
                        & or_(
                            Ticket.retry_after <= now,
                            Ticket.retry_after.is_(None) & (Ticket.answered_at <= now - LEASE),
                        ),
                        (Ticket.state == TicketState.WAITING.value)
                        & Ticket.retry_after.is_not(None)
                        & (Ticket.retry_after <= now),
                    ),
                    self.mailbox.holds(Ticket.account),  # sent by the citizen's account
                )
                .order_by(Ticket.id)
                .limit(100)
            )
            return list(rows)
