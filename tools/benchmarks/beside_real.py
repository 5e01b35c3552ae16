"""The real 6,318-item file loaded beside the demo as other regions' published catalogues.

This is how issue 12 is checked ("on the demo with the real 6,318-item file loaded beside
it"): an administrator's `zwbot import items service_items.csv --publish
--published-at-source` on the demo database. The file's rows belong to three other regions
(a Sichuan district, Guangdong, Karamay); they are published as their sources published them
(a plain first load would keep them as drafts, leaving nothing that could leak), and the
county's account must answer as if they were not there. Used by `zwbot bench conversations
--beside-real` and by tests/handlers/test_citizen_conversations_beside_real.py.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import import_file
from catalogue.importing.options import published_at_source
from catalogue.importing.report import ImportReport
from handlers.staff.import_wording import report_lines

# Fewer published rows than this means the file is not the real one (or it did not load).
REAL_FILE_MINIMUM = 6000


class BesideRealError(RuntimeError):
    """The file beside the demo did not load as the real catalogue."""


async def import_beside(session: AsyncSession, csv: Path) -> ImportReport:
    """Import `csv` published as its regions published it, in `session` (committed)."""
    if not csv.is_file():
        raise BesideRealError(f"catalogue CSV not found: {csv}")
    report = await import_file(
        session, "items", csv, publish=True, missing_fields=published_at_source()
    )
    if not report.ok or report.published < REAL_FILE_MINIMUM:
        lines = "\n".join(report_lines(report, 10))
        raise BesideRealError(f"{csv} did not load beside the demo:\n{lines}")
    await session.commit()
    return report
