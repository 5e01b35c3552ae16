"""Wire format: official vectors, signatures, safe XML, envelopes checked against wechatpy."""

from __future__ import annotations

import time
from typing import Any

import pytest
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from bot.errors import DecryptionFailed, MalformedXml, SignatureMismatch
from bot.replies import news, text
from bot.wire import (
    WeChatEnvelope,
    WeComEnvelope,
    build_xml,
    parse_xml,
    render_reply,
    sign,
    signatures_match,
)

WECOM_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def vector_query(v: dict[str, Any]) -> dict[str, str]:
    return {
        "signature": v["plain_get_signature"],
        "timestamp": v["timestamp"],
        "nonce": v["nonce"],
        "encrypt_type": "aes",
        "msg_signature": v["msg_signature"],
    }


def test_official_vector_decrypts_and_verifies(vectors: dict[str, Any]) -> None:
    envelope = WeChatEnvelope(vectors["token"], vectors["appid"], vectors["encoding_aes_key"])
    body = build_xml({"ToUserName": "gh_10f6c3c3ac5a", "Encrypt": vectors["encrypt"]})
    opened = envelope.open(vector_query(vectors), body.encode())
    assert opened.encrypted
    assert opened.fields == vectors["decrypted"]


def test_official_vector_signatures(vectors: dict[str, Any]) -> None:
    v = vectors
    assert sign(v["token"], v["timestamp"], v["nonce"]) == v["plain_get_signature"]
    assert sign(v["token"], v["timestamp"], v["nonce"], v["encrypt"]) == v["msg_signature"]
    envelope = WeChatEnvelope(v["token"], v["appid"], v["encoding_aes_key"])
    query = {"signature": v["plain_get_signature"], "timestamp": v["timestamp"]}
    assert envelope.verify_url({**query, "nonce": v["nonce"], "echostr": "abc"}) == "abc"


def test_official_vector_with_one_wrong_byte_is_refused(vectors: dict[str, Any]) -> None:
    envelope = WeChatEnvelope(vectors["token"], vectors["appid"], vectors["encoding_aes_key"])
    query = vector_query(vectors)
    query["msg_signature"] = query["msg_signature"][:-1] + "0"
    body = build_xml({"ToUserName": "gh", "Encrypt": vectors["encrypt"]})
    with pytest.raises(SignatureMismatch):
        envelope.open(query, body.encode())


def test_wrong_app_id_is_refused(vectors: dict[str, Any]) -> None:
    envelope = WeChatEnvelope(vectors["token"], "wx_other_app", vectors["encoding_aes_key"])
    body = build_xml({"ToUserName": "gh", "Encrypt": vectors["encrypt"]})
    with pytest.raises(DecryptionFailed):
        envelope.open(vector_query(vectors), body.encode())


def test_signatures_match_is_exact() -> None:
    assert signatures_match("abc", "abc")
    assert not signatures_match("abc", "abd")
    assert not signatures_match("abc", "")
    assert not signatures_match("abc", "ab£")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"<xml><ToUserName>a</xml>",
        b"not xml at all",
        b"<root><a>1</a></root>",
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><C>&a;</C></xml>',
        b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><C>&e;</C></xml>',
        b"<!DOCTYPE xml><xml><C>1</C></xml>",
    ],
)
def test_parse_xml_refuses_bad_and_dangerous_documents(body: bytes) -> None:
    with pytest.raises(MalformedXml):
        parse_xml(body)


def test_build_and_parse_round_trip_keeps_awkward_text() -> None:
    fields = {"Content": "a ]]> b <c> & 中文", "CreateTime": 12}
    assert parse_xml(build_xml(fields)) == {"Content": "a ]]> b <c> & 中文", "CreateTime": "12"}


def test_render_text_and_news_replies() -> None:
    xml = render_reply(text("办结时限 ]]> 5 个工作日"), to_user="u1", from_user="gh", create_time=7)
    assert parse_xml(xml) == {
        "MsgType": "text",
        "Content": "办结时限 ]]> 5 个工作日",
        "FromUserName": "gh",
        "ToUserName": "u1",
        "CreateTime": "7",
    }
    fields = parse_xml(
        render_reply(
            news("标题", "说明", "https://x/1", "https://x/p.png"),
            to_user="u",
            from_user="g",
            create_time=1,
        )
    )
    assert fields["MsgType"] == "news"
    assert fields["ArticleCount"] == "1"
    assert (fields["Title"], fields["Url"], fields["PicUrl"]) == (
        "标题",
        "https://x/1",
        "https://x/p.png",
    )


def test_message_built_by_wechatpy_opens(vectors: dict[str, Any]) -> None:
    """WeChat's side done with wechatpy's own classes, not with ours."""
    v = vectors
    crypto = WeChatCrypto(v["token"], v["encoding_aes_key"], v["appid"])
    plain = build_xml(
        {
            "ToUserName": "gh",
            "FromUserName": "o1",
            "CreateTime": 1,
            "MsgType": "text",
            "Content": "你好",
        }
    )
    timestamp, nonce = str(int(time.time())), "424242"
    sealed = parse_xml(crypto.encrypt_message(plain, nonce, timestamp))
    query = {
        "timestamp": timestamp,
        "nonce": nonce,
        "msg_signature": sealed["MsgSignature"],
        "encrypt_type": "aes",
    }
    body = build_xml({"ToUserName": "gh", "Encrypt": sealed["Encrypt"]})
    opened = WeChatEnvelope(v["token"], v["appid"], v["encoding_aes_key"]).open(
        query, body.encode()
    )
    assert opened.fields["Content"] == "你好"


def test_our_sealed_reply_opens_with_wechatpy(vectors: dict[str, Any]) -> None:
    v = vectors
    envelope = WeChatEnvelope(v["token"], v["appid"], v["encoding_aes_key"])
    xml = render_reply(text("回复"), to_user="o1", from_user="gh", create_time=1)
    opened = envelope.open(vector_query(v), build_xml({"Encrypt": v["encrypt"]}).encode())
    sealed = envelope.seal(xml, opened)
    fields = parse_xml(sealed)
    crypto = WeChatCrypto(v["token"], v["encoding_aes_key"], v["appid"])
    plain = crypto.decrypt_message(
        sealed, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
    )
    assert parse_xml(plain)["Content"] == "回复"


def test_safe_mode_refuses_plaintext_unless_allowed(vectors: dict[str, Any]) -> None:
    v = vectors
    plain = build_xml({"MsgType": "text", "Content": "x"})
    sender = WeChatEnvelope(v["token"], v["appid"])
    query, body = sender.wrap(plain, encrypted=False)
    with pytest.raises(SignatureMismatch):
        WeChatEnvelope(v["token"], v["appid"], v["encoding_aes_key"]).open(query, body.encode())
    lenient = WeChatEnvelope(v["token"], v["appid"], v["encoding_aes_key"], allow_plaintext=True)
    assert lenient.open(query, body.encode()).fields["Content"] == "x"


def test_encrypted_garbage_is_a_decryption_failure(vectors: dict[str, Any]) -> None:
    v = vectors
    envelope = WeChatEnvelope(v["token"], v["appid"], v["encoding_aes_key"])
    for garbage in ("", "AAAA", "not base64 !!", "QUJD" * 8):
        query = {
            "timestamp": "1",
            "nonce": "2",
            "encrypt_type": "aes",
            "msg_signature": sign(v["token"], "1", "2", garbage),
        }
        with pytest.raises((DecryptionFailed, MalformedXml)):
            envelope.open(query, build_xml({"Encrypt": garbage}).encode())


def test_wecom_envelope_against_wechatpy_enterprise_crypto() -> None:
    token, corp_id = "wecomtoken", "ww0123456789abcdef"
    theirs = WeComCrypto(token, WECOM_KEY, corp_id)
    ours = WeComEnvelope(token, corp_id, WECOM_KEY)
    # URL verification: echostr is encrypted and signed.
    timestamp, nonce = str(int(time.time())), "99"
    echo_sealed = parse_xml(theirs.encrypt_message("echo-123", nonce, timestamp))
    query = {
        "msg_signature": echo_sealed["MsgSignature"],
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echo_sealed["Encrypt"],
    }
    assert ours.verify_url(query) == "echo-123"
    # A message from WeCom, and our encrypted answer read back by wechatpy.
    plain = build_xml(
        {
            "ToUserName": corp_id,
            "FromUserName": "zhangsan",
            "CreateTime": 1,
            "MsgType": "text",
            "Content": "审核",
            "AgentID": "1000002",
        }
    )
    sealed = parse_xml(theirs.encrypt_message(plain, nonce, timestamp))
    query = {"msg_signature": sealed["MsgSignature"], "timestamp": timestamp, "nonce": nonce}
    opened = ours.open(
        query, build_xml({"ToUserName": corp_id, "Encrypt": sealed["Encrypt"]}).encode()
    )
    assert opened.fields["Content"] == "审核"
    answer = ours.seal(
        render_reply(text("好的"), to_user="zhangsan", from_user=corp_id, create_time=2), opened
    )
    fields = parse_xml(answer)
    back = theirs.decrypt_message(
        answer, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
    )
    assert parse_xml(back)["Content"] == "好的"
    # And our own WeCom-side helpers agree with the envelope.
    query, body = ours.wrap(plain)
    assert ours.open(query, body.encode()).fields["FromUserName"] == "zhangsan"
    assert parse_xml(ours.unwrap_reply(answer))["Content"] == "好的"
    with pytest.raises(SignatureMismatch):
        ours.open({**query, "msg_signature": "0" * 40}, body.encode())
