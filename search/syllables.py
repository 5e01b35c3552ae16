"""Pinyin: readings of hanzi, splitting typed pinyin into syllables, homophone-tolerant keys."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import pairwise, product
from typing import NamedTuple

from search.normalise import is_hanzi

# A position of a text in pinyin: the toneless readings it may have (several for 还, 行, 重…).
Position = tuple[str, ...]

_MAX_COMBINATIONS = 8  # readings combined per bigram of two polyphones


class _Pinyin(NamedTuple):
    """pypinyin's dictionaries and the syllables they spell."""

    readings: dict[int, str]  # code point → its readings with tones, comma-separated
    phrases: dict[str, list[list[str]]]  # phrase → the reading of each character
    syllables: frozenset[str]  # every toneless syllable
    longest: int  # letters of the longest syllable


@cache
def _pinyin() -> _Pinyin:
    """pypinyin, loaded at first use: importing it reads its phrase dictionary (about 0.2 s of
    CPU), which processes that never search (the CLI, a worker before its index is built)
    should not pay. The application's start builds the index, which loads it."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    syllables = frozenset(
        _toneless(reading) for readings in pinyin_dict.values() for reading in readings.split(",")
    ) - {"ê", "m", "n", "ng", "hm", "hng", "r"}
    return _Pinyin(pinyin_dict, phrases_dict, syllables, max(len(s) for s in syllables))


def preload() -> None:
    """Load pypinyin's dictionaries now rather than at the first index or query: a process
    that forks workers (`zwbot serve --workers N`) pays it once for all of them."""
    _pinyin()
    _toneless("zhōng")


@lru_cache(maxsize=8192)
def _toneless(reading: str) -> str:
    from pypinyin.contrib.tone_convert import to_normal  # see _pinyin: loaded at first use

    return to_normal(reading, v_to_u=False).replace("ü", "v")


_FUZZY_RULES = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_LETTERS = re.compile(r"[a-z]+|[0-9]+")
_LATIN_DIGITS_RE = re.compile(r"([a-z0-9]+)")  # kept by split: runs of latin and digits
_SPOKEN_PIECE_RE = re.compile(r"[a-z]+|[0-9]+|[^a-z0-9]")  # a syllable run, digits, a char


@lru_cache(maxsize=4096)
def fuzzy(syllable: str) -> str:
    """Collapse the confusions of dialect speakers: zh/z, ch/c, sh/s, -ing/-in, -eng/-en, ü/u."""
    for long, short in _FUZZY_RULES:
        if syllable.startswith(long):
            syllable = short + syllable[2:]
            break
    if syllable.endswith(("ing", "eng")):
        syllable = syllable[:-1]
    return syllable.replace("v", "u")


@lru_cache(maxsize=32768)
def readings(char: str) -> Position:
    """Every fuzzy reading of one hanzi, most common first; the character itself otherwise."""
    raw = _pinyin().readings.get(ord(char))
    if raw is None:
        return (char,)
    found: list[str] = []
    for reading in raw.split(","):
        key = fuzzy(_toneless(reading))
        if key not in found:
            found.append(key)
    return tuple(found)


@lru_cache(maxsize=8192)
def segment(letters: str) -> tuple[str, ...] | None:
    """Split typed pinyin into syllables (fewest syllables, few vowel-initial ones); None if
    the letters are not pinyin."""
    syllables, longest = _pinyin().syllables, _pinyin().longest
    size = len(letters)
    best: list[tuple[float, tuple[str, ...]] | None] = [None] * (size + 1)
    best[0] = (0.0, ())
    for start in range(size):
        here = best[start]
        if here is None:
            continue
        for end in range(start + 1, min(size, start + longest) + 1):
            piece = letters[start:end]
            if piece not in syllables:
                continue
            cost = here[0] + 1.0 + (0.6 if start and piece[0] in "aoe" else 0.0)
            there = best[end]
            if there is None or cost < there[0]:
                best[end] = (cost, (*here[1], piece))
    final = best[size]
    return final[1] if final else None


def positions(words: Iterable[str]) -> list[Position]:
    """The pinyin positions of normalised words: hanzi with all readings, typed pinyin split
    into syllables, digits and non-pinyin letters kept as literal positions."""
    found: list[Position] = []
    for word in words:
        for char_run in _LATIN_DIGITS_RE.split(word):
            if not char_run:
                continue
            if char_run[0].isascii():
                for piece in _LETTERS.findall(char_run):
                    syllables = segment(piece) if piece.isalpha() else None
                    if syllables:
                        found.extend((fuzzy(s),) for s in syllables)
                    else:
                        found.append((piece,))
            else:
                found.extend(readings(char) for char in char_run if is_hanzi(char))
    return found


_TOKENS: dict[str, str] = {}  # one string object per distinct token, shared by every entry


def bigrams(found: Sequence[Position]) -> set[str]:
    """Tokens of adjacent positions, every reading combination (bounded)."""
    tokens: set[str] = set()
    shared = _TOKENS.setdefault
    for left, right in pairwise(found):
        if len(left) == 1 and len(right) == 1:  # most characters have one reading
            token = f"{left[0]} {right[0]}"
            tokens.add(shared(token, token))
            continue
        for count, (a, b) in enumerate(product(left, right)):
            if count >= _MAX_COMBINATIONS:
                break
            token = f"{a} {b}"
            tokens.add(shared(token, token))
    return tokens


def _in_phrase(text: str, at: int) -> str | None:
    """The reading of the polyphone at `at` given by a two-character phrase around it."""
    phrases = _pinyin().phrases
    right = phrases.get(text[at : at + 2]) if at + 1 < len(text) else None
    if right:
        return fuzzy(_toneless(right[0][0]))
    left = phrases.get(text[at - 1 : at + 1]) if at else None
    if left and len(left) > 1:
        return fuzzy(_toneless(left[1][0]))
    return None


@lru_cache(maxsize=65536)
def spoken(text: str) -> tuple[str, ...]:
    """The most likely reading of a normalised text as fuzzy syllables: the most common
    reading of each hanzi, a two-character phrase deciding for polyphones (银行 → yin hang);
    typed pinyin split into syllables; digits and other letters as they are."""
    out: list[str] = []
    for match in _SPOKEN_PIECE_RE.finditer(text):
        piece, at = match.group(), match.start()
        if piece.isascii():
            syllables = segment(piece) if piece.isalpha() else None
            if syllables:
                out.extend(fuzzy(s) for s in syllables)
            else:
                out.append(piece)
        elif is_hanzi(piece):
            options = readings(piece)
            out.append(options[0] if len(options) == 1 else _in_phrase(text, at) or options[0])
    return tuple(out)


def initials(text: str) -> str:
    """First letters of the most likely reading of a normalised text (`临时救助` → `lsjz`)."""
    return "".join(s[0] for s in spoken(text) if s and s[0].isalpha())


_CODES: dict[str, str] = {}
# An index is built in a worker thread (`asyncio.to_thread`) while queries are answered: two
# threads meeting new syllables at once must not both take the code numbered len(_CODES).
_NEW_CODE = threading.Lock()


def encode(syllables: Iterable[str]) -> str:
    """One private-use character per syllable, so that string similarity works on syllables."""
    chars = []
    for syllable in syllables:
        char = _CODES.get(syllable)
        if char is None:
            with _NEW_CODE:
                char = _CODES.get(syllable) or chr(0xF0000 + len(_CODES))
                _CODES[syllable] = char
        chars.append(char)
    return "".join(chars)
