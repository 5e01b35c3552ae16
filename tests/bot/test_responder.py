"""Deadline and delivery: late replies through customer-service messages, long replies, failures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.client import WeChatClient
from bot.dispatcher import Dispatcher
from bot.events import TextMessage
from bot.replies import MORE_HINT, TEXT_LIMIT_BYTES, news
from bot.responder import FAILURE_TEXT
from tests.kits import bot_webhook as kit
from tools.fakes import FakeWeChatApi

USER = "o_citizen"


@pytest.fixture
async def wechat(fake_api: FakeWeChatApi) -> AsyncIterator[WeChatClient]:
    async with fake_api.client() as http:
        yield WeChatClient(
            fake_api.app_id, fake_api.app_secret, base_url="http://wechat-fake", http=http
        )


def slow_dispatcher(seconds: float, runs: list[str]) -> Dispatcher:
    dp = Dispatcher()

    @dp.text()
    async def slow(message: TextMessage) -> str:
        runs.append(message.content)
        await asyncio.sleep(seconds)
        return f"查询结果：{message.content}"

    return dp


async def test_slow_handler_answers_success_then_customer_service(
    fake_api: FakeWeChatApi, wechat: WeChatClient
) -> None:
    runs: list[str] = []
    app, webhook = kit.make_app(slow_dispatcher(0.4, runs), sender=wechat.send_reply, deadline=0.1)
    xml = kit.text_xml("低保申请", msg_id=77)
    async with kit.asgi_client(app) as client:
        first = await kit.post(client, kit.safe_delivery(xml))
        retry = await kit.post(client, kit.safe_delivery(xml))  # WeChat's retry while it runs
        assert (first.status_code, first.text) == (200, "success")
        assert retry.text == "success"
        assert fake_api.texts_to(USER) == []
        await webhook.close()
    assert fake_api.texts_to(USER) == ["查询结果：低保申请"]
    assert runs == ["低保申请"]


async def test_late_reply_without_customer_service_waits_for_more() -> None:
    runs: list[str] = []
    app, webhook = kit.make_app(slow_dispatcher(0.3, runs), deadline=0.05)
    async with kit.asgi_client(app) as client:
        first = await kit.post(client, kit.safe_delivery(kit.text_xml("户口迁移")))
        assert first.text == "success"
        await webhook.close()
        more = await kit.post(client, kit.safe_delivery(kit.text_xml("更多")))
    assert kit.read_reply(more.text)["Content"] == "查询结果：户口迁移"
    assert runs == ["户口迁移"]


async def test_late_delivery_failure_is_logged_not_raised(
    fake_api: FakeWeChatApi, wechat: WeChatClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.silent_users.add(USER)  # 45015: the user's 48-hour window has closed
    app, webhook = kit.make_app(slow_dispatcher(0.2, []), sender=wechat.send_reply, deadline=0.05)
    async with kit.asgi_client(app) as client:
        assert (await kit.post(client, kit.safe_delivery(kit.text_xml("x")))).text == "success"
        await webhook.close()
        assert any("45015" in r.getMessage() for r in caplog.records)
        more = await kit.post(client, kit.safe_delivery(kit.text_xml("更多")))
    assert kit.read_reply(more.text)["Content"] == "查询结果：x"


async def test_long_reply_first_part_passive_rest_customer_service(
    fake_api: FakeWeChatApi, wechat: WeChatClient
) -> None:
    dp = Dispatcher()
    long = "\n".join(f"第{i}条 材料：身份证原件及复印件" for i in range(200))
    dp.text.register(lambda message: long)
    app, _ = kit.make_app(dp, sender=wechat.send_reply)
    async with kit.asgi_client(app) as client:
        response = await kit.post(client, kit.safe_delivery(kit.text_xml("材料")))
    passive = kit.read_reply(response.text)["Content"]
    pushed = fake_api.texts_to(USER)
    assert len(passive.encode()) <= TEXT_LIMIT_BYTES
    assert pushed and all(len(p.encode()) <= TEXT_LIMIT_BYTES for p in pushed)
    assert "\n".join([passive, *pushed]) == long


async def test_customer_service_quota_leaves_the_rest_for_more(
    fake_api: FakeWeChatApi, wechat: WeChatClient
) -> None:
    fake_api.cs_quota = 1  # the second push answers 45047
    dp = Dispatcher()
    long = "\n".join(f"第{i}条 材料：户口簿原件" for i in range(300))
    dp.text.register(lambda message: long)
    app, _ = kit.make_app(dp, sender=wechat.send_reply)
    async with kit.asgi_client(app) as client:
        response = await kit.post(client, kit.safe_delivery(kit.text_xml("材料")))
        passive = kit.read_reply(response.text)["Content"]
        pushed = fake_api.texts_to(USER)
        assert len(pushed) == 1
        rest = [passive, *pushed]
        while True:
            more = kit.read_reply(
                (await kit.post(client, kit.safe_delivery(kit.text_xml("更多")))).text
            )
            rest.append(more["Content"].removesuffix(MORE_HINT))
            if not more["Content"].endswith(MORE_HINT):
                break
    assert "\n".join(rest) == long


async def test_long_reply_without_customer_service_uses_more() -> None:
    dp = Dispatcher()
    long = "\n".join(f"第{i}项 办结时限 5 个工作日" for i in range(300))
    dp.text.register(lambda message: long)
    app, _ = kit.make_app(dp)
    parts: list[str] = []
    async with kit.asgi_client(app) as client:
        response = await kit.post(client, kit.safe_delivery(kit.text_xml("时限")))
        parts.append(kit.read_reply(response.text)["Content"])
        while parts[-1].endswith(MORE_HINT):
            response = await kit.post(client, kit.safe_delivery(kit.text_xml("更多")))
            parts.append(kit.read_reply(response.text)["Content"])
    assert len(parts) > 2
    assert all(len(p.encode()) <= TEXT_LIMIT_BYTES for p in parts)
    assert "\n".join(p.removesuffix(MORE_HINT) for p in parts) == long


async def test_news_reply_has_one_article() -> None:
    dp = Dispatcher()
    dp.click.register(lambda event: news("办事指南", "营业执照", "https://x/guide/1"))
    app, _ = kit.make_app(dp)
    from bot.wire import build_xml

    xml = build_xml(
        {
            "ToUserName": "gh",
            "FromUserName": "o1",
            "CreateTime": 5,
            "MsgType": "event",
            "Event": "CLICK",
            "EventKey": "G",
        }
    )
    async with kit.asgi_client(app) as client:
        response = await kit.post(client, kit.safe_delivery(xml))
    reply = kit.read_reply(response.text)
    assert (reply["MsgType"], reply["ArticleCount"], reply["Url"]) == (
        "news",
        "1",
        "https://x/guide/1",
    )


async def test_handler_error_gives_a_polite_reply(caplog: pytest.LogCaptureFixture) -> None:
    dp = Dispatcher()

    @dp.text()
    async def broken(message: TextMessage) -> str:
        raise RuntimeError("database is down")

    app, _ = kit.make_app(dp)
    async with kit.asgi_client(app) as client:
        response = await kit.post(client, kit.safe_delivery(kit.text_xml("x")))
    assert response.status_code == 200
    assert kit.read_reply(response.text)["Content"] == FAILURE_TEXT
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


async def test_fast_handler_beats_the_default_deadline(
    fake_api: FakeWeChatApi, wechat: WeChatClient
) -> None:
    app, webhook = kit.make_app(slow_dispatcher(0.01, []), sender=wechat.send_reply)
    assert webhook.responder.deadline == 4.5
    async with kit.asgi_client(app) as client:
        response = await kit.post(client, kit.safe_delivery(kit.text_xml("快")))
    assert kit.read_reply(response.text)["Content"] == "查询结果：快"
    assert fake_api.sent == []
