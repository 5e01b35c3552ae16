"""What an import did or would do: counts per outcome, and every problem with row and column.

A cell whose value is wrong carries the data-validation message of its form (`reason`); a row
the file may not change or publish carries a typed `Blocked` (the workflow takes over: the
channels word which command). The channels word the report (`handlers/staff/import_wording`).
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

from catalogue.lists.completeness import Lack


class Refusal(enum.StrEnum):
    """Why an import leaves a row to the workflow."""

    LIVE_ITEM = "live_item"  # the file would change a published item
    LIVE_RECORD = "live_record"  # the file would change a published fund or poverty row
    NOT_FIRST_LOAD = "not_first_load"  # `publish` where the region already has published items
    INCOMPLETE = "incomplete"  # a record loaded as a draft: it lacks `fields`


@dataclass(frozen=True, slots=True)
class Blocked:
    """A row the import does not change or publish, with the facts the channels word."""

    refusal: Refusal
    kind: str  # item, fund, poverty_project, poverty_allocation
    record_id: int | None = None
    name: str = ""  # an item's or a project's name, an allocation's document number
    code: str = ""  # an item's code; the region code for NOT_FIRST_LOAD
    status: str = ""  # a published record's status (a `PublicationStatus` value)
    year: int | None = None
    fields: tuple[Lack, ...] = ()  # INCOMPLETE: the fields lacked


@dataclass(frozen=True)
class RowProblem:
    """A problem of one cell (or row, when `column` is empty) of a spreadsheet row: the
    cell's data-validation message, or why the row is left to the workflow."""

    row: int  # spreadsheet row number; the header is row 1, 0 = the whole file
    column: str
    reason: str | Blocked


@dataclass
class ImportReport:
    """Counts and problems of one import; `ok` only when there is no error."""

    kind: str
    source: str = ""
    title: str = ""  # the list's Chinese name
    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    drafts: int = 0  # new records loaded as drafts
    dry_run: bool = False
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)  # rows left out, with the reason
    notes: list[str] = field(default_factory=list)
    # field → records loaded as drafts for lacking it (a first load)
    short_of: Counter[Lack] = field(default_factory=Counter)
    short_records: int = 0  # draft records lacking a field (kept drafts by a first load)
    first_load: bool = False  # imported with `publish`: complete records went live
    created_codes: list[str] = field(default_factory=list)  # the codes of new records

    @property
    def ok(self) -> bool:
        """Whether the import had no error (and therefore changed, or would change, the data)."""
        return not self.errors

    def error(self, row: int, column: str, reason: str | Blocked) -> None:
        """Record an error; the import will change nothing."""
        self.errors.append(RowProblem(row, column, reason))

    def warn(self, row: int, column: str, reason: str | Blocked) -> None:
        """Record a warning; the row is imported."""
        self.warnings.append(RowProblem(row, column, reason))

    def reject(self, row: int, column: str, reason: str) -> None:
        """Leave a row out (it is not a record of this list); the others are imported."""
        self.rejected.append(RowProblem(row, column, reason))

    def lacking(self, fields: list[Lack]) -> None:
        """Count a record kept as a draft because it lacks `fields`."""
        self.short_of.update(fields)
        self.short_records += 1
