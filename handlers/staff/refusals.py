"""The staff chat's words for refusals: each typed `catalogue.workflow.errors` error, worded
with the facts it carries (who decided, which request holds the item, what is missing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from catalogue.models import PublicationStatus, Role
from catalogue.staff import (
    ROLE_LABELS,
    AccountLockedError,
    BadCodeError,
    NotEnrolledError,
    ReusedCodeError,
    StaffError,
    UnknownStaffError,
)
from catalogue.tickets import TicketState
from catalogue.workflow import errors as e
from catalogue.workflow.lists import POVERTY_REVIEWERS
from catalogue.workflow.rules import Action, RequestState, Step, SuspendedSource
from catalogue.workflow.workdays import CHINA_OFFSET, china_date
from handlers.staff.completeness_wording import incomplete
from handlers.staff.list_wording import list_next_step
from handlers.staff.request_wording import request_line

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
    e.Operation.ANSWER: "答复工单",
    e.Operation.CLOSE: "关闭工单",
    e.Operation.FOLLOW_UP: "回访差评",
    e.Operation.RECTIFY: "记录差评整改",
    e.Operation.RECORD_BUDGET: "登记预算批准日期",
    e.Operation.PROPOSE_FUND_LIST: "申请发布专项资金管理清单",
    e.Operation.CHANGE_FUND: "变更专项资金信息",
    e.Operation.CHANGE_POVERTY_PROJECT: "变更扶贫项目清单",
    e.Operation.CHANGE_ALLOCATION: "变更扶贫资金分配计划",
    e.Operation.REFRESH_POVERTY_YEAR: "整体更新扶贫清单",
    e.Operation.RECORD_POVERTY_REVIEW: "登记扶贫清单审核",
    e.Operation.REVIEW_FUND_REQUEST: "复核专项资金清单申请",
    e.Operation.REJECT_FUND_REQUEST: "驳回专项资金清单申请",
    e.Operation.REJECT_POVERTY_REQUEST: "驳回扶贫清单申请",
    e.Operation.PUBLISH_FUND: "发布专项资金信息",
    e.Operation.PUBLISH_POVERTY: "发布扶贫清单",
}
# The act alone, after the record it is done to (“工单 #3 …，您不能答复”).
_ACTS = {
    e.Operation.ANSWER: "答复",
    e.Operation.CLOSE: "关闭",
    e.Operation.FOLLOW_UP: "回访",
    e.Operation.RECTIFY: "整改",
}
# What a too-long text argument is called.
_TEXTS = {
    e.Missing.TICKET_ANSWER: "答复",
    e.Missing.TICKET_CLOSE_REASON: "理由",
    e.Missing.FOLLOWUP_NOTE: "回访情况",
    e.Missing.RECTIFICATION_NOTE: "整改情况",
}

# How a merger's command says what to do with a suspended source (handlers.staff.parsing).
MERGE_CHOICE = {
    SuspendedSource.KEEP_SUSPENDED: "暂停=保持",
    SuspendedSource.RESUME: "暂停=恢复",
}


def beijing_minute(moment: datetime) -> str:
    """Beijing time to the minute (a naive moment is UTC)."""
    utc = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return (utc + CHINA_OFFSET).strftime("%Y-%m-%d %H:%M")


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


def _ticket_forbidden(error: e.TicketForbidden) -> str:
    act = _ACTS[error.operation]
    if error.other_department:
        return f"工单 #{error.ticket_id} 属于其他部门，您不能{act}。"
    return f"审计员不能{act}工单。"


def _ticket_not_open(error: e.TicketNotOpen) -> str:
    state = TicketState(error.state).label
    if error.operation is e.Operation.ANSWER:
        return f"工单 #{error.ticket_id} 已由 {error.by} 处理（{state}），不能再答复。"
    return f"工单 #{error.ticket_id} 状态为“{state}”，只能关闭待答复的工单。"


def _case_forbidden(error: e.RatingCaseForbidden) -> str:
    act = _ACTS[error.operation]
    if error.other_department:
        return f"差评 #{error.rating_id} 属于其他部门，您不能{act}。"
    return f"{act}由被评价事项所属部门的经办人或县审改办办理。"


def _case_step_done(error: e.CaseStepDone) -> str:
    day = china_date(error.at).isoformat()
    if error.operation is e.Operation.FOLLOW_UP:
        return f"差评 #{error.rating_id} 已于{day}回访。"
    return f"差评 #{error.rating_id} 已于{day}记录整改。"


def _too_long(error: e.TooLong) -> str:
    what = _TEXTS.get(error.argument, "内容")
    return f"{what}太长（{error.length}字），请控制在{error.limit}字以内。"


# What the staff call the rows of the lists, and a year's content of each list.
_LIST_ROWS = {
    "fund": "专项资金项目",
    "poverty_project": "扶贫项目",
    "poverty_allocation": "扶贫资金分配",
}
_LIST_YEARS = {"fund": "专项资金项目", "poverty": "扶贫清单内容"}


def _list_row_missing(error: e.ListRecordNotFound) -> str:
    what = _LIST_ROWS.get(error.kind, "记录")
    if error.request_id is not None:
        return f"申请 #{error.request_id} 所指的{what}已不存在。"
    return f"没有编号为 {error.record_id} 的{what}。"


def _nothing_to_publish(error: e.NothingToPublish) -> str:
    text = f"{error.year} 年度没有待发布的{_LIST_YEARS.get(error.kind, '内容')}"
    if error.imported:
        return f"{text}。"
    return f"{text}，请先导入{'清单' if error.kind == 'fund' else ''}。"


def _lost(error: e.DecisionLost) -> str:
    state = RequestState(error.state).label if error.state else "已变化"
    who = f"{error.by}" if error.by else "其他人员"
    when = f"于 {beijing_minute(error.at)} " if error.at else ""
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
    e.Missing.FUND_CHANGE_NOTE: "专项资金信息变更须就变更内容进行说明（第八条）：请加上 说明=…。",
    e.Missing.POVERTY_CHANGE_NOTE: "请就调整变更情况进行说明：加上 说明=…。",
    e.Missing.REVIEWER: "请写明审核人：审核人=姓名。",
    e.Missing.TICKET_ANSWER: "请写明答复内容，例如：回复 #12 您好，办理地点在……",
    e.Missing.TICKET_CLOSE_REASON: "请写明关闭理由，例如：关闭 #12 重复提问，已在 #11 答复",
    e.Missing.FOLLOWUP_NOTE: (
        "请写明回访情况，例如：回访 #5 已电话联系群众，说明了办理流程，群众表示理解"
    ),
    e.Missing.RECTIFICATION_NOTE: "请写明整改情况，例如：整改 #5 已在办事指南中补充材料说明",
}

EXPLANATIONS: dict[type[e.WorkflowError], Callable[[Any], str]] = {
    e.AccountDisabled: lambda _: "您的账号已停用，请联系管理员。",
    e.AccountLocked: lambda x: (
        f"动态码错误次数过多，账号已锁定至 {beijing_minute(x.until)[-5:]}（北京时间），"
        "锁定期间不能办理任何操作。"
    ),
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
    e.BudgetNotRecorded: lambda x: f"请先登记 {x.year} 年度预算批准日期：预算批准 {x.year} 日期。",
    e.CorrectionNeedsNote: lambda x: (
        f"{x.year} 年度预算批准日期已登记为 {x.recorded_on:%Y-%m-%d}，更正须说明理由："
        f"预算批准 {x.year} {x.requested_on:%Y-%m-%d} 说明=…（更正经复核后生效，原日期保留）。"
    ),
    e.TicketNotFound: lambda x: f"没有编号为 #{x.ticket_id} 的工单。发送“工单”查看待办工单。",
    e.RatingCaseNotFound: lambda x: f"没有编号为 #{x.rating_id} 的差评。发送“差评”查看差评台账。",
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
    e.ReviewedByPovertyBodies: lambda x: (
        f"扶贫清单由县扶贫开发领导小组和市扶贫办审核（《扶贫办法》第三条）。"
        f"{list_next_step(x.request_id, 'poverty')}"
    ),
    e.ListRecordHeld: lambda x: f"已有未办结的申请：{request_line(x.request)}",
    e.NotPovertyRequest: lambda x: f"扶贫审核只用于扶贫清单的申请：{request_line(x.request)}",
    e.NoReviewDue: lambda x: f"这项申请现在不需要审核：{request_line(x.request)}",
    e.NotAListRequest: lambda x: f"无法发布这类申请：{request_line(x.request)}",
    e.BadValue: lambda x: f"{x.label}不对：{x.problem}。",
    e.ListRecordNotFound: _list_row_missing,
    e.ListRecordChanged: lambda x: (
        f"该记录在变更 #{x.request_id} 登记后已被他人修改（版本 {x.base_version} → {x.version}），"
        "本次未发布。请重新登记变更。"
    ),
    e.BudgetAlreadyRecorded: lambda x: (
        f"{x.year} 年度预算批准日期已登记为 {x.approved_on:%Y-%m-%d}。"
    ),
    e.BudgetChangedMeanwhile: lambda x: (
        f"{x.year} 年度预算批准日期在申请 #{x.request_id} 提出后已改变，本次未更正。"
    ),
    e.NothingToPublish: _nothing_to_publish,
    e.NotAReviewingBody: lambda _: "审核机关应为县扶贫开发领导小组或市扶贫办。",
    e.ReviewAlreadyRecorded: lambda x: f"{POVERTY_REVIEWERS.get(x.body, x.body)}的审核已登记。",
    e.CountyReviewFirst: lambda _: "须先登记县扶贫开发领导小组的审核，再登记市扶贫办的审核。",
    e.CityReviewTooEarly: lambda _: "市扶贫办的审核日期不能早于县扶贫开发领导小组的审核日期。",
    e.TooLong: _too_long,
    e.TicketForbidden: _ticket_forbidden,
    e.TicketNotOpen: _ticket_not_open,
    e.RatingCaseForbidden: _case_forbidden,
    e.CaseStepDone: _case_step_done,
    e.BadAmount: lambda x: f"金额“{x.text}”不对，请写万元数，例如 12.5。",
    e.NoChanges: lambda x: f"请写明要变更的字段，例如 {x.example}=…。",
    e.BadDuty: lambda _: "责任事项请写成“责任事项=受理责任：内容”。",
    e.UnknownDepartment: lambda x: f"没有找到部门“{x.name}”。",
    e.SameDepartment: lambda x: f"事项的实施主体已是“{x.name}”。",
    e.NoOrganisationCode: lambda x: (
        f"部门“{x.name}”没有登记组织机构代码，变更后无法赋予新编码。请先由管理员登记。"
    ),
    e.BadClass: lambda x: f"变更类别“{x.text}”不对，应为（一）至（六）之一。",
    e.BadSuspensionReason: lambda x: f"暂停情形“{x.text}”不对，第十条只有（一）至（四）四种情形。",
    e.CodeTaken: lambda x: f"新编码 {x.code} 已被使用或已废止，不能赋予。请联系县审改办。",
    e.IncompleteRecordError: incomplete,
}


def explain(error: e.WorkflowError) -> str:
    """The staff reply to a refusal."""
    for kind in type(error).__mro__:
        wording = EXPLANATIONS.get(kind)
        if wording is not None:
            return wording(error)
    return str(error)


def second_factor(error: StaffError) -> str:
    """Why a TOTP code was not accepted, for the staff member who sent it (chat and console)."""
    if isinstance(error, NotEnrolledError):
        return "该账号未登记动态码，请联系管理员（zwbot staff enrol）。"
    if isinstance(error, AccountLockedError):
        return (
            f"动态码错误次数过多，账号已锁定至 {error.until.astimezone(UTC) + CHINA_OFFSET:%H:%M}"
            "（北京时间），"
            "锁定期间不能办理任何操作；如需提前解锁请联系管理员。"
        )
    if isinstance(error, BadCodeError):
        return f"动态码不正确，还可再试 {error.remaining} 次。"
    if isinstance(error, ReusedCodeError):
        return "该动态码已使用过，每个动态码只能用一次。请等待验证器显示新的动态码后再试。"
    if isinstance(error, UnknownStaffError):
        return "账号不存在。"
    return str(error)
