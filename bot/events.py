"""Typed WeChat messages and events, built from the flat field dict of a callback XML."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    """The observer an update is routed to (one per message type or event)."""

    TEXT = "text"
    VOICE = "voice"
    IMAGE = "image"
    LOCATION = "location"
    LINK = "link"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    SCAN = "scan"
    CLICK = "click"
    VIEW = "view"
    LOCATION_EVENT = "location_event"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Event:
    """Fields common to every callback; `raw` keeps every field as received."""

    to_user: str
    from_user: str
    create_time: int
    msg_type: str
    raw: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    kind = Kind.UNKNOWN

    @property
    def user_id(self) -> str:
        """The sender's openid (WeCom: userid)."""
        return self.from_user

    @property
    def dedup_key(self) -> str:
        """What a WeChat retry shares with the first delivery (MsgId, else sender + time)."""
        msg_id = self.raw.get("MsgId") or self.raw.get("MsgID")
        if msg_id and self.msg_type != "event":
            return f"msg:{msg_id}"
        return f"evt:{self.from_user}:{self.create_time}:{self.raw.get('Event', '')}"


@dataclass(frozen=True, slots=True)
class TextMessage(Event):
    content: str = ""
    msg_id: str = ""
    kind = Kind.TEXT


@dataclass(frozen=True, slots=True)
class VoiceMessage(Event):
    media_id: str = ""
    format: str = ""
    recognition: str = ""
    msg_id: str = ""
    kind = Kind.VOICE


@dataclass(frozen=True, slots=True)
class ImageMessage(Event):
    pic_url: str = ""
    media_id: str = ""
    msg_id: str = ""
    kind = Kind.IMAGE


@dataclass(frozen=True, slots=True)
class LocationMessage(Event):
    latitude: float = 0.0
    longitude: float = 0.0
    scale: int = 0
    label: str = ""
    msg_id: str = ""
    kind = Kind.LOCATION


@dataclass(frozen=True, slots=True)
class LinkMessage(Event):
    title: str = ""
    description: str = ""
    url: str = ""
    msg_id: str = ""
    kind = Kind.LINK


@dataclass(frozen=True, slots=True)
class SubscribeEvent(Event):
    """Follow; `event_key` is the QR scene (without `qrscene_`) when followed by scanning."""

    event_key: str = ""
    ticket: str = ""
    kind = Kind.SUBSCRIBE


@dataclass(frozen=True, slots=True)
class UnsubscribeEvent(Event):
    kind = Kind.UNSUBSCRIBE


@dataclass(frozen=True, slots=True)
class ScanEvent(Event):
    event_key: str = ""
    ticket: str = ""
    kind = Kind.SCAN


@dataclass(frozen=True, slots=True)
class ClickEvent(Event):
    event_key: str = ""
    kind = Kind.CLICK


@dataclass(frozen=True, slots=True)
class ViewEvent(Event):
    """A menu link was opened; `event_key` is the URL."""

    event_key: str = ""
    kind = Kind.VIEW


@dataclass(frozen=True, slots=True)
class LocationEvent(Event):
    """The periodic location report a user allowed."""

    latitude: float = 0.0
    longitude: float = 0.0
    precision: float = 0.0
    kind = Kind.LOCATION_EVENT


@dataclass(frozen=True, slots=True)
class UnknownEvent(Event):
    """Any message type or event this framework has no class for; see `raw`."""

    event: str = ""
    kind = Kind.UNKNOWN


def _float(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


class _Common(NamedTuple):
    to_user: str
    from_user: str
    create_time: int
    msg_type: str
    raw: Mapping[str, str]


def _subscribe(f: Mapping[str, str], b: _Common) -> Event:
    key = f.get("EventKey", "").removeprefix("qrscene_")
    return SubscribeEvent(*b, event_key=key, ticket=f.get("Ticket", ""))


_BUILDERS: dict[str, Callable[[Mapping[str, str], _Common], Event]] = {
    "text": lambda f, b: TextMessage(*b, content=f.get("Content", ""), msg_id=f.get("MsgId", "")),
    "voice": lambda f, b: VoiceMessage(
        *b,
        media_id=f.get("MediaId", ""),
        format=f.get("Format", ""),
        recognition=f.get("Recognition", ""),
        msg_id=f.get("MsgId", ""),
    ),
    "image": lambda f, b: ImageMessage(
        *b, pic_url=f.get("PicUrl", ""), media_id=f.get("MediaId", ""), msg_id=f.get("MsgId", "")
    ),
    "location": lambda f, b: LocationMessage(
        *b,
        latitude=_float(f.get("Location_X")),
        longitude=_float(f.get("Location_Y")),
        scale=_int(f.get("Scale")),
        label=f.get("Label", ""),
        msg_id=f.get("MsgId", ""),
    ),
    "link": lambda f, b: LinkMessage(
        *b,
        title=f.get("Title", ""),
        description=f.get("Description", ""),
        url=f.get("Url", ""),
        msg_id=f.get("MsgId", ""),
    ),
    "event:subscribe": _subscribe,
    "event:unsubscribe": lambda f, b: UnsubscribeEvent(*b),
    "event:scan": lambda f, b: ScanEvent(
        *b, event_key=f.get("EventKey", ""), ticket=f.get("Ticket", "")
    ),
    "event:click": lambda f, b: ClickEvent(*b, event_key=f.get("EventKey", "")),
    "event:view": lambda f, b: ViewEvent(*b, event_key=f.get("EventKey", "")),
    "event:location": lambda f, b: LocationEvent(
        *b,
        latitude=_float(f.get("Latitude")),
        longitude=_float(f.get("Longitude")),
        precision=_float(f.get("Precision")),
    ),
}


def event_from_fields(fields: Mapping[str, str]) -> Event:
    """The typed event for a callback's top-level fields; unknown kinds become `UnknownEvent`."""
    msg_type = fields.get("MsgType", "").strip().lower()
    event_name = fields.get("Event", "").strip()
    base = _Common(
        fields.get("ToUserName", ""),
        fields.get("FromUserName", ""),
        _int(fields.get("CreateTime")),
        msg_type,
        dict(fields),
    )
    key = f"event:{event_name.lower()}" if msg_type == "event" else msg_type
    builder = _BUILDERS.get(key)
    if builder is None:
        return UnknownEvent(*base, event=event_name)
    return builder(fields, base)
