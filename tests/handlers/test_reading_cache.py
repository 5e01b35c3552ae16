"""A message's reading is kept per worker: the same reading as understanding it anew."""

from __future__ import annotations

from handlers.citizen.understanding.reading import READER, read

MESSAGES = ("身份证丢了怎么补办", "人工", "红大村扶贫资金", "谢谢", "？", "办营业执照要多久")


def test_a_kept_reading_is_the_one_read_anew() -> None:
    for text in MESSAGES:
        first = read(text)
        assert read(text) is first  # kept
        assert first == READER.read(text)
