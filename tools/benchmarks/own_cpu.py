"""zwbot's own CPU per citizen message, measured in process (a script, never a test).

The production app (PostgreSQL, Redis, production settings with fresh secrets) is started in
this process and fed the load benchmark's Zipf workload as WeChat delivers it: signed and
AES-encrypted, through the real `/wechat` webhook (an ASGI call, no HTTP socket), `--flight`
messages in flight. The deliveries are built before the clock starts and the replies decrypted
after it stops, so `time.process_time` over the measured messages is the server's own CPU
(search, the watchers' background queries and the event loop included), and the search part
is read from zwbot's own counter. On a shared 2-core machine wall time and sampling profilers
mislead; process CPU time is what this measures.

    python tools/benchmarks/own_cpu.py --messages 2000 [--profile out.prof] [--replies out.tsv]
        [--database-url postgresql+asyncpg://…] [--no-cache]

Without `--database-url` a scratch database gets the catalogue (as `zwbot bench load` does)
and is dropped at the end; pass `--keep-database` to print its URL and keep it for the next
runs. `--replies` writes every measured message and its decrypted answer (to compare code
versions). Run it with a copy of other code first on `PYTHONPATH` to measure that code."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import os
import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: the code under test may come first
    sys.path.append(str(ROOT))

from bot.wire import WeChatEnvelope  # noqa: E402
from tools.benchmarks.load import (  # noqa: E402
    Options,
    create_database,
    drop_database,
    server_environment,
    workload,
)
from tools.benchmarks.load_client import (  # noqa: E402
    MESSAGES_PER_OPENID,
    Target,
    openid_of,
    text_xml,
)
from tools.fakes.wechat_api import FakeWeChatApi  # noqa: E402

# This checkout's files, also when a copy of other code comes first on PYTHONPATH.
CSV = ROOT.parent / "shared" / "data" / "service_items.csv"
DEVSET = ROOT / "tests" / "search" / "devset.tsv"


def _environment(
    options: Options,
    database_url: str,
    api: FakeWeChatApi,
    api_base: str,
    folder: Path,
    cache: bool,
) -> None:
    """The load benchmark's server settings, in this process (no Prometheus folder: one
    process needs none)."""
    os.environ.update(server_environment(options, database_url, api, api_base, folder))
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if not cache:
        os.environ["ZWBOT_SEARCH_CACHE_SIZE"] = "0"


async def _post(app: Any, target: str, body: bytes) -> bytes:
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"content-type", b"text/xml"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    parts: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(parts)


def _plan(
    queries: Any, count: int, flight: int, seed: str, tag: str
) -> list[list[tuple[str, str]]]:
    """Per simulated citizen, its messages in order: (openid, text). The texts depend only on
    `seed`; the openids are the run's own (`tag`), so no state is left from an earlier run."""
    asks = random.Random(seed)
    users: list[list[tuple[str, str]]] = [[] for _ in range(flight)]
    for n in range(count):
        user = n % flight
        sent = len(users[user])
        openid = openid_of(user, sent // MESSAGES_PER_OPENID, tag)
        users[user].append((openid, queries.draw(asks)))
    return users


def _build(
    target: Target, plan: list[list[tuple[str, str]]], msg_ids: list[int]
) -> list[list[tuple[str, bytes]]]:
    """The signed, encrypted deliveries of `plan` (built before the clock starts)."""
    return [
        [
            target.delivery(text_xml(text, openid, msg_ids.pop(), target.account))
            for openid, text in user
        ]
        for user in plan
    ]


async def _drive(app: Any, built: list[list[tuple[str, bytes]]]) -> list[list[bytes]]:
    answers: list[list[bytes]] = [[] for _ in built]

    async def citizen(index: int) -> None:
        for path, body in built[index]:
            answers[index].append(await _post(app, path, body))

    await asyncio.gather(*(citizen(i) for i in range(len(built))))
    return answers


def _search_cpu() -> float:
    from handlers.observability import metrics

    return float(metrics.SEARCH_CPU._value.get())


async def run(args: argparse.Namespace) -> None:
    from handlers.app import create_app
    from handlers.settings import Settings

    options = Options(pool=args.pool, zipf=args.zipf, csv=CSV, queries=DEVSET)
    queries = workload(options, lambda line: print(line, file=sys.stderr))
    created = args.database_url is None
    url = args.database_url or await create_database(
        options.pg_admin_url, options.csv, lambda line: print(line, file=sys.stderr)
    )
    api = FakeWeChatApi(app_secret=secrets.token_urlsafe(24), cs_quota=10**9)
    try:
        with contextlib.ExitStack() as stack:
            import tempfile

            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="zwbot-cpu-")))
            api_base = stack.enter_context(api.serve())
            _environment(options, url, api, api_base, folder, not args.no_cache)
            app = create_app(Settings(), migrate=created)
            envelope = WeChatEnvelope(
                os.environ["WECHAT_TOKEN"],
                os.environ["WECHAT_APP_ID"],
                os.environ["WECHAT_AES_KEY"],
            )
            target = Target("http://127.0.0.1:8000/wechat", envelope)
            first = 10**12 + random.randrange(10**9)
            msg_ids = list(range(first + args.warmup + args.messages, first, -1))
            async with app.router.lifespan_context(app):
                run_id = secrets.token_hex(2)
                warm = _plan(queries, args.warmup, args.flight, f"w{run_id}", f"w{run_id}")
                await _drive(app, _build(target, warm, msg_ids))
                plan = _plan(queries, args.messages, args.flight, args.seed, f"m{run_id}")
                built = _build(target, plan, msg_ids)
                await asyncio.sleep(0.5)
                if args.idle:
                    idle0 = time.process_time()
                    await asyncio.sleep(args.idle)
                    idle = time.process_time() - idle0
                    print(f"idle: {idle / args.idle * 1000:.1f} ms of CPU per second")
                statements: dict[str, int] = {}
                if args.sql:
                    from sqlalchemy import event
                    from sqlalchemy.engine import Engine

                    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
                        key = " ".join(statement.split())[:90]
                        statements[key] = statements.get(key, 0) + 1

                    event.listen(Engine, "before_cursor_execute", count)
                gc.collect()
                profiler = cProfile.Profile(time.process_time) if args.profile else None
                search0, cpu0, wall0 = _search_cpu(), time.process_time(), time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                answers = await _drive(app, built)
                if profiler is not None:
                    profiler.disable()
                cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
                search = _search_cpu() - search0
            if profiler is not None:
                profiler.dump_stats(args.profile)
            for key, times in sorted(statements.items(), key=lambda kv: -kv[1]):
                print(f"{times:6d}  {key}")
            n = args.messages
            print(
                f"messages {n}  cpu/msg {cpu / n * 1000:.3f} ms  search {search / n * 1000:.3f} ms"
                f"  own {(cpu - search) / n * 1000:.3f} ms  wall/msg {wall / n * 1000:.3f} ms"
                f"  load {os.getloadavg()[0]:.1f}"
            )
            if args.replies:
                with open(args.replies, "w", encoding="utf-8") as out:
                    for index, (user, replies) in enumerate(zip(plan, answers, strict=True)):
                        for (_, text), body in zip(user, replies, strict=True):
                            reply = target.reply_text(body).replace("\n", "⏎")
                            out.write(f"{index}\t{text}\t{reply}\n")
    finally:
        if created and not args.keep_database:
            await drop_database(options.pg_admin_url, url)
        elif created:
            print(f"database kept: {url}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--flight", type=int, default=10)
    parser.add_argument("--pool", type=int, default=20_000)
    parser.add_argument("--zipf", type=float, default=1.0)
    parser.add_argument("--seed", default="m001")
    parser.add_argument("--database-url")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--profile")
    parser.add_argument("--replies")
    parser.add_argument("--sql", action="store_true", help="count the SQL statements run")
    parser.add_argument(
        "--idle",
        type=float,
        default=0.0,
        help="also measure the CPU of this many seconds without messages",
    )
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
