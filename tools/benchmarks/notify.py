"""`zwbot bench notify`: a village's new allocation told to N followers through the durable job
queue, sent by worker processes to the fake WeChat API (with latency, random "system busy"
errors, followers whose 48-hour window is closed, one daily-quota refusal), one worker killed
with SIGKILL mid-run.

Figures: fan-out time (the scan queuing N notices in one transaction), sends per second
against the configured rate, queue depth over time, time to drain, duplicates (a follower
sent the notice twice: must be 0), lost (a reachable follower never sent it; only a send in
flight when its worker was killed may be, and it is counted as ambiguous, never repeated),
CPU seconds of the workers (process time, not wall time: the machine is shared).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import resource
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.client import WeChatClient
from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.models import PlaceFollow, PovertyAllocation, Region, utcnow
from handlers.delivery.notices import NoticeSender
from handlers.delivery.queue import JobQueue
from handlers.delivery.queue_worker import QueueWorker
from handlers.jobs.place_notices import NOTICE, SETTLE, PlaceNotices
from tools.fakes import FakeWeChatApi

SEND = "/cgi-bin/message/custom/send"
TOWN, VILLAGE = "620623100", "620623100200"
APP_ID, SECRET = "wx_bench_notify", "bench-notify-secret"
QUOTA_RESET_SECONDS = 2.0  # the simulated midnight after the injected 45009
LEASE_SECONDS = 5.0  # a killed worker's claims return after this long


def _worker_process(url: str, api_base: str, name: str, rate: float) -> None:
    """One worker process: claim and send until terminated."""
    import logging

    logging.disable(logging.CRITICAL)  # the bench prints figures, not each retry

    async def run() -> None:
        engine = create_engine(url)
        client = WeChatClient(APP_ID, SECRET, base_url=api_base, attempts=1)
        queue = JobQueue(session_factory(engine), lease=timedelta(seconds=LEASE_SECONDS))

        def reset(now: datetime) -> datetime:
            return now + timedelta(seconds=QUOTA_RESET_SECONDS)

        worker = QueueWorker(
            queue,
            {NOTICE: NoticeSender(client)},
            name=name,
            rate=rate,
            concurrency=16,
            batch=64,
            backoff=0.2,
            max_backoff=2.0,
            poll=0.05,
            quota_reset=reset,
        )
        try:
            await worker.run(recover_every=1.0)
        finally:
            await client.aclose()
            await engine.dispose()

    asyncio.run(run())


async def _prepare(url: str, followers: list[str]) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    async with sessions() as session:
        session.add(Region(code=TOWN, name="华藏寺镇", short_name="华藏寺镇", level="town"))
        await session.flush()
        session.add(
            Region(
                code=VILLAGE, name="红大村", short_name="红大村", level="village", parent_code=TOWN
            )
        )
        await session.flush()
        at = utcnow()
        for start in range(0, len(followers), 5000):
            rows = [
                {"openid": openid, "region_code": VILLAGE, "at": at}
                for openid in followers[start : start + 5000]
            ]
            await session.execute(insert(PlaceFollow), rows)
        await session.commit()
    await engine.dispose()


async def _publish_and_scan(url: str) -> tuple[int, float, float]:
    """Publish one allocation and scan: (notices queued, wall seconds, CPU seconds)."""
    engine = create_engine(url)
    sessions = session_factory(engine)
    scanner = PlaceNotices(sessions, "https://zw.tianzhu.example")
    await scanner.scan()  # the first scan sets the mark
    await asyncio.sleep(0.01)
    async with sessions() as session:
        session.add(
            PovertyAllocation(
                year=2026,
                region_code=VILLAGE,
                amount=Decimal("120.5000"),
                document_number="天扶贫发〔2026〕1号",
                purpose="产业扶持",
                status="published",
                published_at=utcnow(),
            )
        )
        await session.commit()
    wall, cpu = time.perf_counter(), time.process_time()
    queued = await scanner.scan(utcnow() + SETTLE + timedelta(seconds=1))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await engine.dispose()
    return queued, wall, cpu


async def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        return await JobQueue(session_factory(engine)).counts()
    finally:
        await engine.dispose()


def run(
    echo: Callable[[str], None],
    *,
    followers: int,
    workers: int,
    rate: float,
    latency: float,
    busy: float,
    silent: float,
    kill_at: float,
    database_url: str | None,
    timeout: float,
) -> dict[str, Any]:
    """Run the benchmark; the figures (also printed, the last line as JSON)."""
    openids = [f"oBench{i:022d}" for i in range(followers)]
    closed = set(openids[:: max(1, round(1 / silent))]) if silent > 0 else set()
    with tempfile.TemporaryDirectory(prefix="zwbot-bench-notify-") as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        asyncio.run(_prepare(url, openids))
        queued, fan_wall, fan_cpu = asyncio.run(_publish_and_scan(url))
        echo(f"fan-out: {queued} notices queued in {fan_wall:.2f} s ({fan_cpu:.2f} s CPU)")
        api = FakeWeChatApi(
            app_id=APP_ID,
            app_secret=SECRET,
            cs_quota=10**9,
            latency=latency,
            fault_rates={-1: busy} if busy else {},
        )
        api.silent_users.update(closed)
        context = multiprocessing.get_context("spawn")
        with api.serve() as base:
            processes = [
                context.Process(
                    target=_worker_process, args=(url, base, f"bench-{i}", rate / workers)
                )
                for i in range(workers)
            ]
            started = time.perf_counter()
            for process in processes:
                process.start()
            depth: list[tuple[float, int]] = []
            killed_at = quota_at = None
            while True:
                time.sleep(0.5)
                counts = asyncio.run(_counts(url))
                waiting = counts["queued"] + counts["claimed"] + counts["sending"]
                elapsed = time.perf_counter() - started
                depth.append((round(elapsed, 1), waiting))
                settled = queued - waiting
                if killed_at is None and settled >= kill_at * queued:
                    os.kill(processes[0].pid or 0, signal.SIGKILL)  # no clean-up at all
                    killed_at = [round(elapsed, 1), waiting, counts["claimed"], counts["sending"]]
                if quota_at is None and settled >= 0.6 * queued:
                    api.fail(SEND, 45009)  # the daily quota: the workers pause till "midnight"
                    quota_at = round(elapsed, 1)
                if waiting == 0 or elapsed > timeout:
                    break
            drain = time.perf_counter() - started
            for process in processes:
                if process.is_alive():
                    process.terminate()
                process.join(10)
        counts = asyncio.run(_counts(url))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    sent = Counter(message.touser for message in api.sent if message.path == SEND)
    reachable = set(openids) - closed
    delivered = len(sent)
    figures: dict[str, Any] = {
        "followers": followers,
        "workers": workers,
        "configured_rate_per_s": rate,
        "api_latency_s": latency,
        "busy_error_rate": busy,
        "window_closed": len(closed),
        "fanout_s": round(fan_wall, 2),
        "fanout_cpu_s": round(fan_cpu, 2),
        "drain_s": round(drain, 1),
        "sends_per_s": round(delivered / drain, 1),
        "delivered": delivered,
        "duplicates": sum(count - 1 for count in sent.values()),
        "lost_reachable": len(reachable - set(sent)),
        "unreached": counts["unreached"],
        "dead_ambiguous": counts["dead"],
        "still_waiting": counts["queued"] + counts["claimed"] + counts["sending"],
        "max_depth": max((d for _, d in depth), default=0),
        "killed_worker_at": killed_at,
        "quota_refusal_at_s": quota_at,
        "quota_reset_simulated_after_s": QUOTA_RESET_SECONDS,
        "worker_cpu_s": round(children.ru_utime + children.ru_stime, 1),
        "worker_cpu_ms_per_send": round(
            1000 * (children.ru_utime + children.ru_stime) / max(1, delivered), 2
        ),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
    }
    step = max(1, len(depth) // 12)
    echo("queue depth (s, waiting): " + ", ".join(f"{t}:{d}" for t, d in depth[::step]))
    if killed_at:
        echo(
            f"worker 0 killed (SIGKILL) at {killed_at[0]} s with {killed_at[1]} waiting "
            f"({killed_at[2]} claimed, {killed_at[3]} being sent)"
        )
    echo(
        f"{delivered} sent in {drain:.1f} s = {figures['sends_per_s']}/s "
        f"(configured {rate}/s); duplicates {figures['duplicates']}, "
        f"lost among reachable {figures['lost_reachable']}, unreached {counts['unreached']}, "
        f"dead (ambiguous) {counts['dead']}; workers' CPU {figures['worker_cpu_s']} s "
        f"({figures['worker_cpu_ms_per_send']} ms a send; load {figures['load_average_1m']})"
    )
    echo(json.dumps(figures, ensure_ascii=False))
    return figures
