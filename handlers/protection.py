"""Production guards of the bot, wired in one place: storage that survives Redis stopping,
metrics of every update, the per-user rate limit and the polite "busy" reply."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.dispatcher import Dispatcher
from bot.storage import BaseStorage, MemoryStorage, RedisStorage
from bot.storage.redis import blocking_client
from handlers.fallback_storage import FallbackStorage
from handlers.observability.middleware import update_metrics_middleware
from handlers.outage import OutageGuard
from handlers.ratelimit import RateLimiter
from handlers.settings import Settings

# A stopped Redis must cost a message milliseconds, not the whole 5-second reply window.
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_COMMAND_TIMEOUT = 2.0
# Connections per worker. Commands last well under a millisecond, so this many carry hundreds
# of messages in flight; more wait for a free connection (up to REDIS_COMMAND_TIMEOUT) instead
# of failing with "Too many connections", which would send the worker to process memory.
REDIS_POOL_SIZE = 64


def redis_client(url: str, *, pool_size: int = REDIS_POOL_SIZE) -> Redis:
    """A Redis client that fails fast when the server is gone and waits for a connection of
    its bounded pool when many commands are in flight."""
    return blocking_client(
        url,
        socket_timeout=REDIS_COMMAND_TIMEOUT,
        socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
        health_check_interval=30,
        max_connections=pool_size,
    )


def resilient_storage(settings: Settings) -> BaseStorage:
    """Redis (falling back to process memory while it is down) when `REDIS_URL` is set."""
    if not settings.redis_url:
        return MemoryStorage()
    redis = RedisStorage(redis_client(settings.redis_url), state_ttl=settings.state_ttl_seconds)
    return FallbackStorage(redis)


def protect(dispatcher: Dispatcher, settings: Settings) -> None:
    """Outer middlewares, outermost first: metrics, rate limit, busy reply on a dead database."""
    dispatcher.outer_middleware(update_metrics_middleware)
    limiter = RateLimiter(
        settings.rate_limit_per_minute,
        settings.hash_key.get_secret_value(),
        redis=redis_client(settings.redis_url) if settings.redis_url else None,
    )
    # The storage counts a message while claiming it (no round trip of the limiter's own).
    dispatcher.turn_counter = limiter.turn_counter
    dispatcher.outer_middleware(limiter)
    dispatcher.outer_middleware(OutageGuard())
