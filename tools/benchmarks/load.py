"""`zwbot bench load`: the whole stack under simulated WeChat traffic, side by side with WeRoBot.

One run: a fresh PostgreSQL database gets the real catalogue through the importer; zwbot
serves it with 2 uvicorn workers on PostgreSQL and Redis (deadline fallbacks go to the local
fake WeChat API), once as configured and once with its answer cache off (`zwbot-nocache`);
WeRoBot serves the same search on the same data under the same uvicorn. C simulated citizens
send messages, signed and AES-encrypted, without pause, each a query drawn by popularity
(Zipf, s ≈ 1) from a pool of ≥ 20,000 distinct citizen-like queries (the development set and
variations of the catalogue's names, `search_workload.citizen_pool`); the sides take turns.
Then a retry storm (every message three times at once, across both workers) against zwbot.
zwbot's answer-cache hit rate and its CPU per message apart from search come from its own
counters. The last line printed is one JSON object."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import random
import secrets
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import asyncpg
from sqlalchemy import func, select

from bot.wire import WeChatEnvelope
from catalogue.demo import load_demo
from catalogue.importing.options import published_at_source
from catalogue.importing.runner import import_file
from catalogue.models import Item
from catalogue.scope import ALL_REGIONS
from handlers.db.database import open_database
from handlers.settings import Settings
from tools.benchmarks.load_client import (
    Connection,
    LoadError,
    Tally,
    Target,
    drive,
    retry_storm,
)
from tools.benchmarks.search_corpus import documents_from_csv
from tools.benchmarks.search_workload import Zipf, citizen_pool
from tools.fakes.wechat_api import FakeWeChatApi

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "tests" / "search" / "devset.tsv"
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "service_items.csv"
SIDES = ("zwbot", "zwbot-nocache", "werobot")
# zwbot's counters read around each round (`handlers/observability/metrics.py`).
SEARCH_COUNTERS = (
    "zwbot_search_cpu_seconds_total",
    "zwbot_search_cache_hits_total",
    "zwbot_search_cache_misses_total",
)
Echo = Callable[[str], None]


@dataclass
class Options:
    users: int = 100
    seconds: float = 20.0
    warmup: float = 3.0
    storm_messages: int = 300
    workers: int = 2
    csv: Path = DEFAULT_CSV
    queries: Path = DEVSET  # the seeds of the query pool
    pool: int = 20_000  # distinct queries messages are drawn from
    zipf: float = 1.0  # popularity exponent: the query of rank r is sent ∝ 1 / r**zipf
    pg_admin_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    redis_url: str = "redis://127.0.0.1:6379/13"
    keep_database: bool = False
    rounds: int = 2
    think: float = 0.0
    sides: tuple[str, ...] = SIDES


@dataclass
class Figures:
    """One side's measured figures."""

    server: str
    users: int
    seconds: float
    messages: int
    messages_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    deadline_fallbacks: int
    errors: int
    # CPU time of the side's server processes (master and workers) per answered message, from
    # /proc: unlike messages/s it hardly depends on what else the machine is doing.
    server_cpu_ms_per_message: float
    # CPU time of this process (the load generator) per message, the same for both sides.
    client_cpu_ms_per_message: float
    # zwbot only (its /metrics): share of searches answered from the answer cache, CPU time
    # of searches per message, and the server CPU per message apart from search.
    cache_hit_rate: float | None = None
    search_cpu_ms_per_message: float | None = None
    own_cpu_ms_per_message: float | None = None


def read_queries(path: Path) -> list[str]:
    """The citizen queries of the development set (second column, comments skipped)."""
    queries = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            columns = line.split("\t")
            if len(columns) >= 2 and columns[1].strip():
                queries.append(columns[1].strip())
    if not queries:
        raise LoadError(f"no queries in {path}")
    return queries


def workload(options: Options, echo: Echo) -> Zipf:
    """The query pool (dev-set seeds, then variations of the catalogue's names), drawn Zipf."""
    if not options.csv.is_file():
        raise LoadError(f"catalogue file {options.csv} not found (pass --csv)")
    seeds = read_queries(options.queries)
    try:
        pool = citizen_pool(documents_from_csv(options.csv), seeds, options.pool)
    except ValueError as error:
        raise LoadError(str(error)) from error
    queries = Zipf(pool, options.zipf)
    fresh = queries.distinct_share(options.pool, random.Random(5))
    echo(
        f"workload: {len(pool)} distinct queries ({len(seeds)} from {options.queries.name}), "
        f"drawn Zipf s={options.zipf}; {fresh:.0%} of {options.pool} messages are a first ask"
    )
    return queries


def targets(result: dict[str, Any]) -> dict[str, bool]:
    """The issue's targets, for the sides measured: zwbot ≥ 1.5× WeRoBot's messages/s at an
    equal or better p99, ≥ 1.0× with the answer cache off, ≤ 0.5 ms CPU per message apart
    from search, no errors, and the retry storm absorbed."""
    found: dict[str, bool] = {}
    theirs = result.get("werobot")
    for name, least in (("zwbot", 1.5), ("zwbot-nocache", 1.0)):
        ours = result.get(name)
        if ours is None:
            continue
        key = name.replace("-", "_")
        found[f"{key}_zero_errors"] = ours["errors"] == 0
        found[f"{key}_own_cpu_at_most_0_5ms"] = (ours["own_cpu_ms_per_message"] or 0.0) <= 0.5
        if theirs is not None:
            ratio = ours["messages_per_second"] / max(theirs["messages_per_second"], 0.001)
            result[f"{key}_throughput_ratio"] = round(ratio, 2)
            found[f"{key}_throughput_at_least_{least}x"] = ratio >= least
            found[f"{key}_p99_not_worse"] = ours["p99_ms"] <= theirs["p99_ms"]
    if "retry_storm" in result:
        found["retry_storm_ok"] = bool(result["retry_storm"]["ok"])
    return found


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (nearest rank) of `values`."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def group_cpu_seconds(group: int) -> float:
    """User + system CPU seconds used so far by the live processes of process group `group`."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the ")" closing the command name: state, ppid, pgrp, …, utime (14), stime (15).
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the database ---------------------------------------------------------------------------


async def _admin(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def create_database(admin_url: str, csv: Path, echo: Echo, *, demo: bool = False) -> str:
    """A fresh database with the catalogue imported and published (after Tianzhu's demo
    catalogue with `demo`); its SQLAlchemy URL."""
    if not csv.is_file():
        raise LoadError(f"catalogue file {csv} not found (pass --csv)")
    name = f"zwbot_bench_{secrets.token_hex(4)}"
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    url = f"{base}/{name}"
    started = time.perf_counter()
    async with open_database(Settings(DATABASE_URL=url)) as (_, sessions):
        if demo:  # the demo refuses a database with other data: it goes first
            async with sessions() as session:
                await load_demo(session)
                await session.commit()
        async with sessions() as session:
            report = await import_file(
                session, "items", csv, publish=True, missing_fields=published_at_source()
            )
            if not report.ok:
                raise LoadError(f"import failed: {report}")
            await session.commit()
        async with sessions() as session:
            items = await session.scalar(
                select(func.count()).select_from(Item).where(Item.status == "published")
            )
    took = time.perf_counter() - started
    echo(f"database {name}: {items} published items imported in {took:.1f} s")
    return url


async def drop_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the servers ----------------------------------------------------------------------------


def server_environment(
    options: Options, database_url: str, api: FakeWeChatApi, api_base: str, folder: Path
) -> dict[str, str]:
    """Production settings with fresh random secrets; customer-service calls go to the fake."""
    alphabet = string.ascii_letters + string.digits
    prom = folder / "prometheus"
    prom.mkdir(exist_ok=True)
    return {
        **os.environ,
        "ZWBOT_ENV": "production",
        "ZWBOT_DATA_DIR": str(folder),
        "DATABASE_URL": database_url,
        "REDIS_URL": options.redis_url,
        "WECHAT_TOKEN": secrets.token_urlsafe(16),
        "WECHAT_APP_ID": api.app_id,
        "WECHAT_APP_SECRET": api.app_secret,
        "WECHAT_AES_KEY": "".join(secrets.choice(alphabet) for _ in range(43)),
        "WECHAT_API_BASE": api_base,
        "ZWBOT_HASH_KEY": secrets.token_urlsafe(32),
        "ZWBOT_AUDIT_KEY": secrets.token_urlsafe(32),
        # the scratch database belongs to the bench's superuser: warn, do not refuse to start
        "ZWBOT_AUDIT_GRANTS": "warn",
        "ZWBOT_LOG_LEVEL": "WARNING",
        # the reference file is three other regions' catalogues: serve them all for the bench
        "ZWBOT_HOME_REGION": ALL_REGIONS,
        "PROMETHEUS_MULTIPROC_DIR": str(prom),
    }


def _uvicorn(app: str, port: int, workers: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", app, *extra,
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


@contextlib.contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process group, stopped (TERM, then KILL) at the end of the block."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


async def wait_ready(
    port: int, target: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120
) -> None:
    """Until `GET target` answers 200 (the index is built in every worker before that)."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise LoadError(f"server exited ({process.returncode}): {_tail(log)}")
        connection = Connection("127.0.0.1", port)
        try:
            status, _ = await connection.request("GET", target)
            if status == 200:
                return
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            pass
        finally:
            connection.close()
        await asyncio.sleep(0.5)
    raise LoadError(f"server on port {port} not ready after {timeout:.0f} s: {_tail(log)}")


def _tail(log: Path) -> str:
    return " | ".join(log.read_text("utf-8", errors="replace").strip().splitlines()[-6:])


async def metric_sums(port: int, names: tuple[str, ...]) -> dict[str, float]:
    """Sums over all label sets of some counters, from the server's `/metrics`."""
    connection = Connection("127.0.0.1", port)
    try:
        status, body = await connection.request("GET", "/metrics")
    finally:
        connection.close()
    sums = dict.fromkeys(names, 0.0)
    if status != 200:
        return sums
    for line in body.decode("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        sample, _, value = line.rpartition(" ")
        metric = sample.split("{", 1)[0]
        if metric in sums:
            sums[metric] += float(value)
    return sums


# --- the run --------------------------------------------------------------------------------


@dataclass
class Side:
    """One server under test: how to start it, where to send, what it measured so far."""

    name: str
    command: list[str]
    port: int
    ready_path: str
    target: Target
    tally: Tally = field(default_factory=Tally)
    seconds: float = 0.0
    group: int = 0  # the server's process group (its processes' CPU time is counted)
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    environment: dict[str, str] = field(default_factory=dict)  # on top of the common one
    counted: dict[str, float] | None = None  # zwbot's SEARCH_COUNTERS over the rounds


def figures_of(side: Side, users: int) -> Figures:
    latencies = side.tally.latencies
    seconds = side.seconds or 1.0
    per_message = 1000 / max(len(latencies), 1)
    extra: dict[str, float] = {}
    if side.counted is not None:
        hits = side.counted["zwbot_search_cache_hits_total"]
        lookups = hits + side.counted["zwbot_search_cache_misses_total"]
        search_cpu = side.counted["zwbot_search_cpu_seconds_total"]
        extra = {
            "cache_hit_rate": round(hits / lookups, 3) if lookups else 0.0,
            "search_cpu_ms_per_message": round(search_cpu * per_message, 3),
            "own_cpu_ms_per_message": round((side.server_cpu - search_cpu) * per_message, 3),
        }
    return Figures(
        server=side.name,
        users=users,
        seconds=round(seconds, 1),
        messages=len(latencies),
        messages_per_second=round(len(latencies) / seconds, 1),
        p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
        max_ms=round(max(latencies, default=0.0) * 1000, 1),
        deadline_fallbacks=side.tally.fallbacks,
        errors=side.tally.errors,
        server_cpu_ms_per_message=round(side.server_cpu * per_message, 3),
        client_cpu_ms_per_message=round(side.client_cpu * per_message, 3),
        **extra,
    )


def _line(f: Figures) -> str:
    line = (
        f"{f.server:13} {f.users:4} users {f.seconds:5.1f} s {f.messages:7} msgs "
        f"{f.messages_per_second:7.1f} msg/s  p50 {f.p50_ms:7.1f} ms  p99 {f.p99_ms:7.1f} ms  "
        f"max {f.max_ms:7.1f} ms  fallbacks {f.deadline_fallbacks}  errors {f.errors}  "
        f"server CPU {f.server_cpu_ms_per_message:.2f} ms/msg"
    )
    if f.own_cpu_ms_per_message is not None:
        line += (
            f" (search {f.search_cpu_ms_per_message:.2f}, rest {f.own_cpu_ms_per_message:.2f})"
            f"  cache hit rate {f.cache_hit_rate:.1%}"
        )
    return line


def _loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0


def check_sides(options: Options) -> None:
    """Refuse at once what could only fail after the database import and server starts."""
    unknown = set(options.sides) - set(SIDES)
    if unknown or not options.sides:
        raise LoadError(f"sides must be among {', '.join(SIDES)}, not {sorted(unknown)}")
    if "werobot" in options.sides and importlib.util.find_spec("werobot") is None:
        raise LoadError(
            "WeRoBot is not installed: pip install -e '.[bench]' (or measure --side zwbot only)"
        )


def sides_for(options: Options, env: dict[str, str]) -> list[Side]:
    envelope = WeChatEnvelope(env["WECHAT_TOKEN"], env["WECHAT_APP_ID"], env["WECHAT_AES_KEY"])
    sides = []
    for name in ("zwbot", "zwbot-nocache"):
        if name not in options.sides:
            continue
        port = _free_port()
        zwbot = str(Path(sys.executable).with_name("zwbot"))
        command = [zwbot, "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(options.workers)]
        target = Target(f"http://127.0.0.1:{port}/wechat", envelope)
        side = Side(
            name, command, port, "/readyz", target, counted=dict.fromkeys(SEARCH_COUNTERS, 0.0)
        )
        # Each server its own metrics folder (a server empties its folder when it starts).
        metrics = Path(f"{env['PROMETHEUS_MULTIPROC_DIR']}-{name}")
        metrics.mkdir(exist_ok=True)
        side.environment = {"PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        if name == "zwbot-nocache":
            side.environment["ZWBOT_SEARCH_CACHE_SIZE"] = "0"
        sides.append(side)
    if "werobot" in options.sides:
        port = _free_port()
        app = "tools.benchmarks.werobot_app:application"
        command = _uvicorn(app, port, options.workers, "--interface", "wsgi")
        query, _ = envelope.wrap("<xml/>", encrypted=False)
        verify = "/wechat?" + urlencode({**query, "echostr": "ready"})
        target = Target(f"http://127.0.0.1:{port}/wechat", envelope)
        sides.append(Side("werobot", command, port, verify, target))
    return sides


async def storm_on(side: Side, queries: list[str], options: Options, echo: Echo) -> dict[str, Any]:
    """The retry storm against zwbot, checked with its own counters."""
    counters = ("zwbot_updates_total", "zwbot_retries_absorbed_total")
    before = await metric_sums(side.port, counters)
    storm = await retry_storm(side.target, queries, options.storm_messages)
    await asyncio.sleep(1.0)  # late (past-deadline) answers finish and are counted
    after = await metric_sums(side.port, counters)
    handled = round(after["zwbot_updates_total"] - before["zwbot_updates_total"])
    absorbed = round(after["zwbot_retries_absorbed_total"] - before["zwbot_retries_absorbed_total"])
    ok = (
        handled == storm.messages
        and absorbed == storm.deliveries - storm.messages
        and storm.errors == 0
        and storm.answered_alike + storm.fallbacks == storm.messages
    )
    for sample in storm.error_samples:
        print(f"  retry storm error: {sample}", file=sys.stderr)
    echo(
        f"retry storm: {storm.messages} messages × 3 concurrent deliveries = {storm.deliveries}; "
        f"handled {handled}, retries absorbed {absorbed}, answered alike "
        f"{storm.answered_alike}, fallbacks {storm.fallbacks}, errors {storm.errors} "
        f"→ {'OK' if ok else 'FAILED'}"
    )
    return {
        "messages": storm.messages,
        "deliveries": storm.deliveries,
        "handled": handled,
        "retries_absorbed": absorbed,
        "answered_alike": storm.answered_alike,
        "deadline_fallbacks": storm.fallbacks,
        "errors": storm.errors,
        "ok": ok,
    }


async def measure(sides: list[Side], queries: Zipf, options: Options, echo: Echo) -> list[float]:
    """Warm every side up, then alternate rounds so background load hits all sides alike."""
    for side in sides:
        await drive(side.target, queries, min(options.users, 20), options.warmup)
    loads = []
    share = options.seconds / options.rounds
    for round_no in range(options.rounds):
        order = sides if round_no % 2 == 0 else list(reversed(sides))
        for side in order:
            loads.append(_loadavg())
            counted = await metric_sums(side.port, SEARCH_COUNTERS) if side.counted else {}
            server, client = group_cpu_seconds(side.group), time.process_time()
            tally = await drive(side.target, queries, options.users, share, options.think)
            side.server_cpu += group_cpu_seconds(side.group) - server
            side.client_cpu += time.process_time() - client
            if side.counted is not None:
                after = await metric_sums(side.port, SEARCH_COUNTERS)
                for name in SEARCH_COUNTERS:
                    side.counted[name] += after[name] - counted[name]
            side.tally.latencies += tally.latencies
            side.tally.fallbacks += tally.fallbacks
            side.tally.errors += tally.errors
            side.tally.error_samples += tally.error_samples
            side.seconds += share
            echo(f"  round {round_no + 1} {side.name}: {len(tally.latencies) / share:.1f} msg/s")
    return loads


async def run(options: Options, echo: Echo = print) -> dict[str, Any]:
    """The whole benchmark; returns (and prints last) the JSON summary."""
    check_sides(options)
    queries = workload(options, echo)
    database_url = await create_database(options.pg_admin_url, options.csv, echo)
    # production settings want a real-length secret
    api = FakeWeChatApi(app_secret=secrets.token_urlsafe(24), cs_quota=10**9)
    result: dict[str, Any] = {
        "users": options.users,
        "think_seconds": options.think,
        "seconds_per_side": options.seconds,
    }
    try:
        with contextlib.ExitStack() as stack:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="zwbot-bench-")))
            api_base = stack.enter_context(api.serve())
            env = server_environment(options, database_url, api, api_base, folder)
            sides = sides_for(options, env)
            processes = [
                stack.enter_context(
                    running(s.command, {**env, **s.environment}, folder / f"{s.name}.log")
                )
                for s in sides
            ]
            for side, process in zip(sides, processes, strict=True):
                side.group = process.pid  # `running` starts each server in a new session
                await wait_ready(side.port, side.ready_path, process, folder / f"{side.name}.log")
                echo(f"{side.name} ready on port {side.port} ({options.workers} workers)")
            loads = await measure(sides, queries, options, echo)
            for side in sides:
                figures = figures_of(side, options.users)
                for sample in side.tally.error_samples[:5]:
                    print(f"  {side.name} error: {sample}", file=sys.stderr)
                echo(_line(figures))
                result[side.name] = asdict(figures)
            zwbot = next((side for side in sides if side.name == "zwbot"), None)
            if zwbot is not None and options.storm_messages > 0:
                result["retry_storm"] = await storm_on(zwbot, queries.items, options, echo)
            result["customer_service_sends"] = len(api.sent)
            result["load_average_during_rounds"] = loads
    finally:
        if not options.keep_database:
            await drop_database(options.pg_admin_url, database_url)
    result["targets"] = targets(result)
    echo(json.dumps(result, ensure_ascii=False))
    return result
