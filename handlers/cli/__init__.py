"""The `zwbot` command line: each module of this package adds its commands via `register`."""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="zwbot",
    help="天祝政务服务网 WeChat bot: catalogue, search, chat, staff workflow.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    # Each command module owns one group of commands; discovering them keeps this file stable
    # while features are added in parallel.
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_all()


def main() -> None:
    """Console-script entry point."""
    app()
