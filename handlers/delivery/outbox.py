"""Customer-service sends on the durable job queue: nothing lost with a killed worker, nothing
sent twice, a citizen's parts in order.

Replies that miss the passive-reply deadline, and the later parts of long answers, go out
through the WeChat customer-service API. `Outbox.send` is the responder's `Sender`: it only
queues (`handlers.delivery.queue`, kind `reply`, in one committed transaction: a long text
as its 2048-byte parts, each a job of its own, so a part refused or held never takes the
parts that already arrived with it). `ReplySender` is the queue worker's handler of the kind;
any worker of any process sends them, and the queue settles each by its outcome
(`handlers.delivery.queue_worker`):

* In order: every job names its recipient (the account and the citizen), and a recipient's
  jobs are claimed one at a time, oldest first — a part waiting for its retry keeps the later
  ones behind it.
* Nothing lost: a worker killed after a reply was queued leaves it in the database; another
  worker (or this one after a restart) sends it. A send that failed for certain (refused
  connection, 5xx, -1) is tried again with back-off (2, 4, 8 … s, 6 sends).
* Kept when WeChat says "not now": the 48-hour window closed (45015), the citizen's count of
  messages used up (45047) or the daily quota used up (45009) hand the reply to `hold`
  (the database, `handlers.delivery.held_replies`): sent when the citizen writes again or
  the quota resets; the job is settled `held`. The citizen's later parts are tried after it
  and held behind it, so `held_replies` releases them in order.
* Nothing sent twice: a send whose request may have reached WeChat (the answer timed out, or
  its worker died while it was out) is not repeated — WeChat has no idempotency key, and a
  duplicate answer is worse for a citizen than the rare lost one: it goes to the dead-letter
  list (`zwbot queue dead`) as ambiguous.

Every give-up is counted in `zwbot_sends_given_up_total` with its reason (see
`handlers.delivery.sending`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from bot.replies import Reply, TextReply, split_text
from handlers.delivery import sending
from handlers.delivery.queue import Job, JobQueue, NewJob
from handlers.delivery.queue_worker import Held, Unreachable
from handlers.observability.logs import get_logger

log = get_logger(__name__)

#: The queue's kind of customer-service replies.
REPLY = "reply"
#: Keeps a reply WeChat refused for now; False when the refusal is not one that passes.
HoldFunction = Callable[[str, Reply, WeChatApiError], Awaitable[bool]]


def _nothing() -> None:
    return None


@dataclass(slots=True)
class JobFeed:
    """Where a process queues outbound work: the queue, and its worker's `wake`."""

    queue: JobQueue
    wake: Callable[[], None] = field(default=_nothing)


class OutboxClosed(Exception):
    """The outbox has no queue yet (the database is not open)."""


class Outbox:
    """The responder's `Sender` of one account (`account`: "" the default, else its name):
    `outbox = Outbox(account)`; `outbox.bind(feed)` once the database is open; `sender=
    outbox.send`."""

    def __init__(self, account: str = "") -> None:
        self.account = account
        self.feed: JobFeed | None = None

    def bind(self, feed: JobFeed) -> None:
        """Queue into `feed` from now on."""
        self.feed = feed

    def jobs(self, openid: str, reply: Reply) -> list[NewJob]:
        """The queue's jobs for one reply: a long text as its 2048-byte parts."""
        parts: list[Reply] = [reply]
        if isinstance(reply, TextReply):
            parts = [TextReply(part) for part in split_text(reply.content)] or [reply]
        return [
            NewJob(
                REPLY,
                {"openid": openid, "reply": sending.dump_reply(part)},
                account=self.account,
                recipient=f"{REPLY}:{self.account}:{openid}",
            )
            for part in parts
        ]

    async def send(self, openid: str, reply: Reply) -> None:
        """Queue one reply for `openid` (committed when this returns); raises when the
        database cannot take it (the responder then keeps it for 更多)."""
        if self.feed is None:
            raise OutboxClosed("customer-service replies are not queued yet")
        await self.feed.queue.add(self.jobs(openid, reply))
        self.feed.wake()


@dataclass(frozen=True, slots=True)
class ReplyRoute:
    """How one account sends replies: its API client and where refused replies are kept."""

    client: WeChatClient
    hold: HoldFunction | None = None


#: The route of an account by name ("" the default; None: not served in this process).
ReplyRoutes = Callable[[str], ReplyRoute | None]


class ReplySender:
    """The queue handler of kind `reply`: sends one part through its account's client; a
    refusal that passes (window, quotas) is handed to the account's `hold` and raised as
    `Held`; other failures go back to the worker, which retries or gives up by
    `sending.classify`."""

    def __init__(self, routes: ReplyRoutes) -> None:
        self.routes = routes

    async def __call__(self, job: Job) -> None:
        route = self.routes(job.account)
        if route is None:
            raise Unreachable(f"account {job.account!r} is not served (or has no API client)")
        openid = str(job.payload["openid"])
        reply = sending.load_reply(dict(job.payload["reply"]))
        try:
            await route.client.send_reply(openid, reply)
        except WeChatApiError as error:
            if route.hold is None or sending.classify(error) not in sending.HOLDS:
                raise
            try:
                kept = await route.hold(openid, reply, error)
            except Exception:  # the database is down too: the worker decides (retry, give up)
                log.exception("customer-service reply could not be held", job=job.id)
                raise error from None
            if not kept:
                raise
            raise Held(error) from error
