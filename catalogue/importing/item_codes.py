"""County codes for imported items: one basic code per power, numbered after every used code.

The same power (same category, main item name and sub item name) keeps one basic code
whichever department exercises it (编码规范 一(三)); a main item with sub items numbers them
001, 002, … in the order they are first seen; a retired code is never handed out again.
A code written in a file obeys the same rules (`given_problem`): it may not take another
power's basic code, give a power a second one, leave a sub item without its main item, or
skip numbers. Each region's catalogue is numbered on its own (one book per region code).
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


def _power_names(name: str, parent_name: str) -> tuple[str, str]:
    """(main item name, sub item name or "") of a row."""
    if not parent_name or parent_name == name:
        return name, ""
    return parent_name, name


@dataclass
class CodeBook:
    """Numbers by item name, code owners and retired codes: what new codes must respect."""

    allocator: CodeAllocator
    retired: set[str]
    owners: dict[str, NaturalKey] = field(default_factory=dict)
    mains: dict[tuple[str, str], BasicCode] = field(default_factory=dict)
    subs: dict[tuple[str, str, str], BasicCode] = field(default_factory=dict)
    main_names: dict[BasicCode, str] = field(default_factory=dict)
    sub_names: dict[BasicCode, tuple[str, str]] = field(default_factory=dict)

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
            main_name, sub_name = _power_names(item.name, item.parent_name)
            main = BasicCode(item.category, item.main_no, 0)
            book.mains.setdefault((item.category, main_name), main)
            book.main_names.setdefault(main, main_name)
            if sub_name:
                basic = BasicCode(item.category, item.main_no, item.sub_no)
                book.subs.setdefault((item.category, main_name, sub_name), basic)
                book.sub_names.setdefault(basic, (main_name, sub_name))
        return book

    def basic_for(self, category: str, name: str, parent_name: str) -> BasicCode:
        """The basic code of a power by its names, new numbers only when it is new."""
        main_name, sub_name = _power_names(name, parent_name)
        main = self.mains.get((category, main_name))
        if main is None:
            main = self.allocator.new_main(category)
            self.mains[(category, main_name)] = main
            self.main_names[main] = main_name
        if not sub_name:
            return main
        key = (category, main_name, sub_name)
        sub = self.subs.get(key)
        if sub is None:
            sub = self.allocator.new_sub(main)
            self.subs[key] = sub
            self.sub_names[sub] = (main_name, sub_name)
        return sub

    def given_problem(self, basic: BasicCode, name: str, parent_name: str) -> str | None:
        """Why a basic code written in a file cannot be this power's, or None (then taken)."""
        main_name, sub_name = _power_names(name, parent_name)
        if basic.sub and not sub_name:
            return (
                f"「{basic}」是子项编码，但「主项名称」列为空：没有主项的子项不能导入，"
                "请写明主项名称"
            )
        main = basic.main_code
        known_main = self.mains.get((basic.category, main_name))
        owner = self.main_names.get(main)
        if known_main is not None and known_main != main:
            return f"「{main_name}」已有基本编码「{known_main}」，同一权力不能再用「{main}」"
        if owner is not None and owner != main_name:
            return f"基本编码「{main}」已属于事项「{owner}」，不能用于「{main_name}」"
        if known_main is None:
            expected = self.allocator.next_main_number(basic.category)
            if basic.main > expected:
                wanted = BasicCode(basic.category, expected)
                return (
                    f"编码跳号：{basic.category}类的新主项应编为「{wanted}」，"
                    f"不能跳到「{main}」（编码规范 二(一)）"
                )
        if sub_name:
            key = (basic.category, main_name, sub_name)
            known_sub = self.subs.get(key)
            sub_owner = self.sub_names.get(basic)
            if known_sub is not None and known_sub != basic:
                return f"子项「{sub_name}」已有编码「{known_sub}」，不能再用「{basic}」"
            if sub_owner is not None and sub_owner != (main_name, sub_name):
                return f"基本编码「{basic}」已属于子项「{sub_owner[1]}」"
            if known_sub is None and basic.sub:
                expected = self.allocator.next_sub_number(main)
                if basic.sub > expected:
                    wanted = BasicCode(basic.category, basic.main, expected)
                    return (
                        f"编码跳号：「{main_name}」的新子项应编为「{wanted}」，不能跳到「{basic}」"
                    )
        self._take_given(basic, main_name, sub_name)
        return None

    def _take_given(self, basic: BasicCode, main_name: str, sub_name: str) -> None:
        main = basic.main_code
        self.mains.setdefault((basic.category, main_name), main)
        self.main_names.setdefault(main, main_name)
        self.allocator.take(main)
        if sub_name:
            self.subs.setdefault((basic.category, main_name, sub_name), basic)
            self.sub_names.setdefault(basic, (main_name, sub_name))
        self.allocator.take(basic)

    def claim(self, code: str, owner: NaturalKey) -> NaturalKey | None:
        """Take `code` for `owner`; returns the other owner when the code is already taken."""
        current = self.owners.get(code)
        if current is not None and current != owner:
            return current
        self.owners[code] = owner
        return None
