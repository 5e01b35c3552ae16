"""Messages to staff in WeCom (企业微信) on the durable job queue: new 人工 tickets, 差评,
notices of change requests (`staff_notices`), and the staff app's replies that missed the
passive-reply deadline. (Audit checkpoints are sent at once: they report whom they missed.)

`StaffMessages` queues (kind `staff`, one job per 2048-byte part, so a part that arrived is
never sent again with a later one that failed); `StaffSender` is the worker's handler, sending
through the WeCom API client. Every job names its recipient (the member's UserID): one
member's messages go out one at a time, in order. WeCom's errcodes are its own
(`handlers.delivery.sending.classify_wecom`): -1, a network failure before sending, 45009 and
45033 (call frequency) are retried with back-off; a timeout after sending is never repeated
(dead, ambiguous); an unknown UserID and the like go to the dead-letter list staff see
(`zwbot queue dead`). The jobs' account is `STAFF_ACCOUNT`, so WeCom has its own rate bucket
and never pauses, nor is paused by, an official account.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import NewsReply, Reply, TextReply, split_text
from handlers.delivery import queue as jobs
from handlers.delivery.outbox import JobFeed, OutboxClosed
from handlers.delivery.queue import Job, NewJob
from handlers.delivery.queue_worker import Unreachable

#: The queue's kind of WeCom messages to staff.
STAFF = "staff"
#: The jobs' account: WeCom's, not an official account's (own rate bucket and pause).
STAFF_ACCOUNT = "@wecom"
#: Sends one WeCom text to a member (`WeComClient.send_text`).
SendText = Callable[[str, str], Awaitable[None]]


class StaffMessages:
    """`messages = StaffMessages()`; `messages.bind(feed)` once the database is open; then
    `send_text` (a `SendText`), `send_reply` (the `/wecom` webhook's `Sender`), or `add` in
    the caller's transaction."""

    def __init__(self) -> None:
        self.feed: JobFeed | None = None

    def bind(self, feed: JobFeed) -> None:
        """Queue into `feed` from now on."""
        self.feed = feed

    @staticmethod
    def jobs(user_id: str, content: str) -> list[NewJob]:
        """The queue's jobs for one text: one per 2048-byte part."""
        return [
            NewJob(
                STAFF,
                {"user": user_id, "text": part},
                account=STAFF_ACCOUNT,
                recipient=f"{STAFF}:{user_id}",
            )
            for part in split_text(content)
        ]

    async def add(self, session: AsyncSession, user_id: str, content: str) -> None:
        """Queue a text in the caller's transaction (sent once it commits; `wake` after)."""
        await jobs.add(session, self.jobs(user_id, content))

    def wake(self) -> None:
        """Tell this process's worker something was queued."""
        if self.feed is not None:
            self.feed.wake()

    async def send_text(self, user_id: str, content: str) -> None:
        """Queue a text to a member (committed when this returns)."""
        if self.feed is None:
            raise OutboxClosed("staff messages are not queued yet")
        await self.feed.queue.add(self.jobs(user_id, content))
        self.feed.wake()

    async def send_reply(self, user_id: str, reply: Reply) -> None:
        """The staff app's late reply, queued as text (news as its title and link)."""
        if isinstance(reply, NewsReply):
            article = reply.article
            await self.send_text(user_id, f"{article.title}\n{article.url}".strip())
        elif isinstance(reply, TextReply):
            await self.send_text(user_id, reply.content)


class StaffSender:
    """The queue handler of kind `staff`: one part to one member through `send` (the WeCom
    client's `send_text`; None when the WeCom app has no secret here)."""

    def __init__(self, send: SendText | None) -> None:
        self.send = send

    async def __call__(self, job: Job) -> None:
        if self.send is None:
            raise Unreachable("the WeCom app has no API client in this process")
        await self.send(str(job.payload["user"]), str(job.payload["text"]))
