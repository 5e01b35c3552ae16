"""The public-catalogue seed for the query tests."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.kits import public_catalogue as seed


@pytest.fixture
async def seeded(sessions: async_sessionmaker[AsyncSession]):
    """The seeded catalogue's ids (committed in its own session)."""
    async with sessions() as session:
        return await seed.seed_public_catalogue(session)
