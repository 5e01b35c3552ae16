"""The articles the workflow enforces, as data: 权责清单管理办法 第九条 change classes, 第十条
suspension reasons, 第十二条 resumption, an item's lifecycle (which action moves it from which
status to which, who proposes it and under which article) and a request's steps (who may
move a request from which state to which)."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from catalogue.models import PublicationStatus, Role
from catalogue.workflow.errors import BadClass, BadSuspensionReason, Missing, MissingArgument

CLASS_NUMERALS = ("一", "二", "三", "四", "五", "六")
RESUME_DAYS = 2  # 第十二条: restored within 2 days of the review office's confirmation
FUND_PUBLISH_DAYS = 20  # 财政专项资金 第七条: with the budget, within 20 days of its approval
FUND_UPDATE_DAYS = 20  # 第八条: changed management information updated within 20 days
POVERTY_UPDATE_WORKING_DAYS = 10  # 扶贫清单 第四条
NO_CASE_YEARS = 3  # 第十条(二): no case for three years or more


class ChangeClass(enum.StrEnum):
    """第九条 (一)–(六)."""

    BASIS = "一"  # 权力依据、名称、法定时限
    SUBJECT = "二"  # 实施主体 (机构改革、职能调整)
    PROCESS = "三"  # 流程、承诺期限、收费标准、裁量基准
    STATIC = "四"  # 办公地点、联系电话、监督电话、办事指南、表格
    DUTY = "五"  # 责任事项、部门职责
    OTHER = "六"  # 其他

    @property
    def needs_decision(self) -> bool:
        """(一)(二)(六): 审改办 review, then the county government decides."""
        return self in (ChangeClass.BASIS, ChangeClass.SUBJECT, ChangeClass.OTHER)

    @property
    def label(self) -> str:
        """How the regulations write it: （一）."""
        return f"（{self.value}）"


class SuspensionReason(enum.StrEnum):
    """第十条 (一)–(四)."""

    NEVER_EXERCISED = "一"
    NO_CASES = "二"
    BETWEEN_CYCLES = "三"
    OTHER = "四"

    @property
    def description(self) -> str:
        """The reason as the article words it."""
        return _SUSPENSION_TEXT[self]


_SUSPENSION_TEXT = {
    SuspensionReason.NEVER_EXERCISED: "本地区不具备行使条件和环境，从未行使过",
    SuspensionReason.NO_CASES: "三年以上未发生办件",
    SuspensionReason.BETWEEN_CYCLES: "周期性办理，处于两个办理周期之间",
    SuspensionReason.OTHER: "其他原因需要暂停行使",
}


class Action(enum.StrEnum):
    """What a change request does to its target."""

    PUBLISH = "publish"
    CHANGE = "change"
    SUSPEND = "suspend"
    RESUME = "resume"
    ABOLISH = "abolish"
    MERGE = "merge"

    @property
    def label(self) -> str:
        """The Chinese verb."""
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.PUBLISH: "发布",
    Action.CHANGE: "变更",
    Action.SUSPEND: "暂停",
    Action.RESUME: "恢复",
    Action.ABOLISH: "作废",
    Action.MERGE: "合并",
}


class RequestState(enum.StrEnum):
    """Where a change request stands."""

    PENDING_REVIEW = "pending_review"
    PENDING_DECISION = "pending_decision"
    APPROVED = "approved"
    REJECTED = "rejected"
    APPLIED = "applied"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The Chinese word."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    RequestState.PENDING_REVIEW: "待审改办审核",
    RequestState.PENDING_DECISION: "待县政府审定",
    RequestState.APPROVED: "已批准待发布",
    RequestState.REJECTED: "已驳回",
    RequestState.APPLIED: "已发布生效",
    RequestState.WITHDRAWN: "已撤回",
}

OPEN_STATES = (
    RequestState.PENDING_REVIEW.value,
    RequestState.PENDING_DECISION.value,
    RequestState.APPROVED.value,
)


class SuspendedSource(enum.StrEnum):
    """How a merger treats a suspended source item: staff must say which (编码规范 合并)."""

    KEEP_SUSPENDED = "keep"  # the merged item starts suspended, with the source's reason
    RESUME = "resume"  # the merged item is published; the suspension ends with the merger


def parse_class(text: str) -> ChangeClass:
    """A 第九条 class from （三）, (三), 三 or 3."""
    core = text.strip().strip("()（）第项类")
    if core.isdigit() and 1 <= int(core) <= len(CLASS_NUMERALS):
        core = CLASS_NUMERALS[int(core) - 1]
    try:
        return ChangeClass(core)
    except ValueError:
        raise BadClass(text) from None


def parse_suspension_reason(text: str) -> SuspensionReason:
    """A 第十条 reason from （二）, (二), 二 or 2."""
    core = text.strip().strip("()（）第项类")
    if core.isdigit() and 1 <= int(core) <= 4:
        core = CLASS_NUMERALS[int(core) - 1]
    try:
        return SuspensionReason(core)
    except ValueError:
        raise BadSuspensionReason(text) from None


CLASS_PATTERN = re.compile(r"^[（(]?(?:第)?([一二三四五六1-6])(?:项|类)?[)）]?$")


def looks_like_class(text: str) -> bool:
    """Whether a command word is a class marker such as （三）."""
    return bool(CLASS_PATTERN.match(text.strip()))


def effective_class(field_classes: Iterable[ChangeClass], given: ChangeClass | None) -> ChangeClass:
    """The class a change is handled under: the given one, unless a field needs more steps.

    A change touching a (一)(二)(六) field always goes to the county government, whatever
    class the proposer named; otherwise the named class (or the first field's) is kept.
    """
    classes = list(field_classes)
    if given is not None:
        classes.insert(0, given)
    if not classes:
        raise MissingArgument(Missing.CHANGES)
    if given is not None and (given.needs_decision or not any(c.needs_decision for c in classes)):
        return given
    for candidate in classes:
        if candidate.needs_decision:
            return candidate
    return classes[0]


def needs_decision(action: Action, change_class: ChangeClass | None) -> bool:
    """Whether a request of this kind goes on to the county government after review.

    Abolition and merger change the legal basis of a power (第九条(一)) and are decided by
    the county government; suspension and resumption are reviewed by 审改办 only (第十条、
    第十二条); publishing a new draft is reviewed (第三条).
    """
    if action in (Action.ABOLISH, Action.MERGE):
        return True
    if action is Action.CHANGE and change_class is not None:
        return change_class.needs_decision
    return False


DESTRUCTIVE_ACTIONS = frozenset({Action.ABOLISH, Action.MERGE})


# --- the item lifecycle -----------------------------------------------------------------------

_P = PublicationStatus
LIVE = frozenset({_P.PUBLISHED, _P.SUSPENDED})
# Departments propose changes to their own items (第五条、第七条); admins may act for them.
PROPOSERS = frozenset({Role.CLERK, Role.REVIEW_OFFICE, Role.ADMIN})
# Whoever proposes a request may take it back (第十八条): the finance bureau and the poverty
# office propose the fund and poverty lists' requests (资金办法 第七条、第八条; 扶贫办法 第三条).
WITHDRAWERS = PROPOSERS | frozenset({Role.FINANCE, Role.POVERTY_OFFICE})
# 县审改办 and 县政府法制办 review power-list changes (第三条).
REVIEWERS = frozenset({Role.REVIEW_OFFICE, Role.LEGAL_OFFICE, Role.ADMIN})
# 县政府 decides (一)(二)(六) changes, abolitions and mergers (第九条).
DECIDERS = frozenset({Role.APPROVER, Role.ADMIN})
# Who puts approved item changes live: the department, the review office or an admin.
PUBLISHERS = frozenset({Role.CLERK, Role.REVIEW_OFFICE, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class ItemTransition:
    """One action on an item: from which statuses it may be proposed, which status the item
    holds while the request is open, from which it is applied and what it becomes."""

    action: Action
    proposable_from: frozenset[PublicationStatus]
    applies_from: frozenset[PublicationStatus]
    becomes: PublicationStatus | None  # None: the status is kept (a change)
    article: str
    while_open: PublicationStatus | None = None  # the item's status while the request is open
    proposers: frozenset[Role] = PROPOSERS
    publishers: frozenset[Role] = PUBLISHERS

    def may_propose(self, status: str) -> bool:
        """Whether an item in `status` may get this request."""
        return status in self.proposable_from

    def may_apply(self, status: str) -> bool:
        """Whether an item in `status` may have this request applied."""
        return status in self.applies_from


# Abolition and merger change a power's legal basis, and its code (编码规范 取消、合并权力).
_BASIS_CHANGE = "《权责清单管理办法》第九条（一）、《编码规范》"

ITEM_LIFECYCLE: dict[Action, ItemTransition] = {
    t.action: t
    for t in (
        ItemTransition(
            Action.PUBLISH,
            frozenset({_P.DRAFT}),
            frozenset({_P.PENDING_REVIEW}),
            _P.PUBLISHED,
            "《权责清单管理办法》第三条",
            while_open=_P.PENDING_REVIEW,
        ),
        ItemTransition(Action.CHANGE, LIVE, LIVE, None, "《权责清单管理办法》第九条"),
        ItemTransition(
            Action.SUSPEND,
            frozenset({_P.PUBLISHED}),
            frozenset({_P.PUBLISHED}),
            _P.SUSPENDED,
            "《权责清单管理办法》第十条",
        ),
        ItemTransition(
            Action.RESUME,
            frozenset({_P.SUSPENDED}),
            frozenset({_P.SUSPENDED}),
            _P.PUBLISHED,
            "《权责清单管理办法》第十二条",
        ),
        ItemTransition(
            Action.ABOLISH,
            LIVE,
            LIVE,
            _P.ABOLISHED,
            "《权责清单管理办法》第九条（一）、《编码规范》",
        ),
        ItemTransition(Action.MERGE, LIVE, LIVE, _P.ABOLISHED, _BASIS_CHANGE),
    )
}


class Step(enum.StrEnum):
    """What a staff member does to a request."""

    PROPOSE = "propose"  # 提交、变更、暂停…: a request is filed
    APPROVE = "approve"  # 通过: review, or the county government's decision
    REJECT = "reject"  # 驳回
    PUBLISH = "publish"  # 发布: an approved request takes effect
    WITHDRAW = "withdraw"  # 撤回: the proposer takes back an open request


@dataclass(frozen=True, slots=True)
class RequestStep:
    """A step on a request: from which state, to which, by whom, under which article.

    `decision_only` / `review_only` restrict an approval to requests that do or do not go on
    to the county government (第九条); `proposer_only` is the withdrawal's rule.
    """

    step: Step
    source: RequestState
    target: RequestState
    roles: frozenset[Role]
    article: str
    records: str = ""  # "reviewer" | "approver": who is recorded on the request
    decision_follows: bool | None = None  # for approvals at review: whether a decision follows
    proposer_only: bool = False


_R = RequestState
REQUEST_STEPS: tuple[RequestStep, ...] = (
    RequestStep(
        Step.APPROVE,
        _R.PENDING_REVIEW,
        _R.PENDING_DECISION,
        REVIEWERS,
        "第九条",
        "reviewer",
        decision_follows=True,
    ),
    RequestStep(
        Step.APPROVE,
        _R.PENDING_REVIEW,
        _R.APPROVED,
        REVIEWERS,
        "第三条、第九条",
        "reviewer",
        decision_follows=False,
    ),
    RequestStep(Step.APPROVE, _R.PENDING_DECISION, _R.APPROVED, DECIDERS, "第九条", "approver"),
    RequestStep(Step.REJECT, _R.PENDING_REVIEW, _R.REJECTED, REVIEWERS, "第九条", "reviewer"),
    RequestStep(Step.REJECT, _R.PENDING_DECISION, _R.REJECTED, DECIDERS, "第九条", "approver"),
    RequestStep(Step.REJECT, _R.APPROVED, _R.REJECTED, REVIEWERS | DECIDERS, "第九条"),
    RequestStep(Step.PUBLISH, _R.APPROVED, _R.APPLIED, PUBLISHERS, "第十八条"),
    *(
        RequestStep(Step.WITHDRAW, state, _R.WITHDRAWN, WITHDRAWERS, "第十八条", proposer_only=True)
        for state in (_R.PENDING_REVIEW, _R.PENDING_DECISION, _R.APPROVED)
    ),
)


def request_step(step: Step, state: str, *, decision_follows: bool = False) -> RequestStep | None:
    """The step `step` takes from `state` (None: the request is not in a state for it)."""
    for candidate in REQUEST_STEPS:
        follows = candidate.decision_follows
        if (
            candidate.step is step
            and candidate.source.value == state
            and (follows is None or follows is decision_follows)
        ):
            return candidate
    return None
