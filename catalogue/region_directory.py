"""The known regions a code may name: the county, its upper regions, its towns and villages."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

COUNTY_CODE = "620623"
UPPER_LEVELS = ("province", "prefecture", "county")


@dataclass(frozen=True)
class RegionEntry:
    """One region: 6-digit GB/T 2260 code (county and above), 9-digit town, 12-digit village."""

    code: str
    name: str
    level: str
    parent_code: str | None = None

    @property
    def segment(self) -> str:
        """The 3-digit segment of a town or village in the 32-character code."""
        return self.code[-3:] if self.level in ("town", "village") else "000"


def _gbt2260(code: str) -> str:
    """The 6-digit form of a county-or-above code also given as 12-digit statistical code."""
    return code[:6] if len(code) == 12 and code.endswith("000000") else code


class RegionDirectory:
    """Lookups used by code validation; build it from the database or from region rows."""

    def __init__(self, entries: Iterable[RegionEntry], county_code: str = COUNTY_CODE) -> None:
        self.county_code = county_code
        self._upper: dict[str, RegionEntry] = {}
        self._towns: dict[str, dict[str, RegionEntry]] = {}
        self._villages: dict[str, dict[str, RegionEntry]] = {}
        for entry in entries:
            if entry.level in UPPER_LEVELS:
                code = _gbt2260(entry.code)
                self._upper[code] = RegionEntry(code, entry.name, entry.level, entry.parent_code)
            elif entry.level == "town" and len(entry.code) == 9:
                self._towns.setdefault(entry.code[:6], {})[entry.code[6:]] = entry
            elif entry.level == "village" and len(entry.code) == 12:
                self._villages.setdefault(entry.code[:9], {})[entry.code[9:]] = entry

    def __bool__(self) -> bool:
        return bool(self._upper)

    @property
    def county(self) -> RegionEntry | None:
        """The county this catalogue belongs to."""
        return self._upper.get(self.county_code)

    def region(self, code: str) -> RegionEntry | None:
        """A county-or-above region by its 6-digit GB/T 2260 code."""
        return self._upper.get(code)

    def allowed_regions(self) -> list[RegionEntry]:
        """The county and the regions above it, nearest first."""
        chain: list[RegionEntry] = []
        entry = self.county
        while entry is not None and entry not in chain:
            chain.append(entry)
            entry = self._upper.get(_gbt2260(entry.parent_code or ""))
        return chain

    def towns(self, region: str) -> list[RegionEntry]:
        """The towns of a county, by segment order."""
        return sorted(self._towns.get(region, {}).values(), key=lambda e: e.code)

    def town(self, region: str, segment: str) -> RegionEntry | None:
        """A town by its 3-digit segment."""
        return self._towns.get(region, {}).get(segment)

    def villages(self, region: str, town_segment: str) -> list[RegionEntry]:
        """The villages of a town, by segment order."""
        return sorted(self._villages.get(region + town_segment, {}).values(), key=lambda e: e.code)

    def village(self, region: str, town_segment: str, segment: str) -> RegionEntry | None:
        """A village by its town and its own 3-digit segment."""
        return self._villages.get(region + town_segment, {}).get(segment)

    @classmethod
    def from_csv(cls, villages_csv: Path, upper_csv: Path | None = None) -> RegionDirectory:
        """Read the region files in the format of `villages_620623.csv`/`admin_codes_upper.csv`."""
        entries: list[RegionEntry] = []
        if upper_csv is not None:
            with upper_csv.open(encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle):
                    entries.append(
                        RegionEntry(
                            row["gbt2260_code"],
                            row["name"],
                            row["level"],
                            row.get("parent_gbt2260") or None,
                        )
                    )
        with villages_csv.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                entries.append(
                    RegionEntry(row["code"], row["name"], row["level"], row["parent_code"] or None)
                )
        return cls(entries)


async def load_region_directory(
    session: AsyncSession, county_code: str = COUNTY_CODE
) -> RegionDirectory:
    """The directory of every region stored in the database."""
    # The ORM is imported here, not above: settings and `zwbot code explain` use this module
    # and should not load SQLAlchemy and the models for it.
    from sqlalchemy import select

    from catalogue.models import Region

    rows = await session.execute(select(Region.code, Region.name, Region.level, Region.parent_code))
    return RegionDirectory(
        (RegionEntry(code, name, level, parent) for code, name, level, parent in rows),
        county_code,
    )
