"""The citizen filters' shared reading of what was said."""

from __future__ import annotations

from bot.events import event_from_fields
from handlers.citizen.filters import said

BASE = {"ToUserName": "gh", "FromUserName": "o1", "CreateTime": "1", "MsgId": "1"}


def test_said_is_normalised_once_per_event_and_never_mixed_up() -> None:
    first = event_from_fields({**BASE, "MsgType": "text", "Content": " 办  身份证３ "})
    second = event_from_fields({**BASE, "MsgType": "text", "Content": "低保"})
    voice = event_from_fields({**BASE, "MsgType": "voice", "Recognition": "ＡＢ"})
    image = event_from_fields({**BASE, "MsgType": "image"})
    assert said(first) == "办 身份证3"
    assert said(first) == "办 身份证3"
    assert said(second) == "低保"
    assert said(first) == "办 身份证3"  # asked again after another event: still its own
    assert said(voice) == "AB"
    assert said(image) is None
    assert said(image) is None
