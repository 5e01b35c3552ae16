"""Why a workflow command was refused, as typed errors with the facts as fields.

The channels (staff chat, CLI, API, console) word them; the domain never does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, is_dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from catalogue.lists.completeness import Shortfall

if TYPE_CHECKING:  # results.py imports this module
    from catalogue.workflow.results import RequestInfo


class WorkflowError(Exception):
    """A command that cannot be carried out; subclasses carry what happened as fields."""

    def __str__(self) -> str:
        if not is_dataclass(self):
            return str(self.args[0]) if self.args else ""
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"


class NotFoundError(WorkflowError):
    """No such item, request or list."""


class ForbiddenError(WorkflowError):
    """The staff member's role or department does not allow the command."""


class InvalidStateError(WorkflowError):
    """The record is not in a state where the command applies."""


class SelfApprovalError(ForbiddenError):
    """谁发布、谁审核: the proposer of a change may not approve it."""


class ConflictError(WorkflowError):
    """Someone else changed the record meanwhile (optimistic locking)."""


class InvalidInputError(WorkflowError):
    """The command's arguments are malformed (unknown field, bad date, missing reason)."""


class Gate(enum.StrEnum):
    """The step the completeness rule stopped (the channels word it)."""

    SUBMIT = "submit"  # a draft sent for review
    PROPOSE_CHANGE = "propose_change"  # a change request on a live item
    APPROVE = "approve"  # a request approved
    PUBLISH = "publish"  # a request carried out
    PROPOSE_PUBLICATION = "propose_publication"  # a year's fund or poverty list proposed
    RECORD_CHANGE = "record_change"  # a change of a fund or poverty row filed


@dataclass(frozen=True, slots=True)
class IncompleteRecord:
    """One record that falls short: its kind (`item`, `fund`, `poverty_project`,
    `poverty_allocation`), row id (None for an item), name and the fields it lacks."""

    kind: str
    record_id: int | None
    name: str
    shortfalls: tuple[Shortfall, ...]


@dataclass(eq=False, repr=False)
class IncompleteRecordError(InvalidStateError):
    """Records lack fields the regulations require (or have them malformed), so `gate` is
    refused; `year` when a whole year's list was checked (then `records` are its rows)."""

    gate: Gate
    records: tuple[IncompleteRecord, ...]
    year: int | None = None

    @property
    def shortfalls(self) -> tuple[Shortfall, ...]:
        """Every shortfall of every record, in order."""
        return tuple(s for record in self.records for s in record.shortfalls)


class Operation(enum.StrEnum):
    """What a staff member tried, for refusals (the channels word it)."""

    READ = "read"
    SUBMIT = "submit"
    CHANGE = "change"
    SUSPEND = "suspend"
    RESUME = "resume"
    ABOLISH = "abolish"
    MERGE = "merge"
    REVIEW = "review"
    DECIDE = "decide"
    REJECT = "reject"
    PUBLISH = "publish"
    WITHDRAW = "withdraw"
    LOG = "log"
    ANSWER = "answer"  # a citizen's ticket
    CLOSE = "close"  # a ticket, without an answer
    FOLLOW_UP = "follow_up"  # a 差评 (回访)
    RECTIFY = "rectify"  # a 差评 (整改)
    # the fund list (财政专项资金) and the poverty list (扶贫清单)
    RECORD_BUDGET = "record_budget"
    PROPOSE_FUND_LIST = "propose_fund_list"
    CHANGE_FUND = "change_fund"
    CHANGE_POVERTY_PROJECT = "change_poverty_project"
    CHANGE_ALLOCATION = "change_allocation"
    REFRESH_POVERTY_YEAR = "refresh_poverty_year"
    RECORD_POVERTY_REVIEW = "record_poverty_review"
    REVIEW_FUND_REQUEST = "review_fund_request"
    REJECT_FUND_REQUEST = "reject_fund_request"
    REJECT_POVERTY_REQUEST = "reject_poverty_request"
    PUBLISH_FUND = "publish_fund"
    PUBLISH_POVERTY = "publish_poverty"


class Missing(enum.StrEnum):
    """A required argument that was not given."""

    SUSPENSION_REASON = "suspension_reason"
    ABOLITION_BASIS = "abolition_basis"
    REJECTION_REASON = "rejection_reason"
    MERGE_NAME = "merge_name"
    MERGE_CODES = "merge_codes"
    CHANGES = "changes"
    REQUESTS = "requests"  # which requests to publish
    PUBLISHABLE = "publishable"  # nothing the staff member may publish is approved
    NAME = "name"
    TICKET_ANSWER = "ticket_answer"  # the text of an answer to a ticket
    TICKET_CLOSE_REASON = "ticket_close_reason"
    FOLLOWUP_NOTE = "followup_note"  # how a 差评 was followed up (回访)
    RECTIFICATION_NOTE = "rectification_note"  # what was put right (整改)
    FUND_CHANGE_NOTE = "fund_change_note"  # 第八条: a fund change is explained
    POVERTY_CHANGE_NOTE = "poverty_change_note"  # a poverty adjustment is explained
    REVIEWER = "reviewer"  # who reviewed a poverty-list request (《扶贫办法》第三条)


@dataclass(eq=False, repr=False)
class AccountDisabled(ForbiddenError):
    """The staff account is disabled."""


@dataclass(eq=False, repr=False)
class AccountLocked(ForbiddenError):
    """Too many wrong second-factor codes: the account is locked `until` (an aware moment)."""

    until: datetime


@dataclass(eq=False, repr=False)
class RoleForbidden(ForbiddenError):
    """The role may not do `operation` (a channel checking its own step words it itself)."""

    role: str
    operation: Operation | str
    allowed: tuple[str, ...]


@dataclass(eq=False, repr=False)
class OtherDepartment(ForbiddenError):
    """A clerk acts only on their own department's records."""

    operation: Operation | str


@dataclass(eq=False, repr=False)
class OwnRequest(SelfApprovalError):
    """The proposer may not review, decide or reject their own request."""

    request_id: int


@dataclass(eq=False, repr=False)
class ReviewerCannotDecide(ForbiddenError):
    """The reviewer of a request may not also decide it."""

    request_id: int


@dataclass(eq=False, repr=False)
class NotProposer(ForbiddenError):
    """Only the proposer withdraws a request."""

    request_id: int


@dataclass(eq=False, repr=False)
class ItemNotFound(NotFoundError):
    """No item (visible to this staff member) has this code."""

    code: str


@dataclass(eq=False, repr=False)
class CodeRetired(NotFoundError):
    """The code is in the retired-code store; `successor` replaced it (merger, new body)."""

    code: str
    name: str
    reason: str  # abolished | merged | recoded
    successor: str | None
    retired_at: datetime | None


@dataclass(eq=False, repr=False)
class AmbiguousCode(InvalidInputError):
    """A basic code held by several items: `candidates` are (code, name)."""

    code: str
    candidates: tuple[tuple[str, str], ...]


@dataclass(eq=False, repr=False)
class RequestNotFound(NotFoundError):
    """No change request has this number."""

    request_id: int


@dataclass(eq=False, repr=False)
class BudgetNotRecorded(InvalidStateError):
    """The year's budget approval day (第七条's clock) has not been recorded yet."""

    year: int


@dataclass(eq=False, repr=False)
class CorrectionNeedsNote(InvalidInputError):
    """A recorded budget approval day is corrected only with an explanation."""

    year: int
    recorded_on: date
    requested_on: date


@dataclass(eq=False, repr=False)
class TicketNotFound(NotFoundError):
    """No ticket has this number."""

    ticket_id: int


@dataclass(eq=False, repr=False)
class RatingCaseNotFound(NotFoundError):
    """No 差评 case has this number."""

    rating_id: int


@dataclass(eq=False, repr=False)
class NoOpenRequest(NotFoundError):
    """The item named has no open request."""

    code: str


@dataclass(eq=False, repr=False)
class RequestAlreadyOpen(ConflictError):
    """At most one open request per record: `request_id` already holds it."""

    code: str
    request_id: int
    action: str
    state: str


@dataclass(eq=False, repr=False)
class WrongItemStatus(InvalidStateError):
    """The item's status does not allow `action` (see `rules.ITEM_LIFECYCLE`)."""

    code: str
    name: str
    status: str
    action: str
    allowed: tuple[str, ...]


@dataclass(eq=False, repr=False)
class WrongRequestState(InvalidStateError):
    """The request is not in a state where `step` applies."""

    request_id: int
    state: str
    step: str


@dataclass(eq=False, repr=False)
class DecisionLost(ConflictError):
    """Another decision on the request won the race; what it was, by whom and when."""

    request_id: int
    state: str
    by: str | None
    at: datetime | None
    reason: str


@dataclass(eq=False, repr=False)
class ItemChangedMeanwhile(ConflictError):
    """The item changed after the request was proposed; publishing would overwrite that."""

    code: str
    request_id: int
    base_version: int
    version: int


@dataclass(eq=False, repr=False)
class ConcurrentEdit(ConflictError):
    """The record was changed by someone else in the same moment (optimistic locking)."""


@dataclass(eq=False, repr=False)
class MissingArgument(InvalidInputError):
    """A required argument was not given."""

    missing: Missing


@dataclass(eq=False, repr=False)
class Classified(InvalidStateError):
    """涉密事项 are never published (建设运行管理办法第十八条)."""

    code: str


@dataclass(eq=False, repr=False)
class DuplicateCodes(InvalidInputError):
    """A merger names an item twice."""


@dataclass(eq=False, repr=False)
class MixedCategories(InvalidInputError):
    """Items of different categories cannot be merged."""


@dataclass(eq=False, repr=False)
class SuspendedSourceChoice(InvalidInputError):
    """A merger of a suspended item must say how to treat its suspension."""

    codes: tuple[str, ...]


@dataclass(eq=False, repr=False)
class UnknownField(InvalidInputError):
    """No changeable field has this name."""

    name: str
    known: tuple[str, ...]


@dataclass(eq=False, repr=False)
class ReviewedByPovertyBodies(InvalidStateError):
    """A poverty-list request is not approved by staff: the county leading group's and the
    city poverty office's reviews are recorded instead (《扶贫办法》第三条)."""

    request_id: int


@dataclass(eq=False, repr=False)
class ListRecordHeld(ConflictError):
    """A fund or poverty record already has an open request (one at a time)."""

    request: RequestInfo


@dataclass(eq=False, repr=False)
class NotPovertyRequest(InvalidStateError):
    """The reviews of 《扶贫办法》第三条 are recorded on poverty-list requests only."""

    request: RequestInfo


@dataclass(eq=False, repr=False)
class NoReviewDue(InvalidStateError):
    """A list request that is not waiting for a review."""

    request: RequestInfo


@dataclass(eq=False, repr=False)
class NotAListRequest(InvalidStateError):
    """A request of a kind the list publication does not carry out."""

    request: RequestInfo


@dataclass(eq=False, repr=False)
class BadValue(InvalidInputError):
    """A value of the field named `label` is wrong; `problem` says how (the lists' forms)."""

    label: str
    problem: str


@dataclass(eq=False, repr=False)
class ListRecordNotFound(NotFoundError):
    """No fund or poverty row `record_id` of `kind`; `request_id` when a request names it."""

    kind: str  # fund, poverty_project, poverty_allocation
    record_id: int | None
    request_id: int | None = None


@dataclass(eq=False, repr=False)
class ListRecordChanged(ConflictError):
    """A list row changed after the request was filed: it is not published over."""

    request_id: int
    base_version: int
    version: int


@dataclass(eq=False, repr=False)
class BudgetAlreadyRecorded(InvalidStateError):
    """The year's budget approval date is already recorded as `approved_on`."""

    year: int
    approved_on: date


@dataclass(eq=False, repr=False)
class BudgetChangedMeanwhile(ConflictError):
    """The budget approval date changed after the correction request was filed."""

    year: int
    request_id: int


@dataclass(eq=False, repr=False)
class NothingToPublish(NotFoundError):
    """The year's list (`fund` or `poverty`) has no unpublished rows; `imported` is False
    when nothing was imported yet (asked before a request), True when found on publication."""

    kind: str
    year: int
    imported: bool


@dataclass(eq=False, repr=False)
class NotAReviewingBody(InvalidInputError):
    """Not one of the two reviewing bodies of 《扶贫办法》第三条."""

    body: str


@dataclass(eq=False, repr=False)
class ReviewAlreadyRecorded(InvalidStateError):
    """The review of `body` (a key of `POVERTY_REVIEWERS`) is already recorded."""

    body: str


@dataclass(eq=False, repr=False)
class CountyReviewFirst(InvalidStateError):
    """The county leading group reviews before the city poverty office."""

    request_id: int


@dataclass(eq=False, repr=False)
class CityReviewTooEarly(InvalidInputError):
    """The city office's review is dated before the county group's."""

    reviewed_on: date
    county_on: date


@dataclass(eq=False, repr=False)
class TooLong(InvalidInputError):
    """A text argument (`argument`, as `Missing` names it) longer than the channel carries."""

    argument: Missing
    length: int
    limit: int


@dataclass(eq=False, repr=False)
class TicketForbidden(ForbiddenError):
    """The role may not work on tickets (the auditor reads), or the ticket is another
    department's."""

    ticket_id: int
    operation: Operation
    other_department: bool


@dataclass(eq=False, repr=False)
class TicketNotOpen(InvalidStateError):
    """Only an open ticket is answered or closed; `by` dealt with it, now in `state`."""

    ticket_id: int
    operation: Operation
    state: str
    by: str


@dataclass(eq=False, repr=False)
class RatingCaseForbidden(ForbiddenError):
    """A 差评 is followed up by its item's department (a clerk of it) or the supervisors."""

    rating_id: int
    operation: Operation
    other_department: bool


@dataclass(eq=False, repr=False)
class CaseStepDone(InvalidStateError):
    """The 差评's follow-up or rectification was already recorded, `at`."""

    rating_id: int
    operation: Operation
    at: datetime


@dataclass(eq=False, repr=False)
class BadAmount(InvalidInputError):
    """An amount (万元) that cannot be read."""

    text: str


@dataclass(eq=False, repr=False)
class NoChanges(InvalidInputError):
    """A change request that changes no field; `example` is one the list accepts."""

    example: str


@dataclass(eq=False, repr=False)
class BadTimeLimit(InvalidInputError):
    """A time limit that cannot be read."""

    text: str


@dataclass(eq=False, repr=False)
class BadDuty(InvalidInputError):
    """A 责任事项 not written as 标题：内容."""


@dataclass(eq=False, repr=False)
class UnknownDepartment(InvalidInputError):
    """No department has this name."""

    name: str


@dataclass(eq=False, repr=False)
class SameDepartment(InvalidInputError):
    """A 实施主体 change to the item's own department."""

    name: str


@dataclass(eq=False, repr=False)
class NoOrganisationCode(InvalidInputError):
    """The new 实施主体 has no organisation code, so the item cannot get its new code."""

    name: str


@dataclass(eq=False, repr=False)
class BadClass(InvalidInputError):
    """A 第九条 class marker outside （一）–（六）."""

    text: str


@dataclass(eq=False, repr=False)
class BadSuspensionReason(InvalidInputError):
    """A 第十条 reason outside （一）–（四）."""

    text: str


@dataclass(eq=False, repr=False)
class CodeTaken(ConflictError):
    """The item's new code after a change of 实施主体 is already used or retired."""

    code: str
