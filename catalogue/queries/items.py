"""Public look-ups of items: by code in any rendering, by id, by category or department."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import (
    BASIC_CODE_LENGTH,
    BODY_CODE_LENGTH,
    CANONICAL_DASH,
    ITEM_CODE_LENGTH,
    check_basic_code,
    check_item_code,
    normalize_code_text,
)
from catalogue.models import Item, RetiredCode
from catalogue.queries.visibility import public_item
from catalogue.scope import scope_of

COUNTY_BODY_PREFIX = "620623000000"
MAX_PER_PAGE = 100
# Longer text is not a code; refusing it early keeps look-ups of pasted paragraphs cheap.
MAX_CODE_TEXT = 200
# A mistyped 32-character code (a character left out, doubled or changed) is answered with the
# public items whose codes are that few keystrokes away.
NEAR_EDITS = 2


def canonical_code(text: str) -> str | None:
    """`body—basic` for 32 characters typed with any separator, the basic code for 10, else None."""
    compact = normalize_code_text(text[:MAX_CODE_TEXT])
    if len(compact) == ITEM_CODE_LENGTH:
        return f"{compact[:22]}{CANONICAL_DASH}{compact[22:]}"
    if len(compact) == BASIC_CODE_LENGTH:
        return compact
    return None


@dataclass
class CodeLookup:
    """What a typed code names: a public item, several (a basic code), a retired code, or nothing.

    `problems` holds the precise Chinese reasons when the text is not a valid code at all.
    """

    text: str
    canonical: str | None = None
    item: Item | None = None
    candidates: list[Item] = field(default_factory=list)
    retired: RetiredCode | None = None
    merged_into: Item | None = None
    problems: list[str] = field(default_factory=list)
    near: list[Item] = field(default_factory=list)
    partial: list[Item] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """Whether the code names a public item or a retired code."""
        return self.item is not None or bool(self.candidates) or self.retired is not None


@dataclass
class ItemPage:
    """One page of a public item list."""

    items: list[Item]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the whole list has (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def _public(session: AsyncSession) -> ColumnElement[bool]:
    """Public within the regions the session's deployment serves."""
    return public_item(scope_of(session))


def _by_county_first(items: Sequence[Item]) -> list[Item]:
    # A basic code is shared by every body exercising the power; the county's own comes first.
    return sorted(items, key=lambda i: (not i.code.startswith(COUNTY_BODY_PREFIX), i.code))


async def item_by_id(*, session: AsyncSession, item_id: int) -> Item | None:
    """The public item with this id."""
    return await session.scalar(select(Item).where(Item.id == item_id, _public(session)))


async def items_by_basic_code(*, session: AsyncSession, basic_code: str) -> list[Item]:
    """Every public item sharing a 10-character basic code, the county's own first."""
    rows = await session.scalars(
        select(Item).where(Item.basic_code == basic_code, _public(session))
    )
    return _by_county_first(list(rows))


async def item_by_code(*, session: AsyncSession, code: str) -> Item | None:
    """The public item a code names: canonical, compact, any dash, any case, or a national code."""
    canonical = canonical_code(code)
    if canonical is not None and len(canonical) > BASIC_CODE_LENGTH:
        return await session.scalar(select(Item).where(Item.code == canonical, _public(session)))
    if canonical is not None:
        found = await items_by_basic_code(session=session, basic_code=canonical)
        return found[0] if found else None
    national = code.strip()[:MAX_CODE_TEXT]
    if not national:
        return None
    rows = await session.scalars(
        select(Item)
        .where(
            or_(Item.national_item_code == national, Item.national_implementation_code == national),
            _public(session),
        )
        .order_by(Item.code)
        .limit(1)
    )
    return rows.first()


async def items_near_code(*, session: AsyncSession, text: str) -> list[Item]:
    """The public items whose codes are nearest a mistyped item code, at most `NEAR_EDITS`
    keystrokes from it. One slip leaves the body (first 22 characters) or the basic code (last 10)
    as typed, so the items sharing either are the only ones compared."""
    typed = normalize_code_text(text[:MAX_CODE_TEXT])
    if abs(len(typed) - ITEM_CODE_LENGTH) > NEAR_EDITS:
        return []
    body, basic = typed[:22], typed[-BASIC_CODE_LENGTH:]
    rows = list(
        await session.scalars(
            select(Item).where(
                or_(Item.basic_code == basic, Item.code.startswith(f"{body}{CANONICAL_DASH}")),
                _public(session),
            )
        )
    )
    distances = {
        item.code: Levenshtein.distance(typed, normalize_code_text(item.code)) for item in rows
    }
    nearest = min(distances.values(), default=NEAR_EDITS + 1)
    return sorted(
        (item for item in rows if distances[item.code] == nearest <= NEAR_EDITS),
        key=lambda i: i.code,
    )


async def items_by_codes(*, session: AsyncSession, codes: Sequence[str]) -> dict[str, Item]:
    """Public items by canonical code (e.g. search hits); codes not public are left out."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return {}
    rows = await session.scalars(select(Item).where(Item.code.in_(wanted), _public(session)))
    return {item.code: item for item in rows}


async def retired_code(*, session: AsyncSession, code: str) -> RetiredCode | None:
    """The retired-code record (代码废止库) of a typed item or basic code."""
    canonical = canonical_code(code)
    if canonical is None:
        return None
    if len(canonical) > BASIC_CODE_LENGTH:
        return await session.get(RetiredCode, canonical)
    rows = await session.scalars(
        select(RetiredCode).where(RetiredCode.basic_code == canonical).order_by(RetiredCode.code)
    )
    return rows.first()


async def retired_items(*, session: AsyncSession) -> list[RetiredCode]:
    """The abolished and merged items of the deployment's regions (代码废止库), for citizens who
    ask for one by name: the newest first."""
    scope = scope_of(session)
    rows = await session.scalars(
        select(RetiredCode)
        .join(Item, Item.id == RetiredCode.item_id)
        .where(RetiredCode.reason.in_(("abolished", "merged")), scope.condition(Item.region_code))
        .order_by(RetiredCode.retired_at.desc(), RetiredCode.code)
    )
    return list(rows)


async def public_name_holds(*, session: AsyncSession, words: str) -> bool:
    """Whether the name of a public item of the deployment's regions holds the words."""
    found = await session.scalar(
        select(Item.id).where(_public(session), Item.name.contains(words, autoescape=True)).limit(1)
    )
    return found is not None


async def look_up_code(*, session: AsyncSession, text: str) -> CodeLookup:
    """Everything a typed code can name, for answering "what is code X?"."""
    canonical = canonical_code(text)
    lookup = CodeLookup(text=text, canonical=canonical)
    if canonical is not None and len(canonical) == BASIC_CODE_LENGTH:
        lookup.candidates = await items_by_basic_code(session=session, basic_code=canonical)
        if len(lookup.candidates) == 1:
            lookup.item = lookup.candidates[0]
    else:
        lookup.item = await item_by_code(session=session, code=text)
    if lookup.item is not None or lookup.candidates:
        return lookup
    lookup.retired = await retired_code(session=session, code=text)
    if lookup.retired is not None:
        if lookup.retired.merged_into:
            lookup.merged_into = await item_by_code(
                session=session, code=lookup.retired.merged_into
            )
        return lookup
    check = (
        check_basic_code(text[:MAX_CODE_TEXT])
        if canonical is not None and len(canonical) == BASIC_CODE_LENGTH
        else check_item_code(text[:MAX_CODE_TEXT])
    )
    lookup.problems = [problem.message for problem in check.errors]
    if lookup.problems:  # a well-formed code names its own item, published or not: no other
        lookup.near = await items_near_code(session=session, text=text)
    if lookup.problems and not lookup.near:
        lookup.partial = await items_by_partial_code(session=session, text=text)
    return lookup


MIN_PARTIAL_CODE = 10  # characters of a code typed in part that may name items
MAX_PARTIAL_ITEMS = 20


async def items_by_partial_code(*, session: AsyncSession, text: str) -> list[Item]:
    """The public items whose codes a typed part of one begins or ends (the region's digits left
    off: DM62010780XK00001000; the basic code cut: 620623000000DM62010780—XK00001) or whose
    subject code ends with it (DM62010780: one body's items); at most MAX_PARTIAL_ITEMS."""
    typed = normalize_code_text(text[:MAX_CODE_TEXT])
    if not MIN_PARTIAL_CODE <= len(typed) < ITEM_CODE_LENGTH:
        return []
    body, basic = typed[:BODY_CODE_LENGTH], typed[BODY_CODE_LENGTH:]
    begins = f"{body}{CANONICAL_DASH}{basic}" if basic else body
    shapes = [Item.code.startswith(begins, autoescape=True)]
    if len(typed) > BASIC_CODE_LENGTH:
        head, tail = typed[:-BASIC_CODE_LENGTH], typed[-BASIC_CODE_LENGTH:]
        shapes.append(Item.code.endswith(f"{head}{CANONICAL_DASH}{tail}", autoescape=True))
    if len(typed) < BODY_CODE_LENGTH:
        shapes.append(Item.code.contains(f"{typed}{CANONICAL_DASH}", autoescape=True))
    rows = await session.scalars(
        select(Item)
        .where(or_(*shapes), _public(session))
        .order_by(Item.code)
        .limit(MAX_PARTIAL_ITEMS)
    )
    return list(rows)


async def items_page(
    *,
    session: AsyncSession,
    category: str | None = None,
    department_id: int | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> ItemPage:
    """One page of public items, filtered by category (XK…), department and kind."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    conditions = [_public(session)]
    if category:
        conditions.append(Item.category == category)
    if department_id is not None:
        conditions.append(Item.department_id == department_id)
    if kind:
        conditions.append(Item.kind == kind)
    total = await session.scalar(select(func.count()).select_from(Item).where(*conditions))
    rows = await session.scalars(
        select(Item)
        .where(*conditions)
        .order_by(Item.category, Item.main_no, Item.sub_no, Item.code)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return ItemPage(items=list(rows), total=int(total or 0), page=page, per_page=per_page)


async def public_items(*, session: AsyncSession) -> list[Item]:
    """Every public item, in code order (for search indexes and open-data exports)."""
    rows = await session.scalars(select(Item).where(_public(session)).order_by(Item.code))
    return list(rows)


async def category_counts(*, session: AsyncSession) -> dict[str, int]:
    """How many public items each category has."""
    rows = await session.execute(
        select(Item.category, func.count()).where(_public(session)).group_by(Item.category)
    )
    return {category: int(count) for category, count in rows}


MAX_SUB_ITEMS = 20


async def sub_items(*, session: AsyncSession, item: Item) -> list[Item]:
    """The public sub-items (子项) of a main item (主项): its category and main number, a sub
    number, and its name as their parent's (the county's and the towns' entries alike), the
    county's own first."""
    if item.sub_no:
        return []
    rows = await session.scalars(
        select(Item)
        .where(
            Item.category == item.category,
            Item.main_no == item.main_no,
            Item.sub_no > 0,
            Item.parent_name == item.name,
            _public(session),
        )
        .order_by(func.length(Item.region_code), Item.sub_no, Item.code)
        .limit(MAX_SUB_ITEMS)
    )
    return list(rows)


async def main_items_with_subs(*, session: AsyncSession) -> frozenset[tuple[str, int, str]]:
    """(category, main number, name) of every main item some public sub-item names as its
    parent: the only items `sub_items` can find any for."""
    rows = await session.execute(
        select(Item.category, Item.main_no, Item.parent_name)
        .where(Item.sub_no > 0, Item.parent_name != "", _public(session))
        .distinct()
    )
    return frozenset((category, int(main_no), name) for category, main_no, name in rows)
