"""`zwbot chat`: talk to a running server as WeChat would (interactive or `--say` scripted)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import httpx
import typer

from bot.simulator import HELP, Mode, Simulator
from bot.wire import WeChatEnvelope
from handlers.settings import get_settings

DEFAULT_URL = "http://127.0.0.1:8000/wechat"


def _stored_simulator(url: str, name: str, openid: str) -> Simulator:
    """A simulator posting to stored account `name` with its own keys (safe mode)."""
    from catalogue.accounts import AccountError
    from handlers.cli.accounts import stored_account  # the database only when asked

    try:
        keys = stored_account(name)
    except AccountError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    envelope = WeChatEnvelope(keys.token, keys.app_id, keys.aes_key)
    target = f"{DEFAULT_URL}/{name}" if url == DEFAULT_URL else url
    return Simulator(target, envelope, mode="safe", openid=openid, account=keys.original_id)


def _simulator(url: str, mode: str | None, openid: str) -> Simulator:
    settings = get_settings()
    envelope = WeChatEnvelope(
        settings.wechat_token.get_secret_value(),
        settings.wechat_app_id,
        settings.wechat_aes_key.get_secret_value(),
        allow_plaintext=True,
    )
    if mode not in (None, "plain", "compatible", "safe"):
        raise typer.BadParameter("mode must be plain, compatible or safe")
    chosen: Mode | None = mode  # type: ignore[assignment]
    if chosen in ("compatible", "safe") and envelope.box is None:
        raise typer.BadParameter("safe and compatible modes need WECHAT_AES_KEY")
    account = settings.wechat_app_id or "gh_zwbot"
    return Simulator(url, envelope, mode=chosen, openid=openid, account=account)


async def _run(simulator: Simulator, lines: list[str]) -> int:
    try:
        if lines:
            for line in lines:
                exchange = await simulator.command(line)
                if exchange is None:
                    typer.echo(f"无法识别的命令：{line}\n{HELP}", err=True)
                    return 2
                typer.echo(exchange.describe())
                if exchange.status >= 400:
                    return 1
            return 0
        typer.echo(f"模拟微信用户 {simulator.openid} → {simulator.url}（{simulator.mode} 模式）")
        typer.echo("输入 /help 查看命令，/quit 退出。")
        while True:
            try:
                line = (await asyncio.to_thread(input, "我> ")).strip()
            except EOFError:
                return 0
            if not line:
                continue
            if line in ("/quit", "/exit"):
                return 0
            if line == "/help":
                typer.echo(HELP)
                continue
            exchange = await simulator.command(line)
            typer.echo(HELP if exchange is None else f"公众号> {exchange.describe()}")
    finally:
        await simulator.aclose()


def chat(
    url: Annotated[str, typer.Option(help="The webhook URL.")] = DEFAULT_URL,
    say: Annotated[
        list[str] | None,
        typer.Option("--say", help="Send this line (repeatable) and print the reply."),
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="plain, compatible or safe (default: safe with a key).")
    ] = None,
    openid: Annotated[str, typer.Option(help="The simulated user's openid.")] = "o_simulated_user",
    verify: Annotated[bool, typer.Option(help="Do the GET URL verification first.")] = False,
    account: Annotated[
        str | None,
        typer.Option(help="A stored account: its URL (/wechat/NAME) and its own keys."),
    ] = None,
) -> None:
    """Chat with the bot as a WeChat user would, without a WeChat account."""
    if account is not None:
        simulator = _stored_simulator(url, account, openid)
    else:
        simulator = _simulator(url, mode, openid)

    async def main() -> int:
        if verify:
            ok = await simulator.verify()
            typer.echo("URL 验证通过" if ok else "URL 验证失败", err=not ok)
            if not ok:
                await simulator.aclose()
                return 1
        return await _run(simulator, list(say or []))

    try:
        code = asyncio.run(main())
    except (OSError, httpx.HTTPError) as exc:
        typer.echo(f"无法连接 {url}：{exc}", err=True)
        raise typer.Exit(1) from exc
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
