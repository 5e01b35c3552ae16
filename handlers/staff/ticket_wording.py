"""The staff words for citizens' 人工 tickets and 差评 cases: a ticket's standing against its
time limit, how long it has waited, one line per ticket or case on the desk, and the answers
to 回复, 关闭, 回访 and 整改."""

from __future__ import annotations

from datetime import datetime, timedelta

from catalogue import tickets as ticket_rules
from catalogue.models import Ticket
from catalogue.ratings import CaseRecorded, LedgerRow
from catalogue.tickets import Sla, Standing, TicketAnswered, TicketClosed, TicketState
from catalogue.workflow.errors import Operation
from catalogue.workflow.workdays import china_date

QUESTION_CHARS = 60  # of the citizen's question, on the desk


def span(delta: timedelta) -> str:
    """A duration in days and hours, or minutes under an hour (never negative)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时"
    return f"{mins}分钟"


def sla_text(sla: Sla) -> str:
    """E.g. "12月3日前答复（剩5小时）", "已超时2小时（应于12月3日前答复）", "按时答复"."""
    deadline = f"{sla.last_day.month}月{sla.last_day.day}日"
    match sla.standing:
        case Standing.CLOSED:
            return "已关闭"
        case Standing.ON_TIME:
            return "按时答复"
        case Standing.ANSWERED_LATE:
            return "超时答复"
        case Standing.OVERDUE:
            return f"已超时{span(sla.span)}（应于{deadline}前答复）"
        case Standing.OPEN:
            return f"{deadline}前答复（剩{span(sla.span)}）"


def ticket_line(ticket: Ticket, now: datetime, departments: dict[int, str]) -> str:
    """One ticket on the staff desk: number, state, age, time limit, owner, question."""
    state = TicketState(ticket.state)
    owner = ticket.owner or (
        departments.get(ticket.department_id, "") if ticket.department_id else ""
    )
    parts = [
        f"#{ticket.id} {state.label}",
        f"已等{span(ticket_rules.age(ticket, now))}",
        sla_text(ticket_rules.sla(ticket, now)),
        f"负责：{owner or '值班人员'}",
    ]
    line = " · ".join(parts)
    question = ticket.message.replace("\n", " ")
    cut = "…" if len(question) > QUESTION_CHARS else ""
    line += f"\n  问：{question[:QUESTION_CHARS]}{cut}"
    if ticket.state in ticket_rules.UNDELIVERED and ticket.delivery_note:
        line += f"\n  送达：{ticket.delivery_note}"
    return line


def answered(result: TicketAnswered) -> str:
    """The reply to 回复: recorded, and whether in time."""
    return f"工单 #{result.ticket_id} 已答复（{sla_text(result.sla)}）。"


def closed(result: TicketClosed) -> str:
    """The reply to 关闭."""
    return f"工单 #{result.ticket_id} 已关闭，理由：{result.reason}"


def case_recorded(result: CaseRecorded) -> str:
    """The reply to 回访 and 整改: recorded, and where the case now stands."""
    step = "回访" if result.operation is Operation.FOLLOW_UP else "整改"
    return f"差评 #{result.rating_id} {step}已记录，现为：{result.state.label}。"


def ledger_line(row: LedgerRow) -> str:
    """One 差评 of the ledger (差评 in the chat)."""
    what = f"工单 #{row.ticket_id}" if row.ticket_id else (row.item_name or row.item_code)
    return (
        f"#{row.id} {china_date(row.at).isoformat()} {row.level} · {row.state} · {row.department}"
        f"\n  评价：{what or '—'}"
    )
