"""Putting an approved item request live: publish, change, suspend, resume, abolish, merge.

Which status an item must hold and which it takes is `rules.ITEM_LIFECYCLE`; this module
holds only what each action does beyond that. Every applied request records the item's
last published change (更新日期, a note) and so bumps its version.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import CANONICAL_DASH, BodyCode, basic_part
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
from catalogue.workflow.errors import CodeTaken, ItemChangedMeanwhile, ItemNotFound
from catalogue.workflow.guards import guard_transition
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import Applied, ItemState, RequestInfo
from catalogue.workflow.rules import (
    ITEM_LIFECYCLE,
    Action,
    ChangeClass,
    Step,
    SuspendedSource,
)
from catalogue.workflow.workdays import china_date

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


@dataclass
class _Effect:
    """What an action did beyond its status change."""

    resumed_late: bool | None = None
    retired: list[str] = field(default_factory=list)
    recoded_from: str | None = None
    reindex: bool = True


async def _item(session: AsyncSession, item_id: int | None) -> Item:
    item = await session.get(Item, item_id) if item_id is not None else None
    if item is None:
        raise ItemNotFound(str(item_id))
    return item


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


def lay_over(item: Item, values: Mapping[str, Any]) -> None:
    """Set a change request's proposed fields on a loaded item, as publication does (the
    staff console's preview of the public page uses it on a session it never commits)."""
    for attribute, value in values.items():
        _set_field(item, attribute, value)


def _check_version(item: Item, request: ChangeRequest) -> None:
    base = request.payload.get("base_version")
    if base is not None and base != item.version:
        raise ItemChangedMeanwhile(item.code, request.id, int(base), item.version)


def _retire(
    item: Item, reason: str, basis: str, now: datetime, successor: str | None
) -> RetiredCode:
    return RetiredCode(
        code=item.code,
        basic_code=basic_part(item.code),
        name=item.name,
        reason=reason,
        merged_into=successor,
        basis=basis,
        retired_at=now,
        item_id=item.id,
    )


async def _recode(
    session: AsyncSession, item: Item, org_code: str, request: ChangeRequest, now: datetime
) -> str:
    """《编码规范》: the body code carries the 实施主体's organisation code, so a new body gives
    the item a new code; the old one is retired pointing to it. Returns the old code."""
    subject = item.subject_code
    body = BodyCode(
        region=subject[:6],
        town=subject[6:9],
        village=subject[9:12],
        org_code=org_code,
        reserve=subject[21:22] or "0",
    )
    new_code = f"{body}{CANONICAL_DASH}{item.basic_code}"
    taken = await session.scalar(select(Item.id).where(Item.code == new_code))
    if taken is not None or await session.get(RetiredCode, new_code) is not None:
        raise CodeTaken(new_code)
    old = item.code
    basis = request.reason or f"#{request.id}"
    session.add(_retire(item, "recoded", basis, now, new_code))
    item.code = new_code
    item.subject_code = str(body)
    return old


async def _publish(
    session: AsyncSession, item: Item, request: ChangeRequest, now: datetime
) -> _Effect:
    item.published_at = now
    return _Effect()


async def _change(
    session: AsyncSession, item: Item, request: ChangeRequest, now: datetime
) -> _Effect:
    _check_version(item, request)
    effect = _Effect()
    for attribute, value in request.payload.get("fields", {}).items():
        _set_field(item, attribute, value)
        if fields.BY_ATTRIBUTE[attribute].kind == "department" and value.get("org_code"):
            effect.recoded_from = await _recode(session, item, value["org_code"], request, now)
            effect.retired.append(effect.recoded_from)
    return effect


async def _suspend(
    session: AsyncSession, item: Item, request: ChangeRequest, now: datetime
) -> _Effect:
    item.suspension_class = str(request.payload.get("reason_class", "四"))
    item.suspension_reason = request.reason
    item.suspended_at = now
    return _Effect()


async def _resume(
    session: AsyncSession, item: Item, request: ChangeRequest, now: datetime
) -> _Effect:
    item.suspension_class = None
    item.suspension_reason = None
    item.suspended_at = None
    late = request.due_on is not None and china_date(now) > request.due_on
    return _Effect(resumed_late=late)


async def _abolish(
    session: AsyncSession, item: Item, request: ChangeRequest, now: datetime
) -> _Effect:
    session.add(_retire(item, "abolished", request.reason, now, None))
    return _Effect(retired=[item.code], reindex=False)


_EFFECTS: dict[
    Action, Callable[[AsyncSession, Item, ChangeRequest, datetime], Awaitable[_Effect]]
] = {
    Action.PUBLISH: _publish,
    Action.CHANGE: _change,
    Action.SUSPEND: _suspend,
    Action.RESUME: _resume,
    Action.ABOLISH: _abolish,
}


def revision_note(request: ChangeRequest) -> str:
    """The public note of a published change: the action, its 第九条 class and fields, and
    the reason given (the regulations' own words, as the lists show them)."""
    action = Action(request.action)
    note = action.label
    if action is Action.CHANGE:
        klass = ChangeClass(request.change_class) if request.change_class else None
        labels = "、".join(fields.BY_ATTRIBUTE[a].label for a in request.payload.get("fields", {}))
        note = f"变更{('（第九条' + klass.label + '）') if klass else ''}：{labels}"
    if request.reason:
        note += f"；{request.reason}"
    return note


def _revise(item: Item, request: ChangeRequest, now: datetime) -> None:
    """Record the published change on the item (更新日期, note); this bumps its version."""
    if Action(request.action) is not Action.PUBLISH:
        item.revised_at = now
        item.revision_note = revision_note(request)


async def apply_item_request(
    session: AsyncSession, request: ChangeRequest, *, now: datetime
) -> Outcome:
    """Carry out one approved item request; returns what changed and what to reindex."""
    action = Action(request.action)
    if action is Action.MERGE:
        return await _merge(session, request, now=now)
    item = await _item(session, request.target_id)
    await guard_transition(session, item, action, Step.PUBLISH)
    before: dict[str, Any] = {"status": item.status, "version": item.version}
    for attribute in request.payload.get("fields", {}):
        before[attribute] = request.before.get(attribute)
    effect = await _EFFECTS[action](session, item, request, now)
    becomes = ITEM_LIFECYCLE[action].becomes
    if becomes is not None:
        item.status = becomes.value
    _revise(item, request, now)
    await session.flush()
    after: dict[str, Any] = {"status": item.status, "version": item.version}
    if effect.recoded_from:
        after["code"] = item.code
        after["recoded_from"] = effect.recoded_from
    return Outcome(
        action=f"item.{action.value}.apply",
        target=item.code,
        result=Applied(
            RequestInfo.of(request),
            ItemState.of(item),
            resumed_late=effect.resumed_late,
            retired=tuple(effect.retired),
            recoded_from=effect.recoded_from,
        ),
        before=before,
        after=after,
        reindex=[item.id] if effect.reindex else [],
        unindex=list(effect.retired),
    )


async def _allocator(session: AsyncSession) -> CodeAllocator:
    used = (await session.scalars(select(Item.basic_code))).all()
    retired = (await session.scalars(select(RetiredCode.basic_code))).all()
    return CodeAllocator(used=used, retired=retired)


def _union_duties(items: list[Item]) -> list[Responsibility]:
    """Every source's 责任事项, each once (第十条（一）: a power keeps its duties)."""
    seen: dict[tuple[str, str], Responsibility] = {}
    for item in items:
        for duty in item.responsibilities:
            seen.setdefault(
                (duty.title, duty.content),
                Responsibility(
                    title=duty.title,
                    content=duty.content,
                    accountability=duty.accountability,
                    seq=len(seen) + 1,
                ),
            )
    return list(seen.values())


async def _merge(session: AsyncSession, request: ChangeRequest, *, now: datetime) -> Outcome:
    ids = [int(i) for i in request.payload.get("item_ids", [])]
    items = [await _item(session, item_id) for item_id in ids]
    for item in items:
        await guard_transition(session, item, Action.MERGE, Step.PUBLISH)
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
        revised_at=now,
        revision_note=revision_note(request) + "：" + "、".join(i.code for i in items),
        source="合并自 " + "、".join(i.code for i in items),
        responsibilities=_union_duties(items),
        **{column: getattr(first, column) for column in _COPIED},
    )
    choice = request.payload.get("suspended")
    halted = [i for i in items if i.status == PublicationStatus.SUSPENDED.value]
    if halted and choice == SuspendedSource.KEEP_SUSPENDED.value:
        merged.status = PublicationStatus.SUSPENDED.value
        merged.suspension_class = halted[0].suspension_class
        merged.suspension_reason = halted[0].suspension_reason
        merged.suspended_at = halted[0].suspended_at
    session.add(merged)
    await session.flush()
    becomes = ITEM_LIFECYCLE[Action.MERGE].becomes
    for item in items:
        if becomes is not None:
            item.status = becomes.value
        basis = request.reason or f"合并为{merged.name}"
        session.add(_retire(item, "merged", basis, now, code))
    await session.flush()
    return Outcome(
        action="item.merge.apply",
        target=code,
        result=Applied(
            RequestInfo.of(request),
            ItemState.of(merged),
            retired=tuple(item.code for item in items),
            suspended_source=SuspendedSource(choice) if halted and choice else None,
        ),
        before=before,
        after={
            "code": code,
            "merged_from": [item.code for item in items],
            "responsibilities": len(merged.responsibilities),
            "status": merged.status,
        },
        reindex=[merged.id],
        unindex=[item.code for item in items],
    )


def _union_requirements(items: list[Item]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for item in items:
        for requirement in item.requirements:
            seen.setdefault(str(requirement.get("name", "")), requirement)
    return list(seen.values())
