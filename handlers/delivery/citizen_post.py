"""Mail for citizens that could not go at once: ticket answers and held replies.

`CitizenPost` is one per app. As the citizens' dispatcher's outer middleware it notices a
citizen who writes while something waits for them (a per-process set, refreshed every
`interval` seconds and at once for what this process holds, so other citizens cost no
query) and sends it as customer-service messages right after the passive reply. As a
periodic job it retries failed sends, sends quota holds after the reset, and gives up what
waited too long. Late tasks are awaited on `close()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from bot.events import Event
from bot.fsm import FSMContext, StorageKey
from bot.replies import Reply
from bot.storage import BaseStorage
from bot.types import Data, NextHandler
from catalogue.models import Ticket, utcnow
from catalogue.tickets import UNDELIVERED
from handlers.citizen import ratings
from handlers.delivery.held_replies import HeldReplies
from handlers.delivery.mailbox import Mailbox
from handlers.delivery.tickets import SIGNATURE, Delivery, TicketPost
from handlers.guards.privacy import keyed_hash
from handlers.jobs.periodic import Periodic
from handlers.observability.logs import get_logger
from handlers.settings import Settings

REFRESH_SECONDS = 5.0
# Events after which WeChat does not let the account write to the citizen.
_CLOSING_EVENTS = frozenset({"unsubscribe"})
log = get_logger(__name__)


class CitizenPost(Periodic):
    """`post = CitizenPost(settings, client, storage)`; `post.bind(sessions)` and `start()`
    in the lifespan; `dispatcher.outer_middleware(post)`; `Outbox(..., hold=post.hold)`."""

    def __init__(
        self,
        settings: Settings,
        client: WeChatClient | None,
        storage: BaseStorage,
        *,
        interval: float = REFRESH_SECONDS,
        mailbox: Mailbox | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.storage = storage
        self.interval = interval
        # Only this account's tickets and held replies (several accounts on one deployment).
        self.mailbox = mailbox or Mailbox()
        # The post of another account (by original id), for a ticket of that account that
        # reaches this one (the staff channel answers every account's tickets through it).
        self.forward: Callable[[str], CitizenPost | None] | None = None
        # Who signs its ticket answers (a stored account: its title).
        self.signature = SIGNATURE
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self.tickets: TicketPost | None = None
        self.held: HeldReplies | None = None
        self._waiting_tickets: dict[str, tuple[int, ...]] = {}
        self._waiting_held: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def hash_openid(self, openid: str) -> str:
        """The message-log key of an openid."""
        return keyed_hash(openid, self.settings.hash_key.get_secret_value())

    def bind(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Attach the database (known once the app's lifespan opened it)."""
        self._sessions = sessions
        self.tickets = TicketPost(
            sessions,
            self.client,
            self.hash_openid,
            on_delivered=self._delivered,
            mailbox=self.mailbox,
            signature=self.signature,
        )
        self.held = HeldReplies(
            sessions,
            self.client,
            self.hash_openid,
            keep_days=self.settings.message_log_days,
            mailbox=self.mailbox,
        )

    # what waits

    def waits_for(self, openid: str) -> bool:
        """Whether this process knows of something waiting for `openid` (no query)."""
        return openid in self._waiting_tickets or openid in self._waiting_held

    async def refresh(self) -> None:
        """Re-read who has something waiting (other workers' holds and answers too)."""
        if self._sessions is None or self.held is None:
            return
        async with self._sessions() as session:
            rows = await session.execute(
                select(Ticket.openid, Ticket.id)
                .where(Ticket.state.in_(UNDELIVERED), self.mailbox.holds(Ticket.account))
                .order_by(Ticket.id)
            )
            waiting: dict[str, tuple[int, ...]] = {}
            for openid, ticket_id in rows:
                waiting[openid] = (*waiting.get(openid, ()), ticket_id)
        self._waiting_tickets = waiting
        self._waiting_held = await self.held.openids()

    def note_ticket(self, openid: str, ticket_id: int) -> None:
        """This process left a ticket answer waiting for `openid`."""
        known = self._waiting_tickets.get(openid, ())
        if ticket_id not in known:
            self._waiting_tickets[openid] = (*known, ticket_id)

    # sending

    async def deliver_ticket(self, ticket_id: int, *, citizen_wrote: bool = False) -> Delivery:
        """Send a ticket's answer now if it can go (see `TicketPost.deliver`)."""
        if self.tickets is None:
            raise RuntimeError("CitizenPost.bind(sessions) was not called")
        other = await self.post_of(ticket_id)
        if other is not None:  # another account's citizen: sent with that account's client
            return await other.deliver_ticket(ticket_id, citizen_wrote=citizen_wrote)
        delivery = await self.tickets.deliver(ticket_id, citizen_wrote=citizen_wrote)
        if delivery.state in UNDELIVERED and self._sessions is not None:
            async with self._sessions() as session:
                ticket = await session.get(Ticket, ticket_id)
            if ticket is not None:
                self.note_ticket(ticket.openid, ticket_id)
        return delivery

    async def post_of(self, ticket_id: int) -> CitizenPost | None:
        """The post of the ticket's account when it is not this one's and it is served."""
        if self.forward is None or self._sessions is None:
            return None
        async with self._sessions() as session:
            account = await session.scalar(select(Ticket.account).where(Ticket.id == ticket_id))
        if account is None or self.mailbox.owns(account):
            return None
        other = self.forward(account)
        return other if other is not self else None

    async def hold(self, openid: str, reply: Reply, error: WeChatApiError) -> bool:
        """The outbox's hook: keep a reply refused for the window or a quota."""
        if self.held is None:
            return False
        held = await self.held.hold(openid, reply, error)
        if held:
            self._waiting_held.add(openid)
        return held

    async def release(self, openid: str) -> None:
        """The citizen wrote: send their waiting ticket answers, then held replies."""
        for ticket_id in self._waiting_tickets.pop(openid, ()):
            try:
                await self.deliver_ticket(ticket_id, citizen_wrote=True)
            except Exception:  # one failed ticket must not keep the others
                log.exception("ticket answer not released", ticket=ticket_id)
        if openid in self._waiting_held and self.held is not None:
            self._waiting_held.discard(openid)
            await self.held.release(openid)

    async def _delivered(self, ticket: Ticket) -> None:
        if not ticket.account:
            return
        state = FSMContext(self.storage, StorageKey(ticket.account, ticket.openid))
        try:
            await ratings.expect_ticket_rating(state, ticket.id)
        except self.storage.unavailable as error:  # the prompt still works for item cards
            log.warning("ticket rating marker not kept", ticket=ticket.id, error=str(error))

    # the middleware

    async def __call__(self, handler: NextHandler, event: Event, data: Data) -> Any:
        result = await handler(event, data)
        openid = event.user_id
        if self.waits_for(openid) and event.raw.get("Event") not in _CLOSING_EVENTS:
            tickets = self._waiting_tickets.get(openid, ())
            state = data.get("state")
            if tickets and isinstance(state, FSMContext):
                # The answer goes right after this reply: a rating now is about it.
                await ratings.expect_ticket_rating(state, tickets[-1])
            task = asyncio.get_running_loop().create_task(self.release(openid))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return result

    # the periodic job

    async def tick(self) -> None:
        try:
            await self.run_once()
        except Exception:  # one failed round must not end the loop
            log.exception("citizen post round failed")

    async def run_once(self) -> None:
        """Retry due ticket answers and quota holds, give up expired holds, refresh."""
        if self.tickets is None or self.held is None:
            return
        now = utcnow()
        for ticket_id in await self.tickets.due(now):
            await self.deliver_ticket(ticket_id)
        await self.held.release()
        await self.held.expire(now)
        await self.refresh()

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for the deliveries under way (started by citizens' messages)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def close(self) -> None:
        """Stop the job and let deliveries under way finish."""
        await self.stop()
        await self.drain()
