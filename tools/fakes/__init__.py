"""Fakes of the outside world for tests, benchmarks and local runs: the WeChat and WeCom API
servers, and a loopback server runner."""

from tools.fakes.server import serve_app
from tools.fakes.wechat_api import FakeWeChatApi, SentMessage
from tools.fakes.wecom_api import FakeWeComApi

__all__ = ["FakeWeChatApi", "FakeWeComApi", "SentMessage", "serve_app"]
