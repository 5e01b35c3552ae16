"""One line for a change request and where it stands (`#12 变更第九条（三） 编码：待审核，须于 …
前办结`): shared by the results, the refusals, 待办 and the reports."""

from __future__ import annotations

from catalogue.workflow.results import RequestInfo
from catalogue.workflow.rules import OPEN_STATES, Action, RequestState

# Who reviews the fund and poverty lists (财政专项资金 by a second finance reviewer; 扶贫清单
# by the county leading group and the city poverty office, 《扶贫办法》第三条).
_FUND_REVIEW = "待县财政局复核"
_POVERTY_REVIEW = "待登记县扶贫开发领导小组和市扶贫办审核"
LIST_REVIEW = {
    "fund": _FUND_REVIEW,
    "fund_list": _FUND_REVIEW,
    "budget_year": _FUND_REVIEW,
    "poverty_project": _POVERTY_REVIEW,
    "poverty_allocation": _POVERTY_REVIEW,
    "poverty_year": _POVERTY_REVIEW,
}


def request_line(request: RequestInfo) -> str:
    """One line describing a change request and where it stands."""
    klass = (
        f"第九条{request.change_class.label}"
        if request.action is Action.CHANGE and request.change_class
        else ""
    )
    state = RequestState(request.state).label
    if request.state == RequestState.PENDING_REVIEW.value:
        state = LIST_REVIEW.get(request.target_kind, state)
    due = (
        f"，须于 {request.due_on:%Y-%m-%d} 前办结"
        if request.due_on and request.state in OPEN_STATES
        else ""
    )
    why = (
        f"，理由：{request.rejection_reason}"
        if request.state == RequestState.REJECTED.value and request.rejection_reason
        else ""
    )
    line = f"#{request.id} {request.action.label}{klass} {request.target_code}：{state}{due}"
    return line + why
