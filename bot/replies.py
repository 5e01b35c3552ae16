"""Replies a handler returns (text, one-article news) and the 2048-byte text splitting rule."""

from __future__ import annotations

from dataclasses import dataclass

# WeChat cuts passive and customer-service text replies beyond 2048 bytes of UTF-8.
TEXT_LIMIT_BYTES = 2048
MORE_COMMAND = "更多"
MORE_HINT = "\n（内容较长，回复“更多”查看下一部分）"


@dataclass(frozen=True, slots=True)
class Article:
    """One news card: title, short description, link and optional picture."""

    title: str
    description: str = ""
    url: str = ""
    pic_url: str = ""


@dataclass(frozen=True, slots=True)
class TextReply:
    content: str


@dataclass(frozen=True, slots=True)
class NewsReply:
    """A news reply; WeChat shows only one article in passive replies since 2018."""

    article: Article


Reply = TextReply | NewsReply
HandlerResult = Reply | Article | str | None


def text(content: str) -> TextReply:
    """A text reply (split automatically when longer than 2048 bytes)."""
    return TextReply(content)


def news(title: str, description: str = "", url: str = "", pic_url: str = "") -> NewsReply:
    """A news reply with exactly one article."""
    return NewsReply(Article(title, description, url, pic_url))


def as_reply(result: object) -> Reply | None:
    """What a handler returned, as a `Reply` (`str` → text, `Article` → news)."""
    if result is None or isinstance(result, TextReply | NewsReply):
        return result
    if isinstance(result, str):
        return TextReply(result) if result else None
    if isinstance(result, Article):
        return NewsReply(result)
    raise TypeError(f"a handler returned {type(result).__name__}; expected str, Reply or Article")


def _utf8_len(value: str) -> int:
    return len(value.encode("utf-8"))


def _cut_long_line(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = _utf8_len(char)
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    if current:
        pieces.append(current)
    return pieces


def split_text(content: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """Parts of at most `limit` UTF-8 bytes, cut at line ends (inside a line only if it must)."""
    if limit < 4:
        raise ValueError("limit must hold at least one UTF-8 character")
    if _utf8_len(content) <= limit:
        return [content]
    parts: list[str] = []
    current = ""
    for line in content.splitlines(keepends=True):
        if _utf8_len(current + line) <= limit:
            current += line
            continue
        if current:
            parts.append(current.rstrip("\n"))
            current = ""
        if _utf8_len(line) <= limit:
            current = line
        else:
            *full, current = _cut_long_line(line, limit)
            parts.extend(full)
    if current.strip("\n"):
        parts.append(current.rstrip("\n"))
    return [part for part in parts if part]


def split_for_more(content: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """Parts for the "回复更多" flow: every part but the last carries `MORE_HINT` within `limit`."""
    parts = split_text(content, limit)
    if len(parts) == 1:
        return parts
    parts = split_text(content, limit - _utf8_len(MORE_HINT))
    return [part + MORE_HINT for part in parts[:-1]] + [parts[-1]]
