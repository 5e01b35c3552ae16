"""`zwbot menu …`: show and push the official account's custom menu."""

from __future__ import annotations

import asyncio
import json

import typer

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from handlers.citizen.menu import build_menu
from handlers.settings import get_settings

menu_app = typer.Typer(help="The custom menu of the official account.", no_args_is_help=True)


@menu_app.command("show")
def show() -> None:
    """Print the menu JSON that `push` would send."""
    typer.echo(json.dumps(build_menu(get_settings().public_base_url), ensure_ascii=False, indent=2))


@menu_app.command("push")
def push() -> None:
    """Replace the menu through the WeChat API (needs WECHAT_APP_ID and WECHAT_APP_SECRET)."""
    settings = get_settings()
    secret = settings.wechat_app_secret.get_secret_value()
    if not settings.wechat_app_id or not secret:
        typer.echo("WECHAT_APP_ID and WECHAT_APP_SECRET must be set to push the menu.", err=True)
        raise typer.Exit(2)
    menu = build_menu(settings.public_base_url)

    async def run() -> None:
        client = WeChatClient(settings.wechat_app_id, secret, base_url=settings.wechat_api_base)
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
