"""The load benchmark's pieces: query reading, percentiles, loopback only, reply decoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.wire import WeChatEnvelope, build_xml
from handlers.benchmarks.load import DEVSET, percentile, read_queries
from handlers.benchmarks.load_client import LoadError, Target, openid_of

AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def test_queries_come_from_the_development_set() -> None:
    queries = read_queries(DEVSET)
    assert len(queries) >= 150
    assert all(query and "\t" not in query for query in queries)


def test_empty_query_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "none.tsv"
    empty.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(LoadError):
        read_queries(empty)


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.99) == 0.0


def test_load_goes_to_loopback_only() -> None:
    envelope = WeChatEnvelope("t", "wx1", AES)
    assert Target("http://127.0.0.1:8000/wechat", envelope).port == 8000
    with pytest.raises(LoadError, match="loopback"):
        Target("http://10.0.0.5:8000/wechat", envelope)


def test_deliveries_are_signed_encrypted_and_replies_decoded() -> None:
    envelope = WeChatEnvelope("t", "wx1", AES)
    target = Target("http://127.0.0.1:8000/wechat", envelope)
    path, body = target.delivery("<xml><ToUserName>gh</ToUserName></xml>")
    assert path.startswith("/wechat?") and "msg_signature=" in path and b"<Encrypt>" in body
    reply = build_xml({"ToUserName": "o", "FromUserName": "gh", "MsgType": "text",
                       "Content": "为您找到以下事项"})  # fmt: skip
    sealed = envelope.box.seal(reply) if envelope.box else reply
    assert target.reply_text(sealed.encode("utf-8")) == "为您找到以下事项"
    assert target.reply_text(b"success") == ""
    assert len(openid_of(7, 3, "abc123")) == 28
