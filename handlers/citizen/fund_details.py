"""What a question may ask about one special fund beyond its amount (申报, 评审, 分配 …), and
the published column of the fund list that answers it."""

from __future__ import annotations

from catalogue.models import FundItem
from handlers.citizen import parsing

# The published column answering each detail a question may ask about a fund, and its label.
DETAIL_LABELS = {
    "competitive": "分配方式",
    "department": "主管部门",
    "guide": "申报指南",
    "review": "评审结果",
    "allocation": "资金分配和使用",
    "measures": "管理办法",
    "performance": "绩效评价",
    "change": "调整情况",
    "published": "预算批准和公开日期",
}
MAX_DETAIL_FUNDS = 3
COMPETITIVE = "竞争性分配（公开申报指南，评审后公布结果）"
NOT_COMPETITIVE = "不是竞争性分配（按规定分配到项目单位或受益群众）"


def detail_text(row: FundItem, detail: str) -> str:
    """What the fund list publishes about one detail of a fund ('' when nothing)."""
    if detail == "competitive":
        return COMPETITIVE if row.competitive else NOT_COMPETITIVE
    if detail == "department":
        return row.department.name if row.department is not None else ""
    if detail == "guide":
        return row.application_guide
    if detail == "review":
        return row.review_results
    if detail == "allocation":
        return row.allocation or row.allocation_and_use
    if detail == "measures":
        return row.management_measures
    if detail == "performance":
        return row.performance_evaluation
    if detail == "change":
        return row.change_note
    if detail == "published":
        return _dates(row)
    return ""


def _dates(row: FundItem) -> str:
    """When the budget was approved (人大批准) and when the row was published, as known."""
    said = [
        f"{label}{day.isoformat()}"
        for label, day in (("预算批准", row.budget_approved_on), ("公开", row.published_on))
        if day is not None
    ]
    return "，".join(said)


def answering_rows(rows: list[FundItem], details: list[str]) -> list[FundItem]:
    """Of the funds asked about, the rows that publish an answer: per fund the latest year
    that does (a question without a year is about the newest published), at most three."""
    chosen: dict[str, FundItem] = {}
    for row in sorted(rows, key=lambda r: -r.budget_year):
        if row.project_name in chosen:
            continue
        if any(detail_text(row, detail) for detail in details):
            chosen[row.project_name] = row
    return list(chosen.values())[:MAX_DETAIL_FUNDS]


def named_funds(rows: list[FundItem], topic: str) -> list[FundItem]:
    """The rows whose fund the words name: those they name strictly (「医疗救助」: 城乡医疗救助资金)
    when there are any, else those they name loosely (one character said otherwise)."""
    strict = [r for r in rows if parsing.names_fund(topic, r.project_name, loose=False)]
    return strict or [r for r in rows if parsing.names_fund(topic, r.project_name)]
