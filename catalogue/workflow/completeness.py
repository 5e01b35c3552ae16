"""The completeness rule on every path: a record is not submitted, approved or published
while a field its kind requires is empty or malformed (《建设运行办法》第十条至第十二条,
《资金办法》第四条、第八条, 《扶贫办法》第三条). Item, fund and poverty steps call these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.lists.completeness import Shortfall, item_shortfalls, record_shortfalls
from catalogue.models import (
    ChangeRequest,
    FundItem,
    Item,
    PovertyAllocation,
    PovertyProject,
    PublicationStatus,
    utcnow,
)
from catalogue.workflow.errors import Gate, IncompleteRecord, IncompleteRecordError
from catalogue.workflow.rules import Action
from catalogue.workflow.workdays import china_date

_UNPUBLISHED = (PublicationStatus.DRAFT.value, PublicationStatus.PENDING_REVIEW.value)
# Item actions whose result is a live item whose content must be complete.
_CHECKED_ITEM_ACTIONS = (Action.PUBLISH.value, Action.CHANGE.value, Action.RESUME.value)
_ROW_KINDS: dict[str, type[FundItem] | type[PovertyProject] | type[PovertyAllocation]] = {
    "fund": FundItem,
    "poverty_project": PovertyProject,
    "poverty_allocation": PovertyAllocation,
}


_Row = FundItem | PovertyProject | PovertyAllocation


def require_item_complete(
    item: Item,
    gate: Gate,
    *,
    changes: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Refuse `gate` (submit, approve, publish …) while the item, after `changes`, falls
    short."""
    shortfalls = item_shortfalls(item, china_date(now or utcnow()), changes)
    if shortfalls:
        raise IncompleteRecordError(
            gate, (IncompleteRecord("item", None, item.name, tuple(shortfalls)),)
        )


def require_row_complete(
    record: _Row,
    gate: Gate,
    *,
    changes: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Refuse `gate` while a fund or poverty row, after `changes`, falls short."""
    shortfalls = record_shortfalls(record, china_date(now or utcnow()), changes)
    if shortfalls:
        raise IncompleteRecordError(gate, (_incomplete(record, shortfalls),))


def _incomplete(record: _Row, shortfalls: Sequence[Shortfall]) -> IncompleteRecord:
    kind = next(k for k, model in _ROW_KINDS.items() if isinstance(record, model))
    return IncompleteRecord(kind, record.id, _row_name(record), tuple(shortfalls))


def _row_name(record: _Row) -> str:
    if isinstance(record, FundItem):
        return record.project_name
    if isinstance(record, PovertyProject):
        return record.name
    return f"{record.year}年 {record.region_code} {record.document_number}".strip()


async def require_year_complete(
    session: AsyncSession, kind: str, year: int, gate: Gate, *, now: datetime | None = None
) -> None:
    """Every unpublished row a yearly publication would put live must be complete."""
    today = china_date(now or utcnow())
    rows: list[FundItem | PovertyProject | PovertyAllocation] = []
    if kind == "fund":
        rows += (
            await session.scalars(
                select(FundItem).where(
                    FundItem.budget_year == year, FundItem.status.in_(_UNPUBLISHED)
                )
            )
        ).all()
    else:
        rows += (
            await session.scalars(
                select(PovertyProject).where(
                    PovertyProject.year == year, PovertyProject.status.in_(_UNPUBLISHED)
                )
            )
        ).all()
        rows += (
            await session.scalars(
                select(PovertyAllocation).where(
                    PovertyAllocation.year == year, PovertyAllocation.status.in_(_UNPUBLISHED)
                )
            )
        ).all()
    found = []
    for row in rows:
        shortfalls = record_shortfalls(row, today)
        if shortfalls:
            found.append(_incomplete(row, shortfalls))
    if found:
        raise IncompleteRecordError(gate, tuple(found), year)


async def require_request_complete(
    session: AsyncSession, request: ChangeRequest, gate: Gate, *, now: datetime | None = None
) -> None:
    """The record a request would put live must be complete: the step (approve, publish)
    waits."""
    fields = request.payload.get("fields") or {}
    if request.target_kind == "item":
        if request.action not in _CHECKED_ITEM_ACTIONS or request.target_id is None:
            return
        item = await session.get(Item, request.target_id)
        if item is not None:
            changes = fields if request.action == Action.CHANGE.value else None
            require_item_complete(item, gate, changes=changes, now=now)
        return
    model = _ROW_KINDS.get(request.target_kind)
    if model is not None and request.target_id is not None:
        record: _Row | None = await session.get(model, request.target_id)
        if record is not None:
            require_row_complete(record, gate, changes=fields, now=now)
        return
    year = request.payload.get("year")
    if request.target_kind in ("fund_list", "poverty_year") and isinstance(year, int):
        kind = "fund" if request.target_kind == "fund_list" else "poverty"
        await require_year_complete(session, kind, year, gate, now=now)
