"""Whose waiting mail a citizen post sends: one stored account's, or the default account's.

Ticket answers (`Ticket.account`) and held replies (`HeldReply.account`) name the official
account (original id) the citizen wrote to; each account's post sends only its own, with its
own client and quota. The default account (the WECHAT_* settings, whose original id is not
configured) takes every row no stored account claims, so a single-account deployment works
exactly as before."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import InstrumentedAttribute


def _nobody() -> Collection[str]:
    return ()


@dataclass(frozen=True, slots=True)
class Mailbox:
    """`account`: the stored account's original id ("" for the default); `others`: for the
    default, the original ids of the stored accounts served now."""

    account: str = ""
    others: Callable[[], Collection[str]] = field(default=_nobody)

    def holds(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        """The rows of this mailbox, as SQL on an account column."""
        if self.account:
            return column == self.account
        others = list(self.others())
        return column.not_in(others) if others else true()

    def owns(self, account: str) -> bool:
        """Whether a row of `account` is this mailbox's (the same rule in Python)."""
        if self.account:
            return account == self.account
        return account not in set(self.others())
