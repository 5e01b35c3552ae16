"""A nearest-example scorer over character n-grams, built from the phrase inventory at import.

Each example phrase becomes a TF-IDF vector of its character 1–3-grams (with start and end
marks, so 「在吗」 and 「在哪」 differ); a message scores, per label, the best cosine similarity
to one of that label's examples. An inverted index keeps it to a few hundred additions per
message (measured by `tools/benchmarks/understanding_speed.py`).
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

MAX_N = 3
_DROP = frozenset(" ，。？！?!,.、：:；;“”\"'‘’（）()【】[]~～…—-")
_DROPPED = str.maketrans(dict.fromkeys(_DROP))
# Texts folded lately: the same item names, keywords and aliases are folded for many messages
# (each result's, for every search), and one message's words by several checks. A hit costs
# about 0.05 µs against 1.3 µs for folding (Python 3.11, this machine).
FOLDED_TEXTS = 32_768


@lru_cache(maxsize=FOLDED_TEXTS)
def fold(text: str) -> str:
    """NFKC, lower case, without spaces and punctuation: what is compared."""
    flat = unicodedata.normalize("NFKC", text).lower()
    # str.split() splits at exactly the characters str.isspace() is true for.
    return "".join(flat.translate(_DROPPED).split())


def grams(text: str) -> dict[str, int]:
    """Counts of the character 1–3-grams of a folded text, with ^ and $ marking the ends."""
    marked = f"^{text}$"
    counts: dict[str, int] = defaultdict(int)
    for n in range(1, MAX_N + 1):
        for start in range(len(marked) - n + 1):
            gram = marked[start : start + n]
            if gram not in ("^", "$"):
                counts[gram] += 1
    return counts


class Scorer:
    """Best cosine similarity of a message to each label's examples."""

    def __init__(self, examples: Mapping[str, Iterable[str]]) -> None:
        rows: list[tuple[str, dict[str, int]]] = [
            (label, grams(fold(text))) for label, texts in examples.items() for text in texts
        ]
        documents = len(rows) or 1
        frequency: dict[str, int] = defaultdict(int)
        for _, counts in rows:
            for gram in counts:
                frequency[gram] += 1
        self._idf = {g: math.log(1 + documents / f) for g, f in frequency.items()}
        # Unknown n-grams weigh as the rarest known ones: a long unknown tail lowers similarity.
        self._rare = max(self._idf.values(), default=1.0)
        self._labels = [label for label, _ in rows]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, (_, counts) in enumerate(rows):
            vector = self._vector(counts)
            for gram, weight in vector.items():
                self._postings[gram].append((number, weight))

    def _vector(self, counts: Mapping[str, int]) -> dict[str, float]:
        weights = {g: (1 + math.log(c)) * self._idf.get(g, 0.0) for g, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {g: w / norm for g, w in weights.items() if w}

    def scores(self, text: str) -> dict[str, float]:
        """Per label, the best similarity (0–1) of the text to one of its examples."""
        folded = fold(text)
        if not folded:
            return {}
        counts = grams(folded)
        rare = self._rare
        weights = {g: (1 + math.log(c)) * self._idf.get(g, rare) for g, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        totals: dict[int, float] = defaultdict(float)
        for gram, weight in weights.items():
            for number, other in self._postings.get(gram, ()):
                totals[number] += weight / norm * other
        best: dict[str, float] = {}
        for number, total in totals.items():
            label = self._labels[number]
            if total > best.get(label, 0.0):
                best[label] = total
        return best

    def best(self, text: str, labels: Iterable[str] | None = None) -> tuple[str | None, float]:
        """The best label (among `labels` when given) and its score."""
        scores = self.scores(text)
        allowed = set(labels) if labels is not None else None
        candidates = [(s, lab) for lab, s in scores.items() if allowed is None or lab in allowed]
        if not candidates:
            return None, 0.0
        score, label = max(candidates)
        return label, score


NO_CLASS = "none"  # what a message is when no label fits (an item's name, a search)
SMOOTHING = 0.2  # additive smoothing of the n-gram counts per label (chosen by leave-one-out)


class Model:
    """A multinomial naive Bayes classifier over the same character n-grams.

    Where `Scorer` asks which single example a message resembles, this learns which n-grams
    each label's examples share, so a new wording of a known intent that shares words with
    several examples, but much with none, still scores. Trained in a few milliseconds at
    import (counts only); reading a message is one pass over its known n-grams."""

    def __init__(self, examples: Mapping[str, Iterable[str]], smoothing: float = SMOOTHING):
        counts: dict[str, dict[str, float]] = {}
        for label, texts in examples.items():
            table: dict[str, float] = defaultdict(float)
            for text in texts:
                for gram, count in grams(fold(text)).items():
                    table[gram] += 1 + math.log(count)
            if table:
                counts[label] = table
        self.labels = list(counts)
        vocabulary = {g for table in counts.values() for g in table}
        size = len(vocabulary) or 1
        # Per label: the log weight of an n-gram it never saw, and, per n-gram it saw, how
        # much more than that (sparse postings: most n-grams belong to a few labels).
        self._unseen: list[float] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, label in enumerate(self.labels):
            table = counts[label]
            total = sum(table.values()) + smoothing * size
            unseen = math.log(smoothing / total)
            self._unseen.append(unseen)
            for gram, weight in table.items():
                self._postings[gram].append(
                    (number, math.log((weight + smoothing) / total) - unseen)
                )

    def probabilities(self, text: str) -> dict[str, float]:
        """Per label, the posterior probability of the text (equal priors; n-grams no example
        has are left out: they tell no label from another)."""
        folded = fold(text)
        if not folded or not self.labels:
            return {}
        known = [(g, c) for g, c in grams(folded).items() if g in self._postings]
        if not known:
            return {}
        weight = sum(1 + math.log(c) for _, c in known)
        logs = [unseen * weight for unseen in self._unseen]
        for gram, count in known:
            scale = 1 + math.log(count)
            for number, extra in self._postings[gram]:
                logs[number] += extra * scale
        top = max(logs)
        exps = [math.exp(v - top) for v in logs]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def best(self, text: str) -> tuple[str | None, float]:
        """The most probable label and its probability (None when no n-gram is known)."""
        probabilities = self.probabilities(text)
        if not probabilities:
            return None, 0.0
        label = max(probabilities, key=probabilities.__getitem__)
        return label, probabilities[label]
