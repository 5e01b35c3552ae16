"""Typed events from callback fields, and the dedup key WeChat's retries share."""

from __future__ import annotations

import pytest

from bot.events import (
    ClickEvent,
    ImageMessage,
    Kind,
    LinkMessage,
    LocationEvent,
    LocationMessage,
    ScanEvent,
    SubscribeEvent,
    TextMessage,
    UnknownEvent,
    UnsubscribeEvent,
    ViewEvent,
    VoiceMessage,
    event_from_fields,
)

BASE = {"ToUserName": "gh_a", "FromUserName": "o_user", "CreateTime": "1700000000"}


def test_text_message() -> None:
    event = event_from_fields({**BASE, "MsgType": "text", "Content": "营业执照", "MsgId": "42"})
    assert isinstance(event, TextMessage)
    assert (event.content, event.msg_id, event.kind) == ("营业执照", "42", Kind.TEXT)
    assert (event.user_id, event.to_user, event.create_time) == ("o_user", "gh_a", 1700000000)
    assert event.dedup_key == "msg:42"


def test_voice_carries_recognition() -> None:
    fields = {**BASE, "MsgType": "voice", "MediaId": "m", "Format": "amr", "Recognition": "办户口"}
    event = event_from_fields({**fields, "MsgId": "7"})
    assert isinstance(event, VoiceMessage)
    assert (event.recognition, event.format, event.kind) == ("办户口", "amr", Kind.VOICE)


@pytest.mark.parametrize(
    ("fields", "cls", "attrs"),
    [
        (
            {"MsgType": "image", "PicUrl": "http://p", "MediaId": "m"},
            ImageMessage,
            {"pic_url": "http://p"},
        ),
        (
            {
                "MsgType": "location",
                "Location_X": "37.2",
                "Location_Y": "102.8",
                "Scale": "15",
                "Label": "天祝",
            },
            LocationMessage,
            {"latitude": 37.2, "longitude": 102.8, "scale": 15, "label": "天祝"},
        ),
        (
            {"MsgType": "link", "Title": "t", "Url": "http://u"},
            LinkMessage,
            {"title": "t", "url": "http://u"},
        ),
        ({"MsgType": "event", "Event": "subscribe"}, SubscribeEvent, {"event_key": ""}),
        (
            {
                "MsgType": "event",
                "Event": "subscribe",
                "EventKey": "qrscene_village_01",
                "Ticket": "T",
            },
            SubscribeEvent,
            {"event_key": "village_01", "ticket": "T"},
        ),
        ({"MsgType": "event", "Event": "unsubscribe"}, UnsubscribeEvent, {}),
        ({"MsgType": "event", "Event": "SCAN", "EventKey": "7"}, ScanEvent, {"event_key": "7"}),
        (
            {"MsgType": "event", "Event": "CLICK", "EventKey": "GUIDE"},
            ClickEvent,
            {"event_key": "GUIDE"},
        ),
        (
            {"MsgType": "event", "Event": "VIEW", "EventKey": "http://v"},
            ViewEvent,
            {"event_key": "http://v"},
        ),
        (
            {
                "MsgType": "event",
                "Event": "LOCATION",
                "Latitude": "1.5",
                "Longitude": "2.5",
                "Precision": "30",
            },
            LocationEvent,
            {"latitude": 1.5, "longitude": 2.5, "precision": 30.0},
        ),
        ({"MsgType": "shortvideo", "MediaId": "m"}, UnknownEvent, {"kind": Kind.UNKNOWN}),
        (
            {"MsgType": "event", "Event": "TEMPLATESENDJOBFINISH"},
            UnknownEvent,
            {"event": "TEMPLATESENDJOBFINISH"},
        ),
        ({}, UnknownEvent, {"msg_type": ""}),
    ],
)
def test_each_kind(fields: dict[str, str], cls: type, attrs: dict[str, object]) -> None:
    event = event_from_fields({**BASE, **fields})
    assert type(event) is cls
    for name, value in attrs.items():
        assert getattr(event, name) == value


def test_event_dedup_key_is_sender_and_time() -> None:
    first = event_from_fields({**BASE, "MsgType": "event", "Event": "CLICK", "EventKey": "A"})
    retry = event_from_fields({**BASE, "MsgType": "event", "Event": "CLICK", "EventKey": "A"})
    other_user = event_from_fields(
        {**BASE, "FromUserName": "o_2", "MsgType": "event", "Event": "CLICK"}
    )
    later = event_from_fields(
        {**BASE, "CreateTime": "1700000001", "MsgType": "event", "Event": "CLICK"}
    )
    assert first.dedup_key == retry.dedup_key
    assert len({first.dedup_key, other_user.dedup_key, later.dedup_key}) == 3


def test_bad_numbers_do_not_raise() -> None:
    event = event_from_fields(
        {**BASE, "CreateTime": "x", "MsgType": "location", "Location_X": "north"}
    )
    assert isinstance(event, LocationMessage)
    assert (event.create_time, event.latitude) == (0, 0.0)
