"""Shared fixtures: where the shared reference data lives, real database URLs."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import secrets
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from types import ModuleType

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


# --- helper modules shared by test files -----------------------------------------------------

# tests/ is not a package (importlib import mode), so the helper modules get fixed names here and
# test files import them by these names: `import zwbot_tests_citizen_kit as kit`.
HELPERS = {
    "zwbot_tests_public_catalogue": ROOT / "tests" / "public_catalogue.py",
    "zwbot_tests_staff_world": ROOT / "tests" / "staff_world.py",
    "zwbot_tests_first_load": ROOT / "tests" / "first_load.py",
    "zwbot_tests_citizen_kit": ROOT / "tests" / "handlers" / "citizen_kit.py",
    "zwbot_tests_queue_kit": ROOT / "tests" / "handlers" / "delivery" / "queue_kit.py",
    "zwbot_tests_accounts_kit": ROOT / "tests" / "handlers" / "test_accounts_serving.py",
    "zwbot_tests_staff_wecom_kit": ROOT / "tests" / "handlers" / "test_staff_wecom.py",
    "zwbot_tests_staff_handlers": ROOT / "tests" / "handlers" / "test_staff.py",
    "zwbot_tests_bot_webhook_kit": ROOT / "tests" / "bot" / "webhook_kit.py",
    "zwbot_tests_browser_kit": ROOT / "tests" / "handlers" / "test_citizen_browser.py",
}


class HelperFinder(importlib.abc.MetaPathFinder):
    """Finds the helper modules of `HELPERS` by their fixed names (and nothing else)."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        where = HELPERS.get(fullname)
        return importlib.util.spec_from_file_location(fullname, where) if where else None


if not any(isinstance(finder, HelperFinder) for finder in sys.meta_path):
    sys.meta_path.append(HelperFinder())


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
