"""`zwbot serve`: the app factory under uvicorn, one process or several."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

ZWBOT = str(Path(sys.executable).with_name("zwbot"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    environment = {
        **os.environ,
        "ZWBOT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "WECHAT_TOKEN": "serve-test",
        "ZWBOT_ENV": "test",
        **env,
    }
    process = subprocess.Popen(
        [ZWBOT, "serve", "--port", str(port), *args],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return process, f"http://127.0.0.1:{port}"


def _wait_until_up(process: subprocess.Popen[bytes], url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        try:
            return httpx.get(url + "/", timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("zwbot serve did not answer within 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_serve_answers_pages_and_guards_the_webhook(tmp_path):
    process, url = _serve(tmp_path)
    try:
        home = _wait_until_up(process, url)
        assert home.status_code == 200 and "天祝县政务服务" in home.text
        assert httpx.get(url + "/api/openapi.json").status_code == 200
        refused = httpx.post(
            url + "/wechat", params={"signature": "x", "timestamp": "1"}, content=b"<xml/>"
        )
        assert 400 <= refused.status_code < 500
    finally:
        _stop(process)
    assert (tmp_path / "zwbot.sqlite3").exists()


def test_several_workers_need_redis(monkeypatch):
    from handlers.cli import app
    from handlers.settings import get_settings

    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "REDIS_URL" in result.output


@pytest.mark.redis
def test_several_workers_share_redis(tmp_path, redis_url):
    import redis

    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at {redis_url} is not reachable: {error}")
    process, url = _serve(tmp_path, "--workers", "2", REDIS_URL=redis_url)
    try:
        assert _wait_until_up(process, url).status_code == 200
        assert all(httpx.get(url + "/items").status_code == 200 for _ in range(6))
    finally:
        _stop(process)


@pytest.mark.parametrize(
    ("environment", "flags", "expected"),
    [
        ("development", [], True),
        ("production", [], False),
        ("production", ["--access-log"], True),
        ("development", ["--no-access-log"], False),
    ],
)
def test_the_access_log_is_off_in_production_unless_asked_for(
    monkeypatch, environment, flags, expected
):
    import uvicorn

    from handlers.cli import app
    from handlers.cli import serve as module
    from handlers.settings import Settings

    settings = Settings.model_construct(**{**Settings().model_dump(), "environment": environment})
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(module, "get_settings", lambda: settings)
    monkeypatch.setattr(module, "_migrate", _no_migration)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    result = CliRunner().invoke(app, ["serve", *flags])
    assert result.exit_code == 0, result.output
    assert calls[0]["access_log"] is expected


async def _no_migration() -> None:
    return None
