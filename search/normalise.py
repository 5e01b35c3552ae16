"""Text normalisation shared by documents and queries: width, script, case, punctuation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

_T2S = opencc.OpenCC("t2s")


def _traditional_chars() -> frozenset[str]:
    # Converting costs ~35 µs a text; most texts have no traditional character at all.
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, target = line.partition("\t")
        if source and source != target.split(" ")[0]:
            chars.add(source)
    return frozenset(chars)


_TRADITIONAL = _traditional_chars()
# Typed pinyin: ü is written v (lüshi = lvshi); tone marks are dropped.
_PINYIN_LETTERS = str.maketrans(
    {
        **dict.fromkeys("üǖǘǚǜÜǕǗǙǛ", "v"),
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěè", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
    }
)

# Everything that is not a letter, digit or CJK ideograph separates words: punctuation of
# both widths, brackets, symbols, emoji, whitespace.
_SEPARATORS = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def is_hanzi(char: str) -> bool:
    """True for a CJK unified ideograph (basic block or extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


@lru_cache(maxsize=65536)
def normalise_words(text: str) -> tuple[str, ...]:
    """NFKC, traditional → simplified, lower case; the runs of letters, digits and hanzi."""
    text = unicodedata.normalize("NFKC", text).translate(_PINYIN_LETTERS)
    if not _TRADITIONAL.isdisjoint(text):
        text = _T2S.convert(text)
    return tuple(word for word in _SEPARATORS.split(text.lower()) if word)


def normalise(text: str) -> str:
    """The comparable form of `text`: its words joined without separators."""
    return "".join(normalise_words(text))


def longest_run(text: str, other: str) -> str:
    """The longest run of `text` that `other` holds as written."""
    best = ""
    for start in range(len(text)):
        end = start + len(best) + 1
        while end <= len(text) and text[start:end] in other:
            best = text[start:end]
            end += 1
    return best
