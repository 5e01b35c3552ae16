"""Per-user rate limit: 20 a minute by default, polite reply once, Redis shared, fallback."""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.events import event_from_fields
from bot.replies import TextReply
from bot.types import Data
from handlers.ratelimit import RATE_LIMIT_REPLY, RateLimiter
from handlers.settings import Settings


def _text(openid: str, n: int) -> object:
    return event_from_fields(
        {
            "ToUserName": "gh_1",
            "FromUserName": openid,
            "CreateTime": str(1_700_000_000 + n),
            "MsgType": "text",
            "Content": f"低保 {n}",
            "MsgId": str(n),
        }
    )


async def _handled(event: object, data: Data) -> str:
    return "answer"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def _send(limiter: RateLimiter, openid: str, count: int) -> list[object]:
    return [await limiter(_handled, _text(openid, n), {}) for n in range(count)]  # type: ignore[arg-type]


async def test_default_limit_is_twenty_a_minute_with_one_polite_reply() -> None:
    clock = Clock()
    limiter = RateLimiter(Settings().rate_limit_per_minute, "k", clock=clock)
    results = await _send(limiter, "oUserA", 25)
    assert results[:20] == ["answer"] * 20
    assert results[20] == TextReply(RATE_LIMIT_REPLY)
    assert results[21:] == [None] * 4
    # Another citizen is not affected; the next minute starts afresh.
    assert await _send(limiter, "oUserB", 1) == ["answer"]
    clock.now += 60
    assert await _send(limiter, "oUserA", 1) == ["answer"]


async def test_follow_and_menu_events_are_not_counted() -> None:
    limiter = RateLimiter(1, "k")
    click = event_from_fields(
        {"FromUserName": "oU", "MsgType": "event", "Event": "CLICK", "EventKey": "menu"}
    )
    for _ in range(5):
        assert await limiter(_handled, click, {}) == "answer"
    assert await _send(limiter, "oU", 2) == ["answer", TextReply(RATE_LIMIT_REPLY)]


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[tuple[Redis, str]]:
    client = Redis.from_url(redis_url)
    try:
        await client.ping()
    except OSError as error:
        pytest.fail(f"Redis at {redis_url} is not reachable: {error}")
    prefix = f"zwbot_t_{secrets.token_hex(6)}:rl:"
    yield client, prefix
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.mark.redis
async def test_two_workers_share_the_count_through_redis(redis_client: tuple[Redis, str]) -> None:
    client, prefix = redis_client
    clock = Clock()
    first = RateLimiter(20, "k", redis=client, prefix=prefix, clock=clock)
    second = RateLimiter(20, "k", redis=client, prefix=prefix, clock=clock)
    results = await _send(first, "oShared", 10) + await _send(second, "oShared", 11)
    assert results.count("answer") == 20 and results[-1] == TextReply(RATE_LIMIT_REPLY)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    assert keys and all(b"oShared" not in key for key in keys)  # no raw openid in Redis
    assert 0 < await client.ttl(keys[0]) <= 120


async def test_unreachable_redis_falls_back_to_counting_in_process() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.2)
    limiter = RateLimiter(3, "k", redis=dead)
    results = await _send(limiter, "oX", 4)
    assert results == ["answer"] * 3 + [TextReply(RATE_LIMIT_REPLY)]
    await dead.aclose()
