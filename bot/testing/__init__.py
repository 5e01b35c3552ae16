"""Test helpers other packages may use: the local fake of the WeChat API."""

from bot.testing.fake_api import FakeWeChatApi, SentMessage

__all__ = ["FakeWeChatApi", "SentMessage"]
