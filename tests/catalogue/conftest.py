"""Fixtures of the catalogue tests: the small county of `tests/staff_world.py`."""

from __future__ import annotations

from typing import Any

import pytest
import zwbot_tests_staff_world as W
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> Any:
    """Two departments, one account of every role and their items (built in the database)."""
    return await W.build_world(sessions)
