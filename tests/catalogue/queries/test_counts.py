"""Open-data counts agree with what the exporter writes (public records only)."""

from __future__ import annotations

from catalogue.exporting import export_records
from catalogue.queries import public_counts


async def test_counts_equal_exported_records(session, seeded):
    counts = await public_counts(session=session)
    for name, count in counts.items():
        assert count == len(await export_records(session, name)), name
    assert counts["items"] == 6 and counts["funds"] == 3
    assert counts["poverty-allocations"] == 5 and counts["poverty-projects"] == 3
