"""Shared fixtures: where the shared reference data lives, real database URLs."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue import migrate
from catalogue.db import create_engine, session_factory

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ZWBOT_SHARED_DIR", ROOT.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """A real service or file a test needs is missing: a failure in CI, a skip elsewhere."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the checkout; tests that need it fail in CI when it is missing."""
    if not SHARED.is_dir():
        unavailable(f"shared reference data not found at {SHARED}")
    return SHARED


# --- real databases -------------------------------------------------------------------------


PG_ADMIN_URL = os.environ.get("ZWBOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("ZWBOT_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A freshly created, empty PostgreSQL database (dropped afterwards). Fails when down."""
    import asyncio

    import asyncpg

    name = f"zwbot_t_{secrets.token_hex(6)}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]

    async def admin(sql: str) -> None:
        try:
            connection = await asyncpg.connect(PG_ADMIN_URL)
        except (OSError, asyncpg.PostgresError) as error:
            unavailable(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {error}")
            raise
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite database file in the test's temporary folder."""
    return f"sqlite+aiosqlite:///{(tmp_path / 'zwbot.sqlite3').as_posix()}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated engine on each real database."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory of the migrated test database."""
    return session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One session on the migrated test database (the test commits if it wants to)."""
    async with sessions() as session:
        yield session


@pytest.fixture
def redis_url() -> str:
    """The Redis server used by tests (db 15); tests use random key prefixes. Checked alive."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {REDIS_TEST_URL} is not reachable: {error}")
    finally:
        client.close()
    return REDIS_TEST_URL
