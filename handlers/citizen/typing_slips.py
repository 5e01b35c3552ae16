"""How a citizen typed the words of an item: a character slipped for another of its sound
(结昏证), or the whole written in pinyin (lin shi shen fen zheng). Both are written again as the
first results' names write them, so the rest of the reading sees the words meant."""

from __future__ import annotations

import re
from functools import lru_cache

from handlers.citizen.searching import Found
from handlers.citizen.understanding.scorer import fold
from search.normalise import is_hanzi
from search.syllables import readings

SOUNDED_FROM = 3  # first results whose names may show how a mistyped character is written
MAX_SOUNDED = 2  # characters of a message written again by their sound


def _fits_between(chars: list[str], i: int, name: str, j: int) -> bool:
    """Whether the name's character j stands where the words' character i does: the same
    characters on both sides (结_证), or, at the words' end, the two before (营业_); one
    side alone is a word of its own (「草原方面」: 方面, not 草原防火)."""
    before = i > 0 and j > 0 and chars[i - 1] == name[j - 1]
    if i + 1 == len(chars):
        return before and i > 1 and j > 1 and chars[i - 2] == name[j - 2]
    return before and j + 1 < len(name) and chars[i + 1] == name[j + 1]


def as_named(query: str, found: list[Found]) -> str:
    """The words with a character typed for another of the same sound written as a first
    result's name writes it, between characters both share (「结昏证弄丢了」 → 结婚证: 昏 and
    婚 are both hun, between 结 and 证); the words unchanged when there is none."""
    chars = list(query)
    changed = 0
    for result in found[:SOUNDED_FROM]:
        name = result.item.name
        for i, char in enumerate(chars):
            if changed >= MAX_SOUNDED or not is_hanzi(char) or char in name:
                continue
            sounds = set(readings(char))
            for j, other in enumerate(name):
                if other == char or not sounds & set(readings(other)):
                    continue
                if _fits_between(chars, i, name, j):
                    chars[i] = other
                    changed += 1
                    break
    return "".join(chars)


def typed_in_pinyin(words: str) -> bool:
    """Whether the words hold a run of letters (pinyin, spaces between syllables or not)."""
    return _LETTERS.search(fold(words)) is not None


MIN_LETTERS = 4
_LETTERS = re.compile(f"[a-z]{{{MIN_LETTERS},}}")
MAX_WRITTEN = 12  # characters of a name's run looked at for the letters typed


@lru_cache(maxsize=4096)
def _sounds(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin  # its dictionaries load at first use, not at import

    return tuple(pinyin(char, style=Style.NORMAL, heteronym=True)[0]) if is_hanzi(char) else ()


def _spelled_runs(text: str, letters: str) -> list[str]:
    """The runs of `text` (at most MAX_WRITTEN characters) whose characters, each by one of
    its readings, spell the whole of `letters`, by start, then by end: each start follows
    the places in the letters its characters can have reached, so no run is spelled twice."""
    runs = []
    for start in range(len(text)):
        reached = {0}
        for end in range(start, min(len(text), start + MAX_WRITTEN)):
            sounds = _sounds(text[end])
            reached = {
                at + len(sound)
                for at in reached
                for sound in sounds
                if letters.startswith(sound, at)
            }
            if len(letters) in reached:
                runs.append(text[start : end + 1])
                reached.discard(len(letters))
            if not reached:
                break
    return runs


def written_as_named(words: str, found: list[Found]) -> str:
    """The words with each run of letters written as the run of a first result's name,
    keyword or alias it spells, the longest (「lin shi shen fen zheng」 → 临时身份证,
    「jiehun登记」 → 结婚登记); '' when no run is spelled."""
    folded = fold(words)
    written, changed = folded, False
    for letters in _LETTERS.findall(folded):
        run = _spelled_by(letters, found)
        if run:
            written, changed = written.replace(letters, run, 1), True
    return written if changed else ""


def _spelled_by(letters: str, found: list[Found]) -> str:
    best = ""
    for result in found[:SOUNDED_FROM]:
        item = result.item
        for text in (item.name, *item.keywords, *item.aliases):
            for run in _spelled_runs(str(text), letters):
                if len(run) > len(best):
                    best = run
    return best
