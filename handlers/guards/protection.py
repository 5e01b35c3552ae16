"""Production guards of the bot, wired in one place: storage that survives Redis stopping,
metrics of every update, the per-user rate limit and the polite "busy" reply."""

from __future__ import annotations

from collections.abc import Callable

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher import Dispatcher
from bot.storage import BaseStorage, Breaker, MemoryStorage, RedisStorage, ResilientStorage
from bot.storage.redis import CommandGate
from bot.storage.redis import redis_client as bot_redis_client
from handlers.db.bot_storage import DatabaseStorage
from handlers.guards.outage import OutageGuard
from handlers.guards.privacy import keyed_hash
from handlers.guards.ratelimit import RateLimiter
from handlers.observability import metrics
from handlers.observability.logs import get_logger
from handlers.observability.middleware import update_metrics_middleware
from handlers.settings import Settings

# A stopped Redis must cost a message milliseconds, not the whole 5-second reply window.
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_COMMAND_TIMEOUT = 2.0
# Storage commands in flight per worker. Commands last well under a millisecond, so this many
# carry hundreds of messages in flight; more wait for a place (up to REDIS_COMMAND_TIMEOUT)
# instead of opening ever more connections.
REDIS_POOL_SIZE = 64
log = get_logger(__name__)


def redis_client(url: str) -> Redis:
    """A Redis client that fails fast when the server is gone."""
    return bot_redis_client(
        url,
        socket_timeout=REDIS_COMMAND_TIMEOUT,
        connect_timeout=REDIS_CONNECT_TIMEOUT,
        health_check_interval=30,
    )


def key_name(settings: Settings) -> Callable[[str], str]:
    """How the bot names a user or a delivery in Redis keys and rows: a keyed hash (no
    openid in a key name, as in the logs)."""
    hash_key = settings.hash_key.get_secret_value()
    return lambda raw: keyed_hash(raw, hash_key)[:32]


def _storage_down(error: BaseException) -> None:
    log.warning("Redis unreachable: bot storage falls back to the database", error=str(error))
    metrics.record_error("redis")


def resilient_storage(settings: Settings) -> BaseStorage:
    """Redis, falling back to the database while Redis is down, when `REDIS_URL` is set;
    process memory otherwise (one worker). The database part starts working once
    `attach_database` gives it the app's sessions."""
    if not settings.redis_url:
        return MemoryStorage()
    name = key_name(settings)
    redis = RedisStorage(
        redis_client(settings.redis_url),
        state_ttl=settings.state_ttl_seconds,
        name=name,
        gate=CommandGate(REDIS_POOL_SIZE, wait=REDIS_COMMAND_TIMEOUT),
    )
    fallback = DatabaseStorage(name=name, state_ttl=settings.state_ttl_seconds)
    return ResilientStorage(redis, fallback, breaker=Breaker(on_failure=_storage_down))


def attach_database(storage: BaseStorage, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Give the storage's database fallback (if it has one) the app's sessions."""
    if isinstance(storage, ResilientStorage) and isinstance(storage.fallback, DatabaseStorage):
        storage.fallback.sessions = sessions


def protect(
    dispatcher: Dispatcher, settings: Settings, *, account: str = "", redis: Redis | None = None
) -> None:
    """Outer middlewares, outermost first: metrics, rate limit, busy reply on a dead database.

    `account` keeps the rate limit's counts apart per official account; `redis` shares one
    client between the accounts of a worker (a new one by default)."""
    dispatcher.outer_middleware(update_metrics_middleware)
    if redis is None and settings.redis_url:
        redis = redis_client(settings.redis_url)
    limiter = RateLimiter(
        settings.rate_limit_per_minute,
        settings.hash_key.get_secret_value(),
        redis=redis,
        account=account,
    )
    # The storage counts a message while claiming it (no round trip of the limiter's own).
    dispatcher.turn_counter = limiter.turn_counter
    dispatcher.outer_middleware(limiter)
    dispatcher.outer_middleware(OutageGuard())
