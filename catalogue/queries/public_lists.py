"""The public records of each open-data list, in file order, within a deployment's scope:
what `catalogue.exporting` writes and what the open-data page counts (one table, so the
two always agree). Items, departments and regions are those of the deployment's regions
(`catalogue.scope`); the fund and poverty lists are the county's own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from catalogue.lists.declarations import (
    DEPARTMENTS,
    FUNDS,
    ITEMS,
    POVERTY_ALLOCATIONS,
    POVERTY_PROJECTS,
    REGIONS,
    RESPONSIBILITIES,
    ListDeclaration,
)
from catalogue.models import (
    Department,
    FundItem,
    Item,
    PovertyAllocation,
    PovertyProject,
    Region,
    Responsibility,
)
from catalogue.queries.visibility import (
    local_department,
    local_region,
    public_allocation,
    public_fund,
    public_item,
    public_project,
)
from catalogue.scope import RegionScope


@dataclass(frozen=True, slots=True)
class PublicList:
    """A list published as open data: its declaration (the exported columns and where a
    record keeps each) and the query of its public records in file order."""

    declaration: ListDeclaration
    records: Callable[[RegionScope], Select[Any]]

    @property
    def kind(self) -> str:
        """The file kind of the list (`zwbot export KIND`)."""
        layout = self.declaration.layout
        if layout is None:
            raise ValueError(f"{self.declaration.name} declares no file layout")
        return layout.kind


PUBLIC_LISTS: dict[str, PublicList] = {
    public.kind: public
    for public in (
        PublicList(ITEMS, lambda scope: select(Item).where(public_item(scope)).order_by(Item.code)),
        PublicList(
            RESPONSIBILITIES,
            lambda scope: (
                select(Responsibility)
                .join(Responsibility.item)
                .where(public_item(scope))
                .options(contains_eager(Responsibility.item))
                .order_by(Item.code, Responsibility.seq, Responsibility.id)
            ),
        ),
        PublicList(
            DEPARTMENTS,
            lambda scope: (
                select(Department).where(local_department(scope)).order_by(Department.name)
            ),
        ),
        PublicList(
            REGIONS, lambda scope: select(Region).where(local_region(scope)).order_by(Region.code)
        ),
        PublicList(
            FUNDS,
            lambda _: (
                select(FundItem)
                .where(public_fund())
                .order_by(FundItem.budget_year, FundItem.fund_type, FundItem.project_name)
            ),
        ),
        PublicList(
            POVERTY_ALLOCATIONS,
            lambda _: (
                select(PovertyAllocation)
                .where(public_allocation())
                .order_by(PovertyAllocation.year, PovertyAllocation.region_code)
            ),
        ),
        PublicList(
            POVERTY_PROJECTS,
            lambda _: (
                select(PovertyProject)
                .where(public_project())
                .order_by(PovertyProject.year, PovertyProject.name)
            ),
        ),
    )
}
