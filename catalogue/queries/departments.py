"""Public look-ups of implementing departments, with how many public items each has."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Department, Item
from catalogue.queries.visibility import local_department, public_item
from catalogue.scope import scope_of

# Words that name a kind of office rather than a particular one: "县农牧局" ≈ "农牧局".
_NOISE_PREFIXES = ("天祝藏族自治县", "天祝县", "天祝", "县")


@dataclass(frozen=True)
class DepartmentSummary:
    """A department and the number of its public items."""

    department: Department
    item_count: int


USCC_LENGTH = 18  # GB 32100 unified social credit code
ORG_CODE_LENGTH = 9  # GB 11714 organisation code (8 + check character)


def _core(name: str) -> str:
    text = "".join(name.split())
    for prefix in _NOISE_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            return text[len(prefix) :]
    return text


async def departments(*, session: AsyncSession) -> list[DepartmentSummary]:
    """Every department of the deployment's regions with its count of public items, by name."""
    counts = (
        select(Item.department_id, func.count().label("n"))
        .where(public_item(scope_of(session)))
        .group_by(Item.department_id)
        .subquery()
    )
    rows = await session.execute(
        select(Department, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.department_id == Department.id)
        .where(local_department(scope_of(session)))
        .order_by(Department.name)
    )
    return [DepartmentSummary(department, int(count)) for department, count in rows]


async def department_by_id(*, session: AsyncSession, department_id: int) -> Department | None:
    """A department of the deployment's regions by id."""
    return await session.scalar(
        select(Department).where(
            Department.id == department_id, local_department(scope_of(session))
        )
    )


async def department_by_code(*, session: AsyncSession, code: str) -> Department | None:
    """A department of the deployment's regions by its unified social credit code (GB 32100,
    18 characters) or organisation code (GB 11714, 9; a dash before the check character and
    letter case ignored)."""
    compact = code.replace("-", "").replace(" ", "").upper()
    column = Department.uscc if len(compact) == USCC_LENGTH else Department.org_code
    if len(compact) not in (USCC_LENGTH, ORG_CODE_LENGTH):
        return None
    return await session.scalar(
        select(Department).where(func.upper(column) == compact, local_department(scope_of(session)))
    )


async def find_departments(*, session: AsyncSession, name: str) -> list[Department]:
    """Departments whose full or short name contains the typed name (county prefix ignored)."""
    core = _core(name)[:50]
    if not core:
        return []
    pattern = f"%{core}%"
    rows = await session.scalars(
        select(Department)
        .where(
            or_(Department.name.like(pattern), Department.short_name.like(pattern)),
            local_department(scope_of(session)),
        )
        .order_by(func.length(Department.name), Department.name)
    )
    return list(rows)


async def department_to_ask(*, session: AsyncSession, words: Sequence[str]) -> Department | None:
    """The deployment's department whose name holds the first of `words` that one holds (the
    county's own before a town's: the shortest region code): who to ask of a matter no item
    serves."""
    local = local_department(scope_of(session))
    for word in words:
        found = await session.scalar(
            select(Department)
            .where(local, Department.name.contains(word, autoescape=True))
            .order_by(func.coalesce(func.length(Department.region_code), 0), Department.id)
            .limit(1)
        )
        if found is not None:
            return found
    return None
