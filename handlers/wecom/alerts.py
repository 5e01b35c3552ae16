"""Telling staff in WeCom: new 人工 tickets to the duty staff (several within the batch window
in one message) and each 差评 to the responsible department with the conversation.

A periodic job of the app (every `interval` seconds, so a 差评 arrives within a minute); the
work is in the database, so nothing is lost with a restarted worker, and each ticket or 差评
is claimed with a conditional UPDATE before it is sent, so several workers never send it
twice. A message nobody could receive un-claims it for the next round.

In the app, `send` queues the message on the durable job queue
(`handlers.delivery.staff_messages`): a killed worker loses nothing, WeCom's failures are
retried or dead-lettered there. With `messages` given, the notices of change requests
(`staff_notices`) are queued in the very transaction that marks them sent, so they are
queued exactly once even if the worker dies between the two.

Who is on duty: the WeCom UserIDs in `ZWBOT_DUTY_STAFF`, else every active admin. The new
tickets of a stored official account with a staff channel of its own (`zwbot account add
--staff-channel a|b`) go to those UserIDs instead. The
department of a 差评 is the rated item's (or the ticket's); its active clerks get it, and
the duty staff when the department has none or there is no department.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import WeChatApiError
from catalogue import ratings as rating_rules
from catalogue.accounts import staff_users
from catalogue.models import (
    ChangeRequest,
    Department,
    Item,
    MessageLog,
    OfficialAccount,
    Rating,
    Role,
    StaffMember,
    StaffNotice,
    Ticket,
    utcnow,
)
from catalogue.tickets import TicketState, department_names, sla
from catalogue.workflow import notices, runner
from catalogue.workflow.results import RequestInfo
from catalogue.workflow.workdays import CHINA_OFFSET
from handlers.delivery.staff_messages import StaffMessages
from handlers.jobs.periodic import Periodic
from handlers.observability.logs import get_logger
from handlers.settings import Settings
from handlers.staff.ticket_wording import sla_text
from handlers.staff.wording import notice_text

SendText = Callable[[str, str], Awaitable[None]]
INTERVAL = 10.0
CONVERSATION_TURNS = 6
CONVERSATION_HOURS = 24
# A notice claimed by a worker that died before sending is claimed again after this.
CLAIM_LEASE = timedelta(minutes=5)
log = get_logger(__name__)


@dataclass
class AlertRun:
    """What one round sent: recipient → texts."""

    sent: dict[str, list[str]] = field(default_factory=dict)

    def add(self, user_id: str, text: str) -> None:
        self.sent.setdefault(user_id, []).append(text)


def _clock(moment: datetime) -> str:
    """China time, month to minute."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return f"{moment + CHINA_OFFSET:%m-%d %H:%M}"


class StaffAlerts(Periodic):
    """`alerts = StaffAlerts(sessions, wecom.send_text, settings)`; `start()` in the lifespan."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        send: SendText,
        settings: Settings,
        *,
        interval: float = INTERVAL,
        messages: StaffMessages | None = None,
    ) -> None:
        self.sessions = sessions
        self.send = send
        self.messages = messages
        self.settings = settings
        self.interval = interval
        self.batch = timedelta(seconds=settings.ticket_batch_seconds)

    async def tick(self) -> None:
        try:
            await self.run_once(utcnow())
        except Exception:  # one failed round must not end the loop
            log.exception("staff alerts round failed")

    async def run_once(self, now: datetime) -> AlertRun:
        """Send what is due at `now`."""
        run = AlertRun()
        await self.new_tickets(now, run)
        await self.bad_ratings(now, run)
        await self.request_notices(now, run)
        return run

    # recipients

    async def duty_staff(self, session: AsyncSession) -> list[str]:
        """WeCom UserIDs of the active staff on duty."""
        named = self.settings.duty_user_ids
        query = select(StaffMember.wecom_user_id).where(StaffMember.active.is_(True))
        if named:
            query = query.where(StaffMember.wecom_user_id.in_(named))
        else:
            query = query.where(StaffMember.role == Role.ADMIN.value)
        return list(await session.scalars(query.order_by(StaffMember.id)))

    async def department_staff(self, session: AsyncSession, department_id: int | None) -> list[str]:
        """The department's active clerks, else the duty staff."""
        if department_id is not None:
            clerks = list(
                await session.scalars(
                    select(StaffMember.wecom_user_id)
                    .where(
                        StaffMember.active.is_(True),
                        StaffMember.role == Role.CLERK.value,
                        StaffMember.department_id == department_id,
                    )
                    .order_by(StaffMember.id)
                )
            )
            if clerks:
                return clerks
        return await self.duty_staff(session)

    async def _send_all(self, users: list[str], text: str, run: AlertRun) -> list[str]:
        reached = []
        for user_id in users:
            try:
                await self.send(user_id, text)
            except WeChatApiError as error:
                log.warning("staff alert not sent", user=user_id, error=str(error))
                continue
            except Exception:  # an odd answer (not JSON…): the alert is un-claimed, not lost
                log.exception("staff alert not sent", user=user_id)
                continue
            reached.append(user_id)
            run.add(user_id, text)
        return reached

    # new tickets

    async def new_tickets(self, now: datetime, run: AlertRun) -> list[int]:
        """Tell the duty staff of open tickets nobody was told of, once the oldest has waited
        the batch window (the ones that came meanwhile go in the same message)."""
        async with self.sessions() as session:
            fresh = list(
                await session.scalars(
                    select(Ticket)
                    .where(Ticket.state == TicketState.OPEN.value, Ticket.notified_at.is_(None))
                    .order_by(Ticket.id)
                    .limit(50)
                )
            )
            if not fresh or fresh[0].created_at > now - self.batch:
                return []
            claimed = []
            for ticket in fresh:
                result = await session.execute(
                    update(Ticket)
                    .where(Ticket.id == ticket.id, Ticket.notified_at.is_(None))
                    .values(notified_at=now)
                    .execution_options(synchronize_session=False)
                )
                if int(getattr(result, "rowcount", 0) or 0) == 1:
                    claimed.append(ticket)
            await session.commit()
            if not claimed:
                return []
            names = await department_names(
                session, {t.department_id for t in claimed if t.department_id is not None}
            )
            channels = await self.channels(session)
            duty = await self.duty_staff(session)
        # An account's tickets go to its own staff channel when it has one, else to duty.
        groups: dict[tuple[str, ...], list[Ticket]] = {}
        for ticket in claimed:
            groups.setdefault(tuple(channels.get(ticket.account) or duty), []).append(ticket)
        told: list[int] = []
        for users, tickets in groups.items():
            text = _tickets_text(tickets, names, now)
            reached = await self._send_all(list(users), text, run)
            ids = [ticket.id for ticket in tickets]
            if not reached:
                log.error("new tickets reached no staff", tickets=ids, staff=list(users))
                await self._unclaim_tickets(ids)
                continue
            await runner.record_event(
                self.sessions,
                actor="system:tickets",
                role="",
                action="tickets.notify",
                result=f"tickets {ids} sent to {reached}",
            )
            told += ids
        return told

    async def channels(self, session: AsyncSession) -> dict[str, list[str]]:
        """The staff channels of the active stored accounts that have one: original id (a
        ticket's `account`) → WeCom UserIDs."""
        rows = await session.execute(
            select(OfficialAccount.original_id, OfficialAccount.staff_channel).where(
                OfficialAccount.active.is_(True), OfficialAccount.staff_channel != ""
            )
        )
        return {account: users for account, channel in rows if (users := staff_users(channel))}

    async def _unclaim_tickets(self, ids: list[int]) -> None:
        async with self.sessions() as session:
            await session.execute(
                update(Ticket)
                .where(Ticket.id.in_(ids))
                .values(notified_at=None)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    # 差评

    async def conversation(
        self, session: AsyncSession, rating: Rating, now: datetime
    ) -> list[dict[str, Any]]:
        """The citizen's recent turns up to the rating, as the message log kept them."""
        since = rating.at - timedelta(hours=CONVERSATION_HOURS)
        rows = list(
            await session.scalars(
                select(MessageLog)
                .where(
                    MessageLog.openid_hash == rating.openid_hash,
                    MessageLog.at >= since,
                    MessageLog.at <= now,
                    MessageLog.kind != "held",
                )
                .order_by(MessageLog.at.desc(), MessageLog.id.desc())
                .limit(CONVERSATION_TURNS)
            )
        )
        return [
            {
                "at": row.at.isoformat(),
                "said": row.text,
                "answer": row.answer_kind,
                "item": row.item_code,
            }
            for row in reversed(rows)
        ]

    async def bad_ratings(self, now: datetime, run: AlertRun) -> list[int]:
        """Send each new 差评 to its department, with the conversation."""
        sent = []
        async with self.sessions() as session:
            ids = list(
                await session.scalars(
                    select(Rating.id)
                    .where(Rating.case_state == rating_rules.CaseState.NEW.value)
                    .order_by(Rating.id)
                    .limit(50)
                )
            )
        for rating_id in ids:
            if await self._bad_rating(rating_id, now, run):
                sent.append(rating_id)
        return sent

    async def _bad_rating(self, rating_id: int, now: datetime, run: AlertRun) -> bool:
        async with self.sessions() as session:
            result = await session.execute(
                update(Rating)
                .where(
                    Rating.id == rating_id,
                    Rating.case_state == rating_rules.CaseState.NEW.value,
                )
                .values(case_state=rating_rules.CaseState.NOTIFIED.value, notified_at=now)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
            if int(getattr(result, "rowcount", 0) or 0) != 1:
                return False
            rating = await session.get(Rating, rating_id)
            assert rating is not None
            turns = await self.conversation(session, rating, now)
            ticket = await session.get(Ticket, rating.ticket_id) if rating.ticket_id else None
            text = await self._case_text(session, rating, turns, ticket)
            users = await self.department_staff(session, rating.department_id)
        reached = await self._send_all(users, text, run)
        async with self.sessions() as session:
            values: dict[str, Any] = {"conversation": turns, "notified_to": ",".join(reached)}
            if not reached:
                log.error("差评 reached nobody", rating=rating_id, users=users)
                values = {"case_state": rating_rules.CaseState.NEW.value, "notified_at": None}
            await session.execute(
                update(Rating)
                .where(Rating.id == rating_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        if reached:
            await runner.record_event(
                self.sessions,
                actor="system:ratings",
                role="",
                action="rating.notify",
                result=f"差评 #{rating_id} sent to {reached}",
            )
        return bool(reached)

    async def _case_text(
        self,
        session: AsyncSession,
        rating: Rating,
        turns: list[dict[str, Any]],
        ticket: Ticket | None,
    ) -> str:
        department = (
            await session.get(Department, rating.department_id) if rating.department_id else None
        )
        item_name = (
            await session.scalar(select(Item.name).where(Item.code == rating.item_code))
            if rating.item_code
            else None
        )
        lines = [
            f"【差评】#{rating.id} {rating_rules.level(rating.score)}（{_clock(rating.at)}）",
            f"部门：{department.name if department else '无（值班人员办理）'}",
        ]
        if item_name or rating.item_code:
            lines.append(f"事项：{item_name or ''} {rating.item_code}".strip())
        if ticket is not None:
            lines.append(f"评价的答复：工单 #{ticket.id}")
            lines.append(f"  群众问：{ticket.message[:100]}")
            lines.append(f"  答复（{ticket.answered_by}）：{ticket.answer[:150]}")
        if turns:
            lines.append("最近对话（消息记录）：")
            for turn in turns:
                moment = datetime.fromisoformat(str(turn["at"]))
                said = str(turn["said"])[:60] or "（非文字消息）"
                answer = str(turn["answer"]) or "—"
                item = f" {turn['item']}" if turn["item"] else ""
                lines.append(f"  {_clock(moment)} 群众：{said} → {answer}{item}")
        lines.append(
            f"请核实后回访群众并整改：“回访 #{rating.id} 内容”“整改 #{rating.id} 内容”；"
            "发送“差评”查看台账。"
        )
        return "\n".join(lines)

    # change requests

    async def request_notices(self, now: datetime, run: AlertRun) -> list[int]:
        """Tell each staff member of the requests that reached them and of the decisions on
        their own, in one message per person once their oldest notice has waited the batch
        window. A notice whose request has moved on before it was sent is dropped (someone
        else already took the step)."""
        async with self.sessions() as session:
            pending = list(
                await session.scalars(
                    select(StaffNotice)
                    .where(
                        StaffNotice.sent_at.is_(None),
                        (StaffNotice.claimed_at.is_(None))
                        | (StaffNotice.claimed_at < now - CLAIM_LEASE),
                    )
                    .order_by(StaffNotice.id)
                    .limit(500)
                )
            )
        oldest: dict[int, datetime] = {}
        for notice in pending:
            oldest.setdefault(notice.recipient_id, notice.created_at)
        sent: list[int] = []
        for recipient_id, first in oldest.items():
            if _aware(first) > _aware(now) - self.batch:
                continue
            ids = [n.id for n in pending if n.recipient_id == recipient_id]
            sent.extend(await self._notices_to(recipient_id, ids, now, run))
        return sent

    async def _notices_to(
        self, recipient_id: int, ids: list[int], now: datetime, run: AlertRun
    ) -> list[int]:
        async with self.sessions() as session:
            claimed: list[StaffNotice] = []
            for notice_id in ids:
                result = await session.execute(
                    update(StaffNotice)
                    .where(
                        StaffNotice.id == notice_id,
                        StaffNotice.sent_at.is_(None),
                        (StaffNotice.claimed_at.is_(None))
                        | (StaffNotice.claimed_at < now - CLAIM_LEASE),
                    )
                    .values(claimed_at=now)
                    .execution_options(synchronize_session=False)
                )
                if int(getattr(result, "rowcount", 0) or 0) == 1:
                    notice = await session.get(StaffNotice, notice_id)
                    assert notice is not None
                    claimed.append(notice)
            await session.commit()
            if not claimed:
                return []
            member = await session.get(StaffMember, recipient_id)
            text, stale = await self._notice_text(session, claimed)
        claimed_ids = [n.id for n in claimed]
        if member is None or not member.active or not text:
            await self._mark_sent(claimed_ids, now)  # nobody to tell, or nothing left to say
            return []
        if self.messages is not None:  # queued with the mark: once, and never lost
            async with self.sessions() as session:
                await self.messages.add(session, member.wecom_user_id, text)
                await self._mark(session, claimed_ids, now)
                await session.commit()
            self.messages.wake()
            run.add(member.wecom_user_id, text)
        else:
            reached = await self._send_all([member.wecom_user_id], text, run)
            if not reached:
                await self._unclaim_notices(claimed_ids)
                return []
            await self._mark_sent(claimed_ids, now)
        await runner.record_event(
            self.sessions,
            actor="system:requests",
            role="",
            action="requests.notify",
            result=f"notices {claimed_ids} sent to {member.wecom_user_id}; moved on: {stale}",
        )
        return [i for i in claimed_ids if i not in stale]

    async def _notice_text(
        self, session: AsyncSession, claimed: list[StaffNotice]
    ) -> tuple[str, list[int]]:
        """The message for one recipient, and the notices left out because their request
        has moved on."""
        waiting: dict[int, tuple[RequestInfo, str, datetime]] = {}
        decided: dict[int, tuple[RequestInfo, datetime]] = {}
        stale: list[int] = []
        for notice in claimed:
            request = await session.get(ChangeRequest, notice.request_id)
            if request is None:
                stale.append(notice.id)
                continue
            info = RequestInfo.of(request)
            if notice.kind == notices.DECIDED:
                decided[request.id] = (info, notice.created_at)
            elif request.state == notice.state:
                proposer = await session.get(StaffMember, request.proposer_id)
                name = proposer.name if proposer is not None else "—"
                waiting[request.id] = (info, name, notice.created_at)
            else:
                stale.append(notice.id)
        text = notice_text(list(waiting.values()), list(decided.values()))
        return text, stale

    async def _mark_sent(self, ids: list[int], now: datetime) -> None:
        async with self.sessions() as session:
            await self._mark(session, ids, now)
            await session.commit()

    @staticmethod
    async def _mark(session: AsyncSession, ids: list[int], now: datetime) -> None:
        await session.execute(
            update(StaffNotice)
            .where(StaffNotice.id.in_(ids))
            .values(sent_at=now)
            .execution_options(synchronize_session=False)
        )

    async def _unclaim_notices(self, ids: list[int]) -> None:
        async with self.sessions() as session:
            await session.execute(
                update(StaffNotice)
                .where(StaffNotice.id.in_(ids))
                .values(claimed_at=None)
                .execution_options(synchronize_session=False)
            )
            await session.commit()


def _tickets_text(tickets: list[Ticket], names: dict[int, str], now: datetime) -> str:
    """One message telling staff of new tickets."""
    lines = []
    for ticket in tickets:
        question = ticket.message.replace("\n", " ")
        where = f"[{names[ticket.department_id]}] " if ticket.department_id in names else ""
        lines.append(
            f"#{ticket.id} {where}{question[:40]}{'…' if len(question) > 40 else ''}"
            f"（{sla_text(sla(ticket, now))}）"
        )
    return (
        f"新的群众人工工单 {len(tickets)} 件：\n"
        + "\n".join(lines)
        + "\n发送“工单”查看，“回复 #号 内容”答复，“关闭 #号 理由”关闭。"
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC moments."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
