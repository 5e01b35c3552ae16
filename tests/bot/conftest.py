"""Fixtures of the bot tests: sample vectors, Redis with a random prefix, the fake WeChat API."""

from __future__ import annotations

import importlib.util
import json
import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.testing import FakeWeChatApi


def _load_kit() -> ModuleType:
    # tests/ is not a package (importlib import mode): load the helper module by path.
    name = "zwbot_tests_bot_webhook_kit"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("webhook_kit.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load_kit()


@pytest.fixture(scope="session")
def vectors(shared_dir: Path) -> dict[str, Any]:
    """Tencent's official sample: token, key, app id, one encrypted message and its plaintext."""
    data: dict[str, Any] = json.loads(
        (shared_dir / "wechat" / "official_sample_vectors.json").read_text("utf-8")
    )
    return data


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix(redis: Redis) -> AsyncIterator[str]:
    """A random key prefix; every key under it is deleted afterwards."""
    prefix = f"zwbot-test-{secrets.token_hex(6)}"
    try:
        yield prefix
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)


@pytest.fixture
def fake_api() -> FakeWeChatApi:
    return FakeWeChatApi(app_id="wx_test_app", app_secret="test-secret")
