"""The bot middleware that opens one database session per update and commits what it did."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.events import Event
from bot.types import Data, NextHandler


def session_used(session: AsyncSession) -> bool:
    """Whether the session began a transaction or holds objects (else there is nothing to
    commit, roll back or let go of)."""
    return session.in_transaction() or bool(session.new) or len(session.identity_map) > 0


class DatabaseSession:
    """Outer middleware: `session` for filters and handlers; commit on success, else roll back.

    It owns the transaction (DESIGN §4.6): query helpers and handlers never commit.
    The factory is read from `data["sessions"]` when not given (set in the app's lifespan).
    Most citizen messages are answered from the per-process caches without SQL: a session
    nobody used is neither committed nor closed (no connection was taken), which saves its
    bookkeeping on every such message.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession] | None = None) -> None:
        self.sessions = sessions

    async def __call__(self, handler: NextHandler, event: Event, data: Data) -> Any:
        sessions = self.sessions or data.get("sessions")
        if sessions is None:
            raise RuntimeError("no database: put `sessions` in the dispatcher's workflow data")
        session = sessions()
        try:
            result = await handler(event, {**data, "session": session})
            if session_used(session):
                await session.commit()
            return result
        finally:
            if session_used(session):
                await session.close()  # rolls back what an error left uncommitted
