"""Proposing item changes: submit a draft, change fields (第九条), suspend (第十条), resume
(第十二条), abolish and merge (编码规范 取消、合并权力). Each files one change request that
holds its items until it closes; which status allows which proposal is `rules.ITEM_LIFECYCLE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import staff as registry
from catalogue.models import ChangeRequest, Item, PublicationStatus, StaffMember
from catalogue.workflow import completeness, fields, holds, permissions
from catalogue.workflow.errors import (
    Classified,
    DuplicateCodes,
    Gate,
    Missing,
    MissingArgument,
    MixedCategories,
    NoOrganisationCode,
    Operation,
    SameDepartment,
    SuspendedSourceChoice,
    UnknownDepartment,
)
from catalogue.workflow.guards import guard_transition
from catalogue.workflow.lookup import find_item, open_request
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import FieldChange, Filed, ItemState, RequestInfo
from catalogue.workflow.rules import (
    ITEM_LIFECYCLE,
    Action,
    ChangeClass,
    RequestState,
    Step,
    SuspendedSource,
    SuspensionReason,
    effective_class,
    needs_decision,
)

_OPERATIONS = {
    Action.PUBLISH: Operation.SUBMIT,
    Action.CHANGE: Operation.CHANGE,
    Action.SUSPEND: Operation.SUSPEND,
    Action.RESUME: Operation.RESUME,
    Action.ABOLISH: Operation.ABOLISH,
    Action.MERGE: Operation.MERGE,
}


async def _proposable(session: AsyncSession, staff: StaffMember, code: str, action: Action) -> Item:
    """The item, if this staff member may propose `action` on it now."""
    operation = _OPERATIONS[action]
    permissions.require(staff, ITEM_LIFECYCLE[action].proposers, operation)
    item = await find_item(session, code, staff)
    permissions.require_department(staff, item.department_id, operation)
    pending = await open_request(session, "item", item.id)
    if pending is not None:
        raise holds.already_open(item.code, pending)
    await guard_transition(session, item, action, Step.PROPOSE)
    return item


def _request(
    item: Item,
    staff: StaffMember,
    action: Action,
    *,
    change_class: ChangeClass | None = None,
    payload: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    reason: str = "",
) -> ChangeRequest:
    return ChangeRequest(
        target_kind="item",
        target_id=item.id,
        target_code=item.code,
        action=action.value,
        change_class=change_class.value if change_class else None,
        payload={"base_version": item.version, **(payload or {})},
        before=before or {},
        reason=reason,
        proposer_id=staff.id,
        state=RequestState.PENDING_REVIEW.value,
        version=1,
    )


async def _filed(
    session: AsyncSession,
    items: Sequence[Item],
    request: ChangeRequest,
    **details: Any,
) -> Outcome:
    """File `request` holding `items` (the database refuses a second open request)."""
    first = items[0]
    await holds.file(session, request, [("item", item.id) for item in items], first.code)
    action = Action(request.action)
    while_open = ITEM_LIFECYCLE[action].while_open
    if while_open is not None:
        first.status = while_open.value
        await session.flush()
    klass = ChangeClass(request.change_class) if request.change_class else None
    result = Filed(
        request=RequestInfo.of(request),
        item=ItemState.of(first),
        decision_follows=needs_decision(action, klass),
        **details,
    )
    return Outcome(
        action=f"item.{action.value}.propose",
        target=first.code,
        result=result,
        before=dict(request.before),
        after={"request": request.id, "payload": request.payload, "state": request.state},
    )


async def submit(session: AsyncSession, staff: StaffMember, code: str) -> Outcome:
    """提交: a draft goes to the review office before it is published (第三条)."""
    item = await _proposable(session, staff, code, Action.PUBLISH)
    if item.classified:
        raise Classified(item.code)
    # Completeness (《建设运行办法》第十条至第十二条): nothing incomplete is submitted.
    completeness.require_item_complete(item, Gate.SUBMIT)
    request = _request(item, staff, Action.PUBLISH, before={"status": item.status})
    return await _filed(session, [item], request)


async def _department_change(
    session: AsyncSession, item: Item, name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The new 实施主体 (with its organisation code, for the new item code) and the old one."""
    try:
        department = await registry.find_department(session, name.strip())
    except registry.StaffError:
        raise UnknownDepartment(name) from None
    if department.id == item.department_id:
        raise SameDepartment(department.name)
    if not department.org_code:
        raise NoOrganisationCode(department.name)
    new = {"id": department.id, "name": department.name, "org_code": department.org_code}
    old = {
        "id": item.department_id,
        "name": item.department.name if item.department else "",
    }
    return new, old


async def propose_change(
    session: AsyncSession,
    staff: StaffMember,
    code: str,
    changes: Sequence[tuple[fields.FieldSpec, fields.FieldValue]],
    given_class: ChangeClass | None = None,
) -> Outcome:
    """变更: a 第九条 change of a published or suspended item; typed values, each checked
    against its declaration (`fields.json_value`), a 实施主体 given by the department's name."""
    item = await _proposable(session, staff, code, Action.CHANGE)
    values: dict[str, Any] = {}
    before: dict[str, Any] = {}
    for spec, value in changes:
        if spec.kind == "department":
            values[spec.attribute], before[spec.attribute] = await _department_change(
                session, item, str(value)
            )
        else:
            values[spec.attribute] = fields.json_value(spec, value)
            before[spec.attribute] = fields.current_value(item, spec)
    change_class = effective_class([spec.change_class for spec, _ in changes], given_class)
    # Completeness: a change may not leave the item short of a required field.
    completeness.require_item_complete(item, Gate.PROPOSE_CHANGE, changes=values)
    request = _request(
        item,
        staff,
        Action.CHANGE,
        change_class=change_class,
        payload={"fields": values},
        before=before,
    )
    return await _filed(
        session,
        [item],
        request,
        changes=tuple(FieldChange(a, before[a], v) for a, v in values.items()),
        named_class=given_class if given_class is not change_class else None,
    )


async def propose_suspension(
    session: AsyncSession,
    staff: StaffMember,
    code: str,
    reason_class: SuspensionReason,
    reason: str,
) -> Outcome:
    """暂停 (第十条 (一)–(四)); the item stays public, marked 暂停."""
    item = await _proposable(session, staff, code, Action.SUSPEND)
    if not reason.strip():
        raise MissingArgument(Missing.SUSPENSION_REASON)
    request = _request(
        item,
        staff,
        Action.SUSPEND,
        payload={"reason_class": reason_class.value},
        before={"status": item.status},
        reason=reason.strip(),
    )
    return await _filed(session, [item], request, suspension=reason_class, reason=reason.strip())


async def propose_resumption(
    session: AsyncSession, staff: StaffMember, code: str, reason: str = ""
) -> Outcome:
    """恢复: reviewed by 审改办, then restored within 2 days (第十二条)."""
    item = await _proposable(session, staff, code, Action.RESUME)
    request = _request(
        item, staff, Action.RESUME, before={"status": item.status}, reason=reason.strip()
    )
    return await _filed(session, [item], request, reason=reason.strip())


async def propose_abolition(
    session: AsyncSession, staff: StaffMember, code: str, basis: str
) -> Outcome:
    """作废 with its basis: after the decision, the code goes to the retired-code store."""
    item = await _proposable(session, staff, code, Action.ABOLISH)
    if not basis.strip():
        raise MissingArgument(Missing.ABOLITION_BASIS)
    request = _request(
        item, staff, Action.ABOLISH, before={"status": item.status}, reason=basis.strip()
    )
    return await _filed(session, [item], request, reason=basis.strip())


async def propose_merger(
    session: AsyncSession,
    staff: StaffMember,
    codes: Sequence[str],
    new_name: str,
    suspended: SuspendedSource | None = None,
) -> Outcome:
    """合并: the old codes are retired and the merged power gets a new code. A suspended
    source needs `suspended` (keep the merged item suspended, or resume it on merging)."""
    if len(codes) < 2:
        raise MissingArgument(Missing.MERGE_CODES)
    if not new_name.strip():
        raise MissingArgument(Missing.MERGE_NAME)
    items = [await _proposable(session, staff, code, Action.MERGE) for code in codes]
    if len({item.id for item in items}) != len(items):
        raise DuplicateCodes()
    if len({item.category for item in items}) > 1:
        raise MixedCategories()
    halted = tuple(i.code for i in items if i.status == PublicationStatus.SUSPENDED.value)
    if halted and suspended is None:
        raise SuspendedSourceChoice(halted)
    first = items[0]
    request = _request(
        first,
        staff,
        Action.MERGE,
        payload={
            "item_ids": [item.id for item in items],
            "codes": [item.code for item in items],
            "new_name": new_name.strip(),
            "suspended": suspended.value if halted and suspended else None,
        },
        before={item.code: {"status": item.status, "name": item.name} for item in items},
    )
    return await _filed(
        session,
        items,
        request,
        merged=tuple(ItemState.of(item) for item in items),
        new_name=new_name.strip(),
        suspended_source=suspended if halted else None,
    )
