"""Wire format: official vectors, signatures, safe XML, envelopes checked against wechatpy."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


# the per-message fast paths agree with the reference implementations they replaced


def reference_parse(body: bytes | str) -> dict[str, str] | None:
    """The former parse_xml (defusedxml's ElementTree); None where it refused the body."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if not body or not body.strip():
        return None
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError):
        return None
    if root.tag != "xml":
        return None
    fields: dict[str, str] = {}
    for child in root:
        fields[child.tag] = (child.text or "") if len(child) == 0 else ""
        for grandchild in child.iter():
            if grandchild is not child and len(grandchild) == 0:
                fields.setdefault(grandchild.tag, grandchild.text or "")
    return fields


def ours_or_none(body: bytes | str) -> dict[str, str] | None:
    try:
        return parse_xml(body)
    except MalformedXml:
        return None


names = st.sampled_from(["xml", "a", "Content", "MsgType", "x:y", "ns:Content", "b"])
texts = st.text(alphabet="ab <>&;]]\n\t中😀\x01", max_size=8) | st.sampled_from(
    ["&amp;", "&lt;", "&#20013;", "&#0;", "&undefined;", "<![CDATA[x]]>", "<!--c-->", "<?pi x?>"]
)
xml_trees = st.recursive(
    texts,
    lambda children: st.builds(
        lambda name, attrs, inner: f"<{name}{attrs}>{''.join(inner)}</{name}>",
        names,
        st.sampled_from(["", ' a="1"', ' xmlns:x="urn:x"', ' xmlns="urn:d"', " x:a='2'"]),
        st.lists(children, max_size=4),
    ),
    max_leaves=12,
)
documents = st.one_of(
    xml_trees,
    xml_trees.map(lambda tree: f"<xml>{tree}</xml>"),
    xml_trees.map(lambda tree: f'<?xml version="1.0" encoding="UTF-8"?><xml>{tree}{tree}</xml>'),
    st.sampled_from(
        [
            '<!DOCTYPE xml [<!ENTITY a "x">]><xml><C>&a;</C></xml>',
            '<!DOCTYPE xml SYSTEM "http://x/d.dtd"><xml/>',
            "<xml><C>1</C></xml><xml/>",
            "\ufeff<xml><C>bom</C></xml>",
            '<xml xmlns="urn:d"><C>1</C></xml>',
            "<xml><x:C>unbound</x:C></xml>",
        ]
    ),
)


@settings(max_examples=500, deadline=None)
@given(document=documents, as_bytes=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_parse_xml_agrees_with_defusedxml_elementtree(
    document: str, as_bytes: bool, encoding: str
) -> None:
    body: bytes | str = document
    if as_bytes:
        declared = document.startswith("<?xml") and encoding == "utf-16"
        body = document.encode("utf-8" if declared else encoding, "surrogatepass")
    ours, theirs = ours_or_none(body), reference_parse(body)
    assert ours == theirs
    assert list(ours or ()) == list(theirs or ())  # the same order too


def test_parse_xml_of_real_callbacks_agrees_with_defusedxml(vectors: dict[str, Any]) -> None:
    envelope = WeChatEnvelope(vectors["token"], vectors["appid"], vectors["encoding_aes_key"])
    plain = envelope.box.decrypt(vectors["encrypt"]) if envelope.box else ""
    for body in (plain, build_xml({"ToUserName": "gh", "Encrypt": vectors["encrypt"]})):
        assert parse_xml(body) == reference_parse(body) != {}


@settings(max_examples=200, deadline=None)
@given(
    content=st.text(max_size=300),
    title=st.text(max_size=40),
    url=st.text(alphabet="htps:/x.?=&]>", max_size=30),
    to_user=st.text(alphabet="o_-AZaz09", min_size=1, max_size=28),
    create_time=st.integers(0, 2**31),
)
def test_render_reply_reads_as_wechatpys_replies(
    content: str, title: str, url: str, to_user: str, create_time: int
) -> None:
    from wechatpy.replies import ArticlesReply
    from wechatpy.replies import TextReply as TheirText

    def fields(xml: str) -> dict[str, str] | None:
        return reference_parse(xml.encode("utf-8", "surrogatepass"))

    ours = render_reply(text(content), to_user=to_user, from_user="gh", create_time=create_time)
    safe = content.replace("]]>", "]]]]><![CDATA[>")
    theirs = TheirText(source="gh", target=to_user, time=create_time, content=safe).render()
    assert fields(ours) == fields(theirs)
    ours = render_reply(
        news(title, "说明", url, url), to_user=to_user, from_user="gh", create_time=create_time
    )
    articles = ArticlesReply(source="gh", target=to_user, time=create_time)
    safe_title, safe_url = (v.replace("]]>", "]]]]><![CDATA[>") for v in (title, url))
    articles.add_article(
        {"title": safe_title, "description": "说明", "image": safe_url, "url": safe_url}
    )
    assert fields(ours) == fields(articles.render())


@settings(max_examples=200, deadline=None)
@given(message=st.text(max_size=3000))
def test_aes_box_against_wechatpy_prp_crypto_both_ways(message: str) -> None:
    from wechatpy.crypto import PrpCrypto

    v_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    envelope = WeChatEnvelope("t", "wx_app", v_key)
    box = envelope.box
    assert box is not None
    theirs = PrpCrypto(base64.b64decode(v_key + "="))
    plain = message.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    assert theirs.decrypt(box.encrypt(plain), "wx_app") == plain
    assert box.decrypt(theirs.encrypt(plain, "wx_app").decode()) == plain
    with pytest.raises(DecryptionFailed):
        WeChatEnvelope("t", "wx_other", v_key).box.decrypt(box.encrypt(plain))  # type: ignore[union-attr]


@settings(max_examples=300, deadline=None)
@given(
    ciphertext=st.text(max_size=200)
    | st.binary(max_size=200).map(base64.b64encode).map(bytes.decode)
)
def test_aes_box_refuses_garbage_with_decryption_failed_only(ciphertext: str) -> None:
    box = WeChatEnvelope("t", "wx_app", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").box
    assert box is not None
    with pytest.raises(DecryptionFailed):
        box.decrypt(ciphertext)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_sign_is_wechatpys_signer(parts: list[str]) -> None:
    from wechatpy.utils import WeChatSigner

    signer = WeChatSigner()
    signer.add_data(*parts)
    assert sign(*parts) == signer.signature
