"""Fixtures of the handler tests: the seeded citizen side and the demo of `tests/kits/citizen.py`,
and a session factory that records what was done with its sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.kits import citizen as kit

citizen_side = kit.citizen_side
citizen_side_any_db = kit.citizen_side_any_db


@pytest.fixture
async def demo(sqlite_url):
    """The app on the demo catalogue (SQLite): its HTTP client and sessions."""
    async with kit.demo_side(sqlite_url) as side:
        yield side


@pytest.fixture
async def demo_database(
    sqlite_url: str,
) -> AsyncIterator[tuple[AsyncEngine, async_sessionmaker[AsyncSession]]]:
    """A SQLite database with the demo catalogue, without the app: its engine and sessions."""
    async with kit.demo_database(sqlite_url) as database:
        yield database


class SessionSpy:
    """A session factory that remembers its sessions and records their commits and closes."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.made: list[AsyncSession] = []
        self.calls: list[str] = []

    def __call__(self) -> AsyncSession:
        session = self.sessions()
        commit, close = session.commit, session.close

        async def counted_commit() -> None:
            self.calls.append("commit")
            await commit()

        async def counted_close() -> None:
            self.calls.append("close")
            await close()

        session.commit = counted_commit  # type: ignore[method-assign]
        session.close = counted_close  # type: ignore[method-assign]
        self.made.append(session)
        return session


@pytest.fixture
def session_spy(sessions: async_sessionmaker[AsyncSession]) -> SessionSpy:
    """`sessions` (SQLite and PostgreSQL), recording commits and closes."""
    return SessionSpy(sessions)
