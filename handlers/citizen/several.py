"""Several items asked for together (「执照和农药证都要改吗」 「户口迁回来还得换身份证」): each
named apart, in the order said, as a list to tap — not the one a search of the whole finds."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.citizen.clauses import clauses, find_plainly
from handlers.citizen.other_ways import going_that_way
from handlers.citizen.searching import (
    MIN_RUN,
    Found,
    Searcher,
    is_clear,
    named_by_keyword,
    thing_said,
    way_of,
)
from handlers.citizen.understanding import read
from handlers.citizen.understanding.reading import MIN_CORE
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems
from search import normalise
from search.direction import NEW, asked, direction_of

# Words joining things asked together within a clause (「执照和农药证」 「挂失加补办」
# 「迁回来还得换身份证」); a clause break alone joins a story's parts, not its questions.
JOINING = re.compile(r"和|跟|与|以及|还有|加上|还得|还要|又要|、")
MAX_PARTS = 4
# Said before a joining word, it still joins (「听说还要交维修基金」): what one heard.
HEARSAY = re.compile(r"^(?:听说|据说|好像|人家说|别人说)")


async def items_named_apart(
    said: str, search: Searcher, session: AsyncSession, public_items: PublicItems | None
) -> list[Found]:
    """The distinct items the joined parts of one clause each name clearly, in order (two or
    more), each the same thing's item going the way the clause asks when the part says no way
    (「执照和农药证都要改」: both 变更); [] otherwise."""
    for clause in joined_clauses(said):
        parts = [part for part in JOINING.split(clause) if part]
        if not 2 <= len(parts) <= MAX_PARTS:
            continue
        named: list[Found] = []
        # the way asked of them, said in this clause or in the story before it (「店搬地方了
        # 执照和农药证都得改吗」)
        wish = asked(direction_of(normalise(clause))) - {NEW} or asked(
            direction_of(normalise(said))
        ) - {NEW}
        for part in parts:
            reading = read(part)
            if len(reading.core) < MIN_CORE:
                return []
            # the question asked of them all is said with the last (「特困供养都要啥材料」)
            words = reading.rest if reading.aspect is not None else part
            found, words = await find_plainly(search, session, words, public_items)
            lead = named_by_keyword(found, fold(words)) or (found[0] if is_clear(found) else None)
            if lead is None or not lead.hit.confident:
                lead = _the_one_going(found, wish, fold(words))
            if lead is None:
                return []  # a part that names nothing clearly: not a list of things asked
            item = lead.item
            if wish and not direction_of(normalise(part)) and not wish & way_of(item.name):
                item = await going_that_way(item, wish, search, session, public_items) or item
            if all(f.item.code != item.code for f in named):
                named.append(lead._replace(item=item))
        return named if len(named) > 1 else []
    return []


GOING_RESULTS = 5  # the first results of a part looked at for the one going the way asked


def _the_one_going(found: list[Found], wish: frozenset[str], words: str) -> Found | None:
    """Of a part's first results, the one item going the way the clause asks (「农药证」 of
    「执照和农药证都得改」: 农药经营许可证变更), when exactly one does and the part says its
    thing; None when no way is asked."""
    if not wish:
        return None
    going = {
        f.item.code: f
        for f in found[:GOING_RESULTS]
        if wish & way_of(f.item.name) and thing_said(f.item, words) >= MIN_RUN
    }
    return next(iter(going.values())) if len(going) == 1 else None


def joined_clauses(said: str) -> list[str]:
    """The clauses of a message, one that begins with a joining word (「结婚证找不见了 又要给
    老婆迁户口」) said with the one before it."""
    joined: list[str] = []
    # 「低保、临时救助都要啥」: the enumeration comma joins things asked, it breaks no clause
    for clause in clauses(said.replace("、", "和")):
        if joined and JOINING.match(HEARSAY.sub("", clause)):
            joined[-1] += clause
        else:
            joined.append(clause)
    return joined
