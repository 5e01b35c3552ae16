"""Judging one reply of a played conversation against its turn's expectations.

The judge reads replies as a citizen sees them (the text of the WeChat message) and knows only
the demo catalogue's item names, so it does not depend on how the bot builds its answers:
a card is a reply led by 【item name】, a list is numbered choices or in-text menu links of
which at least one names an item. The vocabulary is documented in the header of
`tests/conversations/*.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

DEMO_MARK = "（演示数据）"
NOT_FOUND_WORDS = ("没有找到", "没找到")
FAILURE_WORDS = ("系统暂时出了点问题", "系统繁忙", "服务器拒绝了请求", "没有即时回复")
WHICH_WORDS = ("哪一个", "哪个", "哪一项", "序号")
POINTERS = ("人工", "12345", "0935-", "咨询", "电话")

_TITLE = re.compile(r"^【([^】]+)】")
_TAG = re.compile(r"^【[^】]{1,4}】")  # 【暂停】 and similar short tags before a list entry
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.．、)）]\s*(\S.*)$")
_MENU_LINK = re.compile(r"<a\s+href=[\"']weixin://bizmsgmenu\?[^\"']*[\"'][^>]*>(.*?)</a>")
_MARKUP = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_TICKET = re.compile(r"工单(?:号|编号)?\s*[：:]?\s*[A-Za-z]{0,4}\d+")


_QUOTED = re.compile(r"“([^”]*)”")
_UNSAID = re.compile(r"[\s\W_]+")


def without_echo(reply: str, said: str) -> str:
    """The reply without its quotes of the citizen's whole message (「没有找到和“…调整过没
    有”对应的事项」, the message or its start cut with …): words the citizen said are no
    answer, whatever an expectation looks for. A quote of some of them (「没有找到叫“火星村”
    的村」) is the answer's own."""
    if not said:
        return reply
    plain = _UNSAID.sub("", said)

    def echoed(match: re.Match[str]) -> str:
        quoted = match.group(1)
        inner = _UNSAID.sub("", quoted.rstrip("…"))
        whole = inner == plain or (quoted.endswith("…") and plain.startswith(inner))
        return "“”" if inner and whole else match.group(0)

    return _QUOTED.sub(echoed, reply)


@dataclass
class Context:
    """What the judge remembers across the turns of one conversation."""

    names: frozenset[str]
    last_list: dict[int, str] = field(default_factory=dict)
    ticket_seen: bool = False


def _clean(line: str) -> str:
    return _MARKUP.sub("", line).strip()


def _first_line(reply: str) -> str:
    for line in reply.splitlines():
        line = _clean(line)
        if line:
            return line.removeprefix(DEMO_MARK).strip()
    return ""


def item_named(text: str, names: Iterable[str]) -> str | None:
    """The demo item a title or list entry names: the longest name it starts with, or the
    name it starts to spell when shortened with "…"."""
    text = _TAG.sub("", text.removeprefix(DEMO_MARK).strip()).strip().removeprefix("【")
    best: str | None = None
    for name in names:
        if text.startswith(name) and (best is None or len(name) > len(best)):
            best = name
    if best is None and "…" in text:
        head = text.split("…", 1)[0]
        if len(head) >= 6:
            best = next((name for name in sorted(names) if name.startswith(head)), None)
    return best


def card_title(reply: str, names: Iterable[str]) -> str | None:
    """The item name of a card: the first line (after the demo mark) is 【item name】."""
    match = _TITLE.match(_first_line(reply))
    if match is None:
        return None
    title = match.group(1).strip()
    known = set(names)
    if title in known:
        return title
    if title.endswith("…"):
        return next((n for n in sorted(known) if n.startswith(title[:-1])), None)
    return None


def list_entries(reply: str) -> dict[int, str]:
    """The numbered choices, or the in-text menu links numbered in order."""
    links = [_clean(text) for text in _MENU_LINK.findall(reply)]
    if links:
        return dict(enumerate(links, start=1))
    entries: dict[int, str] = {}
    for line in reply.splitlines():
        match = _CHOICE.match(_clean(line))
        if match:
            entries.setdefault(int(match.group(1)), match.group(2).strip())
    return entries


def item_list(reply: str, names: Iterable[str]) -> dict[int, str]:
    """The entries of a list of items, even of one (a choice to tap is not a card); not a
    card's numbered materials, not a list of places or funds."""
    known = list(names)
    if card_title(reply, known) is not None:
        return {}
    entries = list_entries(reply)
    if not any(item_named(entry, known) for entry in entries.values()):
        return {}
    return entries


def amounts_in(reply: str) -> set[Decimal]:
    """Every number written in the reply, thousands separators ignored."""
    found = set()
    for text in _NUMBER.findall(reply):
        try:
            found.add(Decimal(text.replace(",", "")))
        except InvalidOperation:
            continue
    return found


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def judge(
    expect: dict[str, Any], reply: str, context: Context, *, event: bool = False, said: str = ""
) -> list[str]:
    """Why the reply does not meet the expectations (empty when it does); updates `context`.
    What the reply quotes of the message `said` counts for no expected words or amounts."""
    names = context.names
    problems: list[str] = []
    if not reply.strip():
        if not event:
            problems.append("empty reply")
    elif any(word in reply for word in FAILURE_WORDS):
        problems.append("error or no reply")
    title = card_title(reply, names)
    entries = item_list(reply, names)
    previous_list = context.last_list
    if entries:
        context.last_list = entries
    if _TICKET.search(reply):
        context.ticket_seen = True
    missed = any(word in reply for word in NOT_FOUND_WORDS)

    def card_of(text: str) -> bool:
        return title is not None and text in title

    if "card" in expect:
        if not card_of(expect["card"]):
            problems.append(f"card of {expect['card']!r} expected, got {title or 'no card'}")
        elif missed:
            problems.append("says 没有找到 above a right card")
    if "found" in expect:
        wanted = expect["found"]
        if not (card_of(wanted) or any(wanted in entry for entry in entries.values())):
            problems.append(f"{wanted!r} neither the card nor in a list")
        elif missed:
            problems.append("says 没有找到 above a right answer")
    if "pick" in expect:
        number = expect["pick"]
        chosen = item_named(previous_list.get(number, ""), names) if previous_list else None
        if chosen is None:
            problems.append(f"no item numbered {number} in the last list shown")
        elif title is None or not (chosen in title or title in chosen):
            problems.append(f"card of entry {number} ({chosen}) expected, got {title or 'no card'}")
    if "stay" in expect:
        if entries:
            problems.append(f"a list instead of staying on {expect['stay']!r}")
        elif title is not None and expect["stay"] not in title:
            problems.append(f"card of {title!r} instead of {expect['stay']!r}")
    if expect.get("list") and not entries:
        problems.append("a list expected")
    if "list_contains" in expect:
        if not entries:
            problems.append("a list expected")
        missing = [s for s in expect["list_contains"] if not any(s in e for e in entries.values())]
        if entries and missing:
            problems.append(f"list lacks {missing}")
    if expect.get("asks_which") and (title is not None or not any(w in reply for w in WHICH_WORDS)):
        problems.append("should ask which one")
    if expect.get("no_card") and (title is not None or entries):
        problems.append(f"no card or list expected, got {title or 'a list'}")
    reply = without_echo(reply, said)
    missing = [s for s in expect.get("contains", []) if s not in reply]
    if missing:
        problems.append(f"lacks {missing}")
    for key in ("contains_any", "also_any"):
        if key in expect and not any(s in reply for s in expect[key]):
            problems.append(f"lacks any of {expect[key]}")
    present = [s for s in expect.get("not_contains", []) if s in reply]
    if present:
        problems.append(f"must not say {present}")
    if "ordered" in expect:
        places = [reply.find(s) for s in expect["ordered"]]
        if -1 in places:
            problems.append(f"lacks {[s for s in expect['ordered'] if s not in reply]}")
        elif places != sorted(places):
            problems.append(f"not in the order {expect['ordered']}")
    numbers = amounts_in(reply)
    absent = [a for a in expect.get("amounts", []) if _amount(a) not in numbers]
    if absent:
        problems.append(f"amounts {absent} missing")
    wrong = [a for a in expect.get("no_amounts", []) if _amount(a) in numbers]
    if wrong:
        problems.append(f"amounts {wrong} must not appear")
    if expect.get("ticket") and not context.ticket_seen:
        problems.append("no ticket number")
    if expect.get("not_found") and (title is not None or not any(p in reply for p in POINTERS)):
        problems.append("an honest miss with somewhere to ask expected")
    return problems
