"""Writing an import: insert new rows, update changed ones, leave equal ones alone (idempotence)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Base, utcnow


@dataclass
class Changes:
    """Rows to insert, rows to update (with their primary key) and how many stay as they are."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def add(self, existing: Mapping[str, Any] | None, wanted: dict[str, Any], key: Any) -> str:
        """File `wanted` as an insert, update or unchanged row; returns which."""
        if existing is None:
            self.inserts.append(wanted)
            return "created"
        if all(_same(existing.get(name), value) for name, value in wanted.items()):
            self.unchanged += 1
            return "unchanged"
        self.updates.append({**wanted, "_key": key})
        return "updated"


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class."""
    return cast(Table, model.__table__)


def _same(old: Any, new: Any) -> bool:
    if old is None and new in ("", [], None):
        return True
    return bool(old == new)


def _timestamps(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    now = utcnow()
    for name in ("created_at", "updated_at"):
        if name in table.c and name not in values:
            values[name] = now
    return values


async def write(session: AsyncSession, table: Table, changes: Changes, key: str = "id") -> None:
    """Execute the inserts and updates (in batches of identical columns, one statement each)."""
    if changes.inserts:
        rows = [_timestamps(table, dict(row)) for row in changes.inserts]
        if "version" in table.c:
            for row in rows:
                row.setdefault("version", 1)
        await session.execute(insert(table), rows)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in changes.updates:
        columns = tuple(sorted(name for name in row if name != "_key"))
        groups.setdefault(columns, []).append(row)
    for columns, rows in groups.items():
        values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in columns}
        if "updated_at" in table.c:
            values["updated_at"] = utcnow()
        if "version" in table.c:
            values["version"] = table.c.version + 1
        statement = update(table).where(table.c[key] == bindparam("k_key")).values(values)
        params = [{"k_key": row["_key"], **{f"v_{n}": row[n] for n in columns}} for row in rows]
        await session.execute(statement, params)
