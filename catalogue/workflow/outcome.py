"""What a workflow command did: its typed result, the audit record data and search updates.

`result` holds the typed facts (see `catalogue.workflow.results`); the channel that ran the
command sets `message`, its own wording of them (older list operations still set it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalogue.workflow.errors import WorkflowError


@dataclass(slots=True)
class Outcome:
    """The result of one command; handlers reply `message` and update search as listed."""

    action: str  # audit action, e.g. "item.change.propose"
    target: str  # item code, "#<request id>", "fund:<year>" …
    message: str = ""  # the channel's wording of `result` (older list operations set it)
    result: Any = None  # the typed facts (catalogue.workflow.results)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    reindex: list[int] = field(default_factory=list)  # item ids to (re)index in search
    unindex: list[str] = field(default_factory=list)  # item codes to drop from search
    # Steps done on several records at once (a batch publication): each is audited on its own
    # record, so every record's log shows it.
    parts: list[Outcome] = field(default_factory=list)
    replayed: bool = False  # a re-delivered command: nothing was applied again
    refused: bool = False  # the command was refused; `error` is why, `message` its wording
    error: WorkflowError | None = None
    # Years whose working days were counted Monday–Friday (no official holiday schedule):
    # the channel says its deadlines are estimates.
    estimated_years: frozenset[int] = frozenset()

    def merge(self, other: Outcome) -> None:
        """Fold another outcome's search updates and audit data into this one."""
        self.reindex.extend(other.reindex)
        self.unindex.extend(other.unindex)
        if other.before:
            self.before[other.target] = other.before
        if other.after:
            self.after[other.target] = other.after
