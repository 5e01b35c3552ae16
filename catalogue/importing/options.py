"""How an import runs: publish or not, dry run, demo marking, the county it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.region_directory import COUNTY_CODE


@dataclass(frozen=True)
class ImportOptions:
    """`publish`: new and draft records become published; `demo`: records are marked as demo."""

    publish: bool = False
    dry_run: bool = False
    demo: bool = False
    county_code: str = COUNTY_CODE
