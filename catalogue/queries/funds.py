"""The published special fund list (财政专项资金管理清单) by year, department and fund type."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import FundItem, FundType
from catalogue.queries.poverty import valid_year
from catalogue.queries.visibility import public_fund


@dataclass
class FundList:
    """Published fund rows matching a question; `total` is the exact sum of the rows (万元)."""

    year: int | None
    department_ids: list[int] | None
    fund_type: FundType | None
    rows: list[FundItem] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """Sum of the budget amounts shown."""
        return sum((row.budget_amount for row in self.rows), Decimal(0))

    @property
    def is_demo(self) -> bool:
        """Whether any row shown is demonstration data."""
        return any(row.is_demo for row in self.rows)


async def fund_list(
    *,
    session: AsyncSession,
    year: int | None = None,
    department_ids: list[int] | None = None,
    fund_type: FundType | None = None,
) -> FundList:
    """Published fund rows, newest year first, then by department and project name."""
    result = FundList(year=year, department_ids=department_ids, fund_type=fund_type)
    if not valid_year(year) or department_ids == []:
        return result
    query = select(FundItem).where(public_fund())
    if year is not None:
        query = query.where(FundItem.budget_year == year)
    if department_ids is not None:
        query = query.where(FundItem.department_id.in_(department_ids))
    if fund_type is not None:
        query = query.where(FundItem.fund_type == fund_type.value)
    rows = await session.scalars(
        query.order_by(
            FundItem.budget_year.desc(),
            FundItem.department_id,
            FundItem.fund_type,
            FundItem.project_name,
        )
    )
    result.rows = list(rows)
    return result


async def fund_rows(*, session: AsyncSession, ids: list[int]) -> list[FundItem]:
    """The published fund rows of these ids, in the order given (a row since withdrawn is
    left out)."""
    if not ids:
        return []
    found = {
        row.id: row
        for row in await session.scalars(
            select(FundItem).where(public_fund(), FundItem.id.in_(ids))
        )
    }
    return [found[i] for i in ids if i in found]


async def fund_years(*, session: AsyncSession) -> list[int]:
    """Budget years with published fund rows, newest first."""
    rows = await session.scalars(
        select(FundItem.budget_year)
        .where(public_fund())
        .distinct()
        .order_by(FundItem.budget_year.desc())
    )
    return list(rows)
