"""The charts of the village, town and fund pages, from the same records the tables show."""

from __future__ import annotations

from catalogue import queries
from catalogue.models import FundType
from handlers.web.charts import Bar, Chart, bar_chart, sums


def place_charts(funds: queries.RegionFunds) -> list[Chart]:
    """A place's allocations by year, by purpose and (for a town) by village."""
    allocations = [a for year in funds.years for a in year.allocations]
    charts = [
        bar_chart(
            f"{funds.place.label} 各年度扶贫资金分配",
            [Bar(f"{year.year}年", year.allocation_total) for year in reversed(funds.years)],
        )
        if len(funds.years) > 1
        else None,
        bar_chart(
            f"{funds.place.label} 扶贫资金按用途",
            sums((a.purpose, a.amount) for a in allocations),
        ),
    ]
    if funds.place.level == "town":
        charts.append(
            bar_chart(
                f"{funds.place.label} 扶贫资金按村",
                sums(((a.region.short_name or a.region.name), a.amount) for a in allocations),
            )
        )
    return [chart for chart in charts if chart is not None]


def _type_label(value: str) -> str:
    try:
        return FundType(value).label
    except ValueError:
        return value


def fund_charts(funds: queries.FundList) -> list[Chart]:
    """The fund list shown, by department and by type."""
    when = f"{funds.year}年" if funds.year else "各年度"
    charts = [
        bar_chart(
            f"{when}财政专项资金按部门",
            sums((row.department.name, row.budget_amount) for row in funds.rows),
        ),
        bar_chart(
            f"{when}财政专项资金按类型",
            sums((_type_label(row.fund_type), row.budget_amount) for row in funds.rows),
        ),
    ]
    return [chart for chart in charts if chart is not None]
