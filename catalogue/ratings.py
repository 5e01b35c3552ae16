"""好差评 as 国办发〔2019〕51号 sets it out: five levels, one rating per answer, every 差评 a case
for the responsible department that is followed up (回访) and rectified (整改), a ledger of the
cases and monthly figures per department and item. Nothing here commits."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Department, Item, Rating, Role, StaffMember, utcnow
from catalogue.workflow.errors import (
    CaseStepDone,
    Missing,
    MissingArgument,
    Operation,
    RatingCaseForbidden,
    RatingCaseNotFound,
    TooLong,
)
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.workdays import CHINA_OFFSET, china_date

#: The five levels, best first; the score is what is stored (5 … 1).
LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BY_WORD = {word: score for score, word in LEVELS.items()}
#: 差评: the two lowest levels.
BAD_SCORES = frozenset({1, 2})
MAX_NOTE = 500
# County offices that supervise 好差评 and may act on any department's case.
SUPERVISORS = frozenset({Role.REVIEW_OFFICE, Role.ADMIN})


def level(score: int) -> str:
    """The Chinese level of a score 1–5."""
    return LEVELS[score]


def is_bad(score: int) -> bool:
    """Whether a score is a 差评 (不满意 or 非常不满意)."""
    return score in BAD_SCORES


class CaseState(enum.StrEnum):
    """Where a 差评 case stands."""

    NEW = "new"  # not yet sent to the department
    NOTIFIED = "notified"  # the department was told; follow-up and rectification due
    VISITED = "visited"  # followed up (回访), rectification still due
    RECTIFIED = "rectified"  # rectification recorded, follow-up still due
    DONE = "done"  # both recorded

    @property
    def label(self) -> str:
        return _CASE_LABELS[self]


_CASE_LABELS = {
    CaseState.NEW: "待通知",
    CaseState.NOTIFIED: "待回访、待整改",
    CaseState.VISITED: "已回访、待整改",
    CaseState.RECTIFIED: "已整改、待回访",
    CaseState.DONE: "已办结",
}
OPEN_CASES = (
    CaseState.NEW.value,
    CaseState.NOTIFIED.value,
    CaseState.VISITED.value,
    CaseState.RECTIFIED.value,
)


class AlreadyRated(Exception):
    """This citizen rated this answer before; the first rating stands."""

    def __init__(self, rating: Rating) -> None:
        super().__init__(f"answer {rating.answer_key} already rated")
        self.rating = rating


def item_answer_key(code: str, moment: datetime) -> str:
    """An item card is one answer per citizen and China day (seen again tomorrow: a new one)."""
    return f"item:{code}:{china_date(moment).isoformat()}"


def ticket_answer_key(ticket_id: int) -> str:
    """A ticket's staff answer is one answer."""
    return f"ticket:{ticket_id}"


async def record(
    session: AsyncSession,
    *,
    openid_hash: str,
    answer_key: str,
    score: int,
    item_code: str = "",
    ticket_id: int | None = None,
    department_id: int | None = None,
) -> Rating:
    """Keep one rating of one answer; a 差评 opens a case. Raises `AlreadyRated`."""
    if score not in LEVELS:
        raise ValueError(f"a rating is 1–5, not {score}")
    existing = await session.scalar(
        select(Rating).where(Rating.openid_hash == openid_hash, Rating.answer_key == answer_key)
    )
    if existing is not None:
        raise AlreadyRated(existing)
    if department_id is None and item_code:
        department_id = await session.scalar(
            select(Item.department_id).where(Item.code == item_code)
        )
    rating = Rating(
        openid_hash=openid_hash,
        answer_key=answer_key,
        item_code=item_code,
        ticket_id=ticket_id,
        department_id=department_id,
        score=score,
        case_state=CaseState.NEW.value if is_bad(score) else "",
    )
    # A retried message is answered from the delivery log, never handled twice; the unique
    # constraint is the last guard.
    session.add(rating)
    await session.flush()
    return rating


async def get_case(session: AsyncSession, rating_id: int) -> Rating:
    """A 差评 case by its number, or `NotFoundError`."""
    rating = await session.get(Rating, rating_id, with_for_update=True)
    if rating is None or not rating.case_state:
        raise RatingCaseNotFound(rating_id)
    return rating


def _may_handle(staff: StaffMember, rating: Rating, operation: Operation) -> None:
    role = Role(staff.role)
    if role in SUPERVISORS:
        return
    if role == Role.CLERK and rating.department_id is not None:
        if rating.department_id == staff.department_id:
            return
        raise RatingCaseForbidden(rating.id, operation, other_department=True)
    raise RatingCaseForbidden(rating.id, operation, other_department=False)


def _note(text: str, missing: Missing) -> str:
    note = text.strip()
    if not note:
        raise MissingArgument(missing)
    if len(note) > MAX_NOTE:
        raise TooLong(missing, len(note), MAX_NOTE)
    return note


def _advance(rating: Rating) -> None:
    if rating.followup_at is not None and rating.rectified_at is not None:
        rating.case_state = CaseState.DONE.value
    elif rating.followup_at is not None:
        rating.case_state = CaseState.VISITED.value
    elif rating.rectified_at is not None:
        rating.case_state = CaseState.RECTIFIED.value


@dataclass(frozen=True, slots=True)
class CaseRecorded:
    """A 差评's follow-up or rectification was recorded; where the case now stands."""

    rating_id: int
    operation: Operation
    state: CaseState


async def follow_up(
    session: AsyncSession, staff: StaffMember, rating_id: int, text: str
) -> Outcome:
    """Record the follow-up (回访) of a 差评."""
    note = _note(text, Missing.FOLLOWUP_NOTE)
    rating = await get_case(session, rating_id)
    _may_handle(staff, rating, Operation.FOLLOW_UP)
    if rating.followup_at is not None:
        raise CaseStepDone(rating.id, Operation.FOLLOW_UP, rating.followup_at)
    rating.followup = note
    rating.followup_by = staff.wecom_user_id
    rating.followup_at = utcnow()
    _advance(rating)
    await session.flush()
    return Outcome(
        action="rating.followup",
        target=f"rating:{rating.id}",
        result=CaseRecorded(rating.id, Operation.FOLLOW_UP, CaseState(rating.case_state)),
        after={"followup": note, "state": rating.case_state},
    )


async def rectify(session: AsyncSession, staff: StaffMember, rating_id: int, text: str) -> Outcome:
    """Record the rectification (整改) of a 差评."""
    note = _note(text, Missing.RECTIFICATION_NOTE)
    rating = await get_case(session, rating_id)
    _may_handle(staff, rating, Operation.RECTIFY)
    if rating.rectified_at is not None:
        raise CaseStepDone(rating.id, Operation.RECTIFY, rating.rectified_at)
    rating.rectification = note
    rating.rectified_by = staff.wecom_user_id
    rating.rectified_at = utcnow()
    _advance(rating)
    await session.flush()
    return Outcome(
        action="rating.rectify",
        target=f"rating:{rating.id}",
        result=CaseRecorded(rating.id, Operation.RECTIFY, CaseState(rating.case_state)),
        after={"rectification": note, "state": rating.case_state},
    )


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One 差评 in the ledger."""

    id: int
    at: datetime
    level: str
    state: str
    department: str
    item_code: str
    item_name: str
    ticket_id: int | None
    followup: str
    rectification: str


async def ledger(
    session: AsyncSession,
    *,
    department_id: int | None = None,
    open_only: bool = False,
    limit: int | None = None,
) -> list[LedgerRow]:
    """Every 差评 with its state, newest first."""
    query = (
        select(Rating, Department.short_name, Department.name, Item.name)
        .outerjoin(Department, Department.id == Rating.department_id)
        .outerjoin(Item, Item.code == Rating.item_code)
        .where(Rating.case_state != "")
        .order_by(Rating.id.desc())
    )
    if department_id is not None:
        query = query.where(Rating.department_id == department_id)
    if open_only:
        query = query.where(Rating.case_state.in_(OPEN_CASES))
    if limit is not None:
        query = query.limit(limit)
    rows = await session.execute(query)
    return [
        LedgerRow(
            id=rating.id,
            at=rating.at,
            level=level(rating.score),
            state=CaseState(rating.case_state).label,
            department=short or name or "（无部门：值班人员）",
            item_code=rating.item_code,
            item_name=item_name or "",
            ticket_id=rating.ticket_id,
            followup=rating.followup,
            rectification=rating.rectification,
        )
        for rating, short, name, item_name in rows
    ]


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month (China time), shown as `2026-11`."""

    year: int
    month: int

    def __post_init__(self) -> None:
        date(self.year, self.month, 1)  # ValueError for a month that does not exist

    @classmethod
    def of(cls, day: date) -> Month:
        """The month of `day`."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_bounds(month: Month) -> tuple[datetime, datetime]:
    """A month's first moment and the next month's, China time, as UTC."""
    first = date(month.year, month.month, 1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)

    def start(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC) - CHINA_OFFSET

    return start(first), start(after)


@dataclass(slots=True)
class Figures:
    """Ratings of one department or item in a month."""

    name: str
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    bad_done: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def bad(self) -> int:
        return sum(self.counts[score] for score in BAD_SCORES)

    @property
    def satisfaction(self) -> float:
        """Share of 非常满意、满意、基本满意 (the national 满意率)."""
        return (self.total - self.bad) / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            **{LEVELS[score]: self.counts[score] for score in LEVELS},
            "差评": self.bad,
            "差评已办结": self.bad_done,
            "满意率": round(self.satisfaction, 4),
        }


@dataclass(slots=True)
class MonthReport:
    """The month's figures per department and per item."""

    month: Month
    departments: list[Figures]
    items: list[Figures]


async def month_report(session: AsyncSession, month: Month) -> MonthReport:
    """Ratings of a month (China time) per department and per item."""
    start, end = month_bounds(month)
    rows = await session.execute(
        select(
            Rating.score,
            Rating.case_state,
            Rating.item_code,
            Department.short_name,
            Department.name,
            Item.name,
        )
        .outerjoin(Department, Department.id == Rating.department_id)
        .outerjoin(Item, Item.code == Rating.item_code)
        .where(Rating.at >= start, Rating.at < end)
    )
    departments: dict[str, Figures] = {}
    items: dict[str, Figures] = {}
    for score, case_state, code, short, name, item_name in rows:
        department = short or name or "（无部门）"
        targets = [departments.setdefault(department, Figures(department))]
        if code:
            targets.append(items.setdefault(code, Figures(f"{item_name or ''}（{code}）")))
        for figures in targets:
            figures.counts[score] += 1
            if case_state == CaseState.DONE:
                figures.bad_done += 1
    return MonthReport(
        month,
        sorted(departments.values(), key=lambda f: (-f.total, f.name)),
        sorted(items.values(), key=lambda f: (-f.total, f.name)),
    )


async def count_open_cases(session: AsyncSession) -> int:
    """差评 not yet followed up and rectified."""
    return int(
        await session.scalar(
            select(func.count()).select_from(Rating).where(Rating.case_state.in_(OPEN_CASES))
        )
        or 0
    )
