"""Per-user rate limit of citizens' messages: a bot outer middleware with a polite reply.

Counts are kept per minute window in Redis when `REDIS_URL` is set (shared by all workers),
in the process otherwise. When Redis is unreachable the limiter counts in the process until
it returns: a citizen is never refused because Redis is down.

With `dispatcher.turn_counter = limiter.turn_counter` the bot's storage counts the message
in the round trip that claims it (`data["turn_count"]`, same Redis key); the limiter then
makes no call of its own, and counts itself only when that count is missing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.events import Event, Kind
from bot.replies import TextReply
from bot.types import Data, NextHandler
from handlers.guards.privacy import keyed_hash
from handlers.observability import metrics
from handlers.observability.logs import get_logger

RATE_LIMIT_REPLY = "您发送消息太频繁了，请休息一分钟后再试。如需人工帮助，请回复“人工”。"
WINDOW_SECONDS = 60
# Follow, menu clicks and location reports are WeChat's, not typing: they are not counted.
COUNTED_KINDS = frozenset(
    {Kind.TEXT, Kind.VOICE, Kind.IMAGE, Kind.LOCATION, Kind.LINK, Kind.UNKNOWN}
)
log = get_logger(__name__)


class Counter(Protocol):
    """How many messages a user sent in the current window, this one included."""

    async def hit(self, user: str, window: int) -> int: ...


class MemoryCounter:
    """Per-process counts; old windows are dropped as new ones start."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, user: str, window: int) -> int:
        if window != self._window:
            self._window, self._counts = window, {}
        self._counts[user] = self._counts.get(user, 0) + 1
        return self._counts[user]


# One round trip and one command per message: the count, and the expiry on the first one.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisCounter:
    """Counts shared by every worker: `INCR` on a key that expires after its window."""

    def __init__(self, client: Redis, prefix: str = "zwbot:rl:") -> None:
        self._prefix = prefix
        self._hit = client.register_script(_HIT)

    async def hit(self, user: str, window: int) -> int:
        key = f"{self._prefix}{window}:{user}"
        return int(await self._hit(keys=[key], args=[WINDOW_SECONDS * 2]))


class RateLimiter:
    """At most `limit` counted messages a minute per user; Redis with an in-process fallback."""

    def __init__(
        self,
        limit: int,
        hash_key: str,
        *,
        redis: Redis | None = None,
        prefix: str = "zwbot:rl:",
        clock: Callable[[], float] = time.time,
        account: str = "",
        local: Counter | None = None,
    ) -> None:
        self.limit = limit
        # Counts are kept apart per official account (`rl:<account>:<window>:<user>`).
        self._account = f"{account}:" if account else ""
        self._hash_key = hash_key
        self._shared = RedisCounter(redis, prefix) if redis is not None else None
        self._local: Counter = local or MemoryCounter()  # when Redis is not reachable
        self._clock = clock
        self._degraded = False

    def _user(self, user_id: str) -> str:
        return keyed_hash(user_id, self._hash_key)[:32]  # no raw openid in Redis keys

    def turn_counter(self, event: Event) -> tuple[str, int] | None:
        """The dispatcher's hook: the counter key of this event (under the storage's prefix,
        the key `RedisCounter` uses with the default prefix) and its expiry, or None when the
        event is not counted."""
        if event.kind not in COUNTED_KINDS or self.limit <= 0:
            return None
        window = int(self._clock() // WINDOW_SECONDS)
        return f"rl:{self._account}{window}:{self._user(event.user_id)}", WINDOW_SECONDS * 2

    def seconds_left(self) -> int:
        """Whole seconds until the current window ends (a Retry-After value, at least 1)."""
        return max(1, int(WINDOW_SECONDS - self._clock() % WINDOW_SECONDS))

    async def count(self, user_id: str) -> int:
        """Record one message of `user_id` and return the count of its current window."""
        user = self._account + self._user(user_id)
        window = int(self._clock() // WINDOW_SECONDS)
        if self._shared is not None:
            try:
                count = await self._shared.hit(user, window)
            except (RedisError, OSError) as error:
                if not self._degraded:
                    log.warning("rate limit counts in process: Redis unreachable", error=str(error))
                self._degraded = True
            else:
                if self._degraded:
                    log.info("rate limit counts in Redis again")
                self._degraded = False
                return count
        return await self._local.hit(user, window)

    async def __call__(self, handler: NextHandler, event: Event, data: Data) -> Any:
        """Bot outer middleware: over the limit, answer politely once a window, then stay quiet."""
        if event.kind not in COUNTED_KINDS or self.limit <= 0:
            return await handler(event, data)
        counted = data.get("turn_count")
        count = counted if isinstance(counted, int) else await self.count(event.user_id)
        if count <= self.limit:
            return await handler(event, data)
        metrics.record_rate_limited()
        if count == self.limit + 1:
            log.info("rate limited", openid=event.user_id, limit=self.limit)
            return TextReply(RATE_LIMIT_REPLY)
        return None
