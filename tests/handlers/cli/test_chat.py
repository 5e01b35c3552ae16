"""`zwbot chat` against a real server on loopback: scripted replies in safe and plain mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from bot import Dispatcher, EventKey, TextMessage, Webhook, WeChatEnvelope, news
from bot.events import ClickEvent, SubscribeEvent, VoiceMessage
from handlers.cli import app
from handlers.settings import get_settings
from tools.fakes import serve_app

runner = CliRunner()
TOKEN, APP_ID = "chat-test-token", "wx_chat_test"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def build_app() -> FastAPI:
    dp = Dispatcher()

    @dp.text()
    async def echo(message: TextMessage) -> str:
        return f"您说：{message.content}"

    @dp.voice()
    async def voice(message: VoiceMessage) -> str:
        return f"您说（语音）：{message.recognition}"

    @dp.click(EventKey("GUIDE"))
    async def guide(event: ClickEvent) -> object:
        return news("办事指南", "常用事项", "https://example.org/guide")

    @dp.subscribe()
    async def welcome(event: SubscribeEvent) -> str:
        return "欢迎关注天祝政务服务。"

    api = FastAPI()
    envelope = WeChatEnvelope(TOKEN, APP_ID, AES_KEY, allow_plaintext=True)
    api.include_router(Webhook(dp, envelope).router)
    return api


@pytest.fixture
def server_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    monkeypatch.setenv("WECHAT_APP_ID", APP_ID)
    monkeypatch.setenv("WECHAT_AES_KEY", AES_KEY)
    get_settings.cache_clear()
    with serve_app(build_app()) as base_url:
        yield f"{base_url}/wechat"
    get_settings.cache_clear()


@pytest.mark.parametrize("mode", ["safe", "plain"])
def test_scripted_chat_prints_each_reply(server_url: str, mode: str) -> None:
    lines = ["你好", "/voice 办理社保卡", "/click GUIDE", "/subscribe"]
    args = ["chat", "--url", server_url, "--mode", mode, "--verify"]
    for line in lines:
        args += ["--say", line]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "URL 验证通过" in result.output
    assert "您说：你好" in result.output
    assert "您说（语音）：办理社保卡" in result.output
    assert "【办事指南】" in result.output and "https://example.org/guide" in result.output
    assert "欢迎关注天祝政务服务。" in result.output


def test_unknown_command_fails(server_url: str) -> None:
    result = runner.invoke(app, ["chat", "--url", server_url, "--say", "/dance"])
    assert result.exit_code == 2
    assert "无法识别的命令" in result.output


def test_interactive_session(server_url: str) -> None:
    result = runner.invoke(app, ["chat", "--url", server_url], input="你好\n/help\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "公众号> 您说：你好" in result.output
    assert "/click KEY" in result.output


def test_unreachable_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    get_settings.cache_clear()
    result = runner.invoke(app, ["chat", "--url", "http://127.0.0.1:9/wechat", "--say", "x"])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "无法连接" in result.output
