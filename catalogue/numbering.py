"""Assigning basic codes: the next main number in a category, the next sub number in a main item.

编码规范 二(一): new powers are numbered after the existing codes; an abolished code goes to
the retired-code store and is never given to another power; a merge retires the old codes and
numbers the merged power as a new one. Numbers are therefore never reused, gaps included.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import (
    MAX_MAIN,
    MAX_SUB,
    BasicCode,
    InvalidCodeError,
    basic_part,
    parse_basic_code,
)
from catalogue.models import Item, RetiredCode


class CodeSpaceExhaustedError(ValueError):
    """No main (or sub) number is left in a category (or main item)."""


def as_basic_codes(codes: Iterable[BasicCode | str]) -> list[BasicCode]:
    """Basic codes of basic or 32-character item codes; malformed stored codes are skipped."""
    result: list[BasicCode] = []
    for code in codes:
        if isinstance(code, BasicCode):
            result.append(code)
            continue
        try:
            result.append(parse_basic_code(basic_part(code)))
        except InvalidCodeError:
            # A malformed stored code cannot collide with a well-formed new one.
            continue
    return result


class CodeAllocator:
    """Hands out new basic codes after everything used or retired; remembers what it gave."""

    def __init__(
        self, used: Iterable[BasicCode | str] = (), retired: Iterable[BasicCode | str] = ()
    ) -> None:
        self._max_main: dict[str, int] = {}
        self._max_sub: dict[tuple[str, int], int] = {}
        self._taken: set[BasicCode] = set()
        for code in as_basic_codes([*used, *retired]):
            self._take(code)

    def _take(self, code: BasicCode) -> None:
        self._taken.add(code)
        self._max_main[code.category] = max(self._max_main.get(code.category, 0), code.main)
        key = (code.category, code.main)
        self._max_sub[key] = max(self._max_sub.get(key, 0), code.sub)

    def take(self, code: BasicCode) -> None:
        """Record a code given from outside (a file), so later numbers come after it."""
        self._take(code)

    def next_main_number(self, category: str) -> int:
        """The main number a new main item of `category` would get."""
        return self._max_main.get(category, 0) + 1

    def next_sub_number(self, main: BasicCode) -> int:
        """The sub number a new sub item of `main` would get."""
        return self._max_sub.get((main.category, main.main), 0) + 1

    def is_free(self, code: BasicCode) -> bool:
        """Whether a basic code is neither used, retired nor handed out."""
        return code not in self._taken

    def new_main(self, category: str) -> BasicCode:
        """A new main item (sub 000) numbered after every main of the category."""
        main = self._max_main.get(category, 0) + 1
        if main > MAX_MAIN:
            raise CodeSpaceExhaustedError(f"category {category} has no main number after 99999")
        code = BasicCode(category, main, 0)
        self._take(code)
        return code

    def new_sub(self, main: BasicCode) -> BasicCode:
        """A new sub item of `main` numbered after every sub item of it (001 first)."""
        sub = self._max_sub.get((main.category, main.main), 0) + 1
        if sub > MAX_SUB:
            raise CodeSpaceExhaustedError(f"main item {main} has no sub number after 999")
        code = BasicCode(main.category, main.main, sub)
        self._take(code)
        return code


def next_main_code(
    category: str, used: Iterable[BasicCode | str], retired: Iterable[BasicCode | str] = ()
) -> BasicCode:
    """The basic code of a new main item: after every used or retired main of the category.

    `used` and `retired` may hold basic codes or 32-character item codes (their basic part).
    """
    return CodeAllocator(used, retired).new_main(category)


def next_sub_code(
    main: BasicCode, used: Iterable[BasicCode | str], retired: Iterable[BasicCode | str] = ()
) -> BasicCode:
    """The basic code of a new sub item of `main`: after every used or retired sub item."""
    return CodeAllocator(used, retired).new_sub(main.main_code)


async def load_allocator(session: AsyncSession) -> CodeAllocator:
    """An allocator that knows every basic code stored in items and in the retired-code store."""
    used = await session.scalars(select(Item.basic_code))
    retired = await session.scalars(select(RetiredCode.basic_code))
    return CodeAllocator(list(used), list(retired))
