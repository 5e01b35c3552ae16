"""The regions a deployment serves: its home region, the regions above it and those within it.

A county's account answers with the county's own items (and its towns' and villages'), and with
the items of its province and city, which its citizens may also need; another region's items
may be stored beside them (a reference catalogue, a neighbour's list) but are never presented
as local. GB/T 2260 codes nest by prefix: 62 (province) ⊃ 6206 (city) ⊃ 620623 (county) ⊃
620623xxx (town) ⊃ 620623xxxyyy (village), so both directions are decided on the code alone.

The scope travels with the session (`session.info`), set where the session factory is made from
the settings: every query of one deployment sees the same scope, and tests or tools that open
their own database keep the default, the county.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalogue.region_directory import COUNTY_CODE

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

SCOPE_KEY = "zwbot.region_scope"
ALL_REGIONS = "*"


class RegionScopeError(ValueError):
    """A home region that is not a 6-digit GB/T 2260 code (nor `*`)."""


def _prefix(code: str) -> str:
    """The part of a 6-digit code that every region within it starts with (44, 4401, 440103)."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def upper_codes(code: str) -> tuple[str, ...]:
    """The province and city (prefecture) codes above a 6-digit region, nearest last."""
    prefix = _prefix(code)
    uppers = [f"{code[:2]}0000"] if len(prefix) > 2 else []
    if len(prefix) > 4:
        uppers.append(f"{code[:4]}00")
    return tuple(uppers)


@dataclass(frozen=True)
class RegionScope:
    """The home region (6-digit GB/T 2260 code) of a deployment; `*` serves every region
    (only for evaluating search and load over a multi-region reference file)."""

    home: str = COUNTY_CODE

    def __post_init__(self) -> None:
        if self.home != ALL_REGIONS and not (len(self.home) == 6 and self.home.isdigit()):
            raise RegionScopeError(
                f"home region must be a 6-digit GB/T 2260 code, not {self.home!r}"
            )

    @property
    def everywhere(self) -> bool:
        """Whether every region is served (search evaluation only)."""
        return self.home == ALL_REGIONS

    @property
    def within(self) -> str:
        """The prefix of the home region and every region inside it."""
        return _prefix(self.home)

    @property
    def uppers(self) -> tuple[str, ...]:
        """The province and city above the home region."""
        return () if self.everywhere else upper_codes(self.home)

    def covers(self, region_code: str | None) -> bool:
        """Whether a record of `region_code` is presented by this deployment as local."""
        if self.everywhere:
            return True
        if not region_code:
            return False
        return region_code.startswith(self.within) or region_code in self.uppers

    def condition(self, column: Any) -> ColumnElement[bool]:
        """The same rule as SQL on a region-code column."""
        # SQLAlchemy here, not above: the settings check a home region with this class, and
        # `zwbot code explain` reads the settings without any SQL (docs/operations.md §11).
        from sqlalchemy import or_, true

        if self.everywhere:
            return true()
        return or_(column.like(f"{self.within}%"), column.in_(self.uppers))


COUNTY_SCOPE = RegionScope()


def scope_of(session: Any) -> RegionScope:
    """The scope bound to a session (its factory's `info`), the county by default."""
    info = getattr(session, "info", None) or {}
    scope = info.get(SCOPE_KEY)
    return scope if isinstance(scope, RegionScope) else COUNTY_SCOPE


def scope_info(home_region: str) -> dict[str, Any]:
    """The `info` of a session factory serving `home_region`."""
    return {SCOPE_KEY: RegionScope(home_region)}
