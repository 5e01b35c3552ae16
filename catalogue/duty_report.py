"""The 通报 of 《建设运行办法》第二十二条: per department, the work that is overdue and the work
still pending (duties of the regulations and open change requests), for the county
government's supervision (县审改办, 县政府办公室). Typed facts: the channels word them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.duties import Duty, compute_duties
from catalogue.models import ChangeRequest, Department, Item, Role
from catalogue.workflow.results import RequestInfo
from catalogue.workflow.rules import OPEN_STATES

# Duties owned by a county office rather than an item's department.
OFFICE_OF_ROLE = {
    Role.FINANCE: "县财政局",
    Role.POVERTY_OFFICE: "县扶贫办",
    Role.REVIEW_OFFICE: "县审改办",
}
# A department's piece of work: a duty of the regulations, or an open change request.
Work = Duty | RequestInfo


@dataclass
class DepartmentWork:
    """One department's overdue and pending work."""

    name: str
    overdue: list[Work] = field(default_factory=list)
    pending: list[Work] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DutyReport:
    """Every department with work, most overdue first."""

    today: date
    departments: Sequence[DepartmentWork]


def _owner(duty: Duty, names: dict[int, str]) -> str:
    if duty.department_id is not None:
        return names.get(duty.department_id, f"部门 {duty.department_id}")
    for role, office in OFFICE_OF_ROLE.items():
        if role in duty.roles:
            return office
    return "县审改办"


async def build(session: AsyncSession, today: date) -> DutyReport:
    """Overdue and pending work of every department on `today` (China date)."""
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
        (entry.overdue if duty.overdue(today) else entry.pending).append(duty)
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
        (entry.overdue if late else entry.pending).append(RequestInfo.of(request))
    ordered = sorted(work.values(), key=lambda w: (-len(w.overdue), -len(w.pending), w.name))
    return DutyReport(today, ordered)
