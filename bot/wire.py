"""The only wechatpy user (its AES cipher): safe XML parsing, signatures, AES envelopes, reply
XML — each done directly where wechatpy's helpers cost noticeable CPU per message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from xml.parsers import expat

from wechatpy.crypto.base import WeChatCipher

from bot.errors import DecryptionFailed, MalformedXml, SignatureMismatch
from bot.replies import Reply, TextReply


class _Fields:
    """Expat callbacks collecting the top-level fields of an `<xml>` document, as it streams.

    A top-level element gives its text if it has no children, else ""; the leaves below it
    give theirs unless an earlier field took the name. No tree is built.
    """

    __slots__ = ("depth", "fields", "leaf", "root", "text")

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.root = ""
        self.depth = 0
        self.leaf = False  # the element open at `depth` has no child so far
        self.text: list[str] = []

    def start(self, tag: str, attributes: Any) -> None:
        self.depth += 1
        if self.depth == 2:
            self.fields[_tag(tag)] = ""  # its place in the order; its text comes at its end
        elif self.depth == 1:
            self.root = _tag(tag)
        self.leaf = True
        self.text.clear()

    def end(self, tag: str) -> None:
        if self.depth == 2:
            if self.leaf:
                self.fields[_tag(tag)] = "".join(self.text)
        elif self.depth > 2 and self.leaf:
            self.fields.setdefault(_tag(tag), "".join(self.text))
        self.depth -= 1
        self.leaf = False  # the parent now has a child
        self.text.clear()


def _tag(name: str) -> str:
    # A namespaced name as ElementTree writes it: "{uri}local" (expat gives "uri}local").
    return "{" + name if "}" in name else name


def _forbid_dtd(*_: Any) -> None:
    raise MalformedXml("forbidden XML construct: DTD")


def _forbid_entity(*_: Any) -> None:
    raise MalformedXml("forbidden XML construct: entity declaration")


def _forbid_external(*_: Any) -> int:
    raise MalformedXml("forbidden XML construct: external reference")


def parse_xml(body: bytes | str) -> dict[str, str]:
    """Top-level fields of a callback `<xml>`; DTDs, entities and external references refused.

    A bare expat parser with defusedxml's refusals (a `<!DOCTYPE` stops the parse at once,
    so no entity can be declared), collecting fields without building a tree.
    """
    if not body or not body.strip():
        raise MalformedXml("empty body")
    collected = _Fields()
    parser = expat.ParserCreate(None, "}")  # namespaces resolved (unbound prefixes refused)
    parser.StartDoctypeDeclHandler = _forbid_dtd
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_entity
    parser.ExternalEntityRefHandler = _forbid_external
    parser.StartElementHandler = collected.start
    parser.EndElementHandler = collected.end
    parser.CharacterDataHandler = collected.text.append
    parser.buffer_text = True
    try:
        parser.Parse(body, True)
    except (expat.ExpatError, ValueError) as exc:
        raise MalformedXml(f"not well-formed XML: {exc}") from exc
    if collected.root != "xml":
        raise MalformedXml(f"root element is <{collected.root}>, expected <xml>")
    return collected.fields


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
    """WeChat's signature: SHA-1 over the sorted, concatenated parts (UTF-8)."""
    return hashlib.sha1(b"".join(sorted(part.encode() for part in parts))).hexdigest()


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison of two hex signatures."""
    return hmac.compare_digest(
        expected.encode("ascii", "replace"), given.encode("ascii", "replace")
    )


_TEXT_REPLY = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[{content}]]></Content>\n"
    "<FromUserName><![CDATA[{source}]]></FromUserName>\n"
    "<ToUserName><![CDATA[{target}]]></ToUserName>\n<CreateTime>{time}</CreateTime>\n</xml>"
)
_NEWS_REPLY = (
    "<xml>\n<MsgType><![CDATA[news]]></MsgType>\n<ArticleCount>1</ArticleCount>\n"
    "<Articles><item>"
    "<Title><![CDATA[{title}]]></Title>"
    "<Description><![CDATA[{description}]]></Description>"
    "<PicUrl><![CDATA[{image}]]></PicUrl>"
    "<Url><![CDATA[{url}]]></Url>"
    "</item></Articles>\n"
    "<FromUserName><![CDATA[{source}]]></FromUserName>\n"
    "<ToUserName><![CDATA[{target}]]></ToUserName>\n<CreateTime>{time}</CreateTime>\n</xml>"
)


def render_reply(reply: Reply, *, to_user: str, from_user: str, create_time: int) -> str:
    """The passive-reply XML for `reply` (sender and receiver swapped by the caller).

    The elements and their order are those of wechatpy's `TextReply` and `ArticlesReply`.
    """
    if isinstance(reply, TextReply):
        return _TEXT_REPLY.format(
            content=_cdata_safe(reply.content),
            source=_cdata_safe(from_user),
            target=_cdata_safe(to_user),
            time=int(create_time),
        )
    article = reply.article
    return _NEWS_REPLY.format(
        title=_cdata_safe(article.title),
        description=_cdata_safe(article.description),
        image=_cdata_safe(article.pic_url),
        url=_cdata_safe(article.url),
        source=_cdata_safe(from_user),
        target=_cdata_safe(to_user),
        time=int(create_time),
    )


def _cdata_safe(value: str) -> str:
    # The value goes inside a CDATA section: a "]]>" would end the section early.
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
    """AES-256-CBC with WeChat's framing (random 16 bytes, length, message, receiver id).

    The framing and 32-byte PKCS#7 padding are done here; the cipher is wechatpy's (one per
    key: WeChat's IV is the key's first 16 bytes), as is its leniency when unpadding.
    """

    def __init__(self, token: str, aes_key: str, receiver_id: str) -> None:
        if len(aes_key) != 43:
            raise ValueError("EncodingAESKey must have 43 characters")
        self.token = token
        self.receiver_id = receiver_id
        self._receiver = receiver_id.encode()
        self._cipher = WeChatCipher(base64.b64decode(aes_key + "="))

    def encrypt(self, plaintext: str) -> str:
        message = plaintext.encode()
        # 16 random characters (hex digits: letters and digits, as WeChat's own samples use)
        length = struct.pack(">I", len(message))
        framed = b"".join((secrets.token_hex(8).encode(), length, message, self._receiver))
        padding = 32 - len(framed) % 32
        framed += bytes((padding,)) * padding
        return base64.b64encode(self._cipher.encrypt(framed)).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            plain: bytes = self._cipher.decrypt(base64.b64decode(ciphertext))
            content = plain[16 : -plain[-1]]
            (length,) = struct.unpack(">I", content[:4])
            message = content[4 : length + 4].decode()
            receiver = content[length + 4 :]
        except (ValueError, struct.error, IndexError, TypeError) as exc:
            raise DecryptionFailed(f"cannot decrypt: {type(exc).__name__}") from exc
        if receiver != self._receiver:
            raise DecryptionFailed("cannot decrypt: another app id or corp id")
        return message

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
        self.box = _AesBox(token, aes_key, app_id) if aes_key else None
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
        self.box = _AesBox(token, aes_key, corp_id)

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
