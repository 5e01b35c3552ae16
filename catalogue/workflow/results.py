"""What the item workflow's operations return: typed facts, worded by the channels.

Each operation puts one of these in `Outcome.result`; the staff chat, the CLI or the API turns
it into their own words. Nothing here is a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from catalogue.models import ChangeRequest, Item, RetiredCode
from catalogue.workflow.errors import WorkflowError
from catalogue.workflow.rules import Action, ChangeClass, Step, SuspendedSource, SuspensionReason


@dataclass(frozen=True, slots=True)
class ItemState:
    """An item as it stands: code, name, status, version, 更新日期 and the last change note."""

    id: int
    code: str
    name: str
    status: str
    suspension_class: str | None
    version: int
    updated_at: datetime | None
    revision_note: str

    @classmethod
    def of(cls, item: Item) -> ItemState:
        """The state of a loaded item."""
        return cls(
            item.id,
            item.code,
            item.name,
            item.status,
            item.suspension_class,
            item.version,
            item.updated_at_public,
            item.revision_note,
        )


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """A change request and where it stands."""

    id: int
    action: Action
    change_class: ChangeClass | None
    target_code: str
    state: str
    due_on: date | None
    version: int
    target_kind: str = "item"  # item, or one of the fund and poverty lists
    rejection_reason: str = ""

    @classmethod
    def of(cls, request: ChangeRequest) -> RequestInfo:
        """The facts of a loaded request."""
        return cls(
            request.id,
            Action(request.action),
            ChangeClass(request.change_class) if request.change_class else None,
            request.target_code,
            request.state,
            request.due_on,
            request.version,
            request.target_kind,
            request.rejection_reason or "",
        )


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a 第九条 change: its attribute, the value before and the one proposed."""

    attribute: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Filed:
    """A request was filed on an item (or on several, for a merger)."""

    request: RequestInfo
    item: ItemState
    decision_follows: bool  # 审改办 review, then the county government (第九条)
    changes: tuple[FieldChange, ...] = ()
    named_class: ChangeClass | None = None  # the class the proposer named, when overruled
    suspension: SuspensionReason | None = None
    reason: str = ""
    merged: tuple[ItemState, ...] = ()
    new_name: str = ""
    suspended_source: SuspendedSource | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    """A request moved one step (通过, 驳回, 撤回)."""

    request: RequestInfo
    step: Step
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Applied:
    """An approved item request took effect."""

    request: RequestInfo
    item: ItemState
    resumed_late: bool | None = None  # a resumption: after its 第十二条 due day?
    retired: tuple[str, ...] = ()  # codes that went to the retired-code store
    recoded_from: str | None = None  # the old code after a change of 实施主体
    suspended_source: SuspendedSource | None = None


@dataclass(frozen=True, slots=True)
class ListChangeFiled:
    """A change of one row of the fund or poverty lists, filed for review (`request.due_on`
    is the day it must be published by)."""

    request: RequestInfo
    row_id: int
    subject: str  # the fund's or project's name; an allocation's town or village
    year: int
    document_number: str = ""  # an allocation's 文号
    decided_on: date | None = None  # the 审定 day of a poverty-list change


@dataclass(frozen=True, slots=True)
class ListYearFiled:
    """A year's fund list (`request.target_kind` fund_list, due by `request.due_on`) or
    poverty lists (poverty_year) filed for publication."""

    request: RequestInfo
    year: int
    rows: int


@dataclass(frozen=True, slots=True)
class BudgetCorrectionFiled:
    """A correction of a year's recorded budget approval day, filed for review."""

    request: RequestInfo
    year: int
    recorded_on: date
    corrected_on: date


ListFiled = ListChangeFiled | ListYearFiled | BudgetCorrectionFiled


@dataclass(frozen=True, slots=True)
class PovertyReviewRecorded:
    """One of the two reviews of 《扶贫办法》第三条 recorded on a poverty-list request;
    `request.state` is approved once both are in."""

    request: RequestInfo
    body: str  # county_group | city_office
    body_name: str  # 县扶贫开发领导小组 | 市扶贫办
    reviewer: str
    reviewed_on: date
    document: str


@dataclass(frozen=True, slots=True)
class ListApplied:
    """A fund or poverty request took effect (worded by the list module itself)."""

    request_id: int
    message: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """An approved request `发布 全部` could not publish, and why."""

    request: RequestInfo
    error: WorkflowError


@dataclass(frozen=True, slots=True)
class Published:
    """发布: what took effect and what was left, with reasons."""

    applied: tuple[Applied | ListApplied, ...]
    skipped: tuple[Skipped, ...] = ()


@dataclass(frozen=True, slots=True)
class RetiredInfo:
    """A retired-code record: why, when, on what basis, and what replaced it."""

    code: str
    name: str
    reason: str
    successor: str | None
    basis: str
    retired_at: datetime | None

    @classmethod
    def of(cls, retired: RetiredCode) -> RetiredInfo:
        """The facts of a loaded record."""
        return cls(
            retired.code,
            retired.name,
            retired.reason,
            retired.merged_into,
            retired.basis,
            retired.retired_at,
        )


@dataclass(frozen=True, slots=True)
class ItemView:
    """查: an item, its key fields, its retired-code record and its requests."""

    item: ItemState
    department: str = ""
    legal_time_limit: str = ""
    promised_time_limit: str = ""
    phone: str = ""
    suspension_reason: str = ""
    retired: RetiredInfo | None = None
    open_request: RequestInfo | None = None
    history: tuple[RequestInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class LogLine:
    """One audit entry of an item's log."""

    at: datetime
    actor: str
    role: str
    action: str
    result: str


@dataclass(frozen=True, slots=True)
class ItemLog:
    """日志: every audited step on an item (all its codes), newest first, and its requests."""

    item: ItemState
    entries: tuple[LogLine, ...] = ()
    requests: tuple[RequestInfo, ...] = ()
    codes: tuple[str, ...] = ()  # the item's code first, then the codes it had before
    more: bool = False  # older entries exist beyond `entries` (the audit export has them)
