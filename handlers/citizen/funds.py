"""The special fund list in chat: 「2015 农牧局 专项资金」."""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.models import Department, FundItem, FundType
from handlers.citizen import fund_answers, fund_details, parsing, texts
from handlers.citizen.common import on_said
from handlers.citizen.filters import Choice, CountyRowsNamed, FundFollowUp, FundListQuestion
from handlers.citizen.memory import recall, remember
from handlers.citizen.villages import county_rows
from handlers.settings import Settings


async def fund_list(
    event: Event,
    year: int | None,
    fund_type: FundType | None,
    departments: list[Department],
    what: str,
    unknown_department: str,
    topic: str,
    session: AsyncSession,
    settings: Settings,
    trace: dict[str, str],
    state: FSMContext | None = None,
    details: list[str] | None = None,
    compared_with: int | None = None,
    ranking: parsing.Ranking | None = None,
    competitive: bool = False,
    unknown_topic: str = "",
) -> str:
    """Published fund rows by year, department, type and fund, with the exact total; the
    years published when the question names none of these. Remembered: 「2017年呢」 next
    changes only the year. `compared_with`: a year each fund is set beside. A question
    about a detail of the fund named (`details`: 申报, 评审, 分配 …) gets the published text
    of it; `competitive` keeps the funds allocated by competition only; `unknown_topic`: a
    fund asked for that the list does not have (said so, above the year's list)."""
    if state is not None:
        await remember(
            state,
            focus="funds",
            fund_year=year,
            fund_departments=[d.id for d in departments],
            fund_type=fund_type.value if fund_type is not None else "",
            fund_topic=topic,
            fund_competitive=competitive,
            fund_rows=[],
            fund_ranking=parsing.ranking_kept(ranking),
        )
    asked_for_rows = year or departments or fund_type or topic or competitive or details
    if not asked_for_rows:
        trace.update(answer="fund-years")
        overview = await queries.fund_list(session=session)
        if ranking is not None and overview.rows:
            # 「哪个部门的专项资金最多」 「哪年最多」: over every year published, then the years
            ranked = fund_answers.ranked_line(overview.rows, ranking, every_year=True)
            return (
                ranked + "\n" + fund_answers.fund_years_answer(overview, settings.public_base_url)
            )
        note = (
            texts.FUND_NO_DEPARTMENT.format(name=unknown_department) if unknown_department else ""
        )
        return note + fund_answers.fund_years_answer(overview, settings.public_base_url)
    note = texts.FUND_NO_DEPARTMENT.format(name=unknown_department) if unknown_department else ""
    if unknown_topic:
        note += texts.FUND_TOPIC_NONE.format(what=what, topic=unknown_topic)
    ids = [d.id for d in departments] or None
    funds = await queries.fund_list(
        session=session, year=year, department_ids=ids, fund_type=fund_type
    )
    if not funds.rows and departments:
        every_year = (
            funds
            if year is None and fund_type is None
            else await queries.fund_list(session=session, department_ids=ids)
        )
        if not every_year.rows:
            # 「财政局公开的专项资金清单在哪看」: an office with no fund of its own; the list
            trace.update(answer="fund-years")
            overview = await queries.fund_list(session=session)
            names = "、".join(d.short_name or d.name for d in departments)
            return texts.FUND_DEPARTMENT_NONE.format(name=names) + fund_answers.fund_years_answer(
                overview, settings.public_base_url
            )
        if year is not None and not topic and fund_type is None:
            # 「农牧局去年有啥资金」: none of that year published; the office's years that are
            note += texts.FUND_YEAR_NONE.format(year=year)
            funds, what = every_year, what.replace(f"{year}年", "").strip() or "全部"
    if topic and year is not None and not fund_details.named_funds(funds.rows, topic):
        other = await queries.fund_list(session=session, department_ids=ids, fund_type=fund_type)
        renamed = _renamed(funds.rows, fund_details.named_funds(other.rows, topic))
        if renamed:
            # 「那15年的呢」 after 创业担保贷款贴息资金: that year it was called otherwise
            note += texts.FUND_RENAMED.format(
                year=year, name="、".join(r.project_name for r in renamed)
            )
            funds.rows, topic = renamed, ""
        elif fund_details.named_funds(other.rows, topic):
            # 「2025年草原补奖资金」: not published for that year; the years that are
            note += texts.FUND_YEAR_NONE.format(year=year)
            funds, what = other, what.replace(f"{year}年", "").strip() or "全部"
    if competitive:
        # 「竞争性分配的资金有哪些」: those allocated by competition (guide, review, results)
        funds.rows = [row for row in funds.rows if row.competitive]
        what = f"{what} 竞争性分配的" if what != "全部" else "竞争性分配的"
    if topic:
        matching = fund_details.named_funds(funds.rows, topic)
        if matching:
            funds.rows = matching
            what = f"{what}“{topic}”" if what != "全部" else f"“{topic}”"
    answering = fund_details.answering_rows(funds.rows, details or [])
    if answering:
        trace.update(answer="fund-details")
        return note + fund_answers.fund_details_answer(
            answering, details or [], settings.public_base_url
        )
    if details == ["change"] and not topic:
        note += texts.FUND_NO_CHANGE.format(what="" if what == "全部" else what)
    trace.update(answer="fund-list")
    if fund_type is not None:
        what = f"{what} {fund_type.label}".strip()
    answer = fund_answers.fund_list_answer(
        funds,
        settings.public_base_url,
        what=what,
        department_id=departments[0].id if len(departments) == 1 else None,
    )
    if state is not None and len(funds.rows) > 1:
        # numbered: 「第3个」 「最后一个」 next is that fund
        await remember(state, fund_rows=[row.id for row in funds.rows], numbered="funds")
    if ranking is not None and funds.rows:
        # 「哪个部门的专项资金最多」: the answer first, the rows it was found among below
        answer = fund_answers.ranked_line(funds.rows, ranking) + "\n" + answer
    if compared_with is not None and year is not None and funds.rows:
        # 「比上一年多了多少」 「15年和17年比」: each fund beside its row of the earlier year
        # (renamed or not)
        before = await queries.fund_list(
            session=session, year=compared_with, department_ids=ids, fund_type=fund_type
        )
        answer = fund_answers.with_year_before(
            answer, funds.rows, before.rows, _renamed, compared_with
        )
        if len(funds.rows) > 1 and before.rows:
            # 「17年专项资金比16年多了多少」: the whole list's (or the office's) total first
            answer = fund_answers.totals_compared(funds, before) + "\n" + answer
    return note + answer


async def funds_pending(event: Event, state: FSMContext) -> bool:
    """The last numbered list the citizen saw was the fund list."""
    memory = await recall(state)
    return memory.numbered == "funds" and bool(memory.fund_rows)


async def fund_chosen(
    event: Event,
    choice: int,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """A number picks a fund of the list just shown: its amount, and what the list publishes
    of how it is allocated and used, its measures and its review."""
    memory = await recall(state)
    if not 1 <= choice <= len(memory.fund_rows):
        return texts.BAD_CHOICE.format(number=choice, count=len(memory.fund_rows))
    rows = await queries.fund_rows(session=session, ids=[memory.fund_rows[choice - 1]])
    if not rows:
        return texts.GONE
    trace.update(answer="fund-chosen")
    await remember(state, fund_topic=rows[0].project_name, fund_year=rows[0].budget_year)
    return fund_answers.fund_details_answer(rows, list(CHOSEN_DETAILS), settings.public_base_url)


CHOSEN_DETAILS = ("competitive", "allocation", "measures", "performance")


# How alike two names of one department's funds must be to be one fund renamed between
# years (小额担保贷款贴息资金 → 创业担保贷款贴息资金: 80).
RENAMED_LIKENESS = 75


def _renamed(rows: list[FundItem], named: list[FundItem]) -> list[FundItem]:
    """The rows of a year that are the funds `named` (rows of other years) under another name:
    the same department's, their names alike."""
    return [
        row
        for row in rows
        if any(
            row.department_id == other.department_id
            and fuzz.ratio(row.project_name, other.project_name) >= RENAMED_LIKENESS
            for other in named
        )
    ]


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-funds")
    on_said(router, Choice(), funds_pending)(fund_chosen)
    on_said(router, FundFollowUp())(fund_list)
    on_said(router, FundListQuestion())(fund_list)
    # 「整村推进资金分到了哪些村」: not a fund of the list, the county's poverty rows
    on_said(router, CountyRowsNamed())(county_rows)
    return router
