"""Test helpers other packages may use: fakes of the WeChat and WeCom APIs and a loopback
server runner."""

from bot.testing.fake_api import FakeWeChatApi, SentMessage
from bot.testing.fake_wecom import FakeWeComApi
from bot.testing.server import serve_app

__all__ = ["FakeWeChatApi", "FakeWeComApi", "SentMessage", "serve_app"]
