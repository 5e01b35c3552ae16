"""Every example the bot tells citizens to type works on the demo catalogue.

The examples are extracted, not listed here: every string literal of the citizen side's modules
(`handlers/citizen/`, docstrings aside) is read with `ast`, and each “quoted” phrase or `· ` bullet
of an example list is an example, unless it is a template (“村名 扶贫 年份”, `{name}`); so are the
typed examples of the 您说 column in docs/citizens.md and every CLICK button of the menu. Each is
asked by a new follower through the real webhook on the demo, and must get an answer: no error,
no "not found" or "nothing published", and not the answer the bot gives to gibberish.

Examples that fail on today's code are listed in KNOWN_FAILURES (strict xfail): when one starts
working, its entry must go.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

import handlers.citizen
from catalogue.demo import read_demo
from handlers.citizen.menu import build_menu, click_keys
from tests.kits.source import string_literals
from tools.benchmarks.conversation_judge import Context, judge
from tools.benchmarks.conversation_set import Conversation, Turn
from tools.benchmarks.conversations import demo_webhook, play

ROOT = Path(__file__).resolve().parents[2]
CITIZEN_SOURCES = sorted(Path(handlers.citizen.__file__).parent.rglob("*.py"))
CITIZEN_DOC = ROOT / "docs" / "citizens.md"
NAMES = frozenset(item.name for item in read_demo().items)

QUOTED = re.compile(r"“([^“”]+)”")
BULLET = re.compile(r"^\s*[·•]\s*(\S.*?)\s*$", re.MULTILINE)
EXAMPLE_LEAD = ("例如", "比如")
# A phrase with a slot to fill in is a template, not something to type as it is.
TEMPLATE = re.compile(r"[{}<>]|村名|年份|部门名|序号|文字")
NON_ANSWERS = ("没有找到", "没找到", "未找到", "答不上来", "还没有公开", "没有公开")
GIBBERISH = "qzxv 乱七八糟"

# Examples that fail today (strict xfail: one that starts working must leave this list).
KNOWN_FAILURES: dict[str, str] = {}


def examples_in(text: str) -> list[str]:
    """The phrases a text offers to type: “quoted” ones, and bullets after 例如/比如."""
    found = [q.strip() for q in QUOTED.findall(text)]
    if any(lead in text for lead in EXAMPLE_LEAD):
        found += BULLET.findall(text)
    return [f for f in found if f and not TEMPLATE.search(f)]


def bot_examples() -> list[str]:
    """Every example phrase in the citizen side's source, in order of first appearance."""
    seen: dict[str, None] = {}
    for path in CITIZEN_SOURCES:
        for _, text in string_literals(path):
            for example in examples_in(text):
                seen.setdefault(example, None)
    return list(seen)


def doc_examples() -> list[str]:
    """The typed examples (`…`) of the 您说 column of docs/citizens.md's tables."""
    seen: dict[str, None] = {}
    in_table = False
    for line in CITIZEN_DOC.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if len(cells) < 4:
            in_table = False
            continue
        if cells[1].strip() == "您说":
            in_table = True
            continue
        if not in_table or set(cells[1].strip()) <= {"-"}:
            continue
        for example in re.findall(r"`([^`]+)`", cells[1]):
            if not TEMPLATE.search(example):
                seen.setdefault(example.strip(), None)
    return list(seen)


def menu_clicks() -> list[str]:
    return click_keys(build_menu("https://zw.tianzhu.example"))


def _cases() -> list[object]:
    cases = [("say", e, e) for e in bot_examples()]
    cases += [("say", e, f"doc: {e}") for e in doc_examples()]
    cases += [("click", key, f"click: {key}") for key in menu_clicks()]
    return [
        pytest.param(
            action,
            value,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name])]
            if name in KNOWN_FAILURES
            else [],
        )
        for action, value, name in cases
    ]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo_http() -> AsyncIterator[httpx.AsyncClient]:
    async with demo_webhook() as http:
        yield http


_asked = iter(range(10_000, 1_000_000))


async def _ask(http: httpx.AsyncClient, action: str, value: str) -> str:
    conversation = Conversation("example", "examples", (Turn(action, value, {}),), "tuning")
    result = await play(http, conversation, NAMES, next(_asked))
    turn = result.turns[0]
    assert not turn.problems, (value, turn.problems, turn.reply)
    return turn.reply


def test_the_extraction_finds_quoted_phrases_and_listed_examples_but_no_templates() -> None:
    text = (
        "您可以问，例如：\n· 开店要什么\n· 村名 扶贫 年份\n回复“人工”或“{said}”，比如“绑定 某村”。"
    )
    assert examples_in(text) == ["人工", "绑定 某村", "开店要什么"]
    assert examples_in("· 不是例子的列表") == []
    assert len(bot_examples()) >= 8
    assert len(doc_examples()) >= 10
    assert menu_clicks()


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("action", "value"), _cases())
async def test_every_example_the_bot_prints_gets_an_answer(
    demo_http: httpx.AsyncClient, action: str, value: str
) -> None:
    fallback = (await _ask(demo_http, "say", GIBBERISH)).replace(GIBBERISH, "")
    reply = await _ask(demo_http, action, value)
    assert reply.strip(), value
    said = [word for word in NON_ANSWERS if word in reply]
    assert not said, f"{value!r} → {reply}"
    assert reply.replace(value, "") != fallback, f"{value!r} gets the answer to gibberish"
    assert judge({}, reply, Context(NAMES)) == []
