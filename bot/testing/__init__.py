"""Test helpers other packages may use: the fake WeChat API and a loopback server runner."""

from bot.testing.fake_api import FakeWeChatApi, SentMessage
from bot.testing.server import serve_app

__all__ = ["FakeWeChatApi", "SentMessage", "serve_app"]
