"""The magic `F` (magic-filter, as in aiogram) with `.as_(name)` to pass a value to handlers."""

from __future__ import annotations

from typing import Any

from magic_filter import MagicFilter as _MagicFilter
from magic_filter.operations import BaseOperation


class _AsResult(BaseOperation):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def resolve(self, value: Any, initial_value: Any) -> Any:
        if value is None or (isinstance(value, list | tuple | str) and not value):
            return None
        return {self.name: value}


class MagicFilter(_MagicFilter):
    """`F.content.regexp(r"\\d+").as_("digits")` passes `digits=` to the handler."""

    def as_(self, name: str) -> MagicFilter:
        return self._extend(_AsResult(name=name))


F = MagicFilter()
