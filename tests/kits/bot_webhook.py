"""Builds apps around a dispatcher and delivers callbacks the way WeChat does (with wechatpy)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from wechatpy.crypto import WeChatCrypto

from bot.dispatcher import Dispatcher
from bot.errors import MalformedXml
from bot.webhook import Webhook
from bot.wire import WeChatEnvelope, build_xml, parse_xml, sign

TOKEN = "spamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx2c2769f8efd9abc2"


def make_app(
    dp: Dispatcher, envelope: WeChatEnvelope | None = None, **options: Any
) -> tuple[FastAPI, Webhook]:
    webhook = Webhook(dp, envelope or WeChatEnvelope(TOKEN, APP_ID, AES_KEY), **options)
    app = FastAPI()
    app.include_router(webhook.router)
    return app, webhook


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot")


def text_xml(content: str, *, msg_id: int | None = None, user: str = "o_citizen") -> str:
    return build_xml(
        {
            "ToUserName": "gh_account",
            "FromUserName": user,
            "CreateTime": int(time.time()),
            "MsgType": "text",
            "Content": content,
            "MsgId": msg_id if msg_id is not None else secrets.randbelow(2**62),
        }
    )


@dataclass
class Delivery:
    """One POST as WeChat makes it: query string and body."""

    params: dict[str, str]
    body: str


def safe_delivery(xml: str, *, timestamp: int | None = None, nonce: str | None = None) -> Delivery:
    """Encrypted with wechatpy's own WeChatCrypto, independently of bot.wire's envelope code."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    nonce = nonce or str(secrets.randbelow(10**9))
    sealed = parse_xml(WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(xml, nonce, ts))
    try:
        fields = parse_xml(xml)
    except MalformedXml:  # deliberately bad payloads still travel encrypted
        fields = {"ToUserName": "gh_account", "FromUserName": "o_citizen"}
    params = {
        "signature": sign(TOKEN, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": fields.get("FromUserName", ""),
        "encrypt_type": "aes",
        "msg_signature": sealed["MsgSignature"],
    }
    body = build_xml({"ToUserName": fields.get("ToUserName", ""), "Encrypt": sealed["Encrypt"]})
    return Delivery(params, body)


def read_reply(body: str) -> dict[str, str]:
    """The reply's fields, decrypted with wechatpy as WeChat would."""
    fields = parse_xml(body)
    if "Encrypt" not in fields:
        return fields
    plain = WeChatCrypto(TOKEN, AES_KEY, APP_ID).decrypt_message(
        body, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
    )
    return parse_xml(plain)


async def post(
    client: httpx.AsyncClient, delivery: Delivery, path: str = "/wechat"
) -> httpx.Response:
    return await client.post(path, params=delivery.params, content=delivery.body.encode("utf-8"))
