"""The linters CI enforces, run as tests so README command (2) runs them too: ruff (lint and
format) and mypy, strict on every package."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_the_code_is_ruff_formatted() -> None:
    result = _run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_mypy_strict_on_every_package() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout[-4000:]


def test_comments_say_why_not_which_ticket() -> None:
    """Source says why a thing is so; which issue asked for it belongs in the commit log."""
    pattern = re.compile(r"\bissues? \d+\b", re.IGNORECASE)
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("bot", "catalogue", "search", "handlers", "tests")
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []
