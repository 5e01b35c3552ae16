"""`zwbot bench conversations`: the conversation test set played through the real webhook.

A scratch SQLite database gets the demo catalogue (as `zwbot demo` loads it); the app runs in
process with its lifespan, and every conversation is one new follower posting signed,
AES-encrypted callbacks (the project's WeChat simulator in safe mode). Each reply is judged by
`conversation_judge`; a conversation is right only if every turn is. Prints right/wrong per
class, reply times, the failures, and last one JSON object.
"""

from __future__ import annotations

import json
import logging
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.simulator import Exchange, Simulator
from bot.wire import WeChatEnvelope
from catalogue.demo import load_demo, read_demo
from handlers.app import create_app
from handlers.db.database import open_database
from handlers.settings import Settings
from tools.benchmarks.beside_real import Foreign, import_beside, read_foreign
from tools.benchmarks.conversation_judge import Context, judge
from tools.benchmarks.conversation_set import Conversation, Turn

TOKEN = "conversation-bench-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wxconvbench000000"
URL = "http://bench/wechat"


@dataclass(frozen=True, slots=True)
class TurnResult:
    number: int
    turn: Turn
    reply: str
    problems: tuple[str, ...]
    seconds: float


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return all(not t.problems for t in self.turns)


def bench_settings(folder: Path) -> Settings:
    """Settings of the scratch app: safe mode, SQLite in `folder`, no rate limit in the way."""
    values: dict[str, Any] = {
        "ZWBOT_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/conversations.sqlite3",
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_AES_KEY": AES_KEY,
        "PUBLIC_BASE_URL": "https://zw.tianzhu.example",
        "ZWBOT_HASH_KEY": "conversation-bench-hash-key",
        "ZWBOT_RATE_LIMIT_PER_MINUTE": 100_000,
    }
    return Settings(**values)


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a bench database holds: in words, and what of it the county must never show
    (with the real file beside the demo)."""

    text: str
    foreign: Foreign | None = None


async def prepare_database(settings: Settings, beside: Path | None = None) -> Loaded:
    """Load the demo into the settings' fresh database and, given `beside`, the real file as
    other regions' published catalogues (`beside_real`)."""
    async with open_database(settings) as (_, sessions):
        async with sessions() as session:
            await load_demo(session)
            await session.commit()
            if beside is None:
                return Loaded("the demo catalogue")
            imported = await import_beside(session, beside)
        async with sessions() as session:
            foreign = await read_foreign(session)
    published = f"{imported.published} items of {beside.name} published beside it"
    return Loaded(f"the demo catalogue, {published}", foreign)


@asynccontextmanager
async def demo_webhook(
    beside: Path | None = None, said: Callable[[Loaded], None] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the running app over a fresh demo database (with the real file
    `beside` it, see `beside_real`); `said` hears what was loaded."""
    with tempfile.TemporaryDirectory() as folder:
        settings = bench_settings(Path(folder))
        loaded = await prepare_database(settings, beside)
        if said:
            said(loaded)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                yield http


async def _act(citizen: Simulator, turn: Turn) -> Exchange:
    if turn.action == "say":
        return await citizen.say(turn.value)
    if turn.action == "voice":
        return await citizen.voice(turn.value)
    if turn.action == "click":
        return await citizen.click(turn.value)
    if turn.value == "subscribe":
        return await citizen.subscribe()
    return await citizen.unsubscribe()


def _reply_text(exchange: Exchange) -> str:
    """What the citizen sees; nothing when the server answered with an empty body."""
    if exchange.status < 400 and exchange.body.strip() in ("", "success"):
        return ""
    return exchange.describe()


async def play(
    http: httpx.AsyncClient,
    conversation: Conversation,
    names: frozenset[str],
    number: int,
    foreign: Foreign | None = None,
) -> ConversationResult:
    """One conversation by one new follower; every turn judged (and, given `foreign`, every
    reply that shows another region's item, code or department is wrong)."""
    envelope = WeChatEnvelope(TOKEN, APP_ID, AES_KEY)
    citizen = Simulator(URL, envelope, mode="safe", openid=f"o_conv_{number:05d}", http=http)
    context = Context(names)
    result = ConversationResult(conversation)
    for index, turn in enumerate(conversation.turns, start=1):
        started = time.perf_counter()
        exchange = await _act(citizen, turn)
        seconds = time.perf_counter() - started
        reply = _reply_text(exchange)
        spoken = turn.value if turn.action in ("say", "voice") else ""
        problems = judge(turn.expect, reply, context, event=turn.action == "event", said=spoken)
        if foreign is not None:
            problems += foreign.leaks(turn.value, reply)
        if exchange.status != 200:
            problems.insert(0, f"HTTP {exchange.status}")
        result.turns.append(TurnResult(index, turn, reply, tuple(problems), seconds))
    return result


async def play_all(
    conversations: list[Conversation],
    beside: Path | None = None,
    said: Callable[[Loaded], None] | None = None,
) -> list[ConversationResult]:
    """Every conversation on one fresh demo database (with the real file `beside` it, when
    no reply may show any of it), in order; `said` hears what was loaded."""
    names = frozenset(item.name for item in read_demo().items)
    # The figures are the output: the app's and the HTTP client's info logs would bury them.
    logging.disable(logging.INFO)
    try:
        loaded: list[Loaded] = []
        async with demo_webhook(beside, loaded.append) as http:
            if said:
                said(loaded[0])
            foreign = loaded[0].foreign
            return [
                await play(http, c, names, i, foreign) for i, c in enumerate(conversations, start=1)
            ]
    finally:
        logging.disable(logging.NOTSET)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def summarise(results: list[ConversationResult], part: str) -> dict[str, object]:
    """The figures of the last output line."""
    classes: dict[str, list[bool]] = {}
    parts: dict[str, list[bool]] = {}
    for result in results:
        classes.setdefault(result.conversation.kind, []).append(result.right)
        parts.setdefault(result.conversation.part, []).append(result.right)
    seconds = [t.seconds for r in results for t in r.turns]
    right = sum(r.right for r in results)
    return {
        "part": part,
        "conversations": len(results),
        "right": right,
        "overall": round(right / len(results), 3) if results else 0.0,
        "classes": {k: round(sum(v) / len(v), 3) for k, v in sorted(classes.items())},
        "parts": {k: round(sum(v) / len(v), 3) for k, v in sorted(parts.items())},
        "turns": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 1) if seconds else 0.0,
        "p95_ms": round(_percentile(seconds, 0.95) * 1000, 1),
    }


def _indent(text: str) -> str:
    return "\n".join("        " + line for line in (text or "（空）").splitlines())


def report(
    results: list[ConversationResult],
    part: str,
    echo: Callable[[str], None],
    verbose: bool,
    loaded: str = "the demo catalogue",
) -> dict[str, object]:
    """Print per-class figures, the failures (in detail when verbose), then the JSON line;
    `loaded` says what the database held (`prepare_database`)."""
    summary = summarise(results, part)
    summary["loaded"] = loaded
    by_class: dict[str, list[ConversationResult]] = {}
    for result in results:
        by_class.setdefault(result.conversation.kind, []).append(result)
    echo(f"conversations ({part}) on {loaded} through /wechat (safe mode):")
    rows = [(kind, [r.right for r in group]) for kind, group in sorted(by_class.items())]
    rows.append(("overall", [r.right for r in results]))
    for kind, marks in rows:
        right = sum(marks)
        share = right / len(marks) if marks else 0.0
        echo(f"  {kind:<18} right {right:>3}  wrong {len(marks) - right:>3}  ({share:.0%})")
    by_part = summary["parts"]
    if isinstance(by_part, dict) and len(by_part) > 1:
        echo("  by part: " + ", ".join(f"{name} {share:.0%}" for name, share in by_part.items()))
    echo(f"reply time per turn: median {summary['median_ms']} ms, p95 {summary['p95_ms']} ms")
    wrong = sorted(
        (r for r in results if not r.right),
        key=lambda r: (r.conversation.kind, r.conversation.id),
    )
    if wrong and not verbose:
        echo("wrong: " + " ".join(r.conversation.id for r in wrong))
        echo("(--verbose shows each failing turn, what was expected and what came back)")
    for result in wrong if verbose else []:
        conversation = result.conversation
        echo(f"\n✗ {conversation.id} [{conversation.part}]")
        for turn in result.turns:
            mark = "✗" if turn.problems else "✓"
            echo(f"  {mark} {turn.number}. {turn.turn.describe()}")
            if turn.problems:
                expected = json.dumps(turn.turn.expect, ensure_ascii=False)
                echo(f"      expected {expected}")
                echo(f"      problems: {'; '.join(turn.problems)}")
                echo("      reply:")
                echo(_indent(turn.reply))
    echo(json.dumps(summary, ensure_ascii=False))
    return summary
