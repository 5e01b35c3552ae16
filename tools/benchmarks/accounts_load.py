"""`zwbot bench load --accounts N`: one deployment serving N official accounts under load.

A fresh PostgreSQL database gets Tianzhu's demo and the real catalogue (three other regions'
catalogues, loaded as those regions); N accounts are stored as data, their home regions taken
in turn from Tianzhu (620623), Guang'an (511602), Guangzhou (440100) and Karamay (650200),
each with its own appid, token, EncodingAESKey, secret and public base URL. zwbot serves them
with 2 uvicorn workers on PostgreSQL and Redis, each account at `/wechat/<name>`; the
simulated citizens are spread evenly over the accounts, each posting to its account's URL
with its account's keys. Every answer is checked for anything of another region: an item
link of a region outside the account's, a department only other regions have, or another
account's address. Figures per account and in total; the last line is one JSON object."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import string
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.wire import WeChatEnvelope
from catalogue import accounts as registry
from catalogue.models import Department, Item
from catalogue.scope import RegionScope
from handlers.db.database import open_database
from handlers.settings import Settings
from tools.benchmarks.load import (
    Echo,
    Options,
    _free_port,
    create_database,
    drop_database,
    group_cpu_seconds,
    percentile,
    running,
    server_environment,
    wait_ready,
    workload,
)
from tools.benchmarks.load_client import LoadError, Tally, Target, drive
from tools.fakes.wechat_api import FakeWeChatApi

# Tianzhu's demo and the three regions of the real file, in turn.
REGIONS = ("620623", "511602", "440100", "650200")
ITEM_LINK = re.compile(r"/items/([0-9A-Z]{32})")
_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class BenchAccount:
    name: str
    region: str
    app_id: str
    original_id: str
    token: str
    aes_key: str
    secret: str

    @property
    def base_url(self) -> str:
        return f"https://{self.name}.bench.invalid"


def make_accounts(count: int) -> list[BenchAccount]:
    """`count` accounts with fresh random keys, home regions in turn."""
    accounts = []
    for number in range(count):
        accounts.append(
            BenchAccount(
                name=f"acct{number:02d}",
                region=REGIONS[number % len(REGIONS)],
                app_id="wx" + secrets.token_hex(8),
                original_id="gh_" + secrets.token_hex(6),
                token=secrets.token_hex(16),
                aes_key="".join(secrets.choice(_ALPHABET) for _ in range(43)),
                secret=secrets.token_hex(16),
            )
        )
    return accounts


async def store_accounts(
    url: str, accounts: list[BenchAccount], key: str, echo: Echo
) -> dict[str, set[str]]:
    """The accounts in the database; each department's regions (those of its items), for
    the leak check."""
    box = registry.SecretBox(key)
    async with open_database(Settings(DATABASE_URL=url)) as (_, sessions), sessions() as session:
        for account in accounts:
            spec = registry.AccountSpec(
                account.name,
                account.app_id,
                account.original_id,
                account.region,
                account.token,
                account.aes_key,
                account.secret,
                title=f"bench {account.name}",
                public_base_url=account.base_url,
            )
            await registry.add_account(session, spec, box)
        await session.commit()
        rows = await session.execute(
            select(Department.name, Item.region_code).join(Item.department).distinct()
        )
        departments: dict[str, set[str]] = {}
        for name, region in rows:
            departments.setdefault(name, set()).add(region or "")
    echo(f"{len(accounts)} accounts stored over regions {', '.join(REGIONS)}")
    return departments


@dataclass
class LeakCheck:
    """Checks every answer of one account for anything of another region."""

    account: BenchAccount
    others: tuple[str, ...]  # the other accounts' base URLs
    foreign_departments: tuple[str, ...]  # departments with no item in the account's regions
    checked: int = 0
    leaks: int = 0
    samples: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls, account: BenchAccount, accounts: list[BenchAccount], departments: dict[str, set[str]]
    ) -> LeakCheck:
        scope = RegionScope(account.region)
        foreign = tuple(
            sorted(
                name
                for name, regions in departments.items()
                if not any(scope.covers(region) for region in regions)
            )
        )
        others = tuple(a.base_url for a in accounts if a is not account)
        return cls(account, others, foreign)

    def __call__(self, reply: str) -> None:
        self.checked += 1
        scope = RegionScope(self.account.region)
        found = [code for code in ITEM_LINK.findall(reply) if not scope.covers(code[:6])]
        found += [url for url in self.others if url in reply]
        found += [name for name in self.foreign_departments if f"（{name}）" in reply]
        if found:
            self.leaks += 1
            if len(self.samples) < 3:
                self.samples.append(f"{self.account.name}: {found[:3]} in {reply[:120]!r}")


@dataclass
class AccountFigures:
    account: str
    region: str
    users: int
    messages: int
    messages_per_second: float
    p50_ms: float
    p99_ms: float
    deadline_fallbacks: int
    errors: int
    replies_checked: int
    leaks: int
    customer_service_sends: int


def _split(users: int, parts: int) -> list[int]:
    return [users // parts + (1 if n < users % parts else 0) for n in range(parts)]


async def run_accounts(options: Options, count: int, echo: Echo = print) -> dict[str, Any]:
    """The multi-account run; returns (and prints last) the JSON summary."""
    if count < 1 or count > 200:
        raise LoadError("--accounts must be between 1 and 200")
    if options.users < count:
        raise LoadError(f"--users ({options.users}) must be at least --accounts ({count})")
    queries = workload(options, echo)  # drawn Zipf, as in the one-account run
    accounts = make_accounts(count)
    key = registry.new_key()
    database_url = await create_database(options.pg_admin_url, options.csv, echo, demo=True)
    api = FakeWeChatApi(
        cs_quota=10**9,
        app_secret=secrets.token_hex(16),
        other_apps={a.app_id: a.secret for a in accounts},
    )
    result: dict[str, Any] = {"accounts": count, "users": options.users, "workers": options.workers}
    try:
        departments = await store_accounts(database_url, accounts, key, echo)
        checks = [LeakCheck.of(account, accounts, departments) for account in accounts]
        with contextlib.ExitStack() as stack:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="zwbot-bench-")))
            api_base = stack.enter_context(api.serve())
            env = server_environment(options, database_url, api, api_base, folder)
            env["ZWBOT_HOME_REGION"] = REGIONS[0]  # the default account: Tianzhu
            env["ZWBOT_ACCOUNT_KEY"] = key
            port = _free_port()
            zwbot = str(Path(sys.executable).with_name("zwbot"))
            command = [zwbot, "serve", "--host", "127.0.0.1", "--port", str(port)]
            command += ["--workers", str(options.workers)]
            log = folder / "zwbot.log"
            process = stack.enter_context(running(command, env, log))
            started = time.perf_counter()
            await wait_ready(port, "/readyz", process, log, timeout=300)
            echo(
                f"zwbot ready on port {port} ({options.workers} workers, {count} accounts) "
                f"in {time.perf_counter() - started:.1f} s"
            )
            targets = [
                Target(
                    f"http://127.0.0.1:{port}/wechat/{a.name}",
                    WeChatEnvelope(a.token, a.app_id, a.aes_key),
                    a.original_id,
                )
                for a in accounts
            ]
            shares = _split(options.users, count)
            # warm up every account (its region's index and caches in both workers)
            await asyncio.gather(*(drive(t, queries, 2, options.warmup) for t in targets))
            server, client = group_cpu_seconds(process.pid), time.process_time()
            tallies: list[Tally] = await asyncio.gather(
                *(
                    drive(t, queries, users, options.seconds, options.think, check)
                    for t, users, check in zip(targets, shares, checks, strict=True)
                )
            )
            server_cpu = group_cpu_seconds(process.pid) - server
            client_cpu = time.process_time() - client
            await asyncio.sleep(1.0)  # late answers reach the fake API
            sends = Counter(message.app_id for message in api.sent)
            per_account = []
            for account, users, tally, check in zip(accounts, shares, tallies, checks, strict=True):
                figures = AccountFigures(
                    account=account.name,
                    region=account.region,
                    users=users,
                    messages=len(tally.latencies),
                    messages_per_second=round(len(tally.latencies) / options.seconds, 1),
                    p50_ms=round(percentile(tally.latencies, 0.50) * 1000, 1),
                    p99_ms=round(percentile(tally.latencies, 0.99) * 1000, 1),
                    deadline_fallbacks=tally.fallbacks,
                    errors=tally.errors,
                    replies_checked=check.checked,
                    leaks=check.leaks,
                    customer_service_sends=sends.get(account.app_id, 0),
                )
                per_account.append(figures)
                echo(
                    f"  {figures.account} {figures.region} {figures.users:3} users "
                    f"{figures.messages:6} msgs {figures.messages_per_second:6.1f} msg/s  "
                    f"p50 {figures.p50_ms:6.1f} ms  p99 {figures.p99_ms:6.1f} ms  "
                    f"fallbacks {figures.deadline_fallbacks}  errors {figures.errors}  "
                    f"checked {figures.replies_checked}  leaks {figures.leaks}"
                )
                for sample in tally.error_samples[:2] + check.samples:
                    print(f"    {sample}", file=sys.stderr)
            latencies = [latency for tally in tallies for latency in tally.latencies]
            messages = len(latencies)
            total = {
                "messages": messages,
                "messages_per_second": round(messages / options.seconds, 1),
                "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
                "max_ms": round(max(latencies, default=0.0) * 1000, 1),
                "deadline_fallbacks": sum(t.fallbacks for t in tallies),
                "errors": sum(t.errors for t in tallies),
                "replies_checked": sum(c.checked for c in checks),
                "leaks": sum(c.leaks for c in checks),
                "customer_service_sends": len(api.sent),
                "server_cpu_ms_per_message": round(server_cpu * 1000 / max(messages, 1), 3),
                "client_cpu_ms_per_message": round(client_cpu * 1000 / max(messages, 1), 3),
            }
            echo(
                f"total {messages} msgs {total['messages_per_second']} msg/s  "
                f"p50 {total['p50_ms']} ms  p99 {total['p99_ms']} ms  errors {total['errors']}  "
                f"replies checked {total['replies_checked']}  leaks {total['leaks']}  "
                f"server CPU {total['server_cpu_ms_per_message']} ms/msg"
            )
            result["per_account"] = [asdict(f) for f in per_account]
            result["total"] = total
            result["targets"] = {
                "no_cross_account_leak": total["leaks"] == 0 and total["replies_checked"] > 0,
                "zero_errors": total["errors"] == 0,
                "every_account_answered": all(f.messages > 0 for f in per_account),
            }
    finally:
        if not options.keep_database:
            await drop_database(options.pg_admin_url, database_url)
    echo(json.dumps(result, ensure_ascii=False))
    return result
