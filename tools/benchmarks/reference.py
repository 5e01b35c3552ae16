"""Loading the reference file (`../shared/data/service_items.csv`) into a benchmark's own
throw-away database as if every row were complete.

The file is three other regions' directories and lacks fields the county's regulations require
of a published record (no 监督方式, no 责任事项…), so `zwbot import --publish` keeps all of it
as drafts. Benchmarks of answers and load need it served, so they publish it with this
completeness rule instead; no product path (CLI, chat, API) can pass one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_if_complete(_row: Mapping[str, Any]) -> list[str]:
    """A completeness rule that finds nothing missing (benchmark databases only)."""
    return []
