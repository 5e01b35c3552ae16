"""The layering of DESIGN.md §2 holds: handlers → {catalogue, search, bot}, one wechatpy module."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.kits.source import string_literals

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


# --- the domain does not speak chat -----------------------------------------------------------

# Staff command syntax in a sentence: "发送“…”", or a `字段=值` placeholder such as `说明=…`.
_COMMAND_SYNTAX = re.compile(r"发送“|[^\s=＝“]+[=＝](?:…|\.\.\.|值|姓名)")


def _speaks_commands() -> Callable[[str], bool]:
    """Whether a sentence quotes a staff command word (“发布 #12”) or spells command syntax."""
    from handlers.staff.commands import COMMANDS
    from handlers.staff.my_work import MY_WORK_COMMANDS
    from handlers.staff.tickets_desk import TICKET_COMMANDS

    words = {
        name
        for command in (*COMMANDS, *MY_WORK_COMMANDS, *TICKET_COMMANDS)
        for name in command.names
        if not name.isascii()
    }
    assert {"发布", "扶贫审核", "回复"} <= words
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    quoted = re.compile(f"[“「](?:{alternatives})(?:[\\s#＃”」]|$)")
    return lambda text: bool(quoted.search(text) or _COMMAND_SYNTAX.search(text))


def test_the_catalogue_names_no_staff_command() -> None:
    """Renaming a staff command never touches catalogue/: no sentence there quotes a command
    word or spells a command's syntax (the channels word results and refusals)."""
    speaks = _speaks_commands()
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]}"
        for path in sorted((ROOT / "catalogue").rglob("*.py"))
        for line, text in string_literals(path)
        if speaks(text)
    ]
    assert found == []


def test_the_command_check_sees_commands_instring_literals(tmp_path: Path) -> None:
    """The check above is not blind: f-strings naming commands are caught, docstrings and
    sentences about the same acts without a command are not."""
    module = tmp_path / "sample.py"
    module.write_text(
        'def hint(n: int) -> str:\n    """“发布 #1” in a docstring is documentation."""\n'
        '    if n:\n        return f"发送“发布 #{n}”即可"\n'
        '    return f"请用“扶贫审核”登记，或写 说明=…；申请发布 {n} 项；“查询”"\n',
        encoding="utf-8",
    )
    speaks = _speaks_commands()
    assert sorted(line for line, text in string_literals(module) if speaks(text)) == [4, 5]
    assert not speaks("申请发布 2026 年度专项资金管理清单") and not speaks("“查询”")
    assert speaks("请用“扶贫审核”登记") and speaks("审核人=…") and speaks("“回复 #3 …”")


def test_test_modules_share_helpers_through_kits_only() -> None:
    """A test module imports kits (`tests.kits`), never another test module."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [f"{node.module}.{alias.name}" for alias in node.names]
                if isinstance(node, ast.ImportFrom) and node.module
                else []
            )
            found += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.startswith("tests.")
                and any(part.startswith(("test_", "conftest")) for part in name.split("."))
            ]
    assert found == []


def test_tests_read_no_private_fields() -> None:
    """Tests check behaviour through public APIs: no `obj._field` of another object (a
    library's or the project's); a class's own `self._…` (or `super()._…` in a fake that
    overrides it) is its business, and SQLAlchemy's and namedtuple's `_mapping`, `_asdict`,
    `_fields`, `_replace` are public API."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in {"_mapping", "_asdict", "_fields", "_replace"}
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
                and not (
                    isinstance(node.value, ast.Call)
                    and isinstance(node.value.func, ast.Name)
                    and node.value.func.id == "super"
                )
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    assert found == []
