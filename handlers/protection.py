"""Production guards of the bot, wired in one place: storage that survives Redis stopping,
metrics of every update, the per-user rate limit and the polite "busy" reply."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.dispatcher import Dispatcher
from bot.storage import BaseStorage, MemoryStorage, RedisStorage
from handlers.fallback_storage import FallbackStorage
from handlers.observability.middleware import update_metrics_middleware
from handlers.outage import OutageGuard
from handlers.ratelimit import RateLimiter
from handlers.settings import Settings

# A stopped Redis must cost a message milliseconds, not the whole 5-second reply window.
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_COMMAND_TIMEOUT = 2.0


def redis_client(url: str) -> Redis:
    """A Redis client that fails fast when the server is gone."""
    return Redis.from_url(
        url,
        socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
        socket_timeout=REDIS_COMMAND_TIMEOUT,
        health_check_interval=30,
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
    dispatcher.outer_middleware(
        RateLimiter(
            settings.rate_limit_per_minute,
            settings.hash_key.get_secret_value(),
            redis=redis_client(settings.redis_url) if settings.redis_url else None,
        )
    )
    dispatcher.outer_middleware(OutageGuard())
