"""Shared fixtures: where the shared reference data lives, real database URLs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ZWBOT_SHARED_DIR", ROOT.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the checkout; tests that need it fail in CI when it is missing."""
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"shared reference data not found at {SHARED}")
        pytest.skip(f"shared reference data not found at {SHARED}")
    return SHARED
