"""The public fund list by year, department and type, with exact totals."""

from __future__ import annotations

from decimal import Decimal

from catalogue import queries
from catalogue.models import FundType
from tests.kits import public_catalogue as seed


async def test_fund_list_by_year_and_department(session, seeded):
    funds = await queries.fund_list(session=session, year=2015, department_ids=[seeded.farming_id])
    assert [r.project_name for r in funds.rows] == ["草原生态保护补助奖励资金", "农业综合开发资金"]
    assert funds.total == Decimal("1534.6678")
    only = await queries.fund_list(session=session, year=2015, fund_type=FundType.TRANSFER_PAYMENT)
    assert only.total == Decimal("300.1000")


async def test_drafts_and_bad_years_never_appear(session, seeded):
    everything = await queries.fund_list(session=session)
    assert seed.HIDDEN_FUND not in {r.project_name for r in everything.rows}
    assert (await queries.fund_list(session=session, year=-3)).rows == []
    assert (await queries.fund_list(session=session, department_ids=[])).rows == []
    assert await queries.fund_years(session=session) == [2016, 2015]
