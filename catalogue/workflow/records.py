"""A staff member's own work in the lists: their open requests and their department's drafts
(我的草稿), and their department's records with the fields each still lacks (我部门).

Completeness is the rule of `catalogue.lists.completeness`, the same as 提交, 通过 and 发布.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.lists.completeness import Lack, Shortfall, item_shortfalls, record_shortfalls
from catalogue.models import ChangeRequest, Department, FundItem, Item, StaffMember
from catalogue.models import PublicationStatus as Status
from catalogue.workflow import permissions
from catalogue.workflow.errors import Operation
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import RequestInfo
from catalogue.workflow.rules import OPEN_STATES

# Records a department still works on or has published (abolished ones are history).
LISTED_STATUSES = (
    Status.DRAFT.value,
    Status.PENDING_REVIEW.value,
    Status.PUBLISHED.value,
    Status.SUSPENDED.value,
)


@dataclass(frozen=True, slots=True)
class RecordLine:
    """One record with the fields (Chinese names) that keep it from going live."""

    ref: str  # item code, or 资金#<id>
    name: str
    status: str
    short: tuple[Lack, ...]  # fields missing or malformed

    @property
    def complete(self) -> bool:
        """Whether nothing keeps it from 提交/发布."""
        return not self.short


@dataclass(frozen=True, slots=True)
class MyDrafts:
    """我的草稿: the member's open requests and their department's drafts."""

    requests: tuple[RequestInfo, ...]
    drafts: tuple[RecordLine, ...]
    department: str  # "" when the account has no department


@dataclass(frozen=True, slots=True)
class DepartmentRecords:
    """我部门: the department's records by state, and each record's completeness."""

    department: str
    by_status: dict[str, int]
    records: tuple[RecordLine, ...]  # every listed record, the short ones first

    @property
    def short(self) -> tuple[RecordLine, ...]:
        """The records that lack a field."""
        return tuple(record for record in self.records if not record.complete)


def _labels(found: list[Shortfall]) -> tuple[Lack, ...]:
    return tuple(Lack.of(s) for s in found)


async def _item_lines(
    session: AsyncSession, department_id: int, statuses: tuple[str, ...], today: date
) -> list[RecordLine]:
    items = await session.scalars(
        select(Item)
        .where(Item.department_id == department_id, Item.status.in_(statuses))
        .order_by(Item.code)
    )
    return [
        RecordLine(item.code, item.name, item.status, _labels(item_shortfalls(item, today)))
        for item in items
    ]


async def _fund_lines(
    session: AsyncSession, department_id: int, statuses: tuple[str, ...], today: date
) -> list[RecordLine]:
    funds = await session.scalars(
        select(FundItem)
        .where(FundItem.department_id == department_id, FundItem.status.in_(statuses))
        .order_by(FundItem.budget_year.desc(), FundItem.id)
    )
    return [
        RecordLine(
            f"资金#{fund.id}",
            f"{fund.budget_year}年 {fund.project_name}",
            fund.status,
            _labels(record_shortfalls(fund, today)),
        )
        for fund in funds
    ]


async def my_drafts(session: AsyncSession, staff: StaffMember, today: date) -> Outcome:
    """我的草稿: open requests this member proposed, and the drafts of their department."""
    permissions.require(staff, permissions.READERS, Operation.READ)
    requests = await session.scalars(
        select(ChangeRequest)
        .where(ChangeRequest.proposer_id == staff.id, ChangeRequest.state.in_(OPEN_STATES))
        .order_by(ChangeRequest.id)
    )
    drafts: list[RecordLine] = []
    department = ""
    if staff.department_id is not None:
        found = await session.get(Department, staff.department_id)
        department = found.name if found is not None else ""
        statuses = (Status.DRAFT.value,)
        drafts = await _item_lines(session, staff.department_id, statuses, today)
        drafts += await _fund_lines(session, staff.department_id, statuses, today)
    result = MyDrafts(tuple(RequestInfo.of(r) for r in requests), tuple(drafts), department)
    return Outcome(action="staff.drafts", target="", result=result)


async def department_records(session: AsyncSession, staff: StaffMember, today: date) -> Outcome:
    """我部门: the member's department's items and fund rows, by state, each with what it
    lacks; refused for an account without a department (the county offices use 通报)."""
    permissions.require(staff, permissions.READERS, Operation.READ)
    if staff.department_id is None:
        return Outcome(action="staff.department", target="", result=None)
    department = await session.get(Department, staff.department_id)
    lines = await _item_lines(session, staff.department_id, LISTED_STATUSES, today)
    lines += await _fund_lines(session, staff.department_id, LISTED_STATUSES, today)
    counts = Counter(line.status for line in lines)
    ordered = sorted(lines, key=lambda line: (line.complete, line.ref))
    result = DepartmentRecords(
        department.name if department is not None else "", dict(counts), tuple(ordered)
    )
    return Outcome(action="staff.department", target="", result=result)
