"""Fixtures of the bot tests: sample vectors, Redis with a random prefix, the fake WeChat API."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from tools.fakes import FakeWeChatApi


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
