"""The API client against the local fake: token caching and refresh, errors, bounded retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from bot.replies import Article, NewsReply, TextReply
from bot.tokens import CachedToken, RedisTokenStore, SharedTokenStore
from tools.fakes import FakeWeChatApi

CS = "/cgi-bin/message/custom/send"


@pytest.fixture
async def http(fake_api: FakeWeChatApi) -> AsyncIterator[httpx.AsyncClient]:
    async with fake_api.client() as client:
        yield client


def make_client(fake_api: FakeWeChatApi, http: httpx.AsyncClient, **kwargs: object) -> WeChatClient:
    return WeChatClient(
        fake_api.app_id,
        fake_api.app_secret,
        base_url="http://wechat-fake",
        http=http,
        backoff=0.001,
        **kwargs,
    )  # type: ignore[arg-type]


async def test_token_is_fetched_once_and_cached(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient
) -> None:
    client = make_client(fake_api, http)
    await asyncio.gather(*(client.send_text(f"o{i}", "通知") for i in range(5)))
    assert fake_api.token_requests == 1
    assert fake_api.texts_to("o3") == ["通知"]


async def test_classic_token_endpoint(fake_api: FakeWeChatApi, http: httpx.AsyncClient) -> None:
    client = make_client(fake_api, http, stable_token=False)
    await client.send_text("o1", "a")
    await client.send_text("o1", "b")
    assert fake_api.calls.count("/cgi-bin/token") == 1
    assert fake_api.texts_to("o1") == ["a", "b"]


@pytest.mark.parametrize("revoke", [True, False])
async def test_invalid_or_expired_token_is_refreshed_once(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient, revoke: bool
) -> None:
    client = make_client(fake_api, http)
    await client.send_text("o1", "一")
    if revoke:
        fake_api.revoke_tokens()  # the next call answers 40001
    else:
        fake_api.expire_tokens()  # the next call answers 42001
    await client.send_text("o1", "二")
    assert fake_api.token_requests == 2
    assert fake_api.texts_to("o1") == ["一", "二"]


async def test_token_refused_twice_is_raised_not_looped(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient
) -> None:
    client = make_client(fake_api, http)
    await client.access_token()
    fake_api.fail(CS, 40001, times=5)
    with pytest.raises(WeChatApiError) as caught:
        await client.send_text("o1", "x")
    assert caught.value.code == 40001
    assert fake_api.calls.count(CS) == 2
    assert fake_api.token_requests == 2


async def test_busy_is_retried_with_a_bound(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient
) -> None:
    client = make_client(fake_api, http, attempts=3)
    fake_api.fail(CS, -1, times=2)
    await client.send_text("o1", "第三次成功")
    assert fake_api.calls.count(CS) == 3
    fake_api.fail(CS, -1, times=3)
    with pytest.raises(WeChatApiError) as caught:
        await client.send_text("o1", "放弃")
    assert caught.value.code == -1
    assert fake_api.calls.count(CS) == 6
    assert fake_api.texts_to("o1") == ["第三次成功"]


async def test_server_errors_are_retried(fake_api: FakeWeChatApi, http: httpx.AsyncClient) -> None:
    client = make_client(fake_api, http, attempts=2)
    fake_api.fail(CS, 0, status=503)
    await client.send_text("o1", "ok")
    fake_api.fail(CS, 0, status=502, times=2)
    with pytest.raises(WeChatApiError) as caught:
        await client.send_text("o1", "no")
    assert caught.value.code == -2


@pytest.mark.parametrize("code", [45015, 45047])
async def test_customer_service_refusals_are_not_retried(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient, code: int
) -> None:
    client = make_client(fake_api, http)
    if code == 45015:
        fake_api.silent_users.add("o_away")
    else:
        fake_api.cs_quota = 1
        await client.send_text("o_away", "first")
    with pytest.raises(WeChatApiError) as caught:
        await client.send_text("o_away", "x")
    assert caught.value.code == code
    assert fake_api.calls.count(CS) == (1 if code == 45015 else 2)
    fake_api.user_interacted("o_away")
    await client.send_text("o_away", "after the user wrote again")


async def test_unreachable_server_gives_a_network_error() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_refuse)) as http:
        client = WeChatClient(
            "a", "s", base_url="http://nowhere", http=http, attempts=2, backoff=0.001
        )
        with pytest.raises(WeChatApiError) as caught:
            await client.send_text("o1", "x")
    assert caught.value.code == -2


def _refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request)


async def test_bad_credentials(fake_api: FakeWeChatApi, http: httpx.AsyncClient) -> None:
    client = WeChatClient(fake_api.app_id, "wrong", base_url="http://wechat-fake", http=http)
    with pytest.raises(WeChatApiError) as caught:
        await client.send_text("o1", "x")
    assert caught.value.code == 40125


async def test_send_reply_splits_text_and_sends_news(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient
) -> None:
    client = make_client(fake_api, http)
    long = "\n".join(["丙" * 300] * 5)  # 4.5 kB
    await client.send_reply("o1", TextReply(long))
    parts = fake_api.texts_to("o1")
    assert len(parts) == 3 and "\n".join(parts) == long
    await client.send_reply("o1", NewsReply(Article("指南", "说明", "https://x/g", "https://x/p")))
    news = fake_api.messages_to("o1")[-1].body
    assert news["msgtype"] == "news"
    assert news["news"]["articles"] == [
        {"title": "指南", "description": "说明", "url": "https://x/g", "picurl": "https://x/p"}
    ]


async def test_template_and_menu(fake_api: FakeWeChatApi, http: httpx.AsyncClient) -> None:
    client = make_client(fake_api, http)
    msgid = await client.send_template("o1", "TPL", {"first": "您的申请已受理"}, url="https://x")
    assert msgid > 0
    sent = fake_api.messages_to("o1")[-1].body
    assert sent["data"] == {"first": {"value": "您的申请已受理"}} and sent["url"] == "https://x"
    menu = {"button": [{"type": "click", "name": "办事指南", "key": "GUIDE"}]}
    await client.create_menu(menu)
    assert fake_api.menu == menu
    with pytest.raises(WeChatApiError) as caught:
        await client.create_menu({"button": [menu["button"][0]] * 4})
    assert caught.value.code == 40016


@pytest.mark.redis
async def test_workers_share_one_token_through_redis(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient, redis: Redis, redis_prefix: str
) -> None:
    workers = [
        make_client(
            fake_api, http, tokens=RedisTokenStore(redis, fake_api.app_id, prefix=redis_prefix)
        )
        for _ in range(3)
    ]
    await asyncio.gather(*(w.send_text("o1", str(i)) for i, w in enumerate(workers)))
    assert fake_api.token_requests == 1
    fake_api.revoke_tokens()
    await asyncio.gather(*(w.send_text("o1", "again") for w in workers))
    # Every worker saw 40001, but only one refreshed: the others found the new shared token.
    assert fake_api.token_requests == 2


@pytest.mark.redis
async def test_the_shared_store_uses_redis_and_each_worker_its_own_copy_while_it_is_away(
    fake_api: FakeWeChatApi, http: httpx.AsyncClient, redis: Redis, redis_prefix: str
) -> None:
    workers = [
        make_client(
            fake_api, http, tokens=SharedTokenStore(redis, fake_api.app_id, prefix=redis_prefix)
        )
        for _ in range(3)
    ]
    await asyncio.gather(*(w.send_text("o1", str(i)) for i, w in enumerate(workers)))
    assert fake_api.token_requests == 1
    assert await redis.get(f"{redis_prefix}:token:{fake_api.app_id}")
    # Redis is away (nothing listens on port 1): each worker gets and keeps its own copy
    # of the appid's stable token, and every send still goes out.
    away = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        stores = [SharedTokenStore(away, fake_api.app_id) for _ in range(2)]
        alone = [make_client(fake_api, http, tokens=store) for store in stores]
        for client in alone:
            await client.send_text("o2", "while Redis is away")
            await client.send_text("o2", "again")
        assert fake_api.token_requests == 3  # one per worker, then its copy
        assert fake_api.texts_to("o2") == ["while Redis is away", "again"] * 2
        copies = [await store.get() for store in stores]
        assert all(isinstance(copy, CachedToken) for copy in copies)
        assert len({copy.token for copy in copies if copy is not None}) == 1  # the same token
    finally:
        await away.aclose()


async def test_fake_api_serves_on_loopback(
    fake_api: FakeWeChatApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with fake_api.serve() as base_url:
        async with httpx.AsyncClient() as http:
            client = WeChatClient(
                fake_api.app_id, fake_api.app_secret, base_url=base_url, http=http
            )
            await client.send_text("o1", "over a socket")
    assert fake_api.texts_to("o1") == ["over a socket"]
