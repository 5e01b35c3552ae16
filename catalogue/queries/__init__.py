"""Read-only query helpers for the public side: only published or suspended, non-classified data.

Every helper takes keyword-only arguments, starting with the session, and never commits
(DESIGN §4.6): the owner of the transaction does.
"""

from catalogue.queries.counts import public_counts
from catalogue.queries.departments import (
    DepartmentSummary,
    department_by_id,
    departments,
    find_departments,
)
from catalogue.queries.funds import FundList, fund_list, fund_years
from catalogue.queries.items import (
    CodeLookup,
    ItemPage,
    canonical_code,
    category_counts,
    item_by_code,
    item_by_id,
    items_by_basic_code,
    items_by_codes,
    items_near_code,
    items_page,
    look_up_code,
    public_items,
    retired_code,
)
from catalogue.queries.poverty import (
    Document,
    RegionFunds,
    YearFunds,
    by_document,
    county_place,
    published_years,
    region_funds,
    region_years,
    valid_year,
)
from catalogue.queries.regions import (
    Division,
    Place,
    RegionMatch,
    core_name,
    division_by_code,
    find_regions,
    places,
    region_by_code,
    region_label,
    towns,
    towns_named,
    villages_of,
)

__all__ = [
    "CodeLookup",
    "DepartmentSummary",
    "Division",
    "Document",
    "FundList",
    "ItemPage",
    "Place",
    "RegionFunds",
    "RegionMatch",
    "YearFunds",
    "by_document",
    "canonical_code",
    "category_counts",
    "core_name",
    "county_place",
    "department_by_id",
    "departments",
    "division_by_code",
    "find_departments",
    "find_regions",
    "fund_list",
    "fund_years",
    "item_by_code",
    "item_by_id",
    "items_by_basic_code",
    "items_by_codes",
    "items_near_code",
    "items_page",
    "look_up_code",
    "places",
    "public_counts",
    "public_items",
    "published_years",
    "region_by_code",
    "region_funds",
    "region_label",
    "region_years",
    "retired_code",
    "towns",
    "towns_named",
    "valid_year",
    "villages_of",
]
