"""The only wechatpy user: safe XML parsing, signatures, AES envelopes, reply XML."""

from __future__ import annotations

import base64
import hmac
import secrets
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from wechatpy.crypto import PrpCrypto as WeChatPrp
from wechatpy.enterprise.crypto import PrpCrypto as WeComPrp
from wechatpy.exceptions import WeChatException
from wechatpy.replies import ArticlesReply, BaseReply
from wechatpy.replies import TextReply as WeChatTextReply
from wechatpy.utils import WeChatSigner

from bot.errors import DecryptionFailed, MalformedXml, SignatureMismatch
from bot.replies import Reply, TextReply


def parse_xml(body: bytes | str) -> dict[str, str]:
    """Top-level fields of a callback `<xml>`; DTDs, entities and external references refused."""
    if not body or not body.strip():
        raise MalformedXml("empty body")
    try:
        root: Element = SafeET.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MalformedXml(f"forbidden XML construct: {type(exc).__name__}") from exc
    except (ParseError, ValueError) as exc:
        raise MalformedXml(f"not well-formed XML: {exc}") from exc
    if root.tag != "xml":
        raise MalformedXml(f"root element is <{root.tag}>, expected <xml>")
    fields: dict[str, str] = {}
    for child in root:
        fields[child.tag] = (child.text or "") if len(child) == 0 else ""
        for grandchild in child.iter():
            if grandchild is not child and len(grandchild) == 0:
                fields.setdefault(grandchild.tag, grandchild.text or "")
    return fields


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def build_xml(fields: Mapping[str, str | int]) -> str:
    """A flat `<xml>` document as WeChat sends it (strings in CDATA, integers bare)."""
    nodes = [
        f"<{name}>{value}</{name}>"
        if isinstance(value, int)
        else f"<{name}>{_cdata(value)}</{name}>"
        for name, value in fields.items()
    ]
    return "<xml>" + "".join(nodes) + "</xml>"


def sign(*parts: str) -> str:
    """WeChat's signature: SHA-1 over the sorted, concatenated parts."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison of two hex signatures."""
    return hmac.compare_digest(
        expected.encode("ascii", "replace"), given.encode("ascii", "replace")
    )


def render_reply(reply: Reply, *, to_user: str, from_user: str, create_time: int) -> str:
    """The passive-reply XML for `reply` (sender and receiver swapped by the caller)."""
    rendered: BaseReply
    if isinstance(reply, TextReply):
        rendered = WeChatTextReply(
            source=from_user, target=to_user, time=create_time, content=_cdata_safe(reply.content)
        )
    else:
        article = reply.article
        rendered = ArticlesReply(source=from_user, target=to_user, time=create_time)
        rendered.add_article(
            {
                "title": _cdata_safe(article.title),
                "description": _cdata_safe(article.description),
                "image": _cdata_safe(article.pic_url),
                "url": _cdata_safe(article.url),
            }
        )
    return str(rendered.render())


def _cdata_safe(value: str) -> str:
    # wechatpy wraps values in CDATA without escaping; a "]]>" would end the section early.
    return value.replace("]]>", "]]]]><![CDATA[>")


@dataclass(frozen=True, slots=True)
class Opened:
    """A verified callback: its plaintext fields and whether the reply must be encrypted."""

    fields: dict[str, str]
    encrypted: bool


class Envelope(Protocol):
    """How one kind of callback is verified, opened and answered (WeChat, WeCom, ...)."""

    def verify_url(self, query: Mapping[str, str]) -> str:
        """The body to answer a GET URL verification with; raises `BadCallback`."""
        ...

    def open(self, query: Mapping[str, str], body: bytes) -> Opened:
        """The verified plaintext fields of a POST; raises `BadCallback`."""
        ...

    def seal(self, xml: str, opened: Opened) -> str:
        """The response body for a rendered reply (encrypted when the request was)."""
        ...


class _AesBox:
    """AES-256-CBC with WeChat's framing (random 16 bytes, length, message, receiver id)."""

    def __init__(self, token: str, aes_key: str, receiver_id: str, wecom: bool) -> None:
        if len(aes_key) != 43:
            raise ValueError("EncodingAESKey must have 43 characters")
        self.token = token
        self.receiver_id = receiver_id
        # Built once: its cipher makes a fresh encryptor or decryptor for every message.
        self._prp = (WeComPrp if wecom else WeChatPrp)(base64.b64decode(aes_key + "="))

    def encrypt(self, plaintext: str) -> str:
        return bytes(self._prp.encrypt(plaintext, self.receiver_id)).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return str(self._prp.decrypt(ciphertext, self.receiver_id))
        except (WeChatException, ValueError, struct.error, IndexError, TypeError) as exc:
            raise DecryptionFailed(f"cannot decrypt: {type(exc).__name__}") from exc

    def check(self, signature: str, timestamp: str, nonce: str, payload: str) -> None:
        if not signatures_match(sign(self.token, timestamp, nonce, payload), signature):
            raise SignatureMismatch("msg_signature does not match")

    def seal(self, xml: str, *, timestamp: str | None = None, nonce: str | None = None) -> str:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(10**10))
        encrypted = self.encrypt(xml)
        return build_xml(
            {
                "Encrypt": encrypted,
                "MsgSignature": sign(self.token, timestamp, nonce, encrypted),
                "TimeStamp": int(timestamp),
                "Nonce": nonce,
            }
        )

    def open_callback(self, query: Mapping[str, str], encrypted: str) -> Opened:
        """Verify `msg_signature` of a callback's query over `<Encrypt>`, then decrypt it."""
        self.check(
            query.get("msg_signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
            encrypted,
        )
        return Opened(parse_xml(self.decrypt(encrypted)), encrypted=True)

    def open_sealed(self, body: bytes | str) -> str:
        """Verify and decrypt an `<Encrypt>`/`<MsgSignature>` envelope (a reply, as WeChat does)."""
        fields = parse_xml(body)
        encrypted = fields.get("Encrypt", "")
        self.check(
            fields.get("MsgSignature", ""),
            fields.get("TimeStamp", ""),
            fields.get("Nonce", ""),
            encrypted,
        )
        return self.decrypt(encrypted)


class WeChatEnvelope:
    """Official-account callbacks in plaintext, compatible or safe (AES) mode.

    With an AES key, plaintext POSTs are refused unless `allow_plaintext` (a safe-mode account
    never sends them, and a plaintext signature does not cover the body).
    """

    def __init__(
        self, token: str, app_id: str, aes_key: str = "", *, allow_plaintext: bool | None = None
    ) -> None:
        self.token = token
        self.app_id = app_id
        self.box = _AesBox(token, aes_key, app_id, wecom=False) if aes_key else None
        self.allow_plaintext = self.box is None if allow_plaintext is None else allow_plaintext

    def _check_plain(self, query: Mapping[str, str]) -> None:
        expected = sign(self.token, query.get("timestamp", ""), query.get("nonce", ""))
        if not signatures_match(expected, query.get("signature", "")):
            raise SignatureMismatch("signature does not match")

    def verify_url(self, query: Mapping[str, str]) -> str:
        self._check_plain(query)
        return query.get("echostr", "")

    def open(self, query: Mapping[str, str], body: bytes) -> Opened:
        outer = parse_xml(body)
        wants_aes = query.get("encrypt_type", "").lower() == "aes" or (
            "msg_signature" in query and "Encrypt" in outer
        )
        if not wants_aes:
            if not self.allow_plaintext:
                raise SignatureMismatch("plaintext callback refused: safe mode is configured")
            self._check_plain(query)
            return Opened(outer, encrypted=False)
        if self.box is None:
            raise DecryptionFailed("encrypted callback but no EncodingAESKey is configured")
        if "Encrypt" not in outer:
            raise MalformedXml("encrypted callback without <Encrypt>")
        return self.box.open_callback(query, outer["Encrypt"])

    def seal(self, xml: str, opened: Opened) -> str:
        if not opened.encrypted or self.box is None:
            return xml
        return self.box.seal(xml)

    # The WeChat side of the exchange (simulator, tests): build requests, read replies.

    def wrap(
        self,
        xml: str,
        *,
        encrypted: bool,
        compatible: bool = False,
        timestamp: str | None = None,
        nonce: str | None = None,
    ) -> tuple[dict[str, str], str]:
        """Query parameters and body for posting `xml` exactly as WeChat would."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(10**10))
        query = {
            "signature": sign(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        if not encrypted:
            return query, xml
        if self.box is None:
            raise ValueError("safe mode needs an EncodingAESKey")
        encrypt = self.box.encrypt(xml)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = sign(self.token, timestamp, nonce, encrypt)
        fields: dict[str, str | int] = {}
        if compatible:
            fields.update(parse_xml(xml))
        else:
            fields["ToUserName"] = parse_xml(xml).get("ToUserName", "")
        fields["Encrypt"] = encrypt
        return query, build_xml(fields)

    def unwrap_reply(self, body: str) -> str:
        """The plaintext reply XML (verified and decrypted when it is an encrypted envelope)."""
        if self.box is not None and "<Encrypt>" in body:
            return self.box.open_sealed(body)
        return body


class WeComEnvelope:
    """WeCom (企业微信 / 政务微信) self-built app callbacks: always AES, echostr encrypted."""

    def __init__(self, token: str, corp_id: str, aes_key: str) -> None:
        self.box = _AesBox(token, aes_key, corp_id, wecom=True)

    def verify_url(self, query: Mapping[str, str]) -> str:
        echostr = query.get("echostr", "")
        self.box.check(
            query.get("msg_signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
            echostr,
        )
        return self.box.decrypt(echostr)

    def open(self, query: Mapping[str, str], body: bytes) -> Opened:
        outer = parse_xml(body)
        if "Encrypt" not in outer:
            raise MalformedXml("WeCom callback without <Encrypt>")
        return self.box.open_callback(query, outer["Encrypt"])

    def seal(self, xml: str, opened: Opened) -> str:
        return self.box.seal(xml)

    def wrap(
        self, xml: str, *, timestamp: str | None = None, nonce: str | None = None
    ) -> tuple[dict[str, str], str]:
        """Query parameters and body of a WeCom callback carrying `xml` (tests, simulator)."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(10**10))
        encrypt = self.box.encrypt(xml)
        fields = parse_xml(xml)
        body = build_xml(
            {
                "ToUserName": fields.get("ToUserName", ""),
                "AgentID": fields.get("AgentID", ""),
                "Encrypt": encrypt,
            }
        )
        query = {
            "msg_signature": sign(self.box.token, timestamp, nonce, encrypt),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        return query, body

    def unwrap_reply(self, body: str) -> str:
        return self.box.open_sealed(body)
