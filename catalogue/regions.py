"""Loading the county's regions (province → village): from the shipped file or from CSV files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalogue.region_directory import RegionDirectory, RegionEntry

SHIPPED_REGIONS = Path(__file__).resolve().parent / "regions_620623.json"
LEVELS = ("province", "prefecture", "county", "town", "village")
_LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}
_CODE_LENGTHS = {"province": 6, "prefecture": 6, "county": 6, "town": 9, "village": 12}

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class RegionDataError(ValueError):
    """A region file or row that cannot be loaded; the message names the file, row and field."""


@dataclass(frozen=True)
class RegionRecord:
    """One region as loaded: GB/T 2260 (6 digits) above towns, 9-digit towns, 12-digit villages."""

    code: str
    name: str
    level: str
    parent_code: str | None
    short_name: str = ""
    source: str = ""

    def entry(self) -> RegionEntry:
        """The record as an entry of a `RegionDirectory`."""
        return RegionEntry(self.code, self.name, self.level, self.parent_code)


@dataclass
class RegionLoadReport:
    """What loading regions did: codes added and updated, and how many were already equal."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> int:
        """How many rows were written."""
        return len(self.added) + len(self.updated)


def _check(records: Sequence[RegionRecord], origin: str) -> list[RegionRecord]:
    """Records sorted parents first; raises RegionDataError on a malformed or orphan record."""
    seen: set[str] = set()
    for r in records:
        where = f"{origin}: {r.code or '(empty code)'}"
        if r.level not in _CODE_LENGTHS:
            raise RegionDataError(f"{where}: level {r.level!r} is not one of {', '.join(LEVELS)}")
        if not (r.code.isdigit() and len(r.code) == _CODE_LENGTHS[r.level]):
            raise RegionDataError(
                f"{where}: a {r.level} code has {_CODE_LENGTHS[r.level]} digits, got {r.code!r}"
            )
        if not r.name.strip():
            raise RegionDataError(f"{where}: the name is empty")
        if r.code in seen:
            raise RegionDataError(f"{where}: the code appears twice")
        seen.add(r.code)
        if r.level in ("town", "village") and not (
            r.parent_code and r.code.startswith(r.parent_code)
        ):
            raise RegionDataError(f"{where}: parent {r.parent_code!r} is not a prefix of the code")
    return sorted(records, key=lambda r: (_LEVEL_ORDER[r.level], r.code))


def shipped_regions(path: Path = SHIPPED_REGIONS) -> list[RegionRecord]:
    """The shipped regions: 甘肃省, 武威市, 天祝藏族自治县, its 21 towns and 206 villages."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        source = str(data["meta"]["source"])
        records = [
            RegionRecord(code, name, level, parent, name, source)
            for code, name, level, parent in data["upper"]
        ]
        for town in data["towns"]:
            records.append(
                RegionRecord(
                    town["code"], town["name"], "town", town["code"][:6], town["short_name"], source
                )
            )
            records += [
                RegionRecord(town["code"] + suffix, name, "village", town["code"], short, source)
                for suffix, name, short in town["villages"]
            ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RegionDataError(f"{path}: not a valid region file: {error}") from error
    return _check(records, path.name)


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise RegionDataError(f"{path}: cannot be read as UTF-8 CSV: {error}") from error


def _require(row: dict[str, str], columns: Iterable[str], path: Path, line: int) -> None:
    missing = [c for c in columns if c not in row]
    if missing:
        raise RegionDataError(f"{path.name} row {line}: missing column(s) {', '.join(missing)}")


def read_region_csv(villages_csv: Path, upper_csv: Path | None = None) -> list[RegionRecord]:
    """Regions from files shaped like `villages_620623.csv` and `admin_codes_upper.csv`."""
    records: list[RegionRecord] = []
    if upper_csv is not None:
        for line, row in enumerate(_read_csv(upper_csv), start=2):
            _require(row, ("gbt2260_code", "name", "level", "parent_gbt2260"), upper_csv, line)
            records.append(
                RegionRecord(
                    row["gbt2260_code"].strip(),
                    row["name"].strip(),
                    row["level"].strip(),
                    row["parent_gbt2260"].strip() or None,
                    row["name"].strip(),
                    (row.get("source") or "").strip()[:300],
                )
            )
    for line, row in enumerate(_read_csv(villages_csv), start=2):
        _require(row, ("code", "name", "level", "parent_code"), villages_csv, line)
        records.append(
            RegionRecord(
                row["code"].strip(),
                row["name"].strip(),
                row["level"].strip(),
                row["parent_code"].strip() or None,
                (row.get("short_name") or "").strip() or row["name"].strip(),
                (row.get("source") or "").strip()[:300],
            )
        )
    return _check(records, villages_csv.name)


async def load_regions(session: AsyncSession, records: Sequence[RegionRecord]) -> RegionLoadReport:
    """Insert or update regions (parents first); equal rows are left alone. Does not commit.

    Inserts of one mapper are flushed in the order they were added, so parents precede children.
    """
    # The ORM only here: reading the shipped regions (`zwbot code explain`) needs none of it.
    from sqlalchemy import select

    from catalogue.models import Region

    report = RegionLoadReport()
    existing = {r.code: r for r in (await session.scalars(select(Region))).all()}
    for record in _check(records, "regions"):
        if record.parent_code and record.parent_code not in existing:
            raise RegionDataError(
                f"regions: {record.code} {record.name}: parent {record.parent_code} is neither "
                "in the file nor in the database"
            )
        values = {
            "name": record.name,
            "short_name": record.short_name,
            "level": record.level,
            "parent_code": record.parent_code,
            "source": record.source,
        }
        row = existing.get(record.code)
        if row is None:
            row = Region(code=record.code, **values)
            session.add(row)
            existing[record.code] = row
            report.added.append(record.code)
            continue
        if row.source:
            # Keep the provenance of a region imported from another file (zwbot import regions).
            values.pop("source")
        differs = {k: v for k, v in values.items() if getattr(row, k) != v}
        if differs:
            for key, value in differs.items():
                setattr(row, key, value)
            report.updated.append(record.code)
        else:
            report.unchanged += 1
    await session.flush()
    return report


async def load_shipped_regions(session: AsyncSession) -> RegionLoadReport:
    """Load the regions shipped with the code (idempotent). Does not commit."""
    return await load_regions(session, shipped_regions())


def region_directory(records: Iterable[RegionRecord]) -> RegionDirectory:
    """A directory for code validation from region records.

    For the regions stored in a database use `catalogue.region_directory.load_region_directory`.
    """
    return RegionDirectory(r.entry() for r in records)
