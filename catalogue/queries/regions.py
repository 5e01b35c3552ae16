"""Towns and villages of the county by code or by a name as people type it (fuzzy, ambiguous)."""

from __future__ import annotations

import difflib
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.db import PLACES_VERSION
from catalogue.models import Region

# Longest first: "村民委员会" must go before "村".
_SUFFIXES = (
    "村民委员会",
    "居民委员会",
    "委员会",
    "村委会",
    "村委",
    "社区",
    "街道",
    "村",
    "镇",
    "乡",
)
MAX_PLACE_TEXT = 60
FUZZY_CUTOFF = 0.75


@dataclass(frozen=True)
class Place:
    """A town or village with the town it lies in, ready to be shown to people."""

    code: str
    name: str
    short_name: str
    level: str
    town_code: str | None
    town_name: str | None

    @property
    def label(self) -> str:
        """「华藏寺镇 南街村」 for a village, the town's own name for a town."""
        shown = self.short_name or self.name
        if self.level == "village" and self.town_name:
            return f"{self.town_name} {shown}"
        return shown


@dataclass
class RegionMatch:
    """The places a typed name may mean; more than one means the person must choose."""

    text: str
    places: list[Place] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        """Several places fit equally well (e.g. same-named villages in different towns)."""
        return len(self.places) > 1

    @property
    def place(self) -> Place | None:
        """The single place meant, if exactly one fits."""
        return self.places[0] if len(self.places) == 1 else None


# Place names are matched against every town and village for each new name typed: the cores
# of the last names seen are kept (a pure function of the name).
@lru_cache(maxsize=8192)
def core_name(name: str) -> str:
    """A place name without its administrative suffix: 「南街村民委员会」 → 「南街」."""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


# With a `PLACES_VERSION` callable in the session's info (the server's sessions carry one,
# `handlers.db.database`), a worker reads the towns and villages once per value it returns
# instead of once per question naming a place; without it (scripts), every call reads them.
MAX_MATCHES = 4096  # typed place names whose matches a worker keeps per version


@dataclass
class _Kept:
    """The towns and villages of one database at one version, and the names matched so far."""

    version: object
    places: tuple[Place, ...]
    matches: dict[str, tuple[Place, ...]] = field(default_factory=dict)
    bare: BareNames | None = None  # `_bare_names` of the places, made at first use


_KEPT: weakref.WeakKeyDictionary[Any, _Kept] = weakref.WeakKeyDictionary()


async def _kept(session: AsyncSession) -> _Kept | None:
    """This worker's places for the session's database, None when its sessions carry no
    version (then every call reads)."""
    version = session.info.get(PLACES_VERSION)
    engine = session.bind.sync_engine if session.bind is not None else None
    if not callable(version) or engine is None:
        return None
    now = version()
    kept = _KEPT.get(engine)
    if kept is not None and kept.version == now:
        return kept
    places = tuple(await _read_places(session))
    # What each name matched depends on the places alone: when they read the same as before
    # (the version moves every few seconds to catch renames elsewhere), the matches stay.
    matches = kept.matches if kept is not None and kept.places == places else {}
    kept = _Kept(now, places, matches)
    if version() == now:  # not changed while reading
        _KEPT[engine] = kept
    return kept


async def _places(session: AsyncSession) -> list[Place]:
    kept = await _kept(session)
    return list(kept.places) if kept is not None else await _read_places(session)


async def _read_places(session: AsyncSession) -> list[Place]:
    rows = list(
        await session.scalars(
            select(Region).where(Region.level.in_(("town", "village"))).order_by(Region.code)
        )
    )
    towns = {r.code: r for r in rows if r.level == "town"}
    places = []
    for region in rows:
        town = towns.get(region.parent_code or "") if region.level == "village" else None
        places.append(
            Place(
                code=region.code,
                name=region.name,
                short_name=region.short_name,
                level=region.level,
                town_code=town.code if town else (region.code if region.level == "town" else None),
                town_name=(town.short_name or town.name) if town else None,
            )
        )
    return places


def _cores(place: Place) -> set[str]:
    return {core_name(place.name), core_name(place.short_name or place.name)} - {""}


def _names(place: Place) -> set[str]:
    return {place.name, place.short_name} - {""}


# Sounds the county's speech does not tell apart (西北方言: front and back nasals, flat and
# retroflex initials): 炭山林 is heard for 炭山岭, 抓喜 for 抓西.
_MERGED_SOUNDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ng", "n"))


@lru_cache(maxsize=4096)
def _sound(name: str) -> str:
    # Homophones are the commonest slip when typing or speaking a village name (红达 → 红大).
    # pypinyin reads its phrase dictionary on import (about 0.2 s): at first use, not at start.
    from pypinyin import lazy_pinyin

    sound = " ".join(lazy_pinyin(name))
    for heard, said in _MERGED_SOUNDS:
        sound = sound.replace(heard, said)
    return sound


_SUFFIX_SOUNDS = frozenset({"zen", "xian"})  # 镇, 乡 (merged): 「华藏寺真」 is 华藏寺镇


def _best(text: str, places: list[Place]) -> list[Place]:
    if not text:
        return []
    core = core_name(text)
    # A homophone of a whole name beats a shorter name inside the text (抓西秀龙 is 抓喜秀龙镇,
    # not 秀龙社区).
    tests: list[Callable[[Place], bool]] = [
        lambda p: text in _names(p),
        lambda p: core in _cores(p),
        lambda p: len(core) >= 2 and any(_sound(core) == _sound(c) for c in _cores(p)),
        lambda p: any(len(c) >= 2 and c in text for c in _cores(p)),
        lambda p: len(core) >= 2 and any(core in n for n in _names(p)),
    ]
    for test in tests:
        found = [p for p in places if test(p)]
        if found:
            # A village named in the text beats the town it lies in ("南街村" inside 华藏寺镇).
            villages = [p for p in found if p.level == "village"]
            return villages or found
    scored = sorted(
        (
            (max(difflib.SequenceMatcher(None, core, c).ratio() for c in _cores(p)), p.code, p)
            for p in places
        ),
        key=lambda t: (-t[0], t[1]),
    )
    if not scored or scored[0][0] < FUZZY_CUTOFF:
        return []
    top = scored[0][0]
    return [p for score, _, p in scored if score == top]


async def find_regions(*, session: AsyncSession, name: str) -> RegionMatch:
    """The towns or villages a typed name means: exact, without suffix, contained, or similar.

    A town named in the text narrows the villages ("华藏寺镇南街村"); same-named villages of
    different towns all come back, so the caller can ask which one was meant.
    """
    text = "".join(unicodedata.normalize("NFKC", name[:MAX_PLACE_TEXT]).split())
    match = RegionMatch(text=text)
    if not text:
        return match
    kept = await _kept(session)
    if kept is None:
        match.places = _match(text, await _read_places(session))
        return match
    found = kept.matches.get(text)
    if found is None:
        found = tuple(_match(text, list(kept.places)))
        if len(kept.matches) >= MAX_MATCHES:
            kept.matches.clear()
        kept.matches[text] = found
    match.places = list(found)
    return match


def _match(text: str, places: list[Place]) -> list[Place]:
    """The places `text` (normalised, not empty) means, best first: a town's name in it
    narrows the villages to the town's; so does a town's name heard in it (「打材沟大弯村」:
    柴 and 材 sound alike here), when no town is named as written."""
    towns = sorted(
        (p for p in places if p.level == "town"),
        key=lambda t: -max(len(n) for n in _names(t) | _cores(t)),
    )
    for finds in (_written, _heard):
        for town in towns:
            named = sorted(_names(town) | _cores(town), key=len, reverse=True)
            rest = next(
                (r for n in named if len(n) >= 2 and (r := finds(n, text)) is not None), None
            )
            if rest is None:
                continue
            if core_name(rest) in ("", "镇", "乡") or _sound(rest) in _SUFFIX_SOUNDS:
                return [town]
            inside = [p for p in places if p.level == "village" and p.town_code == town.code]
            found = _best(rest, inside)
            if found:
                return found
    return _best(text, places)


def _written(name: str, text: str) -> str | None:
    """The text without the name, when the name is in it as written."""
    return text.replace(name, "", 1) if name in text else None


def _heard(name: str, text: str) -> str | None:
    """The text without a run of characters that sounds like the name, if one does."""
    for start in range(len(text) - len(name) + 1):
        run = text[start : start + len(name)]
        if _sound(run) == _sound(name):
            return text[:start] + text[start + len(name) :]
    return None


MIN_BARE_CORE = 2  # characters of a town's or village's name said without its suffix

# Per town: its names, longest first, and its villages' (name without 村, full label), longest
# first.
BareNames = tuple[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], ...]


def _bare_names(places: tuple[Place, ...]) -> BareNames:
    table = []
    for town in (p for p in places if p.level == "town"):
        names = tuple(
            n
            for n in sorted(_names(town) | _cores(town), key=len, reverse=True)
            if len(n) >= MIN_BARE_CORE
        )
        villages = sorted(
            (
                (core_name(v.name), v.label.replace(" ", ""))
                for v in places
                if v.level == "village" and v.town_code == town.code
            ),
            key=lambda pair: -len(pair[0]),
        )
        table.append((names, tuple(pair for pair in villages if len(pair[0]) >= MIN_BARE_CORE)))
    return tuple(table)


async def spelled_out(*, session: AsyncSession, text: str) -> str:
    """The text with a town's and one of its villages' names said bare, one right after the
    other (「我屋里在朵什窑洞湾」), written out in full (朵什镇窑洞湾村): how people name their
    village, and a pair no other words make. Any other text comes back as it is."""
    said = unicodedata.normalize("NFKC", text[:MAX_PLACE_TEXT])
    kept = await _kept(session)
    if kept is None:
        table = _bare_names(tuple(await _read_places(session)))
    else:
        if kept.bare is None:
            kept.bare = _bare_names(kept.places)
        table = kept.bare
    for names, villages in table:
        for name in names:
            start = said.find(name)
            if start < 0:
                continue
            after = said[start + len(name) :]
            for bare, full in villages:
                if after.startswith(bare):
                    rest = after[len(bare) :]
                    rest = rest[1:] if rest.startswith("村") else rest
                    return said[:start] + full + rest + text[MAX_PLACE_TEXT:]
    return text


async def region_by_code(*, session: AsyncSession, code: str) -> Place | None:
    """The town or village with this statistical code."""
    if not code.isdigit() or len(code) > 12:
        return None
    return next((p for p in await _places(session) if p.code == code), None)


async def places_coded(*, session: AsyncSession, prefix: str) -> list[Place]:
    """The places whose statistical code starts with `prefix` (a code cut short), by code."""
    return [p for p in await _places(session) if p.code.startswith(prefix) and p.code != prefix]


@dataclass(frozen=True)
class Division:
    """A division above the towns (county, city, province) with the places it holds."""

    code: str
    name: str
    level: str
    parents: tuple[str, ...]  # the names of the divisions it lies in, nearest first
    towns: int
    villages: int


async def division_by_code(*, session: AsyncSession, code: str) -> Division | None:
    """The county, city or province with this 6-digit code (GB/T 2260), as far as the regions
    table holds it, with how many of the county's towns and villages lie within it."""
    if not (code.isdigit() and len(code) == 6):
        return None
    region = await session.get(Region, code)
    if region is None or region.level in ("town", "village"):
        return None
    parents: list[str] = []
    parent_code = region.parent_code
    while parent_code and len(parents) < 4:
        parent = await session.get(Region, parent_code)
        if parent is None:
            break
        parents.append(parent.name)
        parent_code = parent.parent_code
    prefix = code.rstrip("0") if region.level != "county" else code
    within = [p for p in await _places(session) if p.code.startswith(prefix)]
    return Division(
        code=code,
        name=region.name,
        level=region.level,
        parents=tuple(parents),
        towns=sum(p.level == "town" for p in within),
        villages=sum(p.level == "village" for p in within),
    )


async def places(*, session: AsyncSession) -> list[Place]:
    """Every town and village, by code."""
    return await _places(session)


async def towns(*, session: AsyncSession) -> list[Place]:
    """Every town of the county, by code."""
    return [p for p in await _places(session) if p.level == "town"]


MIN_PLACE_NAME = 3  # characters of a name said as written that names a place (下河东村)


async def towns_named(*, session: AsyncSession, text: str) -> frozenset[str]:
    """The towns a text names as written: by the town's name (打柴沟镇), or by the name of a
    village (下河东村) no other town has a village of; each as the town is shown
    (`Place.town_name`). Exact names only: a place said loosely is for `find_regions`."""
    said = "".join(unicodedata.normalize("NFKC", text[:MAX_PLACE_TEXT]).split())
    named: dict[str, set[str]] = {}  # name said → the towns it may be in
    for place in await _places(session):
        town = place.town_name if place.level == "village" else place.short_name or place.name
        for name in _names(place):
            if len(name) >= MIN_PLACE_NAME and name in said and town:
                named.setdefault(name, set()).add(town)
    # A village named inside a longer name said (上河东村 holds 河东村) is not named.
    return frozenset(
        town
        for name, towns in named.items()
        if len(towns) == 1 and not any(name in other and name != other for other in named)
        for town in towns
    )


async def villages_of(*, session: AsyncSession, town_code: str) -> list[Place]:
    """The villages of one town, by code."""
    return [p for p in await _places(session) if p.level == "village" and p.town_code == town_code]


def region_label(place: Place) -> str:
    """How a place is named to people (「华藏寺镇 南街村」)."""
    return place.label
