"""How an import runs: publish or not, dry run, demo marking, the county it belongs to, and the
completeness check that decides whether a new record may be published at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from catalogue.lists.completeness import Lack, missing_in_import
from catalogue.region_directory import COUNTY_CODE

# The fields a record still lacks before it may be published; [] = complete.
MissingFields = Callable[[Mapping[str, Any]], list[Lack]]

# The completeness rule of the regulations (catalogue.lists): what every import checks
# before it publishes a record, whichever path runs it.
COMPLETENESS_RULE: MissingFields = missing_in_import


def published_at_source(county_code: str = COUNTY_CODE) -> MissingFields:
    """The rule of an administrator's load of OTHER regions' catalogues as their own
    governments published them (e.g. the counties of a province's deployment, each served by
    its own account): the county's completeness rule still holds for every record of the
    county (`county_code`); another region's record is that region's to complete, and is
    published as its source published it. A record without a region is the county's."""

    def missing(record: Mapping[str, Any]) -> list[Lack]:
        region = str(record.get("region_code") or county_code)
        if region.startswith(county_code):
            return COMPLETENESS_RULE(record)
        return []

    return missing


@dataclass(frozen=True)
class ImportOptions:
    """`publish`: the initial load of a region's catalogue publishes its complete new records
    (a region that already has published items takes new ones as drafts only, through review);
    `demo`: records are marked as demo; `missing_fields`: the completeness rule of a record."""

    publish: bool = False
    dry_run: bool = False
    demo: bool = False
    county_code: str = COUNTY_CODE
    missing_fields: MissingFields = COMPLETENESS_RULE
