"""Fixtures of the catalogue tests: the small county of `tests/kits/staff_world.py`."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.kits import staff_world as W


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> Any:
    """Two departments, one account of every role and their items (built in the database)."""
    return await W.build_world(sessions)
