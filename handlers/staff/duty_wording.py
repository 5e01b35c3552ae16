"""The staff chat's words for duties (待办, 逾期, the daily summary and the console's 待办):
each `catalogue.duties.Duty` worded from the facts it carries, with the command that does it;
and the departments' 通报 (`catalogue.duty_report`) for the chat, the console and the CLI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from catalogue.duties import Duty, DutyKind
from catalogue.duty_report import DutyReport, Work
from catalogue.lists.declarations import FUNDS
from catalogue.workflow.lists import FUND_KINDS
from handlers.staff.request_wording import request_line

NOTHING_DUE = "目前没有到期或逾期的工作。"


def estimate_warning(years: set[int] | frozenset[int]) -> str:
    """The staff warning for deadlines counted without the official schedule."""
    listed = "、".join(str(year) for year in sorted(years))
    return (
        f"⚠ 注意：{listed} 年的国务院节假日安排尚未导入，上述工作日期限按周一至周五估算，"
        "可能不准确。请管理员导入当年安排（zwbot holidays import）后以系统重新计算的期限为准。"
    )


def _fund_list(duty: Duty) -> str:
    original = ""
    if duty.original_approved_on and duty.original_due:
        original = (
            f"；按原登记批准日期 {duty.original_approved_on:%Y-%m-%d} 应于"
            f" {duty.original_due:%Y-%m-%d} 前"
        )
    return f"公开 {duty.year} 年度专项资金管理清单（第七条{original}）"


def _competitive(duty: Duty) -> str:
    owed = "、".join(FUNDS.label(attribute) for attribute in duty.owed)
    return f"竞争性分配资金“{duty.subject}”须公开{owed}（第八条；资金变更 {duty.record_id} …）"


def _review(duty: Duty) -> str:
    if duty.target_kind in FUND_KINDS:
        return f"复核专项资金申请 #{duty.request_id} {duty.target}（第十八条）"
    return (
        f"登记县扶贫开发领导小组和市扶贫办对 #{duty.request_id} {duty.target} 的审核"
        "（《扶贫办法》第三条）"
    )


def _poverty_update(duty: Duty) -> str:
    if duty.target_kind == "poverty_project":
        return f"发布扶贫项目“{duty.subject}”的调整变更 #{duty.request_id}（第四条）"
    name = f"{duty.year} 年 {duty.subject}" if duty.year is not None else duty.subject
    return f"发布扶贫资金分配“{name}”的调整变更 #{duty.request_id}（第四条）"


def _no_cases(duty: Duty) -> str:
    if duty.last_case_on is not None:
        evidence = f"最近办件 {duty.last_case_on:%Y-%m-%d}"
    elif duty.idle_years is not None:
        first, last = duty.idle_years
        evidence = f"{first}—{last} 年办件量均为 0"
    else:
        evidence = "近三年无办件"
    return f"可申请暂停：{duty.subject} {duty.target}，{evidence}（第十条（二））"


TITLES: dict[DutyKind, Callable[[Duty], str]] = {
    DutyKind.FUND_LIST: _fund_list,
    DutyKind.FUND_UPDATE: lambda d: f"发布专项资金“{d.subject}”的变更 #{d.request_id}（第八条）",
    DutyKind.FUND_COMPETITIVE: _competitive,
    DutyKind.LIST_REVIEW: _review,
    DutyKind.POVERTY_UPDATE: _poverty_update,
    DutyKind.POVERTY_REFRESH: lambda d: f"整体更新 {d.year} 年度扶贫清单（第七条，每年年初）",
    DutyKind.RESUME: lambda d: f"恢复事项 {d.target}（#{d.request_id}，第十二条）",
    DutyKind.NO_CASES: _no_cases,
}


def duty_title(duty: Duty) -> str:
    """What is to be done, with the article that asks for it."""
    return TITLES[duty.kind](duty)


def duty_line(duty: Duty, today: date) -> str:
    """One chat line: what, and by when (or how late)."""
    title = duty_title(duty)
    if duty.due is None:
        return title
    guess = (
        f"（⚠ {duty.estimated_year} 年节假日安排未导入，期限按周一至周五估算）"
        if duty.estimated_year is not None
        else ""
    )
    if duty.overdue(today):
        late = (today - duty.due).days
        return f"{title}（应于 {duty.due:%Y-%m-%d} 前完成，已逾期 {late} 天）{guess}"
    return f"{title}（{duty.due:%Y-%m-%d} 前）{guess}"


def summary(duties: Sequence[Duty], today: date) -> str:
    """One message: overdue first, then due, then suggestions."""
    overdue = [d for d in duties if d.overdue(today)]
    due = [d for d in duties if d.due is not None and not d.overdue(today)]
    hints = [d for d in duties if d.due is None]
    parts = []
    guessed = sorted({d.estimated_year for d in duties if d.estimated_year is not None})
    if guessed:
        parts.append(estimate_warning(set(guessed)))
    if overdue:
        parts.append("【已逾期】\n" + "\n".join(duty_line(d, today) for d in overdue))
    if due:
        parts.append(
            "【待办】\n"
            + "\n".join(duty_line(d, today) for d in sorted(due, key=lambda d: d.due or today))
        )
    if hints:
        parts.append("【建议】\n" + "\n".join(duty_line(d, today) for d in hints))
    return "\n\n".join(parts) if parts else NOTHING_DUE


# --- the departments' 通报 (《建设运行办法》第二十二条) ---------------------------------------

MAX_LINES = 8  # per department and kind: the report stays readable in chat


def work_line(work: Work, today: date) -> str:
    """One piece of a department's work: a duty, or an open change request."""
    return duty_line(work, today) if isinstance(work, Duty) else request_line(work)


@dataclass(frozen=True, slots=True)
class DepartmentLines:
    """One department's overdue and pending work, worded."""

    name: str
    overdue: list[str]
    pending: list[str]


@dataclass(frozen=True, slots=True)
class WordedReport:
    """The report with every piece of work worded (the console's table and CSV)."""

    today: date
    departments: list[DepartmentLines]


def worded(report: DutyReport) -> WordedReport:
    """Every department's work as lines."""
    return WordedReport(
        report.today,
        [
            DepartmentLines(
                work.name,
                [work_line(w, report.today) for w in work.overdue],
                [work_line(w, report.today) for w in work.pending],
            )
            for work in report.departments
        ],
    )


def _listed(label: str, lines: list[str]) -> list[str]:
    shown = [f"  {label}：{line}" for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(f"  …另有 {len(lines) - MAX_LINES} 项")
    return shown


def report_text(report: DutyReport) -> str:
    """The report as one Chinese message."""
    head = f"【部门工作通报】{report.today:%Y-%m-%d}（《建设运行办法》第二十二条）"
    if not report.departments:
        return f"{head}\n各部门没有逾期或待办的工作。"
    late = sum(1 for d in report.departments if d.overdue)
    parts = [f"{head}\n{len(report.departments)} 个部门有待办工作，其中 {late} 个有逾期。"]
    for number, work in enumerate(worded(report).departments, start=1):
        lines = [f"{number}. {work.name}：逾期 {len(work.overdue)} 项，待办 {len(work.pending)} 项"]
        lines += _listed("逾期", work.overdue)
        lines += _listed("待办", work.pending)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
