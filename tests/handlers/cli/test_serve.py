"""`zwbot serve`: the app factory under uvicorn, one process or several."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import signal
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
        assert "server" not in home.headers  # nothing to learn about the stack
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


def test_the_health_check_wait_and_the_server_header_are_set_deliberately(monkeypatch):
    """uvicorn's supervisor waits `WORKER_HEALTHCHECK_SECONDS` (not its default 5 s) before it
    kills a worker, and no `server` header names the stack."""
    import uvicorn

    from handlers.cli import app
    from handlers.cli import serve as module
    from handlers.settings import Settings

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(module, "get_settings", Settings)
    monkeypatch.setattr(module, "_migrate", _no_migration)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert module.WORKER_HEALTHCHECK_SECONDS >= 30
    assert calls[0]["timeout_worker_healthcheck"] == module.WORKER_HEALTHCHECK_SECONDS
    assert calls[0]["server_header"] is False


def test_serve_migrates_once_and_its_workers_do_not(monkeypatch, tmp_path):
    import uvicorn

    from handlers.cli import app
    from handlers.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'served.sqlite3'}")
    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(args))
    try:
        result = CliRunner().invoke(app, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "served.sqlite3").stat().st_size > 0  # migrated here
    module, factory = str(calls[0][0]).split(":")
    assert factory == "create_served_app"
    created = getattr(importlib.import_module(module), factory)
    assert inspect.signature(created).parameters == {}  # what uvicorn's factory call passes


async def _no_migration() -> None:
    return None


def test_a_worker_imports_only_what_serving_needs():
    """A worker process imports `handlers.app` (after the light `zwbot` entry point): nothing of
    the benchmarks, drills, tests or the other commands, nor what loads at first use or in the
    lifespan (migrations, pinyin dictionaries, the importer)."""
    code = (
        "import sys\n"
        "import handlers.cli, handlers.app\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('tools.benchmarks', "
        "'tools.drills', 'handlers.cli.', 'werobot', 'schemathesis', 'hypothesis', "
        "'pytest', 'tools.fakes', 'alembic', 'pypinyin', 'catalogue.importing.runner')))\n"
        "print('LOADED', bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "LOADED []" in result.stdout


# Modules a worker must not load itself after its fork: the supervisor loaded them once.
_HEAVY_AFTER_FORK = (
    "fastapi",
    "starlette",
    "pydantic",
    "sqlalchemy",
    "aiosqlite",
    "wechatpy",
    "requests",
    "httpx",
    "redis",
    "jinja2",
    "prometheus_client",
    "pypinyin",
    "catalogue",
    "bot",
    "search",
    "handlers",
)


@pytest.mark.slow
def test_a_forked_worker_loads_nothing_heavy_itself(tmp_path):
    """`zwbot serve --workers N` imports the application and pypinyin's
    dictionaries once, in the supervisor; a worker forked from it builds its app and runs the
    lifespan (index built, caches preloaded) without importing anything heavy."""
    code = (
        "import asyncio, sys\n"
        "from handlers.metrics_folder import prepare_multiprocess_dir\n"
        "prepare_multiprocess_dir(2)\n"
        "from handlers.cli import serve\n"
        "asyncio.run(serve._migrate())\n"
        "assert serve.preload_workers()\n"
        "import multiprocessing\n"
        "from uvicorn import _subprocess\n"
        "assert _subprocess.spawn is multiprocessing.get_context('fork')\n"
        "before = set(sys.modules)\n"
        "import handlers.app\n"
        "app = handlers.app.create_served_app()\n"
        "async def start():\n"
        "    async with app.router.lifespan_context(app):\n"
        "        assert app.state.search.search('社保卡', top=1)\n"
        "asyncio.run(start())\n"
        f"heavy = {_HEAVY_AFTER_FORK!r}\n"
        "print('LOADED', sorted(m for m in set(sys.modules) - before\n"
        "      if any(m == h or m.startswith(h + '.') for h in heavy)))\n"
    )
    env = {
        **os.environ,
        "ZWBOT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "ZWBOT_ENV": "test",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"),
    }
    subprocess.run([ZWBOT, "demo"], env=env, check=True, capture_output=True, timeout=300)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "LOADED []" in result.stdout, result.stdout


@pytest.mark.slow
def test_workers_are_forked_only_from_a_lone_thread():
    """A fork copies only the calling thread: a thread that ends soon (aiosqlite's, after the
    migration) is waited for; one that goes on makes `zwbot serve` spawn its workers."""
    code = (
        "import threading, time\n"
        "from handlers.cli import serve\n"
        "threading.Thread(target=time.sleep, args=(0.5,)).start()\n"
        "print('ENDING', serve._alone(wait=10))\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait).start()\n"
        "print('RUNNING', serve._alone(wait=0.2), serve.preload_workers())\n"
        "stop.set()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "ENDING True" in result.stdout and "RUNNING False False" in result.stdout


def _two_worker_pids(process: subprocess.Popen[bytes], log: Path, seconds: float) -> set[str]:
    """The pids of the two workers `zwbot serve --workers 2` says it started, waited for."""
    deadline = time.monotonic() + seconds
    pids: set[str] = set()
    while time.monotonic() < deadline and len(pids) < 2:
        assert process.poll() is None, log.read_text(errors="replace")
        pids = set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))
        time.sleep(0.3)
    assert len(pids) == 2, log.read_text(errors="replace")
    return pids


@pytest.mark.slow
@pytest.mark.redis
def test_workers_are_forked_from_the_supervisor(tmp_path, redis_url):
    """The workers of `zwbot serve --workers 2` are forks of the supervisor (no fresh
    interpreter that imports everything again); they serve, add up their metrics in one
    `/metrics`, are forked again when killed, and stop with the supervisor."""
    log = tmp_path / "serve.log"
    port = _free_port()
    environment = {
        **os.environ,
        "ZWBOT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "WECHAT_TOKEN": "serve-test",
        "ZWBOT_ENV": "test",
        "REDIS_URL": redis_url,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [ZWBOT, "serve", "--port", str(port), "--workers", "2"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            pids = _two_worker_pids(process, log, seconds=120)
            assert _wait_until_up(process, url).status_code == 200
            supervisor = Path(f"/proc/{process.pid}/cmdline").read_bytes()
            for pid in pids:
                assert Path(f"/proc/{pid}/cmdline").read_bytes() == supervisor  # no spawn_main
            for _ in range(10):
                assert httpx.get(url + "/items").status_code == 200
            metrics = httpx.get(url + "/metrics").text
            served = re.search(
                r'zwbot_http_requests_total\{method="GET",route="/items",status="200"\} (\S+)',
                metrics,
            )
            assert served is not None and float(served.group(1)) >= 10, metrics
            # A worker killed outright is replaced by a new fork, which serves at once.
            first = set(pids)
            os.kill(int(min(first)), signal.SIGKILL)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len(pids) < 3:
                pids = set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))
                time.sleep(0.3)
            assert len(pids) == 3, log.read_text(errors="replace")
            assert "died" in log.read_text()
            (replacement,) = pids - first
            assert Path(f"/proc/{replacement}/cmdline").read_bytes() == supervisor
            assert all(httpx.get(url + "/items").status_code == 200 for _ in range(6))
        finally:
            _stop(process)
    assert process.returncode is not None
    for pid in pids:
        assert (
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )


@pytest.mark.slow
@pytest.mark.redis
def test_two_workers_start_first_time_on_a_fully_loaded_machine(tmp_path, redis_url):
    """Every core busy: both workers come up and none is killed by the supervisor."""
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(2 * (os.cpu_count() or 2))
    ]
    log = tmp_path / "serve.log"
    port = _free_port()
    environment = {
        **os.environ,
        "ZWBOT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "WECHAT_TOKEN": "serve-test",
        "ZWBOT_ENV": "test",
        "REDIS_URL": redis_url,
    }
    try:
        with log.open("wb") as output:
            process = subprocess.Popen(
                [ZWBOT, "serve", "--port", str(port), "--workers", "2"],
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                _two_worker_pids(process, log, seconds=180)
                assert _wait_until_up(process, url).status_code == 200
            finally:
                _stop(process)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    text = log.read_text(errors="replace")
    assert "not ready in time" not in text and "died" not in text.lower(), text
    assert len(set(re.findall(r"Started server process \[(\d+)\]", text))) == 2, text
