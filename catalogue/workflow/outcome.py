"""What a workflow command did: the staff reply, the audit record data and search updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Outcome:
    """The result of one command; handlers reply `message` and update search as listed."""

    action: str  # audit action, e.g. "item.change.propose"
    target: str  # item code, "#<request id>", "fund:<year>" …
    message: str  # Chinese reply: the result and the record's new state
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    reindex: list[int] = field(default_factory=list)  # item ids to (re)index in search
    unindex: list[str] = field(default_factory=list)  # item codes to drop from search
    replayed: bool = False  # a re-delivered command: nothing was applied again
    refused: bool = False  # the command was refused; `message` says why

    def merge(self, other: Outcome) -> None:
        """Fold another outcome's search updates and audit data into this one."""
        self.reindex.extend(other.reindex)
        self.unindex.extend(other.unindex)
        if other.before:
            self.before[other.target] = other.before
        if other.after:
            self.after[other.target] = other.after
