"""Finding the inventory's key terms in a message: longest first, never overlapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Found:
    """A key term of `label` at text[start:end]."""

    label: str
    term: str
    start: int
    end: int


class TermMatcher:
    """Greedy left-to-right longest match of terms (a term may belong to one label only:
    the first label listing it keeps it)."""

    def __init__(self, terms: Mapping[str, Sequence[str]]) -> None:
        self._label: dict[str, str] = {}
        for label, words in terms.items():
            for word in words:
                if word:
                    self._label.setdefault(word, label)
        # Per first character, the lengths of the terms starting with it (longest first):
        # most characters of a message start no term and cost one dictionary look-up.
        lengths: dict[str, set[int]] = {}
        for word in self._label:
            lengths.setdefault(word[0], set()).add(len(word))
        self._lengths = {c: sorted(n, reverse=True) for c, n in lengths.items()}

    def find(self, text: str) -> list[Found]:
        """The terms in `text`, in order: longer terms first wherever they overlap
        (「了解除绑定」 is 解除绑定, not 了解)."""
        candidates: list[Found] = []
        for start, char in enumerate(text):
            for length in self._lengths.get(char, ()):
                word = text[start : start + length]
                label = self._label.get(word) if len(word) == length else None
                if label is not None:
                    # every term starting here: a shorter one may fill what a longer
                    # overlapping term leaves (「我想问个事」: 想问个事, then 我)
                    candidates.append(Found(label, word, start, start + length))
        if len(candidates) < 2:
            return candidates
        taken = [False] * len(text)
        chosen: list[Found] = []
        for match in sorted(candidates, key=lambda f: (-len(f.term), f.start)):
            if not any(taken[match.start : match.end]):
                chosen.append(match)
                for position in range(match.start, match.end):
                    taken[position] = True
        return sorted(chosen, key=lambda f: f.start)


def without(text: str, found: Sequence[Found]) -> str:
    """The text with the found terms replaced by spaces (single spaces, trimmed)."""
    parts: list[str] = []
    last = 0
    for match in found:
        parts.append(text[last : match.start])
        last = match.end
    parts.append(text[last:])
    return " ".join(" ".join(parts).split())
