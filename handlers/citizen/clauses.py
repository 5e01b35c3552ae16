"""Long plain speech: the item a message's clauses point to, each on its own.

A citizen tells a situation in several clauses (「我们家老汉今年都八十二了，听村上人说有个啥
高龄的补贴，一直没领过，这个咋领呢」). Searched as a whole, the words of the story dilute the
words that name the item, so search may find the right item first yet not be confident of it.
Each clause searched alone is independent evidence: when one clause finds that same item
confidently and clearly ahead, or two clauses each lead with it, the message is about it. A
message of one clause (「老年证在哪办」, an item the catalogue does not have) never qualifies,
so this does not turn a guess about a short question into an answer.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.citizen import parsing
from handlers.citizen.searching import (
    CLEAR_MARGIN,
    MIN_RUN,
    MIN_SCORE,
    NAMED_THING,
    Found,
    Searcher,
    find,
    says_what_it_does,
    thing_said,
)
from handlers.citizen.typing_slips import as_named
from handlers.citizen.understanding.reading import MIN_CORE, READER, read
from handlers.citizen.understanding.scorer import fold
from handlers.searching.public_items import PublicItems

CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;、：:\s]+")
MAX_CLAUSES = 6  # a longer message is a story, searched as a whole only
AGREEING = 2  # clauses that lead with the same item, none of them confidently


def clauses(said: str) -> list[str]:
    """The clauses of a message, split at punctuation and spaces."""
    return [part for part in CLAUSE_BREAK.split(said) if part]


async def find_plainly(
    search: Searcher,
    session: AsyncSession,
    query: str,
    cache: PublicItems | None,
    found: list[Found] | None = None,
) -> tuple[list[Found], str]:
    """Search the words as said (unless `found` already holds their results) and, when that
    is not confident, in the catalogue's words (without fillers, with and without measure
    words): the better results and their query."""
    if found is None:
        found = await find(search, session, query, cache)
    if answers_confidently(found):
        return found, query
    variants = (
        READER.strip_fillers(fold(query)),
        READER.plain(query, measures=False),
        READER.plain(query),
    )
    for plain in dict.fromkeys(variants):
        if not plain or plain == query:
            continue
        again = await find(search, session, plain, cache)
        if again and (not found or again[0].hit.score > found[0].hit.score):
            found, query = again, plain
    # How many (「打一眼井」) and a typing slip (「结昏证」) are left out or corrected only when
    # search is then sure (「两个村为一块地」 is about villages; 「港澳通行证」 stays).
    uncounted = READER.plain(query, quantities=True)
    if uncounted == READER.plain(query):
        uncounted = query  # no quantity said
    for surer in (uncounted, as_named(query, found)):
        if surer == query or answers_confidently(found):
            continue
        again = await find(search, session, surer, cache)
        # sure, or the first result said by a keyword of what it does (「打一眼机井」 → 打机井)
        done = surer == uncounted and bool(again) and says_what_it_does(again[0].item, surer)
        if answers_confidently(again) or done:
            found, query = again, surer
    return found, query


def answers_confidently(found: list[Found]) -> bool:
    """Whether the first result is one search is confident of."""
    return bool(found) and found[0].hit.confident


def _clearly_first(found: list[Found]) -> bool:
    if not found:
        return False
    lead = found[0].hit
    second = found[1].hit.score if len(found) > 1 else 0.0
    return lead.confident and lead.score - second >= CLEAR_MARGIN


class SearchedClauses:
    """The clauses of one message (none when it has one, or more than MAX_CLAUSES), each
    searched in the catalogue's words at most once for the rules that read them."""

    def __init__(
        self, search: Searcher, session: AsyncSession, said: str, cache: PublicItems | None
    ) -> None:
        parts = clauses(said)
        self.parts = parts if 2 <= len(parts) <= MAX_CLAUSES else []
        self._search, self._session, self._cache = search, session, cache
        self._found: dict[str, tuple[list[Found], str]] = {}

    async def found(self, part: str) -> tuple[list[Found], str]:
        """The clause's results and the words that found them."""
        if part not in self._found:
            self._found[part] = await find_plainly(self._search, self._session, part, self._cache)
        return self._found[part]


def names_nothing(part: str, shortest: int = MIN_CORE) -> bool:
    """Whether a clause names no item: fewer than `shortest` characters beside a question
    alone (「这个咋领呢」), words of speech, or a benefit of no kind (「有啥补助」: the story's
    other clauses tell which)."""
    return len(parsing.BENEFIT_WORDS.sub("", read(part).core)) < shortest


async def clauses_agree(searched: SearchedClauses, lead: Found) -> bool:
    """Whether the clauses, each searched alone, point to `lead`'s item."""
    votes = 0
    for part in searched.parts:
        if names_nothing(part):
            continue
        found, _ = await searched.found(part)
        if not found or found[0].item.code != lead.item.code:
            continue
        if _clearly_first(found):
            return True
        # a doubtful lead votes only when the clause says some words of it, measure words
        # aside (「备个案」 says 备案; 「出入境的」 leads with 出生医学证明 by 出 alone: no vote)
        words = READER.without_measures(fold(part))
        if thing_said(found[0].item, words, procedure=True) >= MIN_RUN:
            votes += 1
    return votes >= AGREEING


async def clause_that_knows(searched: SearchedClauses) -> tuple[list[Found], str] | None:
    """「要在草场上修条路 占草原得办啥」: the one clause whose search is confident and clearly
    ahead, when no other clause is confident of another item: its results and its words (the
    other clauses tell the situation in words that only blur the whole); else None."""
    knowing: list[tuple[list[Found], str]] = []
    others: set[str] = set()
    for part in searched.parts:
        if names_nothing(part) or WHO_THEY_ARE.match(part):
            continue  # words of speech, a question alone, who the citizen is
        found, query = await searched.found(part)
        if _clearly_first(found) and thing_said(found[0].item, fold(part)) >= MIN_RUN:
            # 「交给谁呀」 leads with 住宅专项维修资金交存 by 交 alone: no thing said
            knowing.append((found, query))
        elif found and found[0].hit.confident:
            others.add(found[0].item.code)
    codes = {found[0].item.code for found, _ in knowing}
    if len(codes) != 1 or others - codes:
        return None
    return knowing[0]


# A clause telling who the citizen is or is not (「我们家是低保户」 「俺是贫困户」 「我们家不是低保
# 户」): the situation, while the other clauses ask for something (「娃娃又残疾 有生活补助没」).
WHO_THEY_ARE = re.compile(
    r"^(?:我们家|我们|我家|俺家|俺们|咱家|咱们|我|俺|家里)(?:不|也不|又不)?(?:是|属于|算)"
)


async def asked_beside_who(
    search: Searcher,
    session: AsyncSession,
    said: str,
    cache: PublicItems | None = None,
) -> tuple[list[Found], str] | None:
    """When a clause tells who the citizen is and the other clauses, searched together, find
    first, ahead of the next, an item whose thing they say: those results and their words;
    else None (the
    clause of who they are may name the item itself: 「我们是独女户 有奖励没」)."""
    parts = clauses(said)
    if not 2 <= len(parts) <= MAX_CLAUSES:
        return None
    rest = [part for part in parts if not WHO_THEY_ARE.match(part)]
    if len(rest) == len(parts) or not rest:
        return None
    asked = " ".join(rest)
    if len(read(asked).core) < MIN_CORE:
        return None
    found, query = await find_plainly(search, session, asked, cache)
    if not found or found[0].hit.score < MIN_SCORE:
        return None
    second = found[1].hit.score if len(found) > 1 else 0.0
    lead = found[0]
    if lead.hit.score - second < CLEAR_MARGIN or thing_said(lead.item, fold(asked)) < NAMED_THING:
        return None
    return found, query
