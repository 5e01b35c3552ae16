"""The layering of DESIGN.md §2 holds: handlers → {catalogue, search, bot}, one wechatpy module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_one_bot_module_imports_wechatpy() -> None:
    importers = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if "wechatpy" in _imports(path)
    ]
    assert len(importers) <= 1, importers


def test_nothing_outside_bot_imports_wechatpy() -> None:
    for package in ("catalogue", "search", "handlers"):
        for path in (ROOT / package).rglob("*.py"):
            assert "wechatpy" not in _imports(path), path
