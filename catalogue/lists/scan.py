"""Which published or pending records fall short of the completeness rule, per record and
per field: what `zwbot check completeness` reports (and any console may show)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.lists.completeness import (
    ROW_LISTS,
    Shortfall,
    check,
    item_kinds,
    item_shortfalls,
    model_of,
    record_name,
    record_ref,
    record_shortfalls,
    row_kind,
)
from catalogue.lists.declarations import KINDS
from catalogue.models import Item, PublicationStatus

# Published or on their way to publication; drafts are work in progress.
CHECKED_STATUSES = (
    PublicationStatus.PUBLISHED.value,
    PublicationStatus.SUSPENDED.value,
    PublicationStatus.PENDING_REVIEW.value,
)


@dataclass(frozen=True, slots=True)
class RecordShortfalls:
    """One record that falls short, and how."""

    kind: str
    ref: str  # item code, fund:<id>, poverty:<id>, allocation:<id>
    name: str
    status: str
    shortfalls: tuple[Shortfall, ...]


@dataclass(slots=True)
class CompletenessReport:
    """Every short record of the kinds asked for, and how many records were checked."""

    checked: Counter[str] = field(default_factory=Counter)
    records: list[RecordShortfalls] = field(default_factory=list)

    def by_field(self) -> list[tuple[str, str, int]]:
        """(kind, field label, records short of it), most frequent first."""
        counts: Counter[tuple[str, str]] = Counter()
        for record in self.records:
            for shortfall in record.shortfalls:
                counts[(record.kind, shortfall.label)] += 1
        return [(kind, label, n) for (kind, label), n in counts.most_common()]


def _item_kind(item: Item) -> str:
    return item_kinds(item)[-1]


async def scan(
    session: AsyncSession,
    today: date,
    kinds: Iterable[str] = KINDS,
    statuses: tuple[str, ...] = CHECKED_STATUSES,
) -> CompletenessReport:
    """Check every record of `kinds` in `statuses` (items by their own kind: power, approval
    or service; an approval item is checked for the power fields too)."""
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds: {', '.join(sorted(unknown))}")
    report = CompletenessReport()
    if wanted & {"power", "approval", "service", "responsibility"}:
        items = await session.scalars(
            select(Item).where(Item.status.in_(statuses)).order_by(Item.code)
        )
        for item in items:
            kind = _item_kind(item)
            if kind in wanted or (kind == "approval" and "power" in wanted):
                report.checked[kind] += 1
                found = item_shortfalls(item, today)
                if found:
                    report.records.append(
                        RecordShortfalls(kind, item.code, item.name, item.status, tuple(found))
                    )
            if "responsibility" in wanted and item.kind != "service":
                for duty in item.responsibilities:
                    report.checked["responsibility"] += 1
                    values = {"title": duty.title, "content": duty.content}
                    found = check(("responsibility",), values, today)
                    if found:
                        report.records.append(
                            RecordShortfalls(
                                "responsibility",
                                item.code,
                                f"{item.name}：{duty.title or '（无名称）'}",
                                item.status,
                                tuple(found),
                            )
                        )
    for declaration in ROW_LISTS:
        kind = row_kind(declaration)
        if kind not in wanted:
            continue
        model = model_of(declaration)
        query = select(model).where(model.status.in_(statuses)).order_by(model.id)
        for record in await session.scalars(query):
            report.checked[kind] += 1
            found = record_shortfalls(record, today)
            if found:
                report.records.append(
                    RecordShortfalls(
                        kind, record_ref(record), record_name(record), record.status, tuple(found)
                    )
                )
    return report
