"""The staff chat's words for the workflow's typed results and refusals.

The domain (`catalogue.workflow`) returns facts; this module alone says them to staff, in
precise Chinese with the article that applies. Command words (发布、撤回…) appear only here
and in `handlers.staff.commands`, so renaming a command never touches `catalogue/`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from catalogue.models import PublicationStatus, Role
from catalogue.staff import ROLE_LABELS
from catalogue.workflow import errors as e
from catalogue.workflow import fields
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import (
    Applied,
    Filed,
    ItemLog,
    ItemState,
    ItemView,
    ListApplied,
    Moved,
    Published,
    RequestInfo,
)
from catalogue.workflow.rules import (
    OPEN_STATES,
    Action,
    RequestState,
    Step,
    SuspendedSource,
)
from catalogue.workflow.workdays import CHINA_OFFSET, china_date

# In refusals the auditor is plainly "审计员".
ROLE_NAMES = {**ROLE_LABELS, Role.AUDITOR: "审计员"}

OPERATIONS = {
    e.Operation.READ: "查询",
    e.Operation.SUBMIT: "提交事项",
    e.Operation.CHANGE: "提出变更",
    e.Operation.SUSPEND: "申请暂停",
    e.Operation.RESUME: "申请恢复",
    e.Operation.ABOLISH: "申请作废",
    e.Operation.MERGE: "申请合并",
    e.Operation.REVIEW: "审核权责清单变更",
    e.Operation.DECIDE: "审定权责清单变更",
    e.Operation.REJECT: "驳回申请",
    e.Operation.PUBLISH: "发布",
    e.Operation.WITHDRAW: "撤回申请",
    e.Operation.LOG: "查看日志",
}

MERGE_CHOICE = {
    SuspendedSource.KEEP_SUSPENDED: "暂停=保持",
    SuspendedSource.RESUME: "暂停=恢复",
}


def _day(moment: datetime | date | None) -> str:
    """A date as staff read it (Beijing time for moments)."""
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return china_date(moment).isoformat()
    return moment.isoformat()


def _minute(moment: datetime) -> str:
    """Beijing time to the minute."""
    utc = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return (utc + CHINA_OFFSET).strftime("%Y-%m-%d %H:%M")


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


def request_line(request: RequestInfo) -> str:
    """One line describing a change request and where it stands."""
    klass = (
        f"第九条{request.change_class.label}"
        if request.action is Action.CHANGE and request.change_class
        else ""
    )
    state = RequestState(request.state).label
    due = (
        f"，须于 {request.due_on:%Y-%m-%d} 前办结"
        if request.due_on and request.state in OPEN_STATES
        else ""
    )
    return f"#{request.id} {request.action.label}{klass} {request.target_code}：{state}{due}"


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
        return f"已驳回，理由：{result.reason}\n{request_line(request)}"
    if result.step is Step.WITHDRAW:
        return f"已撤回申请 #{request.id}。\n{request_line(request)}"
    if request.state == RequestState.PENDING_DECISION.value:
        head = "审核通过，已提请县政府审定"
    elif outcome.action == "request.decide":
        head = "县政府审定通过，可以发布"
    else:
        head = "审核通过，可以发布"
    text = f"{head}。\n{request_line(request)}"
    if request.state == RequestState.APPROVED.value:
        text += f"\n发送“发布 #{request.id}”即可发布。"
    return text


def _applied(result: Applied | ListApplied) -> str:
    if isinstance(result, ListApplied):
        return result.message
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
            f"{_minute(entry.at)} {entry.actor}（{entry.role}）{entry.action} {entry.result}"
        )
    if not log.entries:
        lines.append("（暂无记录）")
    if log.requests:
        lines.append("申请：\n" + "\n".join(request_line(r) for r in log.requests))
    return "\n".join(lines)


def render(outcome: Outcome) -> str:
    """The staff reply to a command's result."""
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
    return outcome.message


# --- refusals --------------------------------------------------------------------------------


def _operation(what: e.Operation | str) -> str:
    return OPERATIONS[what] if isinstance(what, e.Operation) else what


def _role_forbidden(error: e.RoleForbidden) -> str:
    names = "、".join(ROLE_NAMES[Role(r)] for r in error.allowed if Role(r) is not Role.ADMIN)
    return (
        f"{ROLE_NAMES[Role(error.role)]}不能{_operation(error.operation)}。"
        f"此操作由{names or '管理员'}办理。"
    )


def _retired(error: e.CodeRetired) -> str:
    if error.reason == "recoded" and error.successor:
        return (
            f"该编码已变更为 {error.successor}（{error.name}，实施主体变更后赋予新编码）。"
            f"请用新编码办理。"
        )
    where = f"，已合并入 {error.successor}" if error.successor else ""
    return f"编码 {error.code}（{error.name}）已作废{where}，编码不再使用。"


def _wrong_status(error: e.WrongItemStatus) -> str:
    action = Action(error.action)
    allowed = "或".join(PublicationStatus(s).label for s in error.allowed)
    if error.allowed == (PublicationStatus.DRAFT.value,):
        head = "只有草稿可以提交审核。"
    else:
        head = f"只有{allowed}的事项可以{action.label}。"
    if action is Action.CHANGE and error.status in ("draft", "pending_review"):
        head += "草稿请直接修改后提交。"
    return f"{head}{error.name}（{error.code}）当前状态：{PublicationStatus(error.status).label}。"


def _lost(error: e.DecisionLost) -> str:
    state = RequestState(error.state).label if error.state else "已变化"
    who = f"{error.by}" if error.by else "其他人员"
    when = f"于 {_minute(error.at)} " if error.at else ""
    reason = f"，理由：{error.reason}" if error.reason else ""
    return f"申请 #{error.request_id} 已由{who}{when}办理，现为“{state}”{reason}。您的操作未生效。"


_MISSING = {
    e.Missing.SUSPENSION_REASON: "请写明暂停理由，例如：暂停 编码 （二） 近三年无办件。",
    e.Missing.ABOLITION_BASIS: "作废须写明依据，例如：作废 编码 国发〔2025〕3号取消。",
    e.Missing.REJECTION_REASON: "驳回须写明理由，例如：驳回 #12 设定依据引用有误。",
    e.Missing.MERGE_NAME: "请写明合并后的新名称。",
    e.Missing.MERGE_CODES: "合并至少需要两个事项编码，例如：合并 编码1 编码2 新名称。",
    e.Missing.CHANGES: "请写明要变更的字段，例如：变更 编码 电话=0935-3121234。",
    e.Missing.REQUESTS: "请写明要发布的申请，例如：发布 #12，或 发布 全部。",
    e.Missing.PUBLISHABLE: "没有您可以发布的已批准申请。",
    e.Missing.NAME: "名称不能为空。",
}

EXPLANATIONS: dict[type[e.WorkflowError], Callable[[Any], str]] = {
    e.AccountDisabled: lambda _: "您的账号已停用，请联系管理员。",
    e.RoleForbidden: _role_forbidden,
    e.OtherDepartment: lambda x: f"部门经办人只能{_operation(x.operation)}本部门的事项。",
    e.OwnRequest: lambda _: "这是您本人提出的变更，不能由您本人审核或审定，请由其他人员办理。",
    e.ReviewerCannotDecide: lambda _: "您已审核过这项申请，审定须由另一位人员办理。",
    e.NotProposer: lambda x: f"申请 #{x.request_id} 不是您提出的，只有提出人可以撤回。",
    e.ItemNotFound: lambda x: f"没有找到编码为 {x.code} 的事项。",
    e.CodeRetired: _retired,
    e.AmbiguousCode: lambda x: (
        f"基本编码 {x.code} 对应多个实施事项，请给出完整编码：\n"
        + "\n".join(f"{code} {name}" for code, name in x.candidates)
    ),
    e.RequestNotFound: lambda x: f"没有编号为 #{x.request_id} 的变更申请。",
    e.NoOpenRequest: lambda x: f"事项 {x.code} 没有待处理的变更申请。",
    e.RequestAlreadyOpen: lambda x: (
        f"该事项已有待处理的申请 #{x.request_id}（{Action(x.action).label}，"
        f"{RequestState(x.state).label}）。请先办结、驳回或由提出人撤回后再提出。"
    ),
    e.WrongItemStatus: _wrong_status,
    e.WrongRequestState: lambda x: (
        f"申请 #{x.request_id} 现为“{RequestState(x.state).label}”，"
        + {
            Step.APPROVE.value: "现在不需要审核。",
            Step.REJECT.value: "已办结，不能驳回。",
            Step.PUBLISH.value: "还不能发布。",
            Step.WITHDRAW.value: "已办结，不能撤回。",
        }.get(x.step, "不能办理。")
    ),
    e.DecisionLost: _lost,
    e.ItemChangedMeanwhile: lambda x: (
        f"事项 {x.code} 在申请 #{x.request_id} 提出后已被他人修改（版本 {x.base_version} → "
        f"{x.version}），为免覆盖他人修改，本次未发布。"
        f"请驳回 #{x.request_id} 后按最新内容重新提出。"
    ),
    e.ConcurrentEdit: lambda _: (
        "该记录刚被其他人员修改，您的操作未生效。请发送“查 编码”查看最新内容后重试。"
    ),
    e.MissingArgument: lambda x: _MISSING[x.missing],
    e.Classified: lambda _: "涉密事项不得公开发布（建设运行管理办法第十八条）。",
    e.DuplicateCodes: lambda _: "合并的编码有重复。",
    e.MixedCategories: lambda _: "不同类别的权力事项不能合并。",
    e.SuspendedSourceChoice: lambda x: (
        f"合并的事项中 {'、'.join(x.codes)} 处于暂停状态，请说明合并后如何处理：在命令末尾加"
        f"“{MERGE_CHOICE[SuspendedSource.KEEP_SUSPENDED]}”（合并后的事项保持暂停）或"
        f"“{MERGE_CHOICE[SuspendedSource.RESUME]}”（合并后恢复办理）。"
    ),
    e.UnknownField: lambda x: f"没有“{x.name}”这个字段。可变更的字段：{'、'.join(x.known)}。",
    e.BadTimeLimit: lambda x: f"时限“{x.text}”看不懂，请写成“20个工作日”或“15日”。",
    e.BadDuty: lambda _: "责任事项请写成“责任事项=受理责任：内容”。",
    e.UnknownDepartment: lambda x: f"没有找到部门“{x.name}”。",
    e.SameDepartment: lambda x: f"事项的实施主体已是“{x.name}”。",
    e.NoOrganisationCode: lambda x: (
        f"部门“{x.name}”没有登记组织机构代码，变更后无法赋予新编码。请先由管理员登记。"
    ),
    e.BadClass: lambda x: f"变更类别“{x.text}”不对，应为（一）至（六）之一。",
    e.BadSuspensionReason: lambda x: f"暂停情形“{x.text}”不对，第十条只有（一）至（四）四种情形。",
    e.CodeTaken: lambda x: f"新编码 {x.code} 已被使用或已废止，不能赋予。请联系县审改办。",
}


def explain(error: e.WorkflowError) -> str:
    """The staff reply to a refusal (errors worded by their raiser are shown as they are)."""
    for kind in type(error).__mro__:
        wording = EXPLANATIONS.get(kind)
        if wording is not None:
            return wording(error)
    return str(error)
