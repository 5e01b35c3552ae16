"""What an import may do to a row of the fund and poverty lists: never change a published one
(changes go through a change request and a second person), and publish only complete ones.

The same rules as the items list (`catalogue.importing.items`), for 资金变更, 扶贫变更 and
扶贫资金变更; completeness is the rule of `catalogue.lists.completeness`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalogue.importing.report import Blocked, ImportReport, Refusal
from catalogue.importing.schema import ParsedRow
from catalogue.importing.sync import Changes
from catalogue.lists.completeness import ListRow, missing_in_list_row, record_values
from catalogue.models import PublicationStatus

EDITABLE = (PublicationStatus.DRAFT.value, PublicationStatus.PENDING_REVIEW.value)

Row = ListRow  # a row of the fund and poverty lists (any declared row list)


def refuses_change(
    report: ImportReport,
    row: ParsedRow,
    old: Row,
    current: Mapping[str, Any],
    values: Mapping[str, Any],
    blocked: Blocked,
) -> bool:
    """A published row that the file would change: the error `blocked` (True: leave the row
    alone, a change request takes over); an identical row is fine."""
    if old.status in EDITABLE:
        return False
    probe = Changes()
    if probe.add(current, dict(values), old.id) != "updated":
        return False
    report.error(row.row, "", blocked)
    return True


def publishable(
    report: ImportReport,
    row: ParsedRow,
    kind: str,
    old: Row | None,
    values: Mapping[str, Any],
    publish: bool,
) -> bool:
    """Whether a new or draft row may go live now: only with `publish` and when complete;
    a short row stays a draft and is counted per field."""
    if old is not None and old.status not in EDITABLE:
        return False
    merged = {**(record_values(old) if old is not None else {}), **values}
    missing = missing_in_list_row(kind, merged)
    if missing:
        report.lacking(missing)
        if publish:
            report.warn(row.row, "", Blocked(Refusal.INCOMPLETE, kind, fields=tuple(missing)))
    return publish and not missing
