"""Matters citizens ask about that a county's catalogue of items does not hold (出入境证件,
驾驶证, 公积金, 不动产登记, 税务, 医保 …), and who handles each instead: shipped as data
(`outside_matters.json`) so an honest miss can say where to go, never only "not found"."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent / "outside_matters.json"


class OutsideMattersError(ValueError):
    """A shipped entry that strays from the format (a packaging mistake)."""


@dataclass(frozen=True, slots=True)
class OutsideMatter:
    """A matter outside the catalogue: its name, the words citizens use for it, words of the
    local department to ask (its phone is the catalogue's), who handles it and a national
    service number when there is one."""

    name: str
    said: tuple[str, ...]
    ask: tuple[str, ...]
    office: str
    hotline: str = ""
    # An emergency (someone missing, a fire, a life in danger): said in a few words, its number
    # is given before anything else, never a search.
    urgent: bool = False


def _words(raw: Any, field: str, name: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        raise OutsideMattersError(f"{name}: {field} must be a list of words")
    return tuple(w.strip() for w in raw)


def parse(raw: Any) -> tuple[OutsideMatter, ...]:
    """The matters of a decoded file; OutsideMattersError on any entry out of format."""
    entries = raw.get("matters") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise OutsideMattersError("matters: a list is needed")
    matters = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        office = entry.get("office") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name or not isinstance(office, str) or not office:
            raise OutsideMattersError(f"{entry!r}: name and office are needed")
        said = _words(entry.get("said"), "said", name)
        if not said:
            raise OutsideMattersError(f"{name}: said is empty")
        hotline = entry.get("hotline", "")
        if not isinstance(hotline, str):
            raise OutsideMattersError(f"{name}: hotline must be text")
        ask = _words(entry.get("ask", []), "ask", name)
        urgent = entry.get("urgent", False)
        if not isinstance(urgent, bool) or (urgent and not hotline):
            raise OutsideMattersError(f"{name}: urgent is true or false, and needs a hotline")
        matters.append(OutsideMatter(name, said, ask, office, hotline, urgent))
    return tuple(matters)


@lru_cache(maxsize=1)
def outside_matters() -> tuple[OutsideMatter, ...]:
    """The shipped matters (read once)."""
    return parse(json.loads(SHIPPED.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Hotline:
    """A national service number of the shipped matters, what it is called and the matters
    it serves."""

    number: str
    label: str
    matters: tuple[str, ...]


def _split_hotline(hotline: str) -> tuple[str, str]:
    digits = len(hotline) - len(hotline.lstrip("0123456789"))
    return hotline[:digits], hotline[digits:]


@lru_cache(maxsize=1)
def hotlines() -> dict[str, Hotline]:
    """The national service numbers of the shipped matters, by number (「12333」)."""
    found: dict[str, Hotline] = {}
    for matter in outside_matters():
        number, label = _split_hotline(matter.hotline)
        if not number:
            continue
        known = found.get(number)
        served = (*known.matters, matter.name) if known else (matter.name,)
        found[number] = Hotline(number, label, served)
    return found


__all__ = [
    "Hotline",
    "OutsideMatter",
    "OutsideMattersError",
    "hotlines",
    "outside_matters",
    "parse",
]
