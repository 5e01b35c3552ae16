"""The command line loads a command's modules only when that command runs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from handlers import cli
from handlers.cli import COMMANDS, app

PACKAGE = Path(cli.__file__).resolve().parent


def _registered_names(module: Path) -> set[str]:
    """The command and group names a module's `register` adds, read from its source."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "register":
            for call in ast.walk(node):
                if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
                    continue
                if call.func.attr == "command" and call.args:
                    first = call.args[0]
                    if isinstance(first, ast.Constant):
                        names.add(str(first.value))
                for keyword in call.keywords:
                    if call.func.attr == "add_typer" and keyword.arg == "name":
                        assert isinstance(keyword.value, ast.Constant)
                        names.add(str(keyword.value.value))
    return names


def test_every_registering_module_is_in_the_table():
    listed = {module for command in COMMANDS.values() for module in command.modules}
    for path in sorted(PACKAGE.glob("*.py")):
        names = _registered_names(path)
        if not names:
            continue
        assert path.stem in listed, f"{path.name} registers {names} but is not in COMMANDS"
        top = {name for name in names if name in COMMANDS}
        assert top, f"{path.name}: none of {names} is a top-level command in COMMANDS"


def test_help_lists_every_command_without_importing_them():
    code = (
        "import sys\n"
        "from handlers.cli import main\n"
        "sys.argv = ['zwbot', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('fastapi', 'sqlalchemy', 'handlers.app', 'pypinyin') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "HEAVY []" in result.stdout
    for name in COMMANDS:
        assert name in result.stdout


def test_each_command_runs_when_called():
    runner = CliRunner()
    for name in COMMANDS:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage" in result.output
    unknown = runner.invoke(app, ["no-such-command"])
    assert unknown.exit_code != 0


def test_a_synchronous_database_url_is_one_clear_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run(
        [sys.executable, "-c", "from handlers.cli import main; main()", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "配置有误（DATABASE_URL）" in result.stderr
    assert "sqlite+aiosqlite://" in result.stderr
    assert not (tmp_path / "x.db").exists()
