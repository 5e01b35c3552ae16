"""County codes for imported items: one basic code per power, numbered after every used code.

The same power (same category, main item name and sub item name) keeps one basic code
whichever department exercises it (编码规范 一(三)); a main item with sub items numbers them
001, 002, … in the order they are first seen; a retired code is never handed out again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from catalogue.codes import BasicCode
from catalogue.numbering import CodeAllocator

NaturalKey = tuple[str, str]  # (department name, item name)


@dataclass(frozen=True)
class StoredItem:
    """The numbering facts of an item already in the database."""

    code: str
    category: str
    main_no: int
    sub_no: int
    name: str
    parent_name: str
    department: str


@dataclass
class CodeBook:
    """Numbers by item name, code owners and retired codes: what new codes must respect."""

    allocator: CodeAllocator
    retired: set[str]
    owners: dict[str, NaturalKey] = field(default_factory=dict)
    mains: dict[tuple[str, str], BasicCode] = field(default_factory=dict)
    subs: dict[tuple[str, str, str], BasicCode] = field(default_factory=dict)

    @classmethod
    def build(cls, stored: Iterable[StoredItem], retired: Iterable[tuple[str, str]]) -> CodeBook:
        """From stored items and (code, basic code) pairs of the retired-code store."""
        items = list(stored)
        retired_pairs = list(retired)
        book = cls(
            CodeAllocator(
                (f"{i.category}{i.main_no:05d}{i.sub_no:03d}" for i in items),
                (basic for _code, basic in retired_pairs),
            ),
            {code for code, _basic in retired_pairs},
        )
        for item in items:
            book.owners[item.code] = (item.department, item.name)
            main = BasicCode(item.category, item.main_no, 0)
            book.mains.setdefault((item.category, item.parent_name or item.name), main)
            if item.parent_name:
                basic = BasicCode(item.category, item.main_no, item.sub_no)
                book.subs.setdefault((item.category, item.parent_name, item.name), basic)
        return book

    def basic_for(self, category: str, name: str, parent_name: str) -> BasicCode:
        """The basic code of a power by its names, new numbers only when it is new."""
        main_name = parent_name or name
        main = self.mains.get((category, main_name))
        if main is None:
            main = self.allocator.new_main(category)
            self.mains[(category, main_name)] = main
        if not parent_name or parent_name == name:
            return main
        key = (category, parent_name, name)
        sub = self.subs.get(key)
        if sub is None:
            sub = self.allocator.new_sub(main)
            self.subs[key] = sub
        return sub

    def claim(self, code: str, owner: NaturalKey) -> NaturalKey | None:
        """Take `code` for `owner`; returns the other owner when the code is already taken."""
        current = self.owners.get(code)
        if current is not None and current != owner:
            return current
        self.owners[code] = owner
        return None
