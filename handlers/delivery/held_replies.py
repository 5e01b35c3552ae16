"""Replies WeChat refused for the 48-hour window or a quota, kept in the database until they
can go: when the citizen writes again (45015, 45047) or after the daily quota resets (45009).

`hold` is the outbox's hook for such refusals; the message log records that an answer waits
(never its text). A held reply is sent once: a short lease on `retry_after` taken with a
conditional UPDATE keeps two workers from sending it both; sent, it is deleted. One that
waited longer than the message logs are kept is given up (metric reason "expired")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from bot.replies import Reply
from catalogue.models import HeldReply, MessageLog, utcnow
from handlers.delivery import sending
from handlers.delivery.mailbox import Mailbox
from handlers.delivery.sending import Verdict
from handlers.observability import metrics
from handlers.observability.logs import get_logger

LEASE = timedelta(seconds=60)
log = get_logger(__name__)


class HeldReplies:
    """The durable store of refused replies and their release."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        client: WeChatClient | None,
        hash_openid: Callable[[str], str],
        *,
        keep_days: int = 30,
        mailbox: Mailbox | None = None,
    ) -> None:
        self.sessions = sessions
        self.client = client
        self.hash_openid = hash_openid
        self.keep_days = keep_days
        self.mailbox = mailbox or Mailbox()

    async def hold(self, openid: str, reply: Reply, error: WeChatApiError) -> bool:
        """Keep a reply WeChat refused if the refusal is one that passes (window, quota);
        False when it is not (the caller gives it up)."""
        verdict = sending.classify(error)
        if verdict not in (Verdict.HOLD_UNTIL_MESSAGE, Verdict.HOLD_UNTIL_RESET):
            return False
        now = utcnow()
        retry = sending.quota_reset(now) if verdict is Verdict.HOLD_UNTIL_RESET else None
        async with self.sessions() as session:
            session.add(
                HeldReply(
                    openid=openid,
                    account=self.mailbox.account,
                    reply=sending.dump_reply(reply),
                    reason=error.code,
                    retry_after=retry,
                    at=now,
                )
            )
            self._log(session, openid, f"held:{error.code}")
            await session.commit()
        metrics.record_held(str(error.code))
        log.warning("customer-service reply held", openid=openid, errcode=error.code)
        return True

    def _log(self, session: AsyncSession, openid: str, what: str) -> None:
        session.add(
            MessageLog(openid_hash=self.hash_openid(openid), kind="held", answer_kind=what[:30])
        )

    async def openids(self) -> set[str]:
        """Citizens with replies waiting."""
        async with self.sessions() as session:
            query = select(HeldReply.openid).where(self.mailbox.holds(HeldReply.account))
            return set(await session.scalars(query.distinct()))

    async def _claim(self, openid: str | None, now: datetime) -> list[HeldReply]:
        condition = or_(HeldReply.retry_after.is_(None), HeldReply.retry_after <= now)
        if openid is None:  # the periodic round: only quota holds whose reset has come
            condition = HeldReply.retry_after.is_not(None) & (HeldReply.retry_after <= now)
        condition = condition & self.mailbox.holds(HeldReply.account)  # sent by its account
        async with self.sessions() as session:
            query = select(HeldReply.id).where(condition).order_by(HeldReply.id).limit(200)
            if openid is not None:
                query = query.where(HeldReply.openid == openid)
            candidates = list(await session.scalars(query))
            claimed: list[int] = []
            for held_id in candidates:
                result = await session.execute(
                    update(HeldReply)
                    .where(HeldReply.id == held_id, condition)
                    .values(retry_after=now + LEASE)
                    .execution_options(synchronize_session=False)
                )
                if int(getattr(result, "rowcount", 0) or 0) == 1:
                    claimed.append(held_id)
            await session.commit()
            if not claimed:
                return []
            rows = await session.scalars(
                select(HeldReply).where(HeldReply.id.in_(claimed)).order_by(HeldReply.id)
            )
            return list(rows)

    async def release(self, openid: str | None = None) -> int:
        """Send what may go now (for `openid` after they wrote; else quota holds after reset);
        how many were sent."""
        if self.client is None:
            return 0
        now = utcnow()
        sent = 0
        claimed = await self._claim(openid, now)
        for index, held in enumerate(claimed):
            try:
                await self.client.send_reply(held.openid, sending.load_reply(held.reply))
            except WeChatApiError as error:
                if not await self._refused_again(held, error, now):
                    # Keep the later replies in order behind it, free for the next chance.
                    await self._unclaim([later.id for later in claimed[index + 1 :]])
                    break
                continue
            async with self.sessions() as session:
                await session.execute(delete(HeldReply).where(HeldReply.id == held.id))
                self._log(session, held.openid, "held-delivered")
                await session.commit()
            sent += 1
        return sent

    async def _unclaim(self, ids: list[int]) -> None:
        if not ids:
            return
        async with self.sessions() as session:
            await session.execute(
                update(HeldReply)
                .where(HeldReply.id.in_(ids))
                .values(retry_after=None)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def _refused_again(self, held: HeldReply, error: WeChatApiError, now: datetime) -> bool:
        """Record a second refusal; True when the reply is settled (given up) rather than kept."""
        verdict = sending.classify(error)
        async with self.sessions() as session:
            if verdict in (Verdict.AMBIGUOUS, Verdict.REFUSED):
                metrics.record_give_up(sending.reason_of(error))
                await session.execute(delete(HeldReply).where(HeldReply.id == held.id))
                self._log(session, held.openid, f"held-given-up:{sending.reason_of(error)}")
                await session.commit()
                log.error("held reply given up", openid=held.openid, error=str(error))
                return True
            retry: datetime | None = None
            if verdict is Verdict.HOLD_UNTIL_RESET:
                retry = sending.quota_reset(now)
            elif verdict is Verdict.RETRY:
                retry = now + LEASE
            await session.execute(
                update(HeldReply)
                .where(HeldReply.id == held.id)
                .values(retry_after=retry, reason=error.code)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        return False

    async def expire(self, now: datetime) -> int:
        """Give up replies held longer than the message logs are kept; how many."""
        before = now - timedelta(days=self.keep_days)
        async with self.sessions() as session:
            old = list(await session.scalars(select(HeldReply).where(HeldReply.at < before)))
            for held in old:
                self._log(session, held.openid, "held-given-up:expired")
                await session.delete(held)
                metrics.record_give_up("expired")
            await session.commit()
        return len(old)
