"""Chat answers about public money: a place's poverty funds and projects, the fund list."""

from __future__ import annotations

from catalogue.models import FundType
from catalogue.queries import FundList, Place, RegionFunds
from handlers.citizen import texts
from handlers.citizen.amounts import wan
from handlers.citizen.cards import shorten
from handlers.citizen.fitting import fit
from handlers.citizen.links import funds_url, village_url


def place_funds_answer(funds: RegionFunds, base_url: str, year: int | None) -> str:
    """Totals per year, then each allocation and project with amount, document and unit."""
    place = funds.place
    url = village_url(base_url, place.code, year)
    if funds.empty:
        when = f"{year}年" if year else ""
        return texts.FUNDS_NONE.format(place=place.label, year=when) + f"\n全部公开信息：{url}"
    demo = texts.DEMO_MARK if funds.is_demo else ""
    scope = "（含所辖各村）" if place.level == "town" else ""
    head = [f"【{place.label}{scope} 扶贫资金和项目】{demo}"]
    details: list[str] = []
    for year_funds in funds.years:
        summary = []
        if year_funds.allocations:
            summary.append(
                f"分配资金{len(year_funds.allocations)}笔，"
                f"合计{wan(year_funds.allocation_total)}{texts.UNIT}"
            )
        if year_funds.projects:
            summary.append(
                f"项目{len(year_funds.projects)}个，"
                f"投资合计{wan(year_funds.project_total)}{texts.UNIT}"
            )
        head.append(f"{year_funds.year}年 " + "；".join(summary))
        details.append(f"—— {year_funds.year}年明细 ——")
        for allocation in year_funds.allocations:
            purpose = f" {shorten(allocation.purpose, 30)}" if allocation.purpose else ""
            village = (
                f" {allocation.region.short_name or allocation.region.name}"
                if place.level == "town"
                else ""
            )
            details.append(
                f"· {wan(allocation.amount)}万元{village}{purpose}（{allocation.document_number}）"
            )
        for project in year_funds.projects:
            number = f"（{project.approval_number}）" if project.approval_number else ""
            unit = f"，实施单位：{project.implementing_unit}" if project.implementing_unit else ""
            details.append(
                f"· 项目：{shorten(project.name, 40)} {wan(project.investment)}万元{number}{unit}"
            )
    return fit(head, details, [f"明细和往年数据：{url}"], "……更多明细见下方链接。")


def places_choice(name: str, places: list[Place]) -> str:
    """Ask which of several same-named places was meant."""
    lines = [texts.PLACE_WHICH.format(name=name)]
    lines += [f"{n}. {place.label}" for n, place in enumerate(places, start=1)]
    lines.append(texts.PLACE_HINT)
    return "\n".join(lines)


def fund_list_answer(
    funds: FundList, base_url: str, *, what: str, department_id: int | None
) -> str:
    """The published fund rows asked for, with the exact total."""
    url = funds_url(base_url, year=funds.year, department_id=department_id)
    if not funds.rows:
        return texts.FUND_LIST_NONE.format(what=what) + f"\n全部清单：{url}"
    demo = texts.DEMO_MARK if funds.is_demo else ""
    lines = [
        f"【{what} 财政专项资金】{demo}",
        f"共{len(funds.rows)}项，合计{wan(funds.total)}{texts.UNIT}：",
    ]
    for number, row in enumerate(funds.rows, start=1):
        kind = FundType(row.fund_type).label if row.fund_type in set(FundType) else row.fund_type
        owner = (
            ""
            if department_id is not None
            else f"，{row.department.short_name or row.department.name}"
        )
        year = "" if funds.year is not None else f"{row.budget_year}年 "
        lines.append(
            f"{number}. {year}{shorten(row.project_name, 40)} {wan(row.budget_amount)}万元"
            f"（{kind}{owner}）"
        )
    return fit(lines[:2], lines[2:], [f"管理办法和分配情况：{url}"], "……更多见下方链接。")
