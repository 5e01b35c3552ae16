"""How citizens' questions are answered over the real catalogue: cards, lists, no-matches.

Imports the catalogue CSV into a scratch SQLite database, runs every query of the search
development set through the real `/wechat` webhook in safe mode (in process, one new
follower per query) and prints how often the expected item is the card, is in the list, or
is missed, wrong cards, and the round-trip latency. The last line is one JSON object.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.simulator import Simulator
from bot.wire import WeChatEnvelope
from catalogue.importing.options import published_at_source
from catalogue.importing.runner import import_file
from catalogue.scope import ALL_REGIONS
from handlers.app import create_app
from handlers.db.database import open_database
from handlers.settings import Settings

TOKEN = "bench-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wxbench0000000000"


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    expected: tuple[str, ...]


def read_devset(path: Path) -> list[Query]:
    """`class<TAB>query<TAB>name | name …` rows (comments start with #)."""
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, text, expected, *_ = line.split("\t")
        queries.append(Query(kind, text, tuple(n.strip() for n in expected.split(" | "))))
    return queries


def classify(answer: str, expected: tuple[str, ...]) -> str:
    """card-right, card-wrong, list-hit, list-miss, no-match or other."""
    first = answer.splitlines()[0] if answer else ""
    if first.startswith(("【", "（演示数据）【")):
        return "card-right" if any(f"【{name}】" in first for name in expected) else "card-wrong"
    if first.startswith("找到以下事项"):
        return "list-hit" if any(name in answer for name in expected) else "list-miss"
    if first.startswith(("抱歉", "还是没有", "这个问题")):
        return "no-match"
    return "other"


async def run(csv: Path, devset: Path, echo: Callable[[str], None]) -> dict[str, object]:
    """Import, ask, count; returns the summary printed last."""
    queries = read_devset(devset)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            ZWBOT_ENV="test",
            DATABASE_URL=f"sqlite+aiosqlite:///{folder}/bench.sqlite3",
            WECHAT_TOKEN=TOKEN,
            WECHAT_APP_ID=APP_ID,
            WECHAT_AES_KEY=AES_KEY,
            ZWBOT_RATE_LIMIT_PER_MINUTE=0,
            # the reference file is three other regions' catalogues: answer from all of them
            ZWBOT_HOME_REGION=ALL_REGIONS,
        )
        async with open_database(settings) as (_, sessions), sessions() as session:
            report = await import_file(
                session, "items", csv, publish=True, missing_fields=published_at_source()
            )
            await session.commit()
        if not report.ok:
            raise RuntimeError(f"import failed: {report.errors[:3]}")
        echo(f"imported {csv.name}: {report.rows} rows, {report.published} published")
        app = create_app(settings)
        outcomes: Counter[str] = Counter()
        by_kind: dict[str, Counter[str]] = {}
        latencies: list[float] = []
        envelope = WeChatEnvelope(TOKEN, APP_ID, AES_KEY)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                for query in queries:
                    citizen = Simulator(
                        "http://bench/wechat",
                        envelope,
                        mode="safe",
                        openid=f"o_bench_{secrets.token_hex(6)}",
                        http=http,
                    )
                    started = time.perf_counter()
                    exchange = await citizen.say(query.text)
                    latencies.append(time.perf_counter() - started)
                    outcome = classify(exchange.describe(), query.expected)
                    outcomes[outcome] += 1
                    by_kind.setdefault(query.kind, Counter())[outcome] += 1
    latencies.sort()
    total = len(queries)
    answered = outcomes["card-right"] + outcomes["list-hit"]
    for kind, counts in sorted(by_kind.items()):
        echo(f"{kind:>10}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    summary: dict[str, object] = {
        "queries": total,
        "answered_with_expected": answered,
        "answered_share": round(answered / total, 3) if total else 0.0,
        **{
            k.replace("-", "_"): outcomes[k]
            for k in ("card-right", "card-wrong", "list-hit", "list-miss", "no-match", "other")
        },
        "p50_ms": round(latencies[total // 2] * 1000, 1) if total else 0.0,
        "p95_ms": round(latencies[int(total * 0.95)] * 1000, 1) if total else 0.0,
        "max_ms": round(latencies[-1] * 1000, 1) if total else 0.0,
    }
    echo(
        f"expected item answered {answered}/{total} (cards right {outcomes['card-right']}, "
        f"wrong {outcomes['card-wrong']}; in lists {outcomes['list-hit']}); "
        f"webhook round trip p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms"
    )
    echo(json.dumps(summary, ensure_ascii=False))
    return summary
