"""The `zwbot` command line: each module of this package adds its commands via `register`.

Commands are loaded lazily (Click's "lazy group" pattern): `zwbot --help` lists them from the
table below without importing a module, and `zwbot COMMAND` imports only the modules of that
command. Staff and `zwbot chat` start in a fraction of a second instead of importing the whole
application and its benchmarks. A new command module gets one line in `COMMANDS`
(`tests/handlers/cli/test_lazy_cli.py` checks that every `register` is listed).
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

import typer
from typer import _click as click  # typer vendors Click: its groups speak that Click's types
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """A top-level command: the modules whose `register` adds it, and its one-line help.

    A module is named within this package (``"data"``) or, for the developer tools kept out
    of the wheel, by its full name under ``tools.`` (found only in a source checkout)."""

    modules: tuple[str, ...]
    help: str


COMMANDS: dict[str, LazyCommand] = {
    "account": LazyCommand(
        ("accounts",), "Official accounts served by this deployment (/wechat/<name>)."
    ),
    "audit": LazyCommand(("audit",), "The hash-chained audit log of staff actions."),
    "backup": LazyCommand(("backup",), "Copy the database while it keeps serving."),
    "bench": LazyCommand(
        (
            "tools.benchmarks.commands",
            "tools.benchmarks.commands.answers",
            "tools.benchmarks.commands.load",
            "tools.benchmarks.commands.notify",
        ),
        "Benchmarks that print figures (source checkout only).",
    ),
    "chat": LazyCommand(("chat",), "Talk to a running server as WeChat would."),
    "check": LazyCommand(("check",), "Records short of the fields the regulations require."),
    "code": LazyCommand(("codes",), "县权责清单统一编码：解释与核对。"),
    "db": LazyCommand(("db",), "Database schema (Alembic migrations)."),
    "demo": LazyCommand(("demo",), "Load the Tianzhu demo catalogue (演示数据)."),
    "duties": LazyCommand(("duties",), "Due and overdue duties of the regulations."),
    "events": LazyCommand(("events",), "Life events (一件事) citizens can ask about."),
    "export": LazyCommand(("data",), "Export a published list as open data (CSV or JSON)."),
    "holidays": LazyCommand(
        ("holidays",), "The State Council's yearly holiday schedule for working days."
    ),
    "import": LazyCommand(("data",), "Import a list from CSV or XLSX files, all or nothing."),
    "menu": LazyCommand(("menu",), "The custom menu of the official account."),
    "poster": LazyCommand(("poster",), "A4 notice-board posters (PDF, PNG) of villages."),
    "purge": LazyCommand(("backup",), "Delete personal data past its retention period."),
    "qr": LazyCommand(("qr",), "Permanent QR codes of the towns and villages."),
    "queue": LazyCommand(("queue",), "The job queue: waiting, sent, dead letters."),
    "ratings": LazyCommand(("ratings",), "好差评: the 差评 ledger and monthly figures."),
    "restore": LazyCommand(("backup",), "Restore a backup written by `zwbot backup`."),
    "search": LazyCommand(("search",), "Search the catalogue as a citizen would."),
    "serve": LazyCommand(("serve",), "Serve /wechat, the pages and /api."),
    "staff": LazyCommand(("staff",), "Staff accounts of the WeCom staff app."),
    "synonyms": LazyCommand(("synonyms",), "口语词 → 正式用语（检索同义词，工作人员维护）。"),
    "template": LazyCommand(("data",), "Write an import template with Chinese headers."),
}


def load_command(name: str) -> click.Command:
    """The real Click command `name`, built from its modules' `register` functions."""
    holder = typer.Typer()

    @holder.callback()
    def _group() -> None:  # a callback makes Typer build a group even for one command
        """Holder of the loaded commands."""

    for module_name in COMMANDS[name].modules:
        if module_name.startswith("tools."):
            _find_tools()
            module = importlib.import_module(module_name)
        else:
            module = importlib.import_module(f"{__name__}.{module_name}")
        module.register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


def _find_tools() -> None:
    """Make the checkout's `tools/` importable: benchmarks, drills and fakes need a source
    checkout (and `../shared` beside it), so they are not in the wheel."""
    checkout = Path(__file__).resolve().parents[2]
    if not (checkout / "tools" / "__init__.py").is_file():
        typer.echo(
            "这个命令只在源代码检出中可用（tools/ 不随安装包发布）："
            "git clone 后在检出目录里运行 pip install -e '.[bench]'。",
            err=True,
        )
        raise typer.Exit(2)
    if str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))


class LazyGroup(TyperGroup):
    """A Typer group whose commands are imported only when one of them is run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        loaded = self.commands.get(cmd_name)
        if loaded is not None or cmd_name not in COMMANDS:
            return loaded
        # For the help listing: the name and its line, nothing imported.
        return TyperCommand(cmd_name, help=COMMANDS[cmd_name].help)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] in COMMANDS and args[0] not in self.commands:
            self.commands[args[0]] = load_command(args[0])
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="zwbot",
    cls=LazyGroup,
    help="天祝政务服务网 WeChat bot: catalogue, search, chat, staff workflow.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """天祝政务服务网 WeChat bot: catalogue, search, chat, staff workflow."""


def main() -> None:
    """Console-script entry point: a wrong setting is one clear line, not a traceback."""
    from pydantic import ValidationError

    try:
        app()
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "settings"
            typer.echo(f"配置有误（{where}）：{problem['msg']}", err=True)
        raise SystemExit(2) from None
