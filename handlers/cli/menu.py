"""`zwbot menu …`: show and push the official account's custom menu (`--account NAME`: one of
the accounts stored as data, with its own menu or the standard one on its base URL)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from catalogue import accounts as registry
from handlers.citizen.menu import build_menu
from handlers.cli.accounts import stored_account
from handlers.settings import get_settings

menu_app = typer.Typer(help="The custom menu of the official account.", no_args_is_help=True)

AccountOption = Annotated[
    str | None,
    typer.Option("--account", help="A stored account's name (default: the WECHAT_* account)."),
]


def _target(account: str | None) -> tuple[str, str, dict[str, Any]]:
    """App id, secret and menu of the default or the named account."""
    settings = get_settings()
    if account is None:
        secret = settings.wechat_app_secret.get_secret_value()
        return settings.wechat_app_id, secret, build_menu(settings.public_base_url)
    try:
        keys = stored_account(account)
    except registry.AccountError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    menu = keys.menu or build_menu(keys.public_base_url or settings.public_base_url)
    return keys.app_id, keys.secret, menu


@menu_app.command("show")
def show(account: AccountOption = None) -> None:
    """Print the menu JSON that `push` would send."""
    typer.echo(json.dumps(_target(account)[2], ensure_ascii=False, indent=2))


@menu_app.command("push")
def push(account: AccountOption = None) -> None:
    """Replace the menu through the WeChat API (needs the account's appid and AppSecret)."""
    settings = get_settings()
    app_id, secret, menu = _target(account)
    if not app_id or not secret:
        what = f"account {account}" if account else "WECHAT_APP_ID and WECHAT_APP_SECRET"
        typer.echo(f"{what}: an appid and AppSecret are needed to push the menu.", err=True)
        raise typer.Exit(2)

    async def run() -> None:
        client = WeChatClient(app_id, secret, base_url=settings.wechat_api_base)
        try:
            await client.create_menu(menu)
        finally:
            await client.aclose()

    try:
        asyncio.run(run())
    except WeChatApiError as error:
        typer.echo(f"WeChat refused the menu: {error}", err=True)
        raise typer.Exit(1) from error
    buttons = sum(len(b.get("sub_button", [b])) for b in menu["button"])
    typer.echo(f"menu pushed: {len(menu['button'])} top-level buttons, {buttons} entries")


def register(app: typer.Typer) -> None:
    """Add `zwbot menu`."""
    app.add_typer(menu_app, name="menu")
