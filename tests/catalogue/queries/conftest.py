"""The public-catalogue seed for the query tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


def _load_seed() -> ModuleType:
    # tests/ is not a package (importlib import mode): load the shared seed module by path.
    name = "zwbot_tests_public_catalogue"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[2] / "public_catalogue.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


seed = _load_seed()


@pytest.fixture
async def seeded(sessions: async_sessionmaker[AsyncSession]):
    """The seeded catalogue's ids (committed in its own session)."""
    async with sessions() as session:
        return await seed.seed_public_catalogue(session)
