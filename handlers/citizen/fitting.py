"""Fitting an answer into one WeChat text: fixed lines shrink, optional lines stop with "more"."""

from __future__ import annotations

from bot.replies import TEXT_LIMIT_BYTES

MIN_LINE = 12  # characters a shortened line keeps at least
ROOM_FOR_DETAILS = 400  # bytes kept free for optional lines when fixed lines are long


def utf8_len(text: str) -> int:
    """Bytes WeChat counts."""
    return len(text.encode("utf-8"))


def _shrink(lines: list[str], keep: set[int], budget: int) -> list[str]:
    lines = list(lines)
    while utf8_len("\n".join(lines)) > budget:
        long_ones = [i for i, line in enumerate(lines) if i not in keep and len(line) > MIN_LINE]
        if not long_ones:
            break
        i = max(long_ones, key=lambda n: utf8_len(lines[n]))
        lines[i] = lines[i][: max(MIN_LINE, len(lines[i]) * 4 // 5) - 1] + "…"
    return lines


def fit(
    head: list[str],
    optional: list[str],
    tail: list[str],
    more: str = "",
    *,
    keep_tail: int = 1,
    limit: int = TEXT_LIMIT_BYTES,
) -> str:
    """Head, as many optional lines as fit (then `more`), and tail, within `limit` bytes.

    Head and tail lines are shortened, longest first, when they alone leave too little room;
    the last `keep_tail` tail lines (the link) are never cut."""
    head = [line for line in head if line]
    tail = [line for line in tail if line]
    fixed = head + tail
    keep = set(range(len(fixed) - keep_tail, len(fixed)))
    reserve = (ROOM_FOR_DETAILS if optional else 0) + utf8_len(more) + 2
    fixed = _shrink(fixed, keep, limit - reserve)
    head, tail = fixed[: len(head)], fixed[len(head) :]
    budget = limit - utf8_len("\n".join(fixed)) - 2
    kept: list[str] = []
    for number, line in enumerate(optional):
        cost = utf8_len(line) + 1
        last = number == len(optional) - 1
        if cost + (0 if last else utf8_len(more) + 1) > budget:
            if more:
                kept.append(more)
            break
        kept.append(line)
        budget -= cost
    return "\n".join(head + kept + tail)
