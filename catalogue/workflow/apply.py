"""Putting an approved item request live: publish, change, suspend, resume, abolish, merge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import CANONICAL_DASH, basic_part
from catalogue.models import (
    ChangeRequest,
    Item,
    PublicationStatus,
    Responsibility,
    RetiredCode,
    TimeLimit,
)
from catalogue.numbering import CodeAllocator
from catalogue.workflow import fields
from catalogue.workflow.errors import ConflictError, InvalidStateError, NotFoundError
from catalogue.workflow.lookup import item_state
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.rules import Action
from catalogue.workflow.workdays import china_date

_LIVE = (PublicationStatus.PUBLISHED.value, PublicationStatus.SUSPENDED.value)

# Columns a merged item takes over from the first merged item.
_COPIED = (
    "subject_code",
    "category",
    "department_id",
    "region_code",
    "handling_office",
    "conditions",
    "procedure",
    "flowchart",
    "fee",
    "location",
    "hours",
    "phone",
    "supervision_phone",
    "supervision_way",
    "legal_limit_value",
    "legal_limit_unit",
    "legal_limit_note",
    "promised_limit_value",
    "promised_limit_unit",
    "promised_limit_note",
    "service_content",
    "management_requirements",
    "keywords",
)


async def _item(session: AsyncSession, item_id: int | None) -> Item:
    item = await session.get(Item, item_id) if item_id is not None else None
    if item is None:
        raise NotFoundError("申请所指的事项已不存在。")
    return item


def _require_status(item: Item, statuses: tuple[str, ...], what: str) -> None:
    if item.status not in statuses:
        raise InvalidStateError(f"事项当前状态不能{what}。{item_state(item)}")


def _set_field(item: Item, attribute: str, value: Any) -> None:
    spec = fields.BY_ATTRIBUTE[attribute]
    if spec.kind == "time_limit":
        setattr(
            item, attribute, TimeLimit(value.get("value"), value.get("unit"), value.get("note"))
        )
    elif spec.kind == "department":
        item.department_id = int(value["id"])
    elif spec.kind == "duty":
        for duty in item.responsibilities:
            if duty.title == value["title"]:
                duty.content = value["content"]
                return
        item.responsibilities.append(
            Responsibility(
                title=value["title"], content=value["content"], seq=len(item.responsibilities) + 1
            )
        )
    else:
        setattr(item, attribute, value)


def _check_version(item: Item, request: ChangeRequest) -> None:
    base = request.payload.get("base_version")
    if base is not None and base != item.version:
        raise ConflictError(
            f"事项 {item.code} 在申请 #{request.id} 提出后已被他人修改（版本 {base} → "
            f"{item.version}），为免覆盖他人修改，本次未发布。"
            f"请驳回 #{request.id} 后按最新内容重新提出。"
        )


async def apply_item_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """Carry out one approved item request; returns what changed and what to reindex."""
    action = Action(request.action)
    if action is Action.MERGE:
        return await _merge(session, request, now=now)
    item = await _item(session, request.target_id)
    before: dict[str, Any] = {"status": item.status, "version": item.version}
    reindex = [item.id]
    unindex: list[str] = []
    note = ""
    if action is Action.PUBLISH:
        _require_status(item, (PublicationStatus.PENDING_REVIEW.value,), "发布")
        item.status = PublicationStatus.PUBLISHED.value
        item.published_at = now
    elif action is Action.CHANGE:
        _require_status(item, _LIVE, "变更")
        _check_version(item, request)
        for attribute, value in request.payload.get("fields", {}).items():
            before[attribute] = request.before.get(attribute)
            _set_field(item, attribute, value)
    elif action is Action.SUSPEND:
        _require_status(item, (PublicationStatus.PUBLISHED.value,), "暂停")
        item.status = PublicationStatus.SUSPENDED.value
        item.suspension_class = str(request.payload.get("reason_class", "四"))
        item.suspension_reason = request.reason
        item.suspended_at = now
        note = "暂停事项仍对外公开，标注为“暂停”（第十条）。"
    elif action is Action.RESUME:
        _require_status(item, (PublicationStatus.SUSPENDED.value,), "恢复")
        item.status = PublicationStatus.PUBLISHED.value
        item.suspension_class = None
        item.suspension_reason = None
        item.suspended_at = None
        today = china_date(now)
        if request.due_on is not None and today > request.due_on:
            note = f"注意：已超过第十二条规定的恢复期限（{request.due_on:%Y-%m-%d}）。"
        else:
            note = "已在第十二条规定的2日内恢复。"
    elif action is Action.ABOLISH:
        _require_status(item, _LIVE, "作废")
        item.status = PublicationStatus.ABOLISHED.value
        session.add(
            RetiredCode(
                code=item.code,
                basic_code=item.basic_code,
                name=item.name,
                reason="abolished",
                basis=request.reason,
                retired_at=now,
                item_id=item.id,
            )
        )
        reindex = []
        unindex = [item.code]
        note = "编码已进入代码废止库，不再赋予其他事项。"
    await session.flush()
    return Outcome(
        action=f"item.{action.value}.apply",
        target=item.code,
        message=f"#{request.id} {action.label}已生效。{note}\n{item_state(item)}",
        before=before,
        after={"status": item.status, "version": item.version},
        reindex=reindex,
        unindex=unindex,
    )


async def _allocator(session: AsyncSession) -> CodeAllocator:
    used = (await session.scalars(select(Item.basic_code))).all()
    retired = (await session.scalars(select(RetiredCode.basic_code))).all()
    return CodeAllocator(used=used, retired=retired)


async def _merge(session: AsyncSession, request: ChangeRequest, *, now: datetime) -> Outcome:
    ids = [int(i) for i in request.payload.get("item_ids", [])]
    items = [await _item(session, item_id) for item_id in ids]
    for item in items:
        _require_status(item, _LIVE, "合并")
    before = {item.code: {"status": item.status, "name": item.name} for item in items}
    first = items[0]
    basic = (await _allocator(session)).new_main(first.category)
    code = f"{first.subject_code}{CANONICAL_DASH}{basic}"
    merged = type(first)(
        code=code,
        basic_code=str(basic),
        main_no=basic.main,
        sub_no=basic.sub,
        name=str(request.payload["new_name"]),
        legal_basis="；".join(dict.fromkeys(i.legal_basis for i in items if i.legal_basis)),
        requirements=_union_requirements(items),
        aliases=list(dict.fromkeys([*(i.name for i in items), *first.aliases])),
        status=PublicationStatus.PUBLISHED.value,
        published_at=now,
        source="合并自 " + "、".join(i.code for i in items),
        **{column: getattr(first, column) for column in _COPIED},
    )
    session.add(merged)
    await session.flush()
    for item in items:
        item.status = PublicationStatus.ABOLISHED.value
        session.add(
            RetiredCode(
                code=item.code,
                basic_code=basic_part(item.code),
                name=item.name,
                reason="merged",
                merged_into=code,
                basis=request.reason or f"合并为{merged.name}",
                retired_at=now,
                item_id=item.id,
            )
        )
    await session.flush()
    old = "、".join(item.code for item in items)
    return Outcome(
        action="item.merge.apply",
        target=code,
        message=(
            f"#{request.id} 合并已生效：原编码 {old} 已进入代码废止库；"
            f"合并后事项赋予新编码。\n{item_state(merged)}"
        ),
        before=before,
        after={"code": code, "merged_from": [item.code for item in items]},
        reindex=[merged.id],
        unindex=[item.code for item in items],
    )


def _union_requirements(items: list[Item]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for item in items:
        for requirement in item.requirements:
            seen.setdefault(str(requirement.get("name", "")), requirement)
    return list(seen.values())
