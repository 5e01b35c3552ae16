"""Published poverty allocations and projects of a town or village, by year, with exact totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from catalogue.models import PovertyAllocation, PovertyProject, Region, project_villages
from catalogue.queries.regions import Place, region_by_code
from catalogue.queries.visibility import public_allocation, public_project

MIN_YEAR = 1949
MAX_YEAR = 2200
COUNTY_CODE_LENGTH = 6  # GB/T 2260: province (2) + city (2) + county (2)
TOWN_CODE_LENGTH = 9  # GB/T 10114 style: county (6) + town (3)
VILLAGE_CODE_LENGTH = 12  # + village (3)
CANCELLED = "cancelled"  # a cancelled project stays published (第四条: changes are public)


class _Allocated:
    """Published allocations and projects of one kind of group; totals are exact sums."""

    allocations: list[PovertyAllocation]
    projects: list[PovertyProject]

    @property
    def allocation_total(self) -> Decimal:
        """Sum of the allocated amounts (万元)."""
        return sum((a.amount for a in self.allocations), Decimal(0))


@dataclass
class YearFunds(_Allocated):
    """One year's allocations and projects of a place; totals are the exact sums of the rows."""

    year: int
    allocations: list[PovertyAllocation] = field(default_factory=list)
    projects: list[PovertyProject] = field(default_factory=list)

    @property
    def active_projects(self) -> list[PovertyProject]:
        """The projects not cancelled: the ones counted."""
        return [p for p in self.projects if p.progress != CANCELLED]

    @property
    def cancelled_projects(self) -> list[PovertyProject]:
        """Cancelled projects: shown as such, never counted."""
        return [p for p in self.projects if p.progress == CANCELLED]

    @property
    def project_total(self) -> Decimal:
        """Sum of the investments of the projects not cancelled (万元)."""
        return sum((p.investment for p in self.active_projects), Decimal(0))


@dataclass
class RegionFunds:
    """Everything published about a place's poverty funds, newest year first."""

    place: Place
    years: list[YearFunds] = field(default_factory=list)

    @property
    def allocation_total(self) -> Decimal:
        """Sum over all years shown."""
        return sum((y.allocation_total for y in self.years), Decimal(0))

    @property
    def project_total(self) -> Decimal:
        """Sum over all years shown."""
        return sum((y.project_total for y in self.years), Decimal(0))

    @property
    def is_demo(self) -> bool:
        """Whether any row shown is demonstration data."""
        return any(a.is_demo for y in self.years for a in y.allocations) or any(
            p.is_demo for y in self.years for p in y.projects
        )

    @property
    def empty(self) -> bool:
        """Nothing published for this place (in the year asked)."""
        return not self.years


def _within(
    place: Place, column: ColumnElement[Any] | InstrumentedAttribute[str]
) -> ColumnElement[bool]:
    # A town's figures include its villages: their codes start with the town's 9 digits;
    # the county's, every town's and village's.
    if place.level in ("town", "county"):
        return or_(column == place.code, column.like(f"{place.code}%"))
    return column == place.code


def valid_year(year: int | None) -> bool:
    """Whether a year is plausible enough to query (bad input never reaches SQL)."""
    return year is None or MIN_YEAR <= year <= MAX_YEAR


async def county_place(*, session: AsyncSession, code: str) -> Place | None:
    """The county itself as a place (its figures cover every town and village)."""
    region = await session.get(Region, code)
    if region is None or region.level != "county":
        return None
    return Place(region.code, region.name, region.short_name, "county", None, None)


async def region_funds(
    *, session: AsyncSession, region_code: str, year: int | None = None
) -> RegionFunds | None:
    """The published allocations and projects of the county, a town (with its villages) or a
    village; the county's include projects of no particular village (e.g. loan subsidies)."""
    place = await region_by_code(session=session, code=region_code)
    if place is None:
        place = await county_place(session=session, code=region_code)
    if place is None:
        return None
    result = RegionFunds(place=place)
    if not valid_year(year):
        return result
    allocation_query = select(PovertyAllocation).where(
        _within(place, PovertyAllocation.region_code), public_allocation()
    )
    project_ids = (
        select(project_villages.c.project_id)
        .where(_within(place, project_villages.c.region_code))
        .scalar_subquery()
    )
    project_query = select(PovertyProject).where(public_project())
    if place.level != "county":
        project_query = project_query.where(PovertyProject.id.in_(project_ids))
    if year is not None:
        allocation_query = allocation_query.where(PovertyAllocation.year == year)
        project_query = project_query.where(PovertyProject.year == year)
    allocations = await session.scalars(
        allocation_query.order_by(PovertyAllocation.year, PovertyAllocation.id)
    )
    projects = await session.scalars(project_query.order_by(PovertyProject.year, PovertyProject.id))
    by_year: dict[int, YearFunds] = {}
    for allocation in allocations:
        by_year.setdefault(allocation.year, YearFunds(allocation.year)).allocations.append(
            allocation
        )
    for project in projects:
        by_year.setdefault(project.year, YearFunds(project.year)).projects.append(project)
    result.years = [by_year[y] for y in sorted(by_year, reverse=True)]
    return result


async def region_years(*, session: AsyncSession, region_code: str) -> list[int]:
    """The years with published figures for a place, newest first."""
    funds = await region_funds(session=session, region_code=region_code)
    return [y.year for y in funds.years] if funds else []


async def published_years(*, session: AsyncSession) -> dict[str, list[int]]:
    """For every town and village with published allocations or projects: those years,
    newest first (a town also has the years of its villages)."""
    allocations = await session.execute(
        select(PovertyAllocation.region_code, PovertyAllocation.year)
        .where(public_allocation())
        .distinct()
    )
    projects = await session.execute(
        select(project_villages.c.region_code, PovertyProject.year)
        .join(PovertyProject, PovertyProject.id == project_villages.c.project_id)
        .where(public_project())
        .distinct()
    )
    years: dict[str, set[int]] = {}
    for code, year in [*allocations, *projects]:
        years.setdefault(code, set()).add(year)
        if len(code) == VILLAGE_CODE_LENGTH:  # the village's town shows it too
            years.setdefault(code[:TOWN_CODE_LENGTH], set()).add(year)
    return {code: sorted(found, reverse=True) for code, found in years.items()}


@dataclass
class AllocationTotals:
    """The exact sum of the published allocations of each town and village that has any, by
    code (a town's own rows only: its villages' are theirs)."""

    by_code: dict[str, Decimal] = field(default_factory=dict)
    is_demo: bool = False


async def allocation_totals(*, session: AsyncSession, year: int | None = None) -> AllocationTotals:
    """Each place's allocations summed, of one year or of every year published."""
    if not valid_year(year):
        return AllocationTotals()
    query = select(
        PovertyAllocation.region_code, PovertyAllocation.amount, PovertyAllocation.is_demo
    ).where(public_allocation())
    if year is not None:
        query = query.where(PovertyAllocation.year == year)
    totals = AllocationTotals()
    for code, amount, demo in await session.execute(query):
        totals.by_code[code] = totals.by_code.get(code, Decimal(0)) + Decimal(amount)
        totals.is_demo = totals.is_demo or bool(demo)
    return totals


@dataclass
class Document(_Allocated):
    """The published allocations and projects of one document (文号, e.g. 天扶贫发〔2016〕32号)."""

    number: str
    allocations: list[PovertyAllocation] = field(default_factory=list)
    projects: list[PovertyProject] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No published record has this number."""
        return not self.allocations and not self.projects


async def by_document(
    *, session: AsyncSession, issuer: str, year: int, serial: int
) -> Document | None:
    """The published records of the document 「<issuer>〔<year>〕<serial>号」; the issuer said
    may carry words before it (「请问天扶贫发」) or leave the county's first character off
    (「扶贫发」). None when no record has such a number."""
    tail = f"〔{year}〕{serial}号"
    allocations = list(
        await session.scalars(
            select(PovertyAllocation)
            .where(PovertyAllocation.document_number.like(f"%{tail}"), public_allocation())
            .order_by(PovertyAllocation.region_code, PovertyAllocation.id)
        )
    )
    projects = list(
        await session.scalars(
            select(PovertyProject)
            .where(PovertyProject.approval_number.like(f"%{tail}"), public_project())
            .order_by(PovertyProject.id)
        )
    )

    def meant(number: str) -> bool:
        written = number.removesuffix(tail)
        return bool(written) and (issuer.endswith(written) or written.endswith(issuer))

    allocations = [a for a in allocations if meant(a.document_number)]
    projects = [p for p in projects if meant(p.approval_number)]
    numbers = sorted(
        {a.document_number for a in allocations} | {p.approval_number for p in projects}
    )
    if len(numbers) != 1:
        return None  # none, or several issuers' documents share the year and serial
    return Document(numbers[0], allocations, projects)
