"""The load benchmark's pieces: query reading, percentiles, loopback only, reply decoding,
CPU accounting and the checks made before any work."""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from typing import Any

import pytest

from bot.wire import WeChatEnvelope, build_xml
from tools.benchmarks import load
from tools.benchmarks.load import DEVSET, percentile, read_queries
from tools.benchmarks.load_client import LoadError, Target, openid_of

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


def test_server_cpu_is_read_per_process_group() -> None:
    group = os.getpgid(0)
    before = load.group_cpu_seconds(group)
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # burn a little CPU in this process group
        pass
    assert load.group_cpu_seconds(group) - before >= 0.1
    assert load.group_cpu_seconds(2**22 + 12345) == 0.0  # no such group


def test_unknown_side_and_missing_werobot_are_refused_before_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(load.LoadError, match="sides"):
        load.check_sides(load.Options(sides=("zwbot", "flask")))
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "werobot" else real(name, *a)
    )
    with pytest.raises(load.LoadError, match=r"\.\[bench\]"):
        load.check_sides(load.Options(sides=("zwbot", "werobot")))
    load.check_sides(load.Options(sides=("zwbot",)))


def test_zwbot_counters_give_hit_rate_and_cpu_apart_from_search() -> None:
    side = load.Side("zwbot", [], 1, "/readyz", Target("http://127.0.0.1:1/w", _envelope()))
    side.tally.latencies = [0.01] * 1000
    side.seconds, side.server_cpu = 10.0, 1.5  # 1.5 ms of server CPU per message
    side.counted = {
        "zwbot_search_cpu_seconds_total": 1.0,
        "zwbot_search_cache_hits_total": 600.0,
        "zwbot_search_cache_misses_total": 400.0,
    }
    figures = load.figures_of(side, 10)
    assert figures.cache_hit_rate == 0.6
    assert (figures.search_cpu_ms_per_message, figures.own_cpu_ms_per_message) == (1.0, 0.5)
    plain = dict(messages_per_second=100.0, p99_ms=50.0, errors=0, own_cpu_ms_per_message=None)
    result: dict[str, Any] = {
        "zwbot": {**plain, "messages_per_second": 160.0, "own_cpu_ms_per_message": 0.5},
        "zwbot-nocache": {**plain, "messages_per_second": 90.0, "own_cpu_ms_per_message": 0.7},
        "werobot": plain,
    }
    found = load.targets(result)
    assert found["zwbot_throughput_at_least_1.5x"] and found["zwbot_own_cpu_at_most_0_5ms"]
    assert not found["zwbot_nocache_throughput_at_least_1.0x"]
    assert not found["zwbot_nocache_own_cpu_at_most_0_5ms"]
    assert result["zwbot_throughput_ratio"] == 1.6


def _envelope() -> WeChatEnvelope:
    return WeChatEnvelope("t", "wx1", AES)
