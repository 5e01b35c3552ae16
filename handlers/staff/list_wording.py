"""The staff chat's wording of filed fund and poverty list requests, and of the step each
waits for (the domain returns the facts: catalogue.workflow.results)."""

from __future__ import annotations

from catalogue.workflow.lists import FUND_KINDS
from catalogue.workflow.results import (
    BudgetCorrectionFiled,
    ListChangeFiled,
    ListFiled,
    ListYearFiled,
    PovertyReviewRecorded,
    RequestInfo,
)
from catalogue.workflow.rules import FUND_UPDATE_DAYS, POVERTY_UPDATE_WORKING_DAYS, RequestState


def list_next_step(request_id: int, target_kind: str) -> str:
    """Who acts next on a pending list request, and with which words."""
    if target_kind in FUND_KINDS:
        return (
            f"须由县财政局另一位复核人员审核（“通过 #{request_id}”或“驳回 #{request_id} 理由”）。"
        )
    return (
        f"须登记县扶贫开发领导小组和市扶贫办的审核（《扶贫办法》第三条）："
        f"“扶贫审核 #{request_id} 领导小组 审核人=… 日期=… 文号=…”，"
        f"再登记“扶贫审核 #{request_id} 市扶贫办 …”，之后方可发布。"
    )


def _due(request: RequestInfo) -> str:
    return f"{request.due_on:%Y-%m-%d}" if request.due_on else ""


def _change(result: ListChangeFiled) -> str:
    request = result.request
    if request.target_kind == "fund":
        return (
            f"已登记专项资金“{result.subject}”的变更 #{request.id}，"
            f"须于 {_due(request)} 前发布更新（{FUND_UPDATE_DAYS}日，第八条）。"
        )
    if request.target_kind == "poverty_project":
        what = f"扶贫项目“{result.subject}”"
    else:
        what = (
            f"扶贫资金分配 #{result.row_id}（{result.year} 年 {result.subject}，"
            f"{result.document_number}）"
        )
    decided = f"（{result.decided_on:%Y-%m-%d} 审定）" if result.decided_on else ""
    return (
        f"已登记{what}的调整变更 #{request.id}{decided}，须于 {_due(request)} 前更新发布"
        f"（{POVERTY_UPDATE_WORKING_DAYS}个工作日，第四条）。"
    )


def _year(result: ListYearFiled) -> str:
    request = result.request
    if request.target_kind == "fund_list":
        return (
            f"已提出发布 {result.year} 年度专项资金管理清单（{result.rows} 个项目）的申请 "
            f"#{request.id}，须于 {_due(request)} 前公开（第七条）。"
        )
    return (
        f"已提出整体更新发布 {result.year} 年度扶贫清单（{result.rows} 条）的申请 #{request.id}。"
    )


def _correction(result: BudgetCorrectionFiled) -> str:
    return (
        f"已提出更正 {result.year} 年度预算批准日期的申请 #{result.request.id}："
        f"{result.recorded_on:%Y-%m-%d} → {result.corrected_on:%Y-%m-%d}（原日期保留，"
        f"逾期仍按原日期另行显示）。"
    )


def list_filed(result: ListFiled) -> str:
    """The reply to a filed list request: what was filed, then who acts next."""
    if isinstance(result, ListChangeFiled):
        text = _change(result)
    elif isinstance(result, ListYearFiled):
        text = _year(result)
    else:
        text = _correction(result)
    return f"{text}\n{list_next_step(result.request.id, result.request.target_kind)}"


def poverty_review(result: PovertyReviewRecorded, line: str) -> str:
    """The reply to a recorded 第三条 review: what was recorded and what comes next."""
    request = result.request
    if request.state == RequestState.APPROVED.value:
        step = f"两级审核均已登记，可以发布：发布 #{request.id}。"
    else:
        step = f"还须登记市扶贫办的审核：扶贫审核 #{request.id} 市扶贫办 审核人=… 日期=… 文号=…。"
    return (
        f"已登记{result.body_name}对 #{request.id} 的审核：{result.reviewer}，"
        f"{result.reviewed_on:%Y-%m-%d}，{result.document}。\n{step}\n{line}"
    )
