"""Rows of a directory that are not items: news headlines, notices and slogans.

Published directories sometimes carry a website's news and notices as if they were services
(「…图书馆召开…座谈会」, 「美术馆图片新闻」). Such a row is left out of an import with its reason;
it is never an item a citizen can apply for. The markers are data (`non_items.json`): an item
name says what is done (it ends in 「审批」「登记」「查询」…, or starts 「对…」「查询…」), a
headline
reports that something happened, a notice names a section of a website. Rows typed as powers
(许可, 处罚 …) are legal powers of a 权责清单, not a website's pages, and are not asked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MARKERS_FILE = Path(__file__).resolve().parent / "non_items.json"


@dataclass(frozen=True)
class Markers:
    """The phrases that decide (see `non_items.json`)."""

    item_endings: tuple[str, ...]
    item_beginnings: tuple[str, ...]
    headline_phrases: tuple[str, ...]
    notice_endings: tuple[str, ...]
    sentence_marks: tuple[str, ...]


@lru_cache(maxsize=1)
def markers() -> Markers:
    """The shipped markers."""
    data = json.loads(MARKERS_FILE.read_text(encoding="utf-8"))
    return Markers(
        *(
            tuple(data[key])
            for key in (
                "item_endings",
                "item_beginnings",
                "headline_phrases",
                "notice_endings",
                "sentence_marks",
            )
        )
    )


_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")


def _forms(name: str) -> tuple[str, str]:
    """The name without spaces, and without its bracketed qualifiers (（县级）, (含报名))."""
    text = "".join(name.split())
    return text, _BRACKETED.sub("", text)


def non_item_reason(name: str, found: Markers | None = None) -> str | None:
    """Why a service row called `name` is not a service (in Chinese, for the import report),
    or None. Only service rows are asked: a power row names a legal power."""
    m = found or markers()
    full, text = _forms(name)
    if not text:
        return None
    for form in (text, full.rstrip(")）")):
        if form.endswith(m.item_endings) or form.startswith(m.item_beginnings):
            return None
    for phrase in m.headline_phrases:
        if phrase in text:
            return f"像是新闻标题（含「{phrase}」），不是办事事项"
    for ending in sorted(m.notice_endings, key=len, reverse=True):
        if text.endswith(ending):
            return f"像是网站栏目或公告（以「{ending}」结尾），不是办事事项"
    for mark in m.sentence_marks:
        if mark in text:
            return f"是一句话而不是事项名称（含「{mark}」）"
    return None
