"""`zwbot account new-key|add|list|disable|enable`: the official accounts one deployment serves
(each at `/wechat/<name>`; every change is audited, secrets are never printed)."""

from __future__ import annotations

import asyncio
import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from catalogue import accounts as registry
from catalogue import audit
from handlers.db.database import open_database
from handlers.settings import get_settings

account_app = typer.Typer(
    help="Official accounts served by this deployment, each at /wechat/<name>.",
    no_args_is_help=True,
)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"[:64]


def _fail(error: Exception) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(1)


def _box() -> registry.SecretBox:
    return registry.SecretBox(get_settings().account_key.get_secret_value())


def _templates(pairs: list[str]) -> dict[str, str]:
    templates: dict[str, str] = {}
    for pair in pairs:
        purpose, sep, template = pair.partition("=")
        if not sep:
            raise registry.AccountError(f"--template {pair!r}: write purpose=template_id")
        templates[purpose.strip()] = template.strip()
    return templates


def _menu(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        menu = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise registry.AccountError(f"--menu {path}: not a readable JSON file ({error})") from error
    if not isinstance(menu, dict) or not isinstance(menu.get("button"), list):
        raise registry.AccountError(f"--menu {path}: a WeChat menu object with a 'button' list")
    return menu


def stored_account(name: str) -> registry.AccountKeys:
    """The stored account `name` with its secrets opened (ZWBOT_ACCOUNT_KEY); raises
    `AccountError` when there is none or it cannot be opened."""

    async def run() -> registry.AccountKeys:
        box = _box()
        async with open_database() as (_, sessions), sessions() as session:
            for row in await registry.list_accounts(session):
                if row.name == name:
                    return registry.open_account(row, box)
        raise registry.AccountError(f"no account named {name!r}")

    return asyncio.run(run())


@account_app.command("new-key")
def new_key() -> None:
    """Print a fresh ZWBOT_ACCOUNT_KEY (keep it outside the database and its backups)."""
    typer.echo(registry.new_key())


@account_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Callback path segment: /wechat/<name>.")],
    app_id: Annotated[str, typer.Option("--app-id", help="The account's appid (wx…).")],
    original_id: Annotated[str, typer.Option("--original-id", help="Original id (gh_…).")],
    region: Annotated[str, typer.Option("--region", help="Home region: 6-digit GB/T 2260.")],
    token: Annotated[
        str,
        typer.Option(
            "--token",
            envvar="ZWBOT_NEW_ACCOUNT_TOKEN",
            prompt=True,
            hide_input=True,
            help="Callback token (asked when not given).",
        ),
    ],
    aes_key: Annotated[
        str,
        typer.Option(
            "--aes-key",
            envvar="ZWBOT_NEW_ACCOUNT_AES_KEY",
            prompt="EncodingAESKey",
            hide_input=True,
            help="EncodingAESKey, 43 characters (asked when not given).",
        ),
    ],
    secret: Annotated[
        str,
        typer.Option(
            "--secret",
            envvar="ZWBOT_NEW_ACCOUNT_SECRET",
            help="AppSecret for the API (better from ZWBOT_NEW_ACCOUNT_SECRET than on the "
            "command line; empty: passive replies only, no customer-service sends).",
        ),
    ] = "",
    title: Annotated[str, typer.Option("--title", help="Display name.")] = "",
    welcome: Annotated[str, typer.Option("--welcome", help="Welcome text on follow.")] = "",
    menu: Annotated[
        Path | None, typer.Option("--menu", help="Custom menu JSON file (WeChat's format).")
    ] = None,
    template: Annotated[
        list[str] | None, typer.Option("--template", help="purpose=template_id (repeat).")
    ] = None,
    base_url: Annotated[str, typer.Option("--base-url", help="Public base URL of its pages.")] = "",
    staff_channel: Annotated[
        str,
        typer.Option(
            "--staff-channel",
            help="WeCom UserIDs (a|b) told of its new tickets instead of the duty staff.",
        ),
    ] = "",
) -> None:
    """Add an account; its secrets are sealed with ZWBOT_ACCOUNT_KEY before they are stored."""

    async def run() -> None:
        spec = registry.AccountSpec(
            name=name,
            app_id=app_id,
            original_id=original_id,
            home_region=region,
            token=token.strip(),
            aes_key=aes_key.strip(),
            secret=secret.strip(),
            title=title,
            welcome=welcome,
            menu=_menu(menu),
            template_ids=_templates(template or []),
            public_base_url=base_url,
            staff_channel=staff_channel,
        )
        box = _box()
        async with open_database() as (_, sessions), sessions() as session:
            await registry.add_account(session, spec, box)
            await audit.append(
                session,
                audit.Record(
                    actor=_actor(),
                    role="admin",
                    action="account.add",
                    target=name,
                    command=f"account add {name} --app-id {app_id} --region {region}",
                    after={"app_id": app_id, "original_id": original_id, "region": region},
                    result="ok",
                ),
            )
            await session.commit()

    try:
        asyncio.run(run())
    except registry.AccountError as error:
        raise _fail(error) from error
    typer.echo(f"added account {name} ({app_id}, region {region}): callback /wechat/{name}")


@account_app.command("list")
def list_() -> None:
    """Every account: name, appid, original id, home region, state, callback path."""

    async def run() -> list[str]:
        async with open_database() as (_, sessions), sessions() as session:
            rows = await registry.list_accounts(session)
            return [
                "\t".join(
                    [
                        row.name,
                        row.app_id,
                        row.original_id,
                        row.home_region,
                        "active" if row.active else "disabled",
                        f"/wechat/{row.name}",
                        row.title,
                    ]
                ).rstrip()
                for row in rows
            ]

    settings = get_settings()
    typer.echo(
        f"default\t{settings.wechat_app_id}\t(WECHAT_* settings)\t{settings.home_region}"
        "\tactive\t/wechat"
    )
    for line in asyncio.run(run()):
        typer.echo(line)


def _set_active(name: str, active: bool) -> None:
    action = "account.enable" if active else "account.disable"

    async def run() -> None:
        async with open_database() as (_, sessions), sessions() as session:
            await registry.set_active(session, name, active)
            await audit.append(
                session,
                audit.Record(
                    actor=_actor(),
                    role="admin",
                    action=action,
                    target=name,
                    command=f"{action.replace('.', ' ')} {name}",
                    result="ok",
                ),
            )
            await session.commit()

    try:
        asyncio.run(run())
    except registry.AccountError as error:
        raise _fail(error) from error


@account_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="Account name.")]) -> None:
    """Stop serving an account (workers refuse its callback within a minute; kept for audit)."""
    _set_active(name, False)
    typer.echo(f"disabled account {name}")


@account_app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="Account name.")]) -> None:
    """Serve a disabled account again."""
    _set_active(name, True)
    typer.echo(f"enabled account {name}")


def register(app: typer.Typer) -> None:
    """Add `zwbot account`."""
    app.add_typer(account_app, name="account")
