"""The staff chat's words for the workflow's typed results (`catalogue.workflow.results`).

The domain returns facts; this module says them to staff, in precise Chinese with the
article that applies (refusals: `handlers.staff.refusals`). Command words (发布、撤回…) appear
only in `handlers.staff`, so renaming a command never touches `catalogue/`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tickets as ticket_rules
from catalogue.models import PublicationStatus, Ticket, utcnow
from catalogue.ratings import CaseRecorded
from catalogue.workflow import fields
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import (
    Applied,
    BudgetCorrectionFiled,
    BudgetRecorded,
    Filed,
    ItemLog,
    ItemState,
    ItemView,
    ListApplied,
    ListChangeFiled,
    ListYearFiled,
    Moved,
    PovertyReviewRecorded,
    Published,
    RequestInfo,
)
from catalogue.workflow.rules import (
    Action,
    RequestState,
    Step,
    SuspendedSource,
)
from catalogue.workflow.workdays import china_date
from handlers.staff import ticket_wording
from handlers.staff.duty_wording import estimate_warning
from handlers.staff.list_wording import (
    budget_recorded,
    list_applied,
    list_filed,
    poverty_review,
)
from handlers.staff.refusals import beijing_minute, explain
from handlers.staff.request_wording import LIST_REVIEW, request_line
from handlers.staff.ticket_wording import answered, case_recorded, closed


def _day(moment: datetime | date | None) -> str:
    """A date as staff read it (Beijing time for moments)."""
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return china_date(moment).isoformat()
    return moment.isoformat()


def status_word(status: str, suspension_class: str | None = None) -> str:
    """An item status as staff read it (with the 第十条 reason when suspended)."""
    word = PublicationStatus(status).label
    if status == PublicationStatus.SUSPENDED.value and suspension_class:
        word += f"（第十条（{suspension_class}））"
    return word


def item_state(item: ItemState) -> str:
    """Name, code, status, version and 更新日期 (with the last change note)."""
    line = f"{item.name}（{item.code}）\n状态：{status_word(item.status, item.suspension_class)}"
    line += f"，版本 {item.version}，更新日期 {_day(item.updated_at)}"
    if item.revision_note:
        line += f"\n最近变更：{item.revision_note}"
    return line


def show_value(value: Any) -> str:
    """A short rendering of a field value."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, dict) and "unit" in value:
        number = value.get("value")
        text = f"{number}{'个' if value.get('unit') == '工作日' else ''}{value.get('unit') or ''}"
        return f"{text}（{value['note']}）" if value.get("note") and number else text
    if isinstance(value, dict) and "title" in value:
        return f"{value['title']}：{value['content']}"
    if isinstance(value, dict) and "name" in value:
        return str(value["name"]) or "（空）"
    if isinstance(value, list):
        names = [
            str(v.get("name") or v.get("title")) if isinstance(v, dict) else str(v) for v in value
        ]
        return "；".join(names) or "（空）"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


# --- results ---------------------------------------------------------------------------------


def _filed(result: Filed) -> str:
    route = "经县审改办审核后，提请县政府审定" if result.decision_follows else "经县审改办审核"
    request = result.request
    lines = [f"已提交{request.action.label}申请 #{request.id}，{route}。"]
    if result.changes and request.change_class is not None:
        lines.append(f"第九条{request.change_class.label}：")
        for change in result.changes:
            label = fields.BY_ATTRIBUTE[change.attribute].label
            lines.append(f"{label}：{show_value(change.before)} → {show_value(change.after)}")
            if fields.BY_ATTRIBUTE[change.attribute].kind == "department":
                lines.append("实施主体变更后，事项将赋予新编码，原编码进入代码废止库（编码规范）。")
        if result.named_class is not None:
            klass = request.change_class.label
            lines.append(f"所改字段属第九条{klass}，按{klass}办理。")
    if result.suspension is not None:
        lines.append(
            f"第十条（{result.suspension.value}）{result.suspension.description}：{result.reason}"
        )
    if request.action is Action.RESUME:
        lines.append("审核确认后须在2日内恢复（第十二条）。")
    if request.action is Action.ABOLISH:
        lines.append(f"依据：{result.reason}")
    if result.merged:
        lines.append(f"合并为“{result.new_name}”：")
        lines.extend(f"{item.code} {item.name}" for item in result.merged)
        if result.suspended_source is SuspendedSource.KEEP_SUSPENDED:
            lines.append("原事项有暂停的，合并后的事项保持暂停。")
        elif result.suspended_source is SuspendedSource.RESUME:
            lines.append("原事项有暂停的，合并后的事项恢复办理。")
    lines.append(item_state(result.item))
    lines.append(f"申请：{request_line(request)}")
    lines.append(f"提出人可发送“撤回 #{request.id}”撤回。")
    return "\n".join(lines)


def _moved(outcome: Outcome, result: Moved) -> str:
    request = result.request
    if result.step is Step.REJECT:
        return f"已驳回。\n{request_line(request)}"
    if result.step is Step.WITHDRAW:
        return f"已撤回申请 #{request.id}。\n{request_line(request)}"
    if request.state == RequestState.PENDING_DECISION.value:
        head = "审核通过，已提请县政府审定"
    elif outcome.action == "request.decide":
        head = "县政府审定通过，可以发布"
    elif request.target_kind != "item":  # a fund-list request: the finance bureau's second look
        head = "复核通过，可以发布"
    else:
        head = "审核通过，可以发布"
    text = f"{head}。\n{request_line(request)}"
    if request.state == RequestState.APPROVED.value:
        text += f"\n发送“发布 #{request.id}”即可发布。"
    return text


def _applied(result: Applied | ListApplied) -> str:
    if isinstance(result, ListApplied):
        return list_applied(result)
    request = result.request
    notes: list[str] = []
    if request.action is Action.SUSPEND:
        notes.append("暂停事项仍对外公开，标注为“暂停”（第十条）。")
    if request.action is Action.RESUME:
        if result.resumed_late:
            due = f"（{request.due_on:%Y-%m-%d}）" if request.due_on else ""
            notes.append(f"注意：已超过第十二条规定的恢复期限{due}。")
        else:
            notes.append("已在第十二条规定的2日内恢复。")
    if request.action is Action.ABOLISH:
        notes.append("编码已进入代码废止库，不再赋予其他事项。")
    if result.recoded_from:
        notes.append(
            f"实施主体已变更，事项编码由 {result.recoded_from} 变更为 {result.item.code}；"
            "原编码已进入代码废止库并指向新编码。"
        )
    if request.action is Action.MERGE:
        old = "、".join(result.retired)
        head = f"#{request.id} 合并已生效：原编码 {old} 已进入代码废止库；合并后事项赋予新编码。"
        if result.suspended_source is SuspendedSource.KEEP_SUSPENDED:
            head += "按申请，合并后的事项保持暂停。"
        return f"{head}\n{item_state(result.item)}"
    note = "".join(notes)
    return f"#{request.id} {request.action.label}已生效。{note}\n{item_state(result.item)}"


def _published(result: Published) -> str:
    parts: list[str] = []
    if len(result.applied) + len(result.skipped) > 1:
        parts.append(
            f"已发布 {len(result.applied)} 项"
            + (f"，{len(result.skipped)} 项未发布（见文末）：" if result.skipped else "：")
        )
    parts.extend(_applied(applied) for applied in result.applied)
    if result.skipped:
        lines = ["未发布："]
        for skipped in result.skipped:
            lines.append(f"{request_line(skipped.request)} —— {explain(skipped.error)}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _view(view: ItemView) -> str:
    lines = [item_state(view.item)]
    if view.department:
        lines.append(f"实施主体：{view.department}")
    if view.legal_time_limit:
        lines.append(f"法定时限：{view.legal_time_limit}")
    if view.promised_time_limit:
        lines.append(f"承诺时限：{view.promised_time_limit}")
    if view.phone:
        lines.append(f"联系电话：{view.phone}")
    if view.suspension_reason:
        lines.append(f"暂停理由：{view.suspension_reason}")
    if view.retired is not None:
        retired = view.retired
        where = f"，已合并入 {retired.successor}" if retired.successor else ""
        lines.append(f"代码废止库：{_day(retired.retired_at)} 作废{where}；依据：{retired.basis}")
    if view.open_request is not None:
        lines.append(f"未办结：{request_line(view.open_request)}")
    if view.history:
        lines.append("最近申请：\n" + "\n".join(request_line(r) for r in view.history))
    return "\n".join(lines)


def _log(log: ItemLog) -> str:
    lines = [item_state(log.item)]
    if len(log.codes) > 1:
        lines.append("曾用编码：" + "、".join(log.codes[1:]))
    lines.append("操作记录（最新在前，北京时间）：")
    for entry in log.entries:
        lines.append(
            f"{beijing_minute(entry.at)} {entry.actor}（{entry.role}）{entry.action} {entry.result}"
        )
    if not log.entries:
        lines.append("（暂无记录）")
    if log.more:
        lines.append("（更早的记录未列出，完整记录请用 zwbot audit export 导出）")
    if log.requests:
        lines.append("申请：\n" + "\n".join(request_line(r) for r in log.requests))
    return "\n".join(lines)


def render(outcome: Outcome) -> str:
    """The staff reply to a command's result (with the warning when a deadline is estimated)."""
    text = _render(outcome)
    if outcome.estimated_years:  # a working-day deadline in a year without the schedule
        text = f"{text}\n{estimate_warning(outcome.estimated_years)}"
    return text


def _render(outcome: Outcome) -> str:
    result = outcome.result
    if isinstance(result, Filed):
        return _filed(result)
    if isinstance(result, Moved):
        return _moved(outcome, result)
    if isinstance(result, Applied):
        return _applied(result)
    if isinstance(result, Published):
        return _published(result)
    if isinstance(result, ItemView):
        return _view(result)
    if isinstance(result, ItemLog):
        return _log(result)
    if isinstance(result, ListChangeFiled | ListYearFiled | BudgetCorrectionFiled):
        return list_filed(result)
    if isinstance(result, BudgetRecorded):
        return budget_recorded(result)
    if isinstance(result, PovertyReviewRecorded):
        return poverty_review(result, request_line(result.request))
    if isinstance(result, ticket_rules.TicketAnswered):
        return answered(result)
    if isinstance(result, ticket_rules.TicketClosed):
        return closed(result)
    if isinstance(result, CaseRecorded):
        return case_recorded(result)
    return outcome.message


async def tickets_block(session: AsyncSession, tickets: Sequence[Ticket]) -> str:
    """The citizens' 人工 tickets waiting for a member's answer (待办, the daily summary)."""
    now = utcnow()
    names = await ticket_rules.department_names(
        session, {t.department_id for t in tickets if t.department_id is not None}
    )
    late = sum(ticket_rules.sla(t, now).overdue for t in tickets)
    head = f"【等您答复的人工工单】{len(tickets)} 件" + (f"，{late} 件已超时" if late else "")
    lines = [ticket_wording.ticket_line(t, now, names) for t in tickets]
    return head + "\n" + "\n".join(lines) + "\n答复：回复 #号 内容；不答复：关闭 #号 理由"


# --- notices pushed to staff (the WeCom notifier) ---------------------------------------------


def _next_words(request: RequestInfo) -> str:
    """The command words of the step a request waits for."""
    if request.state == RequestState.APPROVED.value:
        return f"“发布 #{request.id}”"
    if request.target_kind in LIST_REVIEW and request.target_kind.startswith("poverty"):
        return f"“扶贫审核 #{request.id} 领导小组|市扶贫办 审核人=… 日期=… 文号=…”"
    return f"“通过 #{request.id}”或“驳回 #{request.id} 理由”"


def notice_text(
    waiting: list[tuple[RequestInfo, str, datetime]],
    decided: list[tuple[RequestInfo, datetime]],
) -> str:
    """One WeCom message for one staff member: the requests that reached them (with who
    proposed them and when) and the decisions on their own requests (with the reason);
    times in Beijing time."""
    parts: list[str] = []
    if waiting:
        lines = [f"有 {len(waiting)} 项申请等您办理（北京时间）："]
        for request, proposer, at in waiting:
            lines.append(
                f"{request_line(request)}（提出人：{proposer}，{beijing_minute(at)} 转来）"
                f"\n  办理：{_next_words(request)}"
            )
        lines.append("发送“待办”查看全部。")
        parts.append("\n".join(lines))
    if decided:
        lines = [f"您提出的 {len(decided)} 项申请有了结果（北京时间）："]
        lines.extend(f"{request_line(request)}（{beijing_minute(at)}）" for request, at in decided)
        lines.append("发送“查 编码”查看事项和申请记录。")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
