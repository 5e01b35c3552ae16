"""Departments as people name them: today's full and short names (from the departments
table), and old or colloquial names (「农牧局」 for today's 农业农村局) from the inventory."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import queries
from catalogue.models import Department
from catalogue.scope import scope_of
from handlers.citizen import parsing
from handlers.citizen.understanding.inventory import inventory
from handlers.citizen.understanding.reading import READER
from handlers.db.kept import KeptUntilChanged
from search.normalise import is_hanzi
from search.syllables import readings


@dataclass
class DepartmentMention:
    """The departments a text names (none when it names an unknown office), the words that
    named it, and the text without them."""

    departments: list[Department] = field(default_factory=list)
    named: str = ""
    rest: str = ""


def _aliases() -> list[tuple[str, str]]:
    names = inventory().department_aliases
    return sorted(names.items(), key=lambda pair: -len(pair[0]))


ALIASES = _aliases()


def _local(departments: list[Department]) -> list[Department]:
    # Another region's catalogue may be loaded beside the county's: its 农牧局 is not ours.
    return [
        d
        for d in departments
        if (d.region_code or parsing.COUNTY_CODE).startswith(parsing.COUNTY_CODE)
    ]


async def _lookup(session: AsyncSession, word: str) -> list[Department]:
    found = _local(await queries.find_departments(session=session, name=word))
    if found:
        return found
    for alias, today in ALIASES:
        if alias in word:
            return _local(await queries.find_departments(session=session, name=today))
    return []


def _sound(word: str) -> tuple[str, ...]:
    """Each character's commonest reading (fuzzy pinyin, as `search.syllables` hears it)."""
    return tuple(readings(c)[0] for c in word)


async def _read_sounds(session: AsyncSession, region: str) -> dict[tuple[str, ...], frozenset[int]]:
    """The deployment's departments by the sounds of their aliases and short names (without
    县): what a misheard office word is looked up in."""
    sounds: dict[tuple[str, ...], set[int]] = {}
    for alias, today in ALIASES:
        found = _local(await queries.find_departments(session=session, name=today))
        sounds.setdefault(_sound(alias), set()).update(d.id for d in found)
    for summary in await queries.departments(session=session):
        short = (summary.department.short_name or "").removeprefix("县")
        if short:
            sounds.setdefault(_sound(short), set()).add(summary.department.id)
    return {key: frozenset(ids) for key, ids in sounds.items()}


# Kept per region until the departments change: read once, not for every unknown office word.
_SOUNDS: KeptUntilChanged[str, dict[tuple[str, ...], frozenset[int]]] = KeptUntilChanged(
    ("departments",), _read_sounds
)


async def _by_sound(session: AsyncSession, word: str) -> list[Department]:
    """The department a voice message's misheard office word (「人设局」 for 人社局) sounds
    like: an alias or a short name (without 县) said with other characters of the same
    sounds; none when two offices sound alike."""
    if len(word) < MIN_SOUNDED or not all(map(is_hanzi, word)):
        return []
    sounds = await _SOUNDS.get(session, scope_of(session).within or "*")
    ids = sounds.get(_sound(word), frozenset())
    if len(ids) != 1:
        return []
    department = await session.get(Department, next(iter(ids)))
    return [department] if department is not None else []


MIN_SOUNDED = 3  # characters of an office word heard by sound (人设局): 「设局」 is too little


async def mention(session: AsyncSession, text: str) -> DepartmentMention:
    """The department named in `text`: an office word (「…局」) by its full, short, old or
    colloquial name; an alias said without the office suffix (「农牧」 is not enough)."""
    word = parsing.department_word(text)
    if word is None:
        for alias, _ in ALIASES:
            if alias in text:
                word = alias
                break
    if word is None:
        return await _by_field(session, text)
    rest = " ".join(text.replace(word, " ").split())
    # 「我想查教育局」: the office's name is the shortest tail that names a department, as
    # written or, by voice, as heard (「人设局」: 人社局, not the 建设局 「设局」 is part of).
    for start in range(len(word) - 1):
        departments = await _lookup(session, word[start:])
        if not departments and len(word) - start >= MIN_SOUNDED:
            departments = await _by_sound(session, word[start:])
        if departments:
            return DepartmentMention(departments, word[start:], rest)
    # 「华藏寺镇便民服务中心」: a town's service centre is its government's
    town = _TOWNS_CENTRE.match(word)
    if town is not None:
        departments = await _lookup(session, f"{town.group(1)}人民政府")
        if departments:
            return DepartmentMention(departments, word, rest)
    return DepartmentMention([], READER.strip_fillers(word) or word, rest)


_TOWNS_CENTRE = re.compile(
    r"^(.{1,6}?[镇乡])(?:人民政府)?(?:便民服务中心|便民中心|服务中心|政务服务中心)$"
)
# 「民政上」 「教育口」 「交通部门」 「卫生系统」: an office's field said without 局.
_FIELD = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:上的|上|口|部门|系统)")
# 「民政的钱」: the field alone, first, right before the money; the office's own name must
# hold it as said. (A field said with the fund list's words, or alone with a year, is the fund
# question's to try: every short message would cost a look-up here.)
_FIELD_FIRST = re.compile(r"^([\u4e00-\u9fff]{2,3}?)的?(?:专项|资金|钱)")


async def _by_field(session: AsyncSession, text: str) -> DepartmentMention:
    """The department whose field the text names (「民政上」: 民政局; 「民政的钱」), or none."""
    for match in _FIELD.finditer(text.replace(" ", "")):
        stem = match.group(1)
        for start in range(len(stem) - 1):  # 「我们民政上」: the shortest tail that names one
            departments = await _lookup(session, f"{stem[start:]}局")
            if departments:
                rest = " ".join(text.replace(match.group(0), " ").split())
                return DepartmentMention(departments, match.group(0), rest)
    first = _FIELD_FIRST.match(text.replace(" ", ""))
    if first is not None:
        stem = first.group(1)
        departments = [
            d
            for d in await _lookup(session, f"{stem}局")
            if stem in d.name or stem in (d.short_name or "")
        ]
        if departments:
            rest = " ".join(text.replace(stem, " ", 1).split())
            return DepartmentMention(departments, stem, rest)
    return DepartmentMention(rest=text)


async def by_ids(session: AsyncSession, ids: list[int]) -> list[Department]:
    """The departments with these ids, in that order (those still there)."""
    found = []
    for number in ids:
        department = await session.get(Department, number)
        if department is not None:
            found.append(department)
    return found
