"""Village and town poverty figures: only published rows, exact Decimal totals."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from catalogue import queries
from catalogue.models import PovertyAllocation
from tests.kits import public_catalogue as seed


async def test_village_totals_equal_published_rows(session, seeded):
    funds = await queries.region_funds(session=session, region_code=seed.HONGDA)
    assert funds is not None
    assert [y.year for y in funds.years] == [2017, 2016]
    year_2016 = funds.years[1]
    assert year_2016.allocation_total == Decimal("150.7500")
    expected = await session.scalar(
        select(func.sum(PovertyAllocation.amount)).where(
            PovertyAllocation.region_code == seed.HONGDA,
            PovertyAllocation.year == 2016,
            PovertyAllocation.status == "published",
        )
    )
    assert year_2016.allocation_total == Decimal(str(expected)).quantize(Decimal("0.0001"))
    assert [p.name for p in year_2016.projects] == ["红大村道路硬化工程"]
    assert funds.project_total == Decimal("128.8900")


async def test_town_includes_its_villages(session, seeded):
    funds = await queries.region_funds(session=session, region_code=seed.HUACANGSI_TOWN, year=2016)
    assert funds is not None and funds.allocation_total == Decimal("150.7500")
    assert funds.place.level == "town"


async def test_bad_input(session, seeded):
    assert await queries.region_funds(session=session, region_code="nope") is None
    funds = await queries.region_funds(session=session, region_code=seed.HONGDA, year=99999)
    assert funds is not None and funds.empty
    assert await queries.region_years(session=session, region_code=seed.HONGDA) == [2017, 2016]
