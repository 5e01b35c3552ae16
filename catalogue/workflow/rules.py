"""The articles the workflow enforces: 权责清单管理办法 第九条 change classes, 第十条 suspension
reasons, 第十二条 resumption, and which steps each action needs."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from catalogue.workflow.errors import InvalidInputError

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
}

OPEN_STATES = (
    RequestState.PENDING_REVIEW.value,
    RequestState.PENDING_DECISION.value,
    RequestState.APPROVED.value,
)


def parse_class(text: str) -> ChangeClass:
    """A 第九条 class from （三）, (三), 三 or 3."""
    core = text.strip().strip("()（）第项类")
    if core.isdigit() and 1 <= int(core) <= len(CLASS_NUMERALS):
        core = CLASS_NUMERALS[int(core) - 1]
    try:
        return ChangeClass(core)
    except ValueError:
        raise InvalidInputError(f"变更类别“{text}”不对，应为（一）至（六）之一。") from None


def parse_suspension_reason(text: str) -> SuspensionReason:
    """A 第十条 reason from （二）, (二), 二 or 2."""
    core = text.strip().strip("()（）第项类")
    if core.isdigit() and 1 <= int(core) <= 4:
        core = CLASS_NUMERALS[int(core) - 1]
    try:
        return SuspensionReason(core)
    except ValueError:
        raise InvalidInputError(
            f"暂停情形“{text}”不对，第十条只有（一）至（四）四种情形。"
        ) from None


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
        raise InvalidInputError("请写明要变更的字段，例如：变更 编码 电话=0935-3121234。")
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
