"""Per-user rate limit: 20 a minute by default, polite reply once, Redis shared, fallback."""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.dispatcher import Dispatcher
from bot.events import TextMessage, event_from_fields
from bot.replies import TextReply
from bot.responder import Responder
from bot.storage.redis import RedisStorage
from bot.types import Data
from handlers.guards.ratelimit import RATE_LIMIT_REPLY, RateLimiter
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


async def test_a_count_from_the_storage_is_used_instead_of_counting_again() -> None:
    class Refusing:
        async def hit(self, user: str, window: int) -> int:
            raise AssertionError("the limiter counted although the storage had")

    limiter = RateLimiter(2, "k", local=Refusing())
    event = _text("oU", 1)
    assert await limiter(_handled, event, {"turn_count": 2}) == "answer"  # type: ignore[arg-type]
    assert await limiter(_handled, event, {"turn_count": 3}) == TextReply(RATE_LIMIT_REPLY)  # type: ignore[arg-type]
    assert await limiter(_handled, event, {"turn_count": 4}) is None  # type: ignore[arg-type]


def test_the_turn_counter_names_a_hashed_key_per_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(20, "k", clock=clock)
    named = limiter.turn_counter(_text("oSecretOpenid", 1))  # type: ignore[arg-type]
    assert named is not None
    key, expiry = named
    window = int(clock.now // 60)
    assert key.startswith(f"rl:{window}:") and "oSecretOpenid" not in key and expiry == 120
    assert limiter.turn_counter(_text("oSecretOpenid", 2)) == named  # type: ignore[arg-type]
    clock.now += 60
    assert limiter.turn_counter(_text("oSecretOpenid", 3)) != named  # type: ignore[arg-type]
    click = event_from_fields({"FromUserName": "oU", "MsgType": "event", "Event": "CLICK"})
    assert limiter.turn_counter(click) is None
    assert RateLimiter(0, "k").turn_counter(_text("oU", 1)) is None  # type: ignore[arg-type]


@pytest.mark.redis
async def test_messages_through_the_bot_on_redis_are_counted_once_each(
    redis_client: tuple[Redis, str],
) -> None:
    client, key_prefix = redis_client
    prefix = key_prefix.removesuffix(":rl:")
    clock = Clock()
    dp = Dispatcher(storage=RedisStorage(client, prefix=prefix))
    limiter = RateLimiter(2, "k", clock=clock)  # counts nothing in Redis itself
    dp.turn_counter = limiter.turn_counter
    dp.outer_middleware(limiter)

    @dp.text()
    async def answer(message: TextMessage) -> str:
        return "answer"

    responder = Responder(dp)
    bodies = [(await responder.respond(_text("oU", n), lambda xml: xml)).body for n in range(4)]  # type: ignore[arg-type]
    assert ["answer" in body for body in bodies] == [True, True, False, False]
    assert "请休息一分钟" in bodies[2] and bodies[3] == "success"
    # The storage counted, under the key the limiter's own Redis counter uses: once each.
    keys = [key async for key in client.scan_iter(match=f"{key_prefix}*")]
    assert len(keys) == 1 and await client.get(keys[0]) == b"4"
