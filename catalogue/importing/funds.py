"""Importing the special fiscal fund list (财政专项资金管理清单) of a budget year, in 万元."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing import live
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import Blocked, ImportReport, Refusal
from catalogue.importing.schema import ParsedRow, schema_of
from catalogue.importing.sync import Changes, table_of, write
from catalogue.importing.values import CellError
from catalogue.lists.declarations import FUNDS
from catalogue.models import Department, FundItem, FundType, PublicationStatus, utcnow

PUBLISH_WITHIN_DAYS = 20  # 第七条: publish with the budget within 20 days of its approval

_FUND_TYPES = {
    "部门预算专项资金": FundType.DEPARTMENT_BUDGET,
    "部门预算": FundType.DEPARTMENT_BUDGET,
    "department_budget": FundType.DEPARTMENT_BUDGET,
    "转移支付专项资金": FundType.TRANSFER_PAYMENT,
    "转移支付": FundType.TRANSFER_PAYMENT,
    "transfer_payment": FundType.TRANSFER_PAYMENT,
}


def _fund_type(text: str) -> str:
    found = _FUND_TYPES.get(text.strip()) or _FUND_TYPES.get(text.strip().lower())
    if found is None:
        raise CellError(f"「{text}」不是资金类型，应为“部门预算专项资金”或“转移支付专项资金”")
    return found.value


SCHEMA = schema_of(FUNDS, {"fund_type": _fund_type})

_TEXT = (
    "management_measures",
    "allocation_and_use",
    "performance_evaluation",
    "application_guide",
    "review_results",
    "allocation",
    "change_note",
)


def _rules(row: ParsedRow, report: ImportReport, publish: bool) -> None:
    """Warnings for the publication rules of 第七条 and 第八条."""
    approved, published = row.get("budget_approved_on"), row.get("published_on")
    if approved and published and (published - approved).days > PUBLISH_WITHIN_DAYS:
        report.warn(
            row.row,
            row.header("published_on"),
            f"发布日期比预算批准日期晚{(published - approved).days}天，超过第七条规定的20天",
        )
    if published and approved and published < approved:
        report.warn(row.row, row.header("published_on"), "发布日期早于预算批准日期，请核对")
    if publish and row.get("competitive"):
        missing = [
            SCHEMA.column(key).header
            for key in ("application_guide", "review_results", "allocation")
            if not row.get(key)
        ]
        if missing:
            report.warn(
                row.row,
                row.header("competitive"),
                "竞争性分配的资金还应公开" + "、".join(missing) + "（第八条）",
            )


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Check departments and rules, then insert or update funds by (year, department, project)."""
    result = await session.execute(select(Department.name, Department.id))
    departments = {name: department_id for name, department_id in result}
    existing = {
        (f.budget_year, f.department_id, f.project_name): f
        for f in (await session.scalars(select(FundItem))).all()
    }
    now = utcnow()
    changes = Changes()
    for row in rows:
        department_id = departments.get(row.values["department"])
        if department_id is None:
            report.error(
                row.row,
                row.header("department"),
                f"主管部门「{row.values['department']}」不存在："
                "请先导入部门（zwbot import departments）或核对名称",
            )
            continue
        _rules(row, report, options.publish)
        values: dict[str, Any] = {
            "budget_year": row.values["budget_year"],
            "fund_type": row.values["fund_type"],
            "department_id": department_id,
            "project_name": row.values["project_name"],
            "budget_amount": row.values["budget_amount"],
        }
        for key in _TEXT:
            if key in row.values:
                values[key] = row.get(key, "")
        for key in ("competitive",):
            if key in row.values:
                values[key] = bool(row.get(key, False))
        for key in ("budget_approved_on", "published_on"):
            if key in row.values:
                values[key] = row.get(key)
        old = existing.get((values["budget_year"], department_id, values["project_name"]))
        if old is None:
            values.update(
                {key: "" for key in _TEXT if key not in values},
                competitive=values.get("competitive", False),
                budget_approved_on=values.get("budget_approved_on"),
                published_on=values.get("published_on"),
            )
            publish_now = live.publishable(report, row, "fund", None, values, options.publish)
            values.update(
                status=(
                    PublicationStatus.PUBLISHED if publish_now else PublicationStatus.DRAFT
                ).value,
                published_at=now if publish_now else None,
                is_demo=options.demo,
            )
            report.published += publish_now
            report.drafts += not publish_now
            changes.inserts.append(values)
            continue
        current = {key: getattr(old, key) for key in values}
        blocked = Blocked(
            Refusal.LIVE_RECORD, "fund", old.id, name=old.project_name, year=old.budget_year
        )
        if live.refuses_change(report, row, old, current, values, blocked):
            continue
        if live.publishable(report, row, "fund", old, values, options.publish):
            values.update(status=PublicationStatus.PUBLISHED.value, published_at=now)
            current.update(status=old.status, published_at=old.published_at)
            report.published += 1
        changes.add(current, values, old.id)
    if report.errors:
        return
    report.created, report.updated = len(changes.inserts), len(changes.updates)
    report.unchanged = changes.unchanged
    if not options.dry_run:
        await write(session, table_of(FundItem), changes)
