"""Reading the project's source as text, for the tests that check what it says."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path


def string_literals(path: Path) -> Iterator[tuple[int, str]]:
    """The string literals of a module with their line (f-strings by their fixed parts),
    docstrings aside; comments are not literals."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node.lineno, node.value
