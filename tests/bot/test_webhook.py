"""The /wechat callback: verification, three modes, every bad request, retries, WeCom reuse."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from bot.dispatcher import Dispatcher
from bot.events import Event, TextMessage, UnknownEvent
from bot.responder import BUSY_TEXT
from bot.webhook import parse_query
from bot.wire import WeChatEnvelope, WeComEnvelope, build_xml, parse_xml, sign
from tests.kits import bot_webhook as kit

TOKEN, AES_KEY, APP_ID = kit.TOKEN, kit.AES_KEY, kit.APP_ID


@pytest.fixture
def runs() -> list[str]:
    return []


@pytest.fixture
def dp(runs: list[str]) -> Dispatcher:
    dp = Dispatcher()

    @dp.text()
    async def echo(message: TextMessage) -> str:
        runs.append(message.content)
        return f"收到：{message.content}"

    @dp.unknown()
    async def unknown(event: UnknownEvent) -> str:
        runs.append(f"unknown:{event.msg_type}")
        return "暂不支持这种消息，请发送文字。"

    return dp


@pytest.fixture
async def client(dp: Dispatcher) -> AsyncIterator[httpx.AsyncClient]:
    app, _ = kit.make_app(dp)
    async with kit.asgi_client(app) as client:
        yield client


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.webhook" and "refused" in r.getMessage()]


# URL verification


async def test_get_verification_echoes(client: httpx.AsyncClient) -> None:
    ts, nonce = str(int(time.time())), "123"
    params = {
        "signature": sign(TOKEN, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "echostr": "e42",
    }
    response = await client.get("/wechat", params=params)
    assert (response.status_code, response.text) == (200, "e42")


@pytest.mark.parametrize("problem", ["signature", "stale", "replay", "missing"])
async def test_get_verification_refusals(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, problem: str
) -> None:
    caplog.set_level(logging.WARNING)
    ts, nonce = str(int(time.time()) - (1000 if problem == "stale" else 0)), "77"
    params = {"signature": sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "e"}
    if problem == "signature":
        params["signature"] = sign("other-token", ts, nonce)
    if problem == "missing":
        del params["timestamp"]
    if problem == "replay":
        assert (await client.get("/wechat", params=params)).status_code == 200
        caplog.clear()
    response = await client.get("/wechat", params=params)
    assert 400 <= response.status_code < 500
    assert response.text != "e"
    assert len(refusals(caplog)) == 1


# round trips


async def test_safe_mode_round_trip_with_wechatpy_crypto(
    client: httpx.AsyncClient, runs: list[str]
) -> None:
    response = await kit.post(client, kit.safe_delivery(kit.text_xml("营业执照怎么办")))
    assert response.status_code == 200
    assert "<Encrypt>" in response.text and "营业执照" not in response.text
    reply = kit.read_reply(response.text)
    assert reply["Content"] == "收到：营业执照怎么办"
    assert (reply["ToUserName"], reply["FromUserName"]) == ("o_citizen", "gh_account")
    assert runs == ["营业执照怎么办"]


async def test_compatible_mode_round_trip(client: httpx.AsyncClient) -> None:
    envelope = WeChatEnvelope(TOKEN, APP_ID, AES_KEY)
    params, body = envelope.wrap(kit.text_xml("兼容模式"), encrypted=True, compatible=True)
    assert "<Content>" in body and "<Encrypt>" in body
    response = await client.post("/wechat", params=params, content=body.encode())
    assert kit.read_reply(response.text)["Content"] == "收到：兼容模式"


async def test_plaintext_mode_round_trip(dp: Dispatcher) -> None:
    app, _ = kit.make_app(dp, WeChatEnvelope(TOKEN, APP_ID))
    params, body = WeChatEnvelope(TOKEN, APP_ID).wrap(kit.text_xml("明文"), encrypted=False)
    async with kit.asgi_client(app) as client:
        response = await client.post("/wechat", params=params, content=body.encode())
    assert response.status_code == 200
    assert parse_xml(response.text)["Content"] == "收到：明文"


async def test_official_sample_message_through_the_webhook(
    dp: Dispatcher, runs: list[str], vectors: dict[str, Any]
) -> None:
    v = vectors
    app, _ = kit.make_app(
        dp,
        WeChatEnvelope(v["token"], v["appid"], v["encoding_aes_key"]),
        clock=lambda: float(v["timestamp"]),  # the sample is from 2014
    )
    params = {
        "signature": v["plain_get_signature"],
        "timestamp": v["timestamp"],
        "nonce": v["nonce"],
        "encrypt_type": "aes",
        "msg_signature": v["msg_signature"],
    }
    body = build_xml({"ToUserName": v["decrypted"]["ToUserName"], "Encrypt": v["encrypt"]})
    async with kit.asgi_client(app) as client:
        response = await client.post("/wechat", params=params, content=body.encode())
    assert response.status_code == 200
    assert runs == [v["decrypted"]["Content"]]
    assert kit.read_reply(response.text)["Content"] == f"收到：{v['decrypted']['Content']}"


async def test_unknown_type_goes_to_the_unknown_observer(
    client: httpx.AsyncClient, runs: list[str]
) -> None:
    xml = build_xml(
        {
            "ToUserName": "gh",
            "FromUserName": "o1",
            "CreateTime": 1,
            "MsgType": "shortvideo",
            "MsgId": 5,
        }
    )
    response = await kit.post(client, kit.safe_delivery(xml))
    assert response.status_code == 200
    assert kit.read_reply(response.text)["Content"] == "暂不支持这种消息，请发送文字。"
    assert runs == ["unknown:shortvideo"]


async def test_unhandled_event_answers_success(client: httpx.AsyncClient) -> None:
    xml = build_xml(
        {
            "ToUserName": "gh",
            "FromUserName": "o1",
            "CreateTime": 1,
            "MsgType": "event",
            "Event": "CLICK",
        }
    )
    response = await kit.post(client, kit.safe_delivery(xml))
    assert (response.status_code, response.text) == (200, "success")


# bad requests: each one a 4xx and one log line, never a 500

BOMB = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&d;</Content><MsgId>1</MsgId></xml>"
)


def bad_delivery(problem: str) -> kit.Delivery:
    good = kit.safe_delivery(kit.text_xml("x"))
    if problem == "wrong_signature":
        good.params["msg_signature"] = sign(
            "not-the-token", good.params["timestamp"], good.params["nonce"], "x"
        )
    elif problem == "stale_timestamp":
        return kit.safe_delivery(kit.text_xml("x"), timestamp=int(time.time()) - 301)
    elif problem == "future_timestamp":
        # +302: with +301 a second boundary passing before the check made it acceptable
        return kit.safe_delivery(kit.text_xml("x"), timestamp=int(time.time()) + 302)
    elif problem == "malformed_xml":
        good.body = good.body[:-10]
    elif problem == "entity_bomb_outside":
        good.body = BOMB
    elif problem == "entity_bomb_inside":
        return kit.safe_delivery(BOMB)
    elif problem == "malformed_inside":
        return kit.safe_delivery("<xml><Content>unclosed</xml>")
    elif problem == "empty_body":
        good.body = ""
    elif problem == "no_encrypt":
        good.body = build_xml({"ToUserName": "gh"})
    elif problem == "garbage_ciphertext":
        garbage = "QUJD" * 12
        good.body = build_xml({"ToUserName": "gh", "Encrypt": garbage})
        ts, nonce = good.params["timestamp"], good.params["nonce"]
        good.params["msg_signature"] = sign(TOKEN, ts, nonce, garbage)
    elif problem == "plaintext_to_safe_server":
        params, body = WeChatEnvelope(TOKEN, APP_ID).wrap(kit.text_xml("x"), encrypted=False)
        return kit.Delivery(params, body)
    elif problem == "no_query":
        good.params = {}
    elif problem == "huge_timestamp":
        good.params["timestamp"] = "9" * 5000
    return good


BAD = [
    "wrong_signature",
    "stale_timestamp",
    "future_timestamp",
    "malformed_xml",
    "entity_bomb_outside",
    "entity_bomb_inside",
    "malformed_inside",
    "empty_body",
    "no_encrypt",
    "garbage_ciphertext",
    "plaintext_to_safe_server",
    "no_query",
    "huge_timestamp",
]


@pytest.mark.parametrize("problem", BAD)
async def test_bad_posts_are_refused(
    client: httpx.AsyncClient, runs: list[str], caplog: pytest.LogCaptureFixture, problem: str
) -> None:
    caplog.set_level(logging.WARNING)
    response = await kit.post(client, bad_delivery(problem))
    assert 400 <= response.status_code < 500, response.text
    assert runs == []
    assert len(refusals(caplog)) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_replayed_request_is_refused(
    client: httpx.AsyncClient, runs: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    delivery = kit.safe_delivery(kit.text_xml("一次"))
    assert (await kit.post(client, delivery)).status_code == 200
    replay = await kit.post(client, delivery)
    assert replay.status_code == 403
    assert runs == ["一次"]
    assert len(refusals(caplog)) == 1


async def test_same_nonce_with_another_timestamp_is_not_a_replay(client: httpx.AsyncClient) -> None:
    now = int(time.time())
    first = kit.safe_delivery(kit.text_xml("a"), timestamp=now, nonce="555")
    second = kit.safe_delivery(kit.text_xml("b"), timestamp=now - 1, nonce="555")
    assert (await kit.post(client, first)).status_code == 200
    assert (await kit.post(client, second)).status_code == 200


@pytest.mark.parametrize("chunked", [False, True])
async def test_oversize_body_is_refused(
    dp: Dispatcher, caplog: pytest.LogCaptureFixture, chunked: bool
) -> None:
    caplog.set_level(logging.WARNING)
    app, _ = kit.make_app(dp, max_body_bytes=2048)
    delivery = kit.safe_delivery(kit.text_xml("长" * 2000))
    payload = delivery.body.encode()

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 512):
            yield payload[start : start + 512]

    async with kit.asgi_client(app) as client:
        content: Any = stream() if chunked else payload
        response = await client.post("/wechat", params=delivery.params, content=content)
        assert response.status_code == 413
        small = await kit.post(client, kit.safe_delivery(kit.text_xml("短")))
        assert small.status_code == 200
    assert len(refusals(caplog)) == 1


# retries


async def test_three_concurrent_deliveries_run_once_and_answer_alike(
    dp: Dispatcher, client: httpx.AsyncClient, runs: list[str]
) -> None:
    @dp.text.outer_middleware
    async def slow(handler: Any, event: Event, data: dict[str, Any]) -> Any:
        await asyncio.sleep(0.2)  # the retries arrive while the first delivery is running
        return await handler(event, data)

    xml = kit.text_xml("同一条消息", msg_id=9_000_001)
    deliveries = [kit.safe_delivery(xml) for _ in range(3)]  # WeChat signs each attempt anew
    responses = await asyncio.gather(*(kit.post(client, d) for d in deliveries))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len({r.text for r in responses}) == 1
    assert kit.read_reply(responses[0].text)["Content"] == "收到：同一条消息"
    assert runs == ["同一条消息"]


async def test_retry_after_the_first_finished_gets_the_same_reply(
    client: httpx.AsyncClient, runs: list[str]
) -> None:
    xml = kit.text_xml("重试", msg_id=9_000_002)
    first = await kit.post(client, kit.safe_delivery(xml))
    await asyncio.sleep(0.01)
    retry = await kit.post(client, kit.safe_delivery(xml))
    assert retry.text == first.text
    assert runs == ["重试"]


async def test_event_retries_dedup_on_sender_and_time(
    dp: Dispatcher, client: httpx.AsyncClient
) -> None:
    clicks: list[str] = []
    dp.click.register(lambda event: clicks.append(event.event_key) or "菜单")
    xml = build_xml(
        {
            "ToUserName": "gh",
            "FromUserName": "o1",
            "CreateTime": 1700000000,
            "MsgType": "event",
            "Event": "CLICK",
            "EventKey": "K",
        }
    )
    bodies = [(await kit.post(client, kit.safe_delivery(xml))).text for _ in range(3)]
    assert len(set(bodies)) == 1
    assert clicks == ["K"]


@pytest.mark.redis
async def test_two_app_instances_sharing_redis_run_the_handler_once(
    redis_url: str, redis_prefix: str
) -> None:
    from bot.storage.redis import RedisStorage

    runs: list[str] = []

    def build() -> Dispatcher:
        dp = Dispatcher(storage=RedisStorage.from_url(redis_url, prefix=redis_prefix))

        @dp.text()
        async def handler(message: TextMessage) -> str:
            runs.append(message.content)
            await asyncio.sleep(0.3)
            return f"统一答复：{message.content}"

        return dp

    apps = [kit.make_app(build())[0] for _ in range(2)]
    xml = kit.text_xml("跨进程", msg_id=9_000_003)
    deliveries = [kit.safe_delivery(xml) for _ in range(3)]
    async with kit.asgi_client(apps[0]) as one, kit.asgi_client(apps[1]) as two:
        responses = await asyncio.gather(
            kit.post(one, deliveries[0]), kit.post(two, deliveries[1]), kit.post(one, deliveries[2])
        )
        late = await kit.post(two, kit.safe_delivery(xml))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len({r.text for r in responses} | {late.text}) == 1
    assert kit.read_reply(late.text)["Content"] == "统一答复：跨进程"
    assert runs == ["跨进程"]


# the same machinery on a WeCom callback

WECOM_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


async def test_wecom_callback_reuses_the_webhook(runs: list[str], dp: Dispatcher) -> None:
    token, corp_id = "wecomtoken", "ww0123456789abcdef"
    app, _ = kit.make_app(dp, WeComEnvelope(token, corp_id, WECOM_KEY), path="/wecom", name="wecom")
    theirs = WeComCrypto(token, WECOM_KEY, corp_id)
    ts, nonce = str(int(time.time())), "31"
    echo = parse_xml(theirs.encrypt_message("echo-ok", nonce, ts))
    plain = build_xml(
        {
            "ToUserName": corp_id,
            "FromUserName": "lisi",
            "CreateTime": 1,
            "MsgType": "text",
            "Content": "待审核",
            "MsgId": 3,
            "AgentID": 1000002,
        }
    )
    sealed = parse_xml(theirs.encrypt_message(plain, "32", ts))
    async with kit.asgi_client(app) as client:
        verify = await client.get(
            "/wecom",
            params={
                "msg_signature": echo["MsgSignature"],
                "timestamp": ts,
                "nonce": nonce,
                "echostr": echo["Encrypt"],
            },
        )
        assert (verify.status_code, verify.text) == (200, "echo-ok")
        body = build_xml(
            {"ToUserName": corp_id, "AgentID": "1000002", "Encrypt": sealed["Encrypt"]}
        )
        params = {"msg_signature": sealed["MsgSignature"], "timestamp": ts, "nonce": "32"}
        response = await client.post("/wecom", params=params, content=body.encode())
        replay = await client.post("/wecom", params=params, content=body.encode())
    fields = parse_xml(response.text)
    answer = theirs.decrypt_message(
        response.text, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
    )
    assert parse_xml(answer)["Content"] == "收到：待审核"
    assert replay.status_code == 403
    assert runs == ["待审核"]


# hostile input: nothing may produce a 500

FUZZ_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300
)
# What WeChat can put in a message: XML 1.0 characters (no controls but tab and line feed).
USER_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\n\t"),
    max_size=300,
)


def _fuzz_post(params: dict[str, str], body: bytes) -> httpx.Response:
    dp = Dispatcher()
    dp.text.register(lambda message: message.content[:5000] or "空")
    dp.unknown.register(lambda event: "未知")
    app, _ = kit.make_app(dp)

    async def send() -> httpx.Response:
        async with kit.asgi_client(app) as client:
            return await client.post("/wechat", params=params, content=body)

    return asyncio.run(send())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2000) | FUZZ_TEXT.map(lambda s: s.encode("utf-8")))
def test_random_outer_bodies_never_500(body: bytes) -> None:
    delivery = kit.safe_delivery(kit.text_xml("x"))
    response = _fuzz_post(delivery.params, body)
    assert response.status_code in (200, 400, 403, 413)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inner=st.one_of(
        FUZZ_TEXT,
        FUZZ_TEXT.map(lambda s: f"<xml><MsgType>text</MsgType><Content>{s}</Content></xml>"),
        st.integers(1, 3000).map(lambda n: "<xml>" + "<a>" * n + "</a>" * n + "</xml>"),
        st.sampled_from(["<xml/>", "<xml><MsgType/></xml>", "<xml><MsgType>event</MsgType></xml>"]),
    )
)
def test_random_encrypted_payloads_never_500(inner: str) -> None:
    delivery = kit.safe_delivery(inner)
    response = _fuzz_post(delivery.params, delivery.body.encode())
    assert response.status_code in (200, 400)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=USER_TEXT
    | st.sampled_from(["' OR 1=1 --", "<script>alert(1)</script>", "😀" * 3000, "长" * 10000])
)
def test_any_text_message_is_answered(content: str) -> None:
    delivery = kit.safe_delivery(kit.text_xml(content))
    response = _fuzz_post(delivery.params, delivery.body.encode())
    assert response.status_code == 200
    if response.text != "success":
        reply = kit.read_reply(response.text)["Content"]
        assert len(reply.encode()) <= 2048
        assert content.startswith(reply.split("\n（内容较长")[0][:20]) or not content.strip()


def test_invalid_utf8_inside_the_envelope_is_refused() -> None:  # sync: runs its own loop
    import base64 as b64

    from wechatpy.crypto import PrpCrypto

    key = b64.b64decode(AES_KEY + "=")
    encrypt = PrpCrypto(key).encrypt(b"<xml><Content>\xff\xfe</Content></xml>", APP_ID).decode()
    ts, nonce = str(int(time.time())), "8080"
    params = {
        "timestamp": ts,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": sign(TOKEN, ts, nonce, encrypt),
    }
    response = _fuzz_post(params, build_xml({"Encrypt": encrypt}).encode())
    assert response.status_code == 400


async def test_redis_down_still_answers_on_the_fallback(caplog: pytest.LogCaptureFixture) -> None:
    from bot.storage import MemoryStorage, ResilientStorage
    from bot.storage.redis import RedisStorage

    redis = RedisStorage.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5)
    dp = Dispatcher(storage=ResilientStorage(redis, MemoryStorage()))
    dp.text.register(lambda message: f"答：{message.content}")
    app, _ = kit.make_app(dp)
    xml = kit.text_xml("Redis 停了", msg_id=9_000_004)
    async with kit.asgi_client(app) as client:
        first = await kit.post(client, kit.safe_delivery(xml))
        retry = await kit.post(client, kit.safe_delivery(xml))
    assert kit.read_reply(first.text)["Content"] == "答：Redis 停了"
    assert retry.text == first.text  # the fallback absorbs the retry
    assert any(
        r.levelno == logging.WARNING and "unreachable" in r.getMessage() for r in caplog.records
    )


async def test_redis_down_without_a_fallback_answers_busy() -> None:
    from bot.storage.redis import RedisStorage

    dp = Dispatcher(storage=RedisStorage.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5))
    dp.text.register(lambda message: f"答：{message.content}")
    app, _ = kit.make_app(dp)
    xml = kit.text_xml("Redis 停了", msg_id=9_000_005)
    async with kit.asgi_client(app) as client:
        first = await kit.post(client, kit.safe_delivery(xml))
        retry = await kit.post(client, kit.safe_delivery(xml))
    assert kit.read_reply(first.text)["Content"] == BUSY_TEXT
    assert kit.read_reply(retry.text)["Content"] == BUSY_TEXT


# the webhook as a raw ASGI app (what the app's fast lane calls, with no framework around it)


@settings(max_examples=300, deadline=None)
@given(
    query=st.text(alphabet="abc=&%+;:é 0123456789AF_-", max_size=40)
    | st.lists(
        st.tuples(st.sampled_from(["timestamp", "nonce", "signature", "a b", "é"]), FUZZ_TEXT),
        max_size=5,
    ).map(lambda pairs: httpx.QueryParams(pairs).__str__())
)
def test_parse_query_reads_as_starlette_does(query: str) -> None:
    from starlette.datastructures import QueryParams

    raw = query.encode("utf-8")
    assert parse_query(raw) == dict(QueryParams(raw))


async def test_parse_query_of_a_wechat_callback() -> None:
    raw = b"signature=ab12&timestamp=1700000000&nonce=42&openid=o_x&encrypt_type=aes&msg_signature="
    assert parse_query(raw) == {
        "signature": "ab12",
        "timestamp": "1700000000",
        "nonce": "42",
        "openid": "o_x",
        "encrypt_type": "aes",
        "msg_signature": "",
    }


class Exchange:
    """One request sent straight to an ASGI app; what it sent back, in order."""

    def __init__(self, method: str, params: dict[str, str], body: bytes = b"") -> None:
        self.scope: dict[str, Any] = {
            "type": "http",
            "method": method,
            "path": "/wechat",
            "query_string": httpx.QueryParams(params).__str__().encode(),
            "headers": [(b"content-length", str(len(body)).encode())],
            "client": ("203.0.113.9", 4000),
        }
        self.body = body
        self.messages: list[dict[str, Any]] = []
        self.events: list[str] = []

    async def receive(self) -> dict[str, Any]:
        body, self.body = self.body, b""
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.events.append(message["type"])

    async def run(self, app: Any) -> Exchange:
        await app(self.scope, self.receive, self.send)
        return self

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.messages[0]["headers"])

    @property
    def text(self) -> str:
        return b"".join(m.get("body", b"") for m in self.messages[1:]).decode()


async def test_the_webhook_answers_as_a_plain_asgi_app(dp: Dispatcher, runs: list[str]) -> None:
    _, webhook = kit.make_app(dp)
    delivery = kit.safe_delivery(kit.text_xml("直达"))
    answer = await Exchange("POST", delivery.params, delivery.body.encode()).run(webhook)
    assert answer.status == 200
    assert answer.headers[b"content-type"] == b"application/xml"
    assert int(answer.headers[b"content-length"]) == len(answer.text.encode())
    assert kit.read_reply(answer.text)["Content"] == "收到：直达"
    assert runs == ["直达"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "OPTIONS"])
async def test_other_methods_get_405_from_the_bare_webhook(dp: Dispatcher, method: str) -> None:
    _, webhook = kit.make_app(dp)
    answer = await Exchange(method, {}).run(webhook)
    assert (answer.status, answer.text) == (405, "Method Not Allowed")
    assert answer.headers[b"allow"] == b"GET, HEAD, POST"


async def test_head_is_refused_without_a_body(
    dp: Dispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    _, webhook = kit.make_app(dp)
    answer = await Exchange("HEAD", kit.safe_delivery(kit.text_xml("x")).params).run(webhook)
    assert answer.status == 400 and answer.text == ""
    assert answer.headers[b"content-length"] == b"11"  # what a GET-like answer would carry
    assert len(refusals(caplog)) == 1


async def test_a_client_gone_before_its_body_is_refused_once(
    dp: Dispatcher, runs: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    _, webhook = kit.make_app(dp)
    exchange = Exchange("POST", kit.safe_delivery(kit.text_xml("x")).params)

    async def disconnect() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    exchange.receive = disconnect  # type: ignore[method-assign]
    await exchange.run(webhook)
    assert exchange.status == 400
    assert runs == []
    assert len(refusals(caplog)) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_followups_are_pushed_after_the_answer_was_sent() -> None:
    exchange: Exchange | None = None
    pushed: list[tuple[str, list[str]]] = []

    async def sender(user: str, reply: Any) -> None:
        assert exchange is not None
        pushed.append((reply.content[:3], list(exchange.events)))

    dp = Dispatcher()
    dp.text.register(lambda message: "甲" * 600 + "\n" + "乙" * 600)  # two parts
    _, webhook = kit.make_app(dp, sender=sender)
    delivery = kit.safe_delivery(kit.text_xml("长"))
    exchange = Exchange("POST", delivery.params, delivery.body.encode())
    await exchange.run(webhook)
    assert kit.read_reply(exchange.text)["Content"] == "甲" * 600
    assert pushed == [("乙乙乙", ["http.response.start", "http.response.body"])]


async def test_a_body_in_several_chunks_is_read_whole(dp: Dispatcher, runs: list[str]) -> None:
    _, webhook = kit.make_app(dp)
    delivery = kit.safe_delivery(kit.text_xml("分块"))
    payload = delivery.body.encode()
    chunks = [payload[i : i + 100] for i in range(0, len(payload), 100)]
    exchange = Exchange("POST", delivery.params)
    exchange.scope["headers"] = []  # chunked: no Content-Length

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    exchange.receive = receive  # type: ignore[method-assign]
    await exchange.run(webhook)
    assert kit.read_reply(exchange.text)["Content"] == "收到：分块"
    assert runs == ["分块"]


async def test_a_failing_push_after_the_answer_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    dp = Dispatcher()
    dp.text.register(lambda message: "甲" * 600 + "\n" + "乙" * 600)
    _, webhook = kit.make_app(dp, sender=lambda user, reply: asyncio.sleep(0))

    async def broken(event: Event, replies: list[Any]) -> None:
        raise RuntimeError("storage gone")

    monkeypatch.setattr(webhook.responder, "push", broken)
    delivery = kit.safe_delivery(kit.text_xml("长"))
    exchange = await Exchange("POST", delivery.params, delivery.body.encode()).run(webhook)
    assert exchange.status == 200 and exchange.text.startswith("<xml>")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "wechat callback: pushing the follow-up replies failed"
    ]
