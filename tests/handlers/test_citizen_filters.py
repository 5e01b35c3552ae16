"""The citizen filters' shared reading of what was said."""

from __future__ import annotations

from bot.events import event_from_fields
from catalogue.models import FundItem
from handlers.citizen.filters import fund_as_written, said

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


def test_a_fund_said_in_everyday_words_is_named_in_the_lists_terms():
    rows = [FundItem(project_name="农村义务教育学生营养改善计划补助资金")]
    assert fund_as_written("娃娃们营养餐", rows) == "营养改善计划"
    assert fund_as_written("营养", rows) == "营养"  # already names it
    assert fund_as_written("娃娃们", rows) == "娃娃们"  # names none: left as said
