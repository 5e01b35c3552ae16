"""`zwbot qr make|list`: the official account's permanent QR code of each town and village."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from bot.client import WeChatClient
from bot.errors import WeChatApiError
from handlers.citizen.place_codes import QrCodeError, listed_codes, make_codes
from handlers.db.database import open_database
from handlers.settings import get_settings

qr_app = typer.Typer(help="Permanent QR codes of the towns and villages.", no_args_is_help=True)


@qr_app.command("make")
def make(
    place: Annotated[
        list[str] | None, typer.Option("--place", help="A town's or village's code (repeatable).")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every town and village.")] = False,
) -> None:
    """Create the missing codes through the WeChat API (idempotent; needs WECHAT_APP_ID and
    WECHAT_APP_SECRET)."""
    if bool(place) == every:
        typer.echo("请给出 --place 乡镇或村代码，或 --all（二者选一）。", err=True)
        raise typer.Exit(2)
    settings = get_settings()
    secret = settings.wechat_app_secret.get_secret_value()
    if not settings.wechat_app_id or not secret:
        typer.echo("WECHAT_APP_ID and WECHAT_APP_SECRET must be set to make QR codes.", err=True)
        raise typer.Exit(2)

    async def run() -> tuple[int, int]:
        client = WeChatClient(settings.wechat_app_id, secret, base_url=settings.wechat_api_base)
        try:
            async with open_database(settings) as (_, sessions):
                made = await make_codes(
                    sessions,
                    client,
                    codes=list(place) if place else None,
                    limit=settings.qr_limit,
                    within=settings.home_region,
                )
        finally:
            await client.aclose()
        return len(made.created), len(made.existing)

    try:
        created, existing = asyncio.run(run())
    except QrCodeError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    except WeChatApiError as error:
        typer.echo(f"微信拒绝生成二维码：{error}（已生成的已保存，可再次运行补齐）", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"二维码：新生成{created}个，已有{existing}个。")


@qr_app.command("list")
def list_codes(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """The codes made so far: place, scene value, the URL the code encodes."""

    async def run() -> list[dict[str, str]]:
        async with open_database(get_settings()) as (_, sessions), sessions() as session:
            return [
                {"code": code.region_code, "name": name, "scene": code.scene, "url": code.url}
                for code, name in await listed_codes(session)
            ]

    rows = asyncio.run(run())
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(f"{row['code']}  {row['name']}  {row['scene']}  {row['url']}")
    typer.echo(f"共{len(rows)}个二维码。")


def register(app: typer.Typer) -> None:
    """Add `zwbot qr`."""
    app.add_typer(qr_app, name="qr")
