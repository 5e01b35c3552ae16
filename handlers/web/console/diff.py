"""A change request laid out for a reviewer: each proposed field beside its current value
(and the value when proposed, where the record changed since), or what the step does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.lists.completeness import ROW_LISTS, model_of, row_kind
from catalogue.lists.declarations import ITEMS, ListDeclaration
from catalogue.models import ChangeRequest, Department, Item, PublicationStatus
from catalogue.workflow import fields as item_fields
from catalogue.workflow.rules import Action
from handlers.staff.wording import show_value

# The row lists' requests (fund, poverty): each kind's table and declaration.
ROW_MODELS: dict[str, tuple[type[Any], ListDeclaration]] = {
    row_kind(declaration): (model_of(declaration), declaration) for declaration in ROW_LISTS
}
STEP_WORDS = {
    Action.PUBLISH.value: ("状态", "草稿", "发布（公开）"),
    Action.SUSPEND.value: ("状态", "已发布", "暂停办理（仍公开，标注暂停）"),
    Action.RESUME.value: ("状态", "暂停", "恢复办理"),
    Action.ABOLISH.value: ("状态", "已发布", "作废（编码进入代码废止库）"),
    Action.MERGE.value: ("状态", "已发布", "合并为新事项（原编码废止）"),
}

# What a request's payload says besides its fields, as staff call it (other keys are internal).
PAYLOAD_LABELS = {
    "reason_class": "暂停理由（第十条）",
    "new_name": "合并后名称",
    "year": "年度",
    "approved_on": "预算批准日期",
    "rows": "条数",
    "occurred_on": "发生日期",
    "approved": "审定日期",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the diff."""

    label: str
    current: str
    proposed: str
    when_proposed: str = ""  # the value when proposed, if the record changed since

    @property
    def changed(self) -> bool:
        """Whether the proposal changes this field at all."""
        return self.current != self.proposed


async def _department_name(session: AsyncSession, value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, int):
        department = await session.get(Department, value)
        return department.name if department is not None else str(value)
    return show_value(value)


async def _shown(session: AsyncSession, attribute: str, value: Any) -> str:
    if attribute == "department_id":
        return await _department_name(session, value)
    if attribute == "responsibilities" and isinstance(value, list):
        return "\n".join(f"{d.get('title')}：{d.get('content')}" for d in value) or "（空）"
    if isinstance(value, list):
        return (
            "\n".join(
                str(v.get("name") or v.get("title")) if isinstance(v, dict) else str(v)
                for v in value
            )
            or "（空）"
        )
    return show_value(value) if not isinstance(value, str) else (value or "（空）")


async def _item_rows(session: AsyncSession, request: ChangeRequest) -> list[Row]:
    item = await session.get(Item, request.target_id) if request.target_id else None
    rows = []
    for attribute, value in (request.payload.get("fields") or {}).items():
        spec = item_fields.BY_ATTRIBUTE.get(attribute)
        label = spec.label if spec is not None else ITEMS.label(attribute)
        current_value = item_fields.current_value(item, spec) if item is not None and spec else None
        if attribute == "department_id" and item is not None:
            current_value = item.department_id
        proposed_value = value
        if spec is not None and spec.kind == "duty" and item is not None:
            duties = [dict(d) for d in item_fields.current_value(item, spec)]
            same = [d for d in duties if d["title"] == value.get("title")]
            if same:
                same[0]["content"] = value.get("content", "")
            else:
                duties.append({"title": value.get("title"), "content": value.get("content")})
            proposed_value = duties
        current = await _shown(session, attribute, current_value)
        proposed = await _shown(session, attribute, proposed_value)
        earlier = request.before.get(attribute) if attribute != "responsibilities" else None
        when = ""
        if earlier is not None and attribute not in ("department_id", "responsibilities"):
            shown = await _shown(session, attribute, earlier)
            when = shown if shown != current else ""
        rows.append(Row(label, current, proposed, when))
    return rows


async def _list_rows(session: AsyncSession, request: ChangeRequest) -> list[Row]:
    model, declaration = ROW_MODELS[request.target_kind]
    record = await session.get(model, request.target_id) if request.target_id else None
    rows = []
    for attribute, value in (request.payload.get("fields") or {}).items():
        try:
            label = declaration.label(attribute)
        except KeyError:
            label = attribute
        current = await _shown(session, attribute, getattr(record, attribute, None))
        proposed = await _shown(session, attribute, value)
        earlier = request.before.get(attribute)
        shown = await _shown(session, attribute, earlier) if earlier is not None else ""
        rows.append(Row(label, current, proposed, shown if shown and shown != current else ""))
    return rows


async def rows_of(session: AsyncSession, request: ChangeRequest) -> list[Row]:
    """The diff of a request: its fields, or the state change its step makes."""
    if request.payload.get("fields"):
        if request.target_kind == "item":
            return await _item_rows(session, request)
        if request.target_kind in ROW_MODELS:
            return await _list_rows(session, request)
    words = STEP_WORDS.get(request.action)
    rows = []
    if words is not None and request.target_kind == "item":
        label, current, proposed = words
        item = await session.get(Item, request.target_id) if request.target_id else None
        if item is not None:  # where it stands now (a submission holds its draft 待审核)
            current = PublicationStatus(item.status).label
        rows.append(Row(label, current, proposed))
    for key, value in request.payload.items():
        if key not in PAYLOAD_LABELS:
            continue
        before = request.before.get(key)
        shown = show_value(before) if before is not None else ""
        rows.append(Row(PAYLOAD_LABELS[key], shown, show_value(value)))
    return rows
