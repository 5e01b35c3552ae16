"""Proposing item changes: submit a draft, change fields (第九条), suspend (第十条), resume
(第十二条), abolish and merge (编码规范 取消、合并权力). Each creates one change request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ChangeRequest, Item, PublicationStatus, StaffMember
from catalogue.staff import find_department
from catalogue.workflow import completeness, fields, permissions
from catalogue.workflow.errors import InvalidInputError, InvalidStateError
from catalogue.workflow.lookup import find_item, item_state, open_request, request_line
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import (
    Action,
    ChangeClass,
    RequestState,
    SuspensionReason,
    effective_class,
    needs_decision,
)

_LIVE = (PublicationStatus.PUBLISHED.value, PublicationStatus.SUSPENDED.value)


async def _proposable(session: AsyncSession, staff: StaffMember, code: str, what: str) -> Item:
    permissions.require(staff, permissions.PROPOSERS, what)
    item = await find_item(session, code, staff)
    permissions.require_department(staff, item.department_id, what)
    pending = await open_request(session, "item", item.id)
    if pending is not None:
        raise InvalidStateError(
            f"该事项已有未办结的申请：{request_line(pending)}。请先办结或驳回后再提出。"
        )
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
    )


def _route(action: Action, change_class: ChangeClass | None) -> str:
    if needs_decision(action, change_class):
        return "经县审改办审核后，提请县政府审定"
    return "经县审改办审核"


async def _filed(
    session: AsyncSession, item: Item, request: ChangeRequest, event: str, note: str = ""
) -> Outcome:
    session.add(request)
    await session.flush()
    klass = ChangeClass(request.change_class) if request.change_class else None
    route = _route(Action(request.action), klass)
    extra = f"\n{note}" if note else ""
    return Outcome(
        action=f"item.{event}",
        target=item.code,
        message=(
            f"已提交{Action(request.action).label}申请 #{request.id}，{route}。{extra}\n"
            f"{item_state(item)}\n申请：{request_line(request)}"
        ),
        before=dict(request.before),
        after={"request": request.id, "payload": request.payload, "state": request.state},
    )


async def submit(session: AsyncSession, staff: StaffMember, code: str) -> Outcome:
    """提交: a draft goes to the review office before it is published (第三条)."""
    item = await _proposable(session, staff, code, "提交事项")
    if item.status != PublicationStatus.DRAFT.value:
        raise InvalidStateError(f"只有草稿可以提交审核。{item_state(item)}")
    if item.classified:
        raise InvalidStateError("涉密事项不得公开发布（建设运行管理办法第十八条）。")
    # Completeness (《建设运行办法》第十条至第十二条): nothing incomplete is submitted.
    completeness.require_item_complete(item, "提交")
    request = _request(item, staff, Action.PUBLISH, before={"status": item.status})
    item.status = PublicationStatus.PENDING_REVIEW.value
    return await _filed(session, item, request, "publish.propose")


async def propose_change(
    session: AsyncSession,
    staff: StaffMember,
    code: str,
    assignments: Sequence[tuple[str, str]],
    given_class: ChangeClass | None = None,
) -> Outcome:
    """变更 CODE 字段=值…: a 第九条 change of a published or suspended item."""
    item = await _proposable(session, staff, code, "提出变更")
    if item.status not in _LIVE:
        raise InvalidStateError(
            f"只有已发布或暂停的事项可以变更；草稿请直接修改后提交。{item_state(item)}"
        )
    changes: dict[str, Any] = {}
    before: dict[str, Any] = {}
    classes: list[ChangeClass] = []
    for name, raw in assignments:
        spec = fields.field_spec(name)
        value = fields.parse_value(spec, raw)
        if spec.kind == "department":
            department = await find_department(session, raw.strip()) if raw.strip() else None
            if department is None:
                raise InvalidInputError(f"没有找到部门“{raw}”。")
            value = {"id": department.id, "name": department.name}
            before[spec.attribute] = {
                "id": item.department_id,
                "name": item.department.name if item.department else "",
            }
        else:
            before[spec.attribute] = fields.current_value(item, spec)
        changes[spec.attribute] = value
        classes.append(spec.change_class)
    change_class = effective_class(classes, given_class)
    # Completeness: a change may not leave the item short of a required field.
    completeness.require_item_complete(item, "提出变更", changes=changes)
    note = ""
    if given_class is not None and change_class is not given_class:
        note = f"所改字段属第九条{change_class.label}，按{change_class.label}办理。"
    lines = "\n".join(
        f"{fields.BY_ATTRIBUTE[attr].label}：{fields.display(before[attr])}"
        f" → {fields.display(value)}"
        for attr, value in changes.items()
    )
    request = _request(
        item,
        staff,
        Action.CHANGE,
        change_class=change_class,
        payload={"fields": changes},
        before=before,
    )
    return await _filed(
        session,
        item,
        request,
        "change.propose",
        f"第九条{change_class.label}：\n{lines}\n{note}".rstrip(),
    )


async def propose_suspension(
    session: AsyncSession,
    staff: StaffMember,
    code: str,
    reason_class: SuspensionReason,
    reason: str,
) -> Outcome:
    """暂停 CODE （一）–（四） 理由 (第十条); the item stays public, marked 暂停."""
    item = await _proposable(session, staff, code, "申请暂停")
    if item.status != PublicationStatus.PUBLISHED.value:
        raise InvalidStateError(f"只有已发布的事项可以暂停。{item_state(item)}")
    if not reason.strip():
        raise InvalidInputError("请写明暂停理由，例如：暂停 编码 （二） 近三年无办件。")
    request = _request(
        item,
        staff,
        Action.SUSPEND,
        payload={"reason_class": reason_class.value},
        before={"status": item.status},
        reason=reason.strip(),
    )
    return await _filed(
        session,
        item,
        request,
        "suspend.propose",
        f"第十条（{reason_class.value}）{reason_class.description}：{reason.strip()}",
    )


async def propose_resumption(
    session: AsyncSession, staff: StaffMember, code: str, reason: str = ""
) -> Outcome:
    """恢复 CODE: reviewed by 审改办, then restored within 2 days (第十二条)."""
    item = await _proposable(session, staff, code, "申请恢复")
    if item.status != PublicationStatus.SUSPENDED.value:
        raise InvalidStateError(f"只有暂停的事项可以恢复。{item_state(item)}")
    request = _request(
        item, staff, Action.RESUME, before={"status": item.status}, reason=reason.strip()
    )
    return await _filed(
        session, item, request, "resume.propose", "审核确认后须在2日内恢复（第十二条）。"
    )


async def propose_abolition(
    session: AsyncSession, staff: StaffMember, code: str, basis: str
) -> Outcome:
    """作废 CODE 依据: after the decision, the code goes to the retired-code store."""
    item = await _proposable(session, staff, code, "申请作废")
    if item.status not in _LIVE:
        raise InvalidStateError(f"只有已发布或暂停的事项可以作废。{item_state(item)}")
    if not basis.strip():
        raise InvalidInputError("作废须写明依据，例如：作废 编码 国发〔2025〕3号取消。")
    request = _request(
        item, staff, Action.ABOLISH, before={"status": item.status}, reason=basis.strip()
    )
    return await _filed(session, item, request, "abolish.propose", f"依据：{basis.strip()}")


async def propose_merger(
    session: AsyncSession, staff: StaffMember, codes: Sequence[str], new_name: str
) -> Outcome:
    """合并 CODE… 新名称: the old codes are retired and the merged power gets a new code."""
    if len(codes) < 2:
        raise InvalidInputError("合并至少需要两个事项编码，例如：合并 编码1 编码2 新名称。")
    if not new_name.strip():
        raise InvalidInputError("请写明合并后的新名称。")
    items = [await _proposable(session, staff, code, "申请合并") for code in codes]
    if len({item.id for item in items}) != len(items):
        raise InvalidInputError("合并的编码有重复。")
    for item in items:
        if item.status not in _LIVE:
            raise InvalidStateError(f"只有已发布或暂停的事项可以合并。{item_state(item)}")
    if len({item.category for item in items}) > 1:
        raise InvalidInputError("不同类别的权力事项不能合并。")
    first = items[0]
    request = _request(
        first,
        staff,
        Action.MERGE,
        payload={
            "item_ids": [item.id for item in items],
            "codes": [item.code for item in items],
            "new_name": new_name.strip(),
        },
        before={item.code: {"status": item.status, "name": item.name} for item in items},
    )
    listing = "\n".join(f"{item.code} {item.name}" for item in items)
    return await _filed(
        session, first, request, "merge.propose", f"合并为“{new_name.strip()}”：\n{listing}"
    )
