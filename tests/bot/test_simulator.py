"""The simulator plays WeChat against a webhook in every mode and with every command."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.dispatcher import Dispatcher
from bot.events import (
    ClickEvent,
    Event,
    ImageMessage,
    LinkMessage,
    LocationMessage,
    ScanEvent,
    SubscribeEvent,
    TextMessage,
    ViewEvent,
    VoiceMessage,
)
from bot.replies import news
from bot.simulator import Exchange, Simulator
from bot.wire import WeChatEnvelope
from tests.kits import bot_webhook as kit


def describe(event: Event) -> str:
    match event:
        case TextMessage(content=content):
            return f"text {content}"
        case VoiceMessage(recognition=said):
            return f"voice {said}"
        case ClickEvent(event_key=key):
            return f"click {key}"
        case ViewEvent(event_key=url):
            return f"view {url}"
        case SubscribeEvent(event_key=scene):
            return f"subscribe {scene}"
        case ScanEvent(event_key=scene):
            return f"scan {scene}"
        case LocationMessage(latitude=lat, longitude=lng, label=label):
            return f"location {lat} {lng} {label}"
        case ImageMessage(pic_url=url):
            return f"image {url}"
        case LinkMessage(title=title):
            return f"link {title}"
    return event.kind.value


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    dp = Dispatcher()
    for observer in dp.observers.values():
        observer.register(describe)
    dp.unsubscribe.handlers.clear()
    dp.unsubscribe.register(lambda event: None)
    dp.text.handlers.insert(0, dp.text.handlers.pop())  # keep text first; news below
    dp.click.handlers.clear()
    dp.click.register(lambda event: news("菜单", event.event_key, "https://x/menu"))
    app, _ = kit.make_app(
        dp, WeChatEnvelope(kit.TOKEN, kit.APP_ID, kit.AES_KEY, allow_plaintext=True)
    )
    async with kit.asgi_client(app) as client:
        yield client


@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
async def test_commands_in_every_mode(http: httpx.AsyncClient, mode: str) -> None:
    envelope = WeChatEnvelope(kit.TOKEN, kit.APP_ID, kit.AES_KEY)
    sim = Simulator("http://bot/wechat", envelope, mode=mode, http=http)  # type: ignore[arg-type]
    assert await sim.verify()

    async def run(line: str) -> str:
        exchange = await sim.command(line)
        assert isinstance(exchange, Exchange) and exchange.status == 200
        return exchange.describe()

    assert await run("你好") == "text 你好"
    assert await run("//slash") == "text /slash"
    assert await run("/voice 办理身份证") == "voice 办理身份证"
    assert await run("/click GUIDE") == "【菜单】\nGUIDE\nhttps://x/menu"
    assert await run("/view https://x/v") == "view https://x/v"
    assert await run("/subscribe village_7") == "subscribe village_7"
    assert await run("/subscribe") == "subscribe "
    assert await run("/scan 12") == "scan 12"
    assert await run("/location 37.2 102.8 天祝县") == "location 37.2 102.8 天祝县"
    assert await run("/image https://x/p.png") == "image https://x/p.png"
    assert (await run("/unsubscribe")).startswith("（没有即时回复")
    assert await sim.command("/location north") is None
    assert await sim.command("/nonsense") is None


async def test_refusal_is_described(http: httpx.AsyncClient) -> None:
    wrong = WeChatEnvelope("wrong-token", kit.APP_ID, kit.AES_KEY)
    sim = Simulator("http://bot/wechat", wrong, http=http)
    assert not await sim.verify()
    exchange = await sim.say("x")
    assert exchange.status == 403
    assert "HTTP 403" in exchange.describe()
