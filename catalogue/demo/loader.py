"""Loading the demo catalogue into a database: idempotent upserts of records flagged `is_demo`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.demo.data import (
    DemoAllocation,
    DemoData,
    DemoFund,
    DemoItem,
    DemoProject,
    as_utc,
    read_demo,
)
from catalogue.models import (
    Department,
    FundItem,
    Item,
    PovertyAllocation,
    PovertyProject,
    PowerItem,
    Region,
    Responsibility,
    RetiredCode,
    ServiceItem,
    StaffMember,
)
from catalogue.regions import RegionLoadReport, load_shipped_regions


class DemoConflictError(RuntimeError):
    """A demo record collides with real (non-demo) data; the demo never overwrites real data."""


@dataclass
class Tally:
    """Records of one kind added, updated and left unchanged."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        """Count one record as 'added', 'updated' or 'unchanged'."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def total(self) -> int:
        """Every record of the kind in the demo."""
        return self.added + self.updated + self.unchanged


KINDS = (
    "departments",
    "items",
    "retired_codes",
    "fund_items",
    "poverty_allocations",
    "poverty_projects",
)
_KIND_LABELS = {
    "departments": "部门",
    "items": "事项",
    "retired_codes": "废止代码",
    "fund_items": "财政专项资金",
    "poverty_allocations": "扶贫资金分配",
    "poverty_projects": "扶贫项目",
}


@dataclass
class DemoReport:
    """What `load_demo` did."""

    regions: RegionLoadReport
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    removed: int = 0

    @property
    def changed(self) -> int:
        """Rows written or removed; 0 when the demo was already loaded and unchanged."""
        return (
            self.regions.changed
            + self.removed
            + sum(t.added + t.updated for t in self.tallies.values())
        )

    def summary(self) -> str:
        """A few lines for staff, in Chinese."""
        lines = [
            f"行政区划：新增{len(self.regions.added)}，更新{len(self.regions.updated)}，"
            f"未变{self.regions.unchanged}"
        ]
        if self.removed:
            lines.append(f"已清除原有演示记录：{self.removed}条")
        for kind, tally in self.tallies.items():
            lines.append(
                f"{_KIND_LABELS[kind]}：共{tally.total}（新增{tally.added}，更新{tally.updated}，"
                f"未变{tally.unchanged}）"
            )
        lines.append("以上为演示数据，页面和卡片将标注“演示数据”。")
        return "\n".join(lines)


_Demo = TypeVar("_Demo", Department, FundItem, PovertyAllocation)


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, datetime) or isinstance(wanted, datetime):
        if current is None or wanted is None:
            return current is wanted
        return as_utc(current) == as_utc(wanted)
    return bool(current == wanted)


def _apply(row: Any, values: Mapping[str, Any]) -> bool:
    """Set the attributes that differ; whether any did."""
    changed = False
    for key, value in values.items():
        if not _same(getattr(row, key), value):
            setattr(row, key, value)
            changed = True
    return changed


def _conflict(what: str, key: str) -> DemoConflictError:
    return DemoConflictError(
        f"数据库中已有正式数据“{key}”（{what}），演示数据不会覆盖正式数据；"
        "请在空数据库中载入演示目录。"
    )


def _put(
    session: AsyncSession,
    model: type[_Demo],
    row: _Demo | None,
    values: Mapping[str, Any],
    tally: Tally,
    conflict: tuple[str, str],
) -> _Demo:
    """Add the demo record, or update the demo row already there; a real row is never touched.

    `conflict` is (what, key) for the error when `row` is real data.
    """
    if row is None:
        row = model(**values)
        session.add(row)
        tally.count("added")
    elif not row.is_demo:
        raise _conflict(*conflict)
    else:
        tally.count("updated" if _apply(row, values) else "unchanged")
    return row


async def remove_demo(session: AsyncSession) -> int:
    """Delete every demo record (regions stay: they are real). Does not commit."""
    removed = 0
    demo_items = select(Item.id).where(Item.is_demo.is_(True))
    statements = [
        delete(RetiredCode).where(RetiredCode.item_id.in_(demo_items)),
        delete(Item).where(Item.is_demo.is_(True), Item.parent_id.is_not(None)),
        delete(Item).where(Item.is_demo.is_(True)),
        delete(FundItem).where(FundItem.is_demo.is_(True)),
        delete(PovertyAllocation).where(PovertyAllocation.is_demo.is_(True)),
        delete(PovertyProject).where(PovertyProject.is_demo.is_(True)),
        # A demo department that staff accounts point at stays; the next load updates it.
        delete(Department).where(
            Department.is_demo.is_(True),
            Department.id.not_in(
                select(StaffMember.department_id).where(StaffMember.department_id.is_not(None))
            ),
        ),
    ]
    for statement in statements:
        result = await session.execute(statement.execution_options(synchronize_session=False))
        removed += int(getattr(result, "rowcount", 0) or 0)
    session.expire_all()
    return removed


async def _departments(
    session: AsyncSession, data: DemoData, tally: Tally
) -> dict[str, Department]:
    names = [d.name for d in data.departments]
    rows = {
        d.name: d
        for d in await session.scalars(select(Department).where(Department.name.in_(names)))
    }
    for dept in data.departments:
        values = dept.model_dump() | {"is_demo": True}
        rows[dept.name] = _put(
            session, Department, rows.get(dept.name), values, tally, ("部门", dept.name)
        )
    await session.flush()
    return rows


def _item_values(item: DemoItem, departments: Mapping[str, Department]) -> dict[str, Any]:
    basic = item.code[-10:]
    legal, promised = item.legal_time_limit, item.promised_time_limit
    return {
        "kind": item.kind,
        "code": item.code,
        "subject_code": item.code[:22],
        "basic_code": basic,
        "category": item.category,
        "main_no": item.main_no,
        "sub_no": item.sub_no,
        "name": item.name,
        "parent_name": item.parent_name,
        "sub_name": item.sub_name,
        "department_id": departments[item.department].id,
        "region_code": item.region_code,
        "handling_office": item.handling_office,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "requirements": [r.model_dump() for r in item.requirements],
        "procedure": list(item.procedure),
        "flowchart": item.flowchart,
        "fee": item.fee,
        "location": item.location,
        "hours": item.hours,
        "phone": item.phone,
        "supervision_phone": item.supervision_phone,
        "supervision_way": item.supervision_way,
        "legal_limit_value": legal.value,
        "legal_limit_unit": legal.unit,
        "legal_limit_note": legal.note,
        "promised_limit_value": promised.value,
        "promised_limit_unit": promised.unit,
        "promised_limit_note": promised.note,
        "service_content": item.service_content,
        "management_requirements": item.management_requirements,
        "aliases": list(item.aliases),
        "keywords": list(item.keywords),
        "status": item.status.value,
        "suspension_class": item.suspension_class,
        "suspension_reason": item.suspension_reason,
        "suspended_at": item.suspended_at,
        "classified": item.classified,
        "published_at": item.published_at,
        "source": "演示数据：事项名称取自公开目录，办事指南为演示编写",
        "is_demo": True,
    }


def _duties(item: DemoItem) -> list[tuple[int, str, str, str]]:
    return [
        (seq, d.title, d.content, d.accountability)
        for seq, d in enumerate(item.responsibilities, start=1)
    ]


async def _items(
    session: AsyncSession, data: DemoData, departments: Mapping[str, Department], report: DemoReport
) -> None:
    tally = report.tallies["items"]
    codes = [i.code for i in data.items]
    # A basic code names one power (编码规范 二): a real item may share a demo item's basic code
    # only when it is the same power exercised by another body (the importer numbers it so).
    names = {i.code[-10:]: i.name for i in data.items}
    shared = await session.execute(
        select(Item.code, Item.basic_code, Item.name).where(
            Item.basic_code.in_(names), Item.is_demo.is_(False)
        )
    )
    for code, basic, name in shared:
        if name != names[basic]:
            raise _conflict(f"事项编码，事项“{name}”", code)
    rows = {i.code: i for i in await session.scalars(select(Item).where(Item.code.in_(codes)))}
    outcomes: dict[str, str] = {}
    for item in data.items:
        values = _item_values(item, departments)
        row = rows.get(item.code)
        if row is None:
            model = PowerItem if item.kind == "power" else ServiceItem
            values.pop("kind")
            row = model(**values)
            row.responsibilities = [
                Responsibility(seq=s, title=t, content=c, accountability=a)
                for s, t, c, a in _duties(item)
            ]
            session.add(row)
            rows[item.code] = row
            outcomes[item.code] = "added"
            continue
        if not row.is_demo or row.kind != item.kind:
            raise _conflict("事项", item.code)
        changed = _apply(row, values)
        current = [(d.seq, d.title, d.content, d.accountability) for d in row.responsibilities]
        if current != _duties(item):
            row.responsibilities = [
                Responsibility(seq=s, title=t, content=c, accountability=a)
                for s, t, c, a in _duties(item)
            ]
            changed = True
        outcomes[item.code] = "updated" if changed else "unchanged"
    for item in data.items:
        row = rows[item.code]
        parent = rows[item.parent_code] if item.parent_code else None
        if parent is not None and parent.id is None:
            # A new parent: the unit of work inserts it first and fills in parent_id.
            row.parent = parent
        elif row.parent_id != (parent.id if parent else None):
            row.parent_id = parent.id if parent else None
        else:
            tally.count(outcomes[item.code])
            continue
        tally.count("added" if outcomes[item.code] == "added" else "updated")
    await session.flush()
    await _retired_codes(session, data, rows, report.tallies["retired_codes"])
    await session.flush()


async def _retired_codes(
    session: AsyncSession, data: DemoData, items: Mapping[str, Item], tally: Tally
) -> None:
    retired = [i for i in data.items if i.retired is not None]
    codes = [i.code for i in retired]
    rows = {
        r.code: r
        for r in await session.scalars(select(RetiredCode).where(RetiredCode.code.in_(codes)))
    }
    for item in retired:
        assert item.retired is not None
        values = {
            "basic_code": item.code[-10:],
            "name": item.name,
            "reason": item.retired.reason,
            "merged_into": item.retired.merged_into,
            "basis": item.retired.basis,
            "retired_at": item.retired.retired_at,
            "item_id": items[item.code].id,
        }
        row = rows.get(item.code)
        if row is None:
            session.add(RetiredCode(code=item.code, **values))
            tally.count("added")
        else:
            tally.count("updated" if _apply(row, values) else "unchanged")


async def _funds(
    session: AsyncSession,
    funds: Iterable[DemoFund],
    departments: Mapping[str, Department],
    tally: Tally,
) -> None:
    rows = {
        (f.budget_year, f.department_id, f.project_name): f
        for f in await session.scalars(select(FundItem))
    }
    for fund in funds:
        values = fund.model_dump(exclude={"department"}) | {
            "fund_type": fund.fund_type.value,
            "status": fund.status.value,
            "department_id": departments[fund.department].id,
            "is_demo": True,
        }
        key = (fund.budget_year, values["department_id"], fund.project_name)
        what = ("财政专项资金", f"{fund.budget_year} {fund.project_name}")
        _put(session, FundItem, rows.get(key), values, tally, what)
    await session.flush()


async def _allocations(
    session: AsyncSession, allocations: Iterable[DemoAllocation], tally: Tally
) -> None:
    rows = {
        (a.year, a.region_code, a.document_number, a.purpose): a
        for a in await session.scalars(select(PovertyAllocation))
    }
    for allocation in allocations:
        values = allocation.model_dump() | {"status": allocation.status.value, "is_demo": True}
        key = (
            allocation.year,
            allocation.region_code,
            allocation.document_number,
            allocation.purpose,
        )
        what = ("扶贫资金分配", f"{allocation.year} {allocation.document_number}")
        _put(session, PovertyAllocation, rows.get(key), values, tally, what)
    await session.flush()


async def _projects(session: AsyncSession, projects: Iterable[DemoProject], tally: Tally) -> None:
    rows = {
        (p.year, p.name, p.approval_number): p
        for p in await session.scalars(select(PovertyProject))
    }
    wanted = {code for p in projects for code in p.villages}
    regions = {
        r.code: r for r in await session.scalars(select(Region).where(Region.code.in_(wanted)))
    }
    for project in projects:
        values = project.model_dump(exclude={"villages"}) | {
            "status": project.status.value,
            "is_demo": True,
        }
        villages = [regions[code] for code in project.villages]
        row = rows.get((project.year, project.name, project.approval_number))
        if row is None:
            session.add(PovertyProject(**values, villages=villages))
            tally.count("added")
            continue
        if not row.is_demo:
            raise _conflict("扶贫项目", f"{project.year} {project.name}")
        changed = _apply(row, values)
        if sorted(v.code for v in row.villages) != sorted(project.villages):
            row.villages = villages
            changed = True
        tally.count("updated" if changed else "unchanged")
    await session.flush()


async def load_demo(
    session: AsyncSession, *, reset: bool = False, data: DemoData | None = None
) -> DemoReport:
    """Load the Tianzhu demo catalogue (regions first); loading it again changes nothing.

    `reset` first deletes every demo record. The caller owns the transaction and commits.
    Raises DemoConflictError when a demo record would overwrite real data.
    """
    data = data or read_demo()
    removed = await remove_demo(session) if reset else 0
    report = DemoReport(regions=await load_shipped_regions(session), removed=removed)
    departments = await _departments(session, data, report.tallies["departments"])
    await _items(session, data, departments, report)
    await _funds(session, data.funds, departments, report.tallies["fund_items"])
    await _allocations(session, data.poverty_allocations, report.tallies["poverty_allocations"])
    await _projects(session, data.poverty_projects, report.tallies["poverty_projects"])
    return report
