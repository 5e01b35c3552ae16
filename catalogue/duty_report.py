"""The 通报 of 《建设运行办法》第二十二条: per department, the work that is overdue and the work
still pending (duties of the regulations and open change requests), for the county
government's supervision (县审改办, 县政府办公室)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.duties import Duty, compute_duties
from catalogue.models import ChangeRequest, Department, Item, Role
from catalogue.workflow.lookup import request_line
from catalogue.workflow.rules import OPEN_STATES

# Duties owned by a county office rather than an item's department.
OFFICE_OF_ROLE = {
    Role.FINANCE: "县财政局",
    Role.POVERTY_OFFICE: "县扶贫办",
    Role.REVIEW_OFFICE: "县审改办",
}
MAX_LINES = 8  # per department and kind: the report stays readable in chat


@dataclass
class DepartmentWork:
    """One department's overdue and pending lines."""

    name: str
    overdue: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DutyReport:
    """Every department with work, most overdue first."""

    today: date
    departments: Sequence[DepartmentWork]

    def text(self) -> str:
        """The report as one Chinese message."""
        head = f"【部门工作通报】{self.today:%Y-%m-%d}（《建设运行办法》第二十二条）"
        if not self.departments:
            return f"{head}\n各部门没有逾期或待办的工作。"
        late = sum(1 for d in self.departments if d.overdue)
        parts = [f"{head}\n{len(self.departments)} 个部门有待办工作，其中 {late} 个有逾期。"]
        for number, work in enumerate(self.departments, start=1):
            lines = [
                f"{number}. {work.name}：逾期 {len(work.overdue)} 项，待办 {len(work.pending)} 项"
            ]
            lines += _listed("逾期", work.overdue)
            lines += _listed("待办", work.pending)
            parts.append("\n".join(lines))
        return "\n\n".join(parts)


def _listed(label: str, lines: list[str]) -> list[str]:
    shown = [f"  {label}：{line}" for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(f"  …另有 {len(lines) - MAX_LINES} 项")
    return shown


def _owner(duty: Duty, names: dict[int, str]) -> str:
    if duty.department_id is not None:
        return names.get(duty.department_id, f"部门 {duty.department_id}")
    for role, office in OFFICE_OF_ROLE.items():
        if role in duty.roles:
            return office
    return "县审改办"


async def build(
    session: AsyncSession, today: date, word: Callable[[Duty, date], str]
) -> DutyReport:
    """Overdue and pending work of every department on `today` (China date); `word` is the
    channel's line for a duty (the domain does not word them)."""
    names: dict[int, str] = {
        key: name for key, name in await session.execute(select(Department.id, Department.name))
    }
    work: dict[str, DepartmentWork] = {}

    def of(name: str) -> DepartmentWork:
        return work.setdefault(name, DepartmentWork(name))

    request_targets: set[str] = set()
    for duty in await compute_duties(session, today):
        if duty.due is None:
            continue  # suggestions (第十条（二）) are no one's lateness
        entry = of(_owner(duty, names))
        (entry.overdue if duty.overdue(today) else entry.pending).append(word(duty, today))
        request_targets.add(duty.target)
    requests = await session.scalars(
        select(ChangeRequest).where(ChangeRequest.state.in_(OPEN_STATES)).order_by(ChangeRequest.id)
    )
    for request in requests:
        if request.target_code in request_targets and request.due_on is not None:
            continue  # already listed as a duty
        name = "县审改办"
        if request.target_kind == "item":
            item = await session.get(Item, request.target_id)
            if item is not None and item.department_id is not None:
                name = names.get(item.department_id, name)
        elif request.target_kind == "fund":
            name = OFFICE_OF_ROLE[Role.FINANCE]
        elif request.target_kind.startswith("poverty"):
            name = OFFICE_OF_ROLE[Role.POVERTY_OFFICE]
        entry = of(name)
        late = request.due_on is not None and today > request.due_on
        (entry.overdue if late else entry.pending).append(request_line(request))
    ordered = sorted(work.values(), key=lambda w: (-len(w.overdue), -len(w.pending), w.name))
    return DutyReport(today, ordered)
