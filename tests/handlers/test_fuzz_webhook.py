"""Hostile input against the whole app's `/wechat`: never a 500, never a crash, never a leak.

Property-based (hypothesis): random and malformed XML, huge and deeply nested bodies, entity
bombs, invalid UTF-8, injection-looking and emoji text, 10,000-character messages. The app is
the production one (`create_app`) on a seeded SQLite catalogue that holds draft, pending,
classified and abolished items whose names must never reach a citizen."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.wire import WeChatEnvelope, build_xml, parse_xml, sign
from handlers.app import create_app
from handlers.settings import Settings
from tests.kits import citizen as kit
from tests.kits import public_catalogue as seed

TOKEN = "fuzz-token-7f3a"
APP_ID = "wx0fuzz0000000001"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


HIDDEN = (*seed.HIDDEN_NAMES, seed.HIDDEN_PROJECT, seed.HIDDEN_FUND)
HIDDEN_CODES = (seed.DRAFT, seed.CLASSIFIED, seed.PENDING)


class Bot:
    """The running app, reached through an ASGI transport from a blocking portal."""

    def __init__(self, portal: BlockingPortal, client: httpx.AsyncClient) -> None:
        self.portal = portal
        self.client = client
        self.envelope = WeChatEnvelope(TOKEN, APP_ID, AES_KEY)

    def post(self, params: dict[str, str], body: bytes) -> httpx.Response:
        return self.portal.call(
            lambda: self.client.post(
                "/wechat", params=params, content=body, headers={"Content-Type": "text/xml"}
            )
        )

    def deliver(self, xml: str) -> httpx.Response:
        """`xml` encrypted and signed as WeChat would, whatever it contains."""
        box = self.envelope.box
        assert box is not None
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        encrypt = box.encrypt(xml)
        params = {
            "signature": sign(TOKEN, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": sign(TOKEN, timestamp, nonce, encrypt),
        }
        body = build_xml({"ToUserName": "gh_tianzhu", "Encrypt": encrypt})
        return self.post(params, body.encode("utf-8"))

    def say(self, content: str) -> tuple[httpx.Response, str]:
        response = self.deliver(_text(content))
        reply = ""
        if response.status_code == 200 and response.text.startswith("<"):
            fields = parse_xml(self.envelope.unwrap_reply(response.text))
            reply = " ".join(fields.values())
        return response, reply

    def signed(self) -> dict[str, str]:
        params, _ = self.envelope.wrap("<xml/>", encrypted=False)
        return params


def _text(content: str, user: str | None = None) -> str:
    return build_xml(
        {
            "ToUserName": "gh_tianzhu",
            "FromUserName": user or "o" + secrets.token_hex(14)[:27],
            "CreateTime": int(time.time()),
            "MsgType": "text",
            "Content": content,
            "MsgId": secrets.randbelow(2**62),
        }
    )


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite+aiosqlite:///{(folder / 'zwbot.sqlite3').as_posix()}"

    asyncio.run(kit.seed_database(url))
    app_settings = Settings(  # type: ignore[call-arg]
        ZWBOT_ENV="test",
        ZWBOT_DATA_DIR=str(folder),
        DATABASE_URL=url,
        REDIS_URL="",
        WECHAT_TOKEN=TOKEN,
        WECHAT_APP_ID=APP_ID,
        WECHAT_AES_KEY=AES_KEY,
        WECHAT_APP_SECRET="",
        ZWBOT_HASH_KEY="fuzz-hash-key-0123456789abcdef",
        ZWBOT_RATE_LIMIT_PER_MINUTE=1000,
    )
    app = create_app(app_settings)
    with start_blocking_portal() as portal:
        transport = httpx.ASGITransport(app=app)
        client = portal.call(lambda: _client(transport))
        with portal.wrap_async_context_manager(app.router.lifespan_context(app)):
            yield Bot(portal, client)
        portal.call(client.aclose)


async def _client(transport: httpx.ASGITransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport, base_url="http://zwbot", timeout=30)


def _assert_safe(response: httpx.Response, reply: str = "", asked: str = "") -> None:
    """No 5xx, no traceback, and no hidden name beyond what the citizen typed (echoes are ok)."""
    assert response.status_code < 500, response.text[:300]
    text = response.text + reply
    for name in HIDDEN:
        assert reply.count(name) <= asked.count(name), f"{name} leaked: {reply[:300]}"
        assert name not in response.text  # encrypted body or a refusal: never in clear
    assert "Traceback" not in text


# --- text a citizen could type ------------------------------------------------------------

INJECTIONS = [
    "' OR '1'='1' --",
    "'; DROP TABLE items; --",
    "<script>alert(1)</script>",
    "]]><xml><MsgType>event</MsgType></xml>",
    "{{7*7}}${7*7}",
    "%s%s%s%n",
    "../../../../etc/passwd",
    "\x00\x01\x02",
    "\u202e\u200b\ufeff",
    "网吧\r\n<Content>覆盖</Content>",
    "SELECT * FROM items WHERE status='draft'",
]
citizen_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=50),
    st.sampled_from(INJECTIONS),
    st.sampled_from(HIDDEN + HIDDEN_CODES),
    st.builds(
        lambda s, n: (s * n)[:10_000], st.sampled_from(["低保", "网吧😀", "a"]), st.just(6000)
    ),
)


@FUZZ
@given(content=citizen_text)
def test_any_text_is_answered_without_leaks(bot: Bot, content: str) -> None:
    # XML 1.0 cannot carry most control characters: WeChat never sends them; refused is fine.
    response, reply = bot.say(content)
    _assert_safe(response, reply, content)


def test_ten_thousand_characters_and_hidden_names_are_answered_politely(bot: Bot) -> None:
    for content in ("低保怎么办理" * 1700, *HIDDEN, *HIDDEN_CODES, "网吧"):
        response, reply = bot.say(content[:10_000])
        assert response.status_code == 200
        _assert_safe(response, reply, content[:10_000])


# --- malformed requests ---------------------------------------------------------------------

xml_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
xml_soup = st.recursive(
    st.text(max_size=30),
    lambda children: st.builds(
        lambda name, inner: f"<{name}>{''.join(inner)}</{name}>", xml_names, st.lists(children)
    ),
    max_leaves=20,
)


@FUZZ
@given(inner=st.one_of(xml_soup, st.text(max_size=300)))
def test_random_xml_inside_a_valid_envelope(bot: Bot, inner: str) -> None:
    _assert_safe(bot.deliver(inner))


@FUZZ
@given(body=st.binary(max_size=2000))
def test_random_bytes_with_a_valid_signature(bot: Bot, body: bytes) -> None:
    response = bot.post(bot.signed(), body)
    assert 400 <= response.status_code < 500
    _assert_safe(response)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["signature", "timestamp", "nonce", "encrypt_type", "msg_signature"]),
        st.text(max_size=40),
    ),
    body=st.binary(max_size=500),
)
def test_forged_query_strings(bot: Bot, params: dict[str, str], body: bytes) -> None:
    response = bot.post(params, body)
    assert 400 <= response.status_code < 500
    _assert_safe(response)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]><xml><Content>&j;</Content></xml>"
)
EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<xml><Content>&x;</Content></xml>"
)


@pytest.mark.parametrize(
    "xml",
    [
        BILLION_LAUGHS,
        EXTERNAL,
        "<xml>" + "<a>" * 50_000 + "</a>" * 50_000 + "</xml>",
        "<xml><Content>" + "长" * 20_000 + "</Content></xml>",
        "<xml><MsgType>text</MsgType><Content>unterminated",
    ],
    ids=["billion-laughs", "external-entity", "deep-nesting", "huge", "truncated"],
)
def test_hostile_xml_is_refused_inside_and_outside_the_envelope(bot: Bot, xml: str) -> None:
    inside = bot.deliver(xml)
    outside = bot.post(bot.signed(), xml.encode("utf-8"))
    for response in (inside, outside):
        assert 400 <= response.status_code < 500 or response.text == "success"
        _assert_safe(response)


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><Content>\xff\xfe\xc3\x28</Content></xml>",
        b"\xef\xbb\xbf<xml><Encrypt>\x80\x81</Encrypt></xml>",
        b"\x00" * 1000,
        b"<xml>" + b"\xe4\xb8" * 100 + b"</xml>",
        b"",
    ],
)
def test_invalid_utf8_is_refused(bot: Bot, body: bytes) -> None:
    response = bot.post(bot.signed(), body)
    assert 400 <= response.status_code < 500
    _assert_safe(response)


def test_body_over_the_limit_is_refused_without_reading_it_all(bot: Bot) -> None:
    response = bot.post(bot.signed(), b"<xml>" + b"a" * 2_000_000 + b"</xml>")
    assert response.status_code == 413


def test_the_app_still_answers_after_the_storm(bot: Bot) -> None:
    response, reply = bot.say("网吧")
    assert response.status_code == 200 and reply
    health: Any = bot.portal.call(lambda: bot.client.get("/healthz"))
    assert health.status_code == 200
