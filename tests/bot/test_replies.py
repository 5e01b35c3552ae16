"""Reply helpers and the 2048-byte splitting rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.replies import (
    MORE_HINT,
    TEXT_LIMIT_BYTES,
    Article,
    NewsReply,
    TextReply,
    as_reply,
    news,
    split_for_more,
    split_text,
    text,
)


def size(value: str) -> int:
    return len(value.encode("utf-8"))


def test_short_text_is_one_part() -> None:
    assert split_text("办理要件：身份证") == ["办理要件：身份证"]


def test_split_at_line_ends() -> None:
    line = "甲" * 100  # 300 bytes
    content = "\n".join([line] * 20)  # 301 bytes a line with its break: 6 lines a part
    parts = split_text(content)
    assert [p.count("\n") + 1 for p in parts] == [6, 6, 6, 2]
    assert all(size(p) <= TEXT_LIMIT_BYTES for p in parts)
    assert all(set(p.split("\n")) == {line} for p in parts)  # no line was cut
    assert "\n".join(parts) == content


def test_a_line_longer_than_the_limit_is_cut_between_characters() -> None:
    content = "藏" * 1000  # 3000 bytes, no line break
    parts = split_text(content)
    assert [size(p) for p in parts] == [2046, 954]
    assert "".join(parts) == content


@given(st.text(alphabet=st.sampled_from("ab中文\n😀 "), max_size=3000))
def test_parts_fit_and_keep_every_character(content: str) -> None:
    parts = split_text(content, limit=200)
    assert all(0 < size(p) <= 200 for p in parts) or parts == [content]
    assert "".join(parts).replace("\n", "") == content.replace("\n", "")


def test_split_for_more_adds_the_hint_within_the_limit() -> None:
    content = "\n".join(["乙" * 100] * 30)
    parts = split_for_more(content)
    assert len(parts) > 1
    assert all(p.endswith(MORE_HINT) for p in parts[:-1])
    assert not parts[-1].endswith(MORE_HINT)
    assert all(size(p) <= TEXT_LIMIT_BYTES for p in parts)
    assert split_for_more("短") == ["短"]


def test_as_reply_normalises_handler_results() -> None:
    article = Article("标题", url="https://x")
    assert as_reply("你好") == TextReply("你好")
    assert as_reply("") is None
    assert as_reply(None) is None
    assert as_reply(article) == NewsReply(article)
    assert as_reply(text("x")) == TextReply("x")
    assert news("标题", url="https://x") == NewsReply(article)
    with pytest.raises(TypeError):
        as_reply(42)


def test_limit_must_hold_a_character() -> None:
    with pytest.raises(ValueError):
        split_text("abc", limit=3)
