"""Life events (一件事): a situation a citizen is in and the items it needs, in order.

The shipped events (`life_events.json`) hold for every deployment; staff add events, replace a
shipped one (same name) or hide it, and those changes live in the `life_events` table. A step
names items by catalogue name and/or by a term an item name contains; it is resolved at answer
time against the items public in the deployment's regions. A step with no such item is never
invented: it is left out, or, when the step names the department to ask (`ask`), shown as
"ask that department" with the department's phone from the catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Department, Item, LifeEventRecord
from catalogue.queries.departments import department_to_ask
from catalogue.queries.visibility import public_item
from catalogue.scope import scope_of

SHIPPED = Path(__file__).resolve().parent / "life_events.json"
# Powers exercised on citizens (处罚, 强制, 监督检查) are never a step a citizen takes, even when
# their names hold a step's term (宅基地 → 对违反农村宅基地管理…的监督检查).
NOT_A_STEP = ("CF", "QZ", "JD")
MAX_NAME = 100
MAX_PHRASE = 60


class LifeEventError(ValueError):
    """An event that cannot be stored (message in Chinese, for staff)."""


@dataclass(frozen=True)
class Step:
    """One step: what to do, how to find its item (exact names first, then terms), which
    department to ask when no item serves it (words of the department's name), and the
    circumstances that make it the step a citizen's story points to (`when`: 着火, 车祸 for
    临时救助 among the other help of hard times)."""

    label: str
    names: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    when: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        stored: dict[str, Any] = {
            "label": self.label,
            "names": list(self.names),
            "terms": list(self.terms),
        }
        if self.ask:
            stored["ask"] = list(self.ask)
        if self.when:
            stored["when"] = list(self.when)
        return stored


@dataclass(frozen=True)
class LifeEvent:
    """An event: its name, the phrases that recognise it, its steps in order."""

    name: str
    triggers: tuple[str, ...]
    steps: tuple[Step, ...]
    shipped: bool = False


@dataclass(frozen=True)
class ResolvedStep:
    """A step and the public item that serves it, or (no such item) the department to ask,
    or, when the deployment has no such department, the office to ask in words (`office`:
    烟草专卖局); `when` as the step's."""

    label: str
    item: Item | None
    department: Department | None = None
    when: tuple[str, ...] = ()
    office: str = ""
    terms: tuple[str, ...] = ()  # the step's words (丧葬费 of 领取丧葬补助金和抚恤金)


def _texts(values: Any, what: str) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        raise LifeEventError(f"{what}应为一组文字")
    texts = tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    long = [t for t in texts if len(t) > MAX_PHRASE]
    if long:
        raise LifeEventError(f"{what}「{long[0][:20]}…」超过{MAX_PHRASE}字")
    return texts


def parse_event(data: Mapping[str, Any], *, shipped: bool = False) -> LifeEvent:
    """An event from its stored or shipped form; raises LifeEventError naming the problem."""
    name = str(data.get("name", "")).strip()
    if not name or len(name) > MAX_NAME:
        raise LifeEventError(f"事件名称应为1–{MAX_NAME}字")
    triggers = _texts(data.get("triggers", []), "触发说法")
    if not triggers:
        raise LifeEventError(f"「{name}」至少要有一个群众的说法（触发说法）")
    steps = []
    for raw in data.get("steps", []) or []:
        label = str(raw.get("label", "")).strip()
        names = _texts(raw.get("names", []), "事项名称")
        terms = _texts(raw.get("terms", []), "检索词")
        ask = _texts(raw.get("ask", []), "咨询部门")
        when = _texts(raw.get("when", []), "情形说法")
        if not label:
            label = (names or terms or ("",))[0]
        if not label or not (names or terms):
            raise LifeEventError(f"「{name}」的每一步都要写明事项名称或检索词")
        steps.append(Step(label[:MAX_NAME], names, terms, ask, when))
    if not steps:
        raise LifeEventError(f"「{name}」至少要有一步")
    return LifeEvent(name, triggers, tuple(steps), shipped)


@lru_cache(maxsize=1)
def shipped_events() -> tuple[LifeEvent, ...]:
    """The events shipped with the package."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return tuple(parse_event(event, shipped=True) for event in data["events"])


async def life_events(session: AsyncSession) -> list[LifeEvent]:
    """The events in force: shipped ones, replaced or hidden by staff rows, and staff's own."""
    rows = {r.name: r for r in await session.scalars(select(LifeEventRecord))}
    events: list[LifeEvent] = []
    for event in shipped_events():
        row = rows.pop(event.name, None)
        if row is None:
            events.append(event)
        elif row.active:
            events.append(parse_event(_row_data(row)))
    events += [
        parse_event(_row_data(r)) for r in sorted(rows.values(), key=lambda r: r.id) if r.active
    ]
    return events


def _row_data(row: LifeEventRecord) -> dict[str, Any]:
    return {"name": row.name, "triggers": row.triggers, "steps": row.steps}


async def add_event(session: AsyncSession, event: LifeEvent, *, by: str = "") -> str:
    """Store an event: "added", "replaced" (a shipped or earlier one of that name) — the
    caller commits."""
    row = await session.scalar(select(LifeEventRecord).where(LifeEventRecord.name == event.name))
    steps = [step.as_dict() for step in event.steps]
    shipped = any(e.name == event.name for e in shipped_events())
    if row is None:
        session.add(
            LifeEventRecord(
                name=event.name,
                triggers=list(event.triggers),
                steps=steps,
                active=True,
                created_by=by[:100],
            )
        )
        return "replaced" if shipped else "added"
    row.triggers, row.steps, row.active, row.created_by = (
        list(event.triggers),
        steps,
        True,
        by[:100],
    )
    return "replaced"


async def remove_event(session: AsyncSession, name: str, *, by: str = "") -> str:
    """Remove an event: "removed" (staff's own), "hidden" (a shipped one) or "missing"."""
    name = name.strip()
    row = await session.scalar(select(LifeEventRecord).where(LifeEventRecord.name == name))
    shipped = next((e for e in shipped_events() if e.name == name), None)
    if shipped is not None:
        if row is None:
            row = LifeEventRecord(
                name=name,
                triggers=list(shipped.triggers),
                steps=[s.as_dict() for s in shipped.steps],
            )
            session.add(row)
        elif not row.active:
            return "missing"
        row.active, row.created_by = False, by[:100]
        return "hidden"
    if row is None or not row.active:
        return "missing"
    await session.delete(row)
    await session.flush()
    return "removed"


async def events_stamp(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many staff rows there are and when the newest changed: a change detector."""
    row = (
        await session.execute(
            select(func.count(LifeEventRecord.id), func.max(LifeEventRecord.updated_at))
        )
    ).one()
    return int(row[0]), row[1]


async def resolve(session: AsyncSession, event: LifeEvent) -> list[ResolvedStep]:
    """The steps that a public item of the deployment's regions serves, in order; an item
    serves one step only. Exact names first; else the shortest item name holding a term; else,
    for a step naming a department to ask, that department of the deployment's regions."""
    scope = scope_of(session)
    visible = public_item(scope)
    # the county's (or region's) own body before towns' and villages' for the same power
    order = (func.length(Item.region_code), func.length(Item.name), Item.code)
    resolved: list[ResolvedStep] = []
    used: set[str] = set()
    for step in event.steps:
        found = await _first(session, visible, order, step.names, exact=True, used=used)
        if found is None:
            found = await _first(session, visible, order, step.terms, exact=False, used=used)
        if found is not None:
            used.add(found.code)
            resolved.append(ResolvedStep(step.label, found, when=step.when))
            continue
        department = await department_to_ask(session=session, words=step.ask)
        if department is not None:
            resolved.append(ResolvedStep(step.label, None, department, step.when, terms=step.terms))
        elif step.ask:
            # 卖烟: no 烟草专卖局 among the county's departments, still the office to ask
            resolved.append(
                ResolvedStep(step.label, None, when=step.when, office=step.ask[0], terms=step.terms)
            )
    return resolved


async def _first(
    session: AsyncSession,
    visible: Any,
    order: Sequence[Any],
    texts: Sequence[str],
    *,
    exact: bool,
    used: set[str],
) -> Item | None:
    for text in texts:
        condition = Item.name == text if exact else Item.name.contains(text, autoescape=True)
        query = select(Item).where(visible, condition, Item.category.not_in(NOT_A_STEP))
        if used:
            query = query.where(Item.code.not_in(used))
        found = await session.scalar(query.order_by(*order).limit(1))
        if found is not None:
            return found
    return None


__all__ = [
    "LifeEvent",
    "LifeEventError",
    "ResolvedStep",
    "Step",
    "add_event",
    "events_stamp",
    "life_events",
    "parse_event",
    "remove_event",
    "resolve",
    "shipped_events",
]
