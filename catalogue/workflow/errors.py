"""Why a workflow command was refused; every message is polite Chinese for the staff member."""

from __future__ import annotations

from catalogue.lists.completeness import Shortfall


class WorkflowError(Exception):
    """A command that cannot be carried out; `str(error)` is the staff-facing message."""


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


class IncompleteRecordError(InvalidStateError):
    """A record lacks fields the regulations require (or has them malformed); the message
    names them in Chinese, `shortfalls` says which for any other front end."""

    def __init__(self, message: str, shortfalls: tuple[Shortfall, ...]) -> None:
        super().__init__(message)
        self.shortfalls = shortfalls
