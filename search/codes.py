"""County and national codes in any rendering: compact keys for documents and queries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Between letters/digits people type —, -, －, –, 一 (the hanzi "one"), dots or spaces.
_JOINERS = re.compile(r"(?<=[0-9A-Za-z])[\s\-－—–‐_.·一]+(?=[0-9A-Za-z])")
_RUN = re.compile(r"[0-9A-Za-z]+")
_FULL = re.compile(r"^[0-9A-Z]{22}[A-Z]{2}[0-9]{8}$")
_BASIC = re.compile(r"^[A-Z]{2}[0-9]{5}(?:[0-9]{3})?$")
_BASIC_PART = re.compile(r"[A-Z]{2}[0-9]{5}(?:[0-9]{3})?$")
CATEGORIES = frozenset({"XK", "CF", "QZ", "ZS", "GF", "CJ", "QR", "JL", "JD", "QT"})


_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def compact(code: str) -> str:
    """Upper-case letters and digits only: the comparable form of any code rendering."""
    code = code.replace("—", "")
    if not code.isascii():
        code = unicodedata.normalize("NFKC", code)
    return _NOT_ALNUM.sub("", code).upper()


@dataclass(frozen=True, slots=True)
class CodeKeys:
    """The lookup keys of one document code."""

    full: str  # compact 32-character county code, or the compact opaque code
    body: str  # 22-character implementing-body part ("" when not a county code)
    basic: str  # 10-character basic code ("" when not a county code)


def keys_of(code: str) -> CodeKeys:
    """Split a document code into its lookup keys (opaque codes keep only `full`)."""
    full = compact(code)
    if _FULL.match(full) and full[22:24] in CATEGORIES:
        return CodeKeys(full, full[:22], full[22:])
    tail = _BASIC_PART.search(full)
    if tail and len(tail.group()) == 10 and tail.group()[:2] in CATEGORIES:
        return CodeKeys(full, full[: -len(tail.group())], tail.group())
    return CodeKeys(full, "", "")


@dataclass(frozen=True, slots=True)
class CodeQuery:
    """A code-looking piece of a query."""

    text: str  # compact
    kind: str  # "full" | "basic" | "partial" | "body" | "other"


def find_codes(query: str) -> list[CodeQuery]:
    """Code-looking runs of a query (at least five characters with a digit), classified."""
    text = _JOINERS.sub("", unicodedata.normalize("NFKC", query))
    found: list[CodeQuery] = []
    for run in _RUN.findall(text):
        run = run.upper()
        if len(run) < 5 or not any(char.isdigit() for char in run):
            continue
        if _FULL.match(run[:32]) and run[22:24] in CATEGORIES:
            found.append(CodeQuery(run[:32], "full"))
        elif _BASIC.match(run) and run[:2] in CATEGORIES:
            found.append(CodeQuery(run, "basic" if len(run) == 10 else "partial"))
        elif len(run) == 22:
            found.append(CodeQuery(run, "body"))
        else:
            tail = _BASIC_PART.search(run)
            if tail and tail.group()[:2] in CATEGORIES and len(run) > 22:
                found.append(CodeQuery(run, "other"))
                kind = "basic" if len(tail.group()) == 10 else "partial"
                found.append(CodeQuery(tail.group(), kind))
            else:
                found.append(CodeQuery(run, "other"))
    return found
