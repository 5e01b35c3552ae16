"""Citizens' words for formal item terms: the shipped dictionary plus staff additions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from operator import itemgetter

from search.normalise import normalise
from search.syllables import initials, spoken

DATA_FILE = "synonyms.tsv"  # words for things (低保, 社保卡, 网吧…)
ACTIONS_FILE = "actions.tsv"  # words for what people want done (丢了, 换证, 关门…)


class SynonymFileError(ValueError):
    """A line of a synonym file is not `colloquial<TAB>formal`."""


def parse_pairs(text: str, source: str = DATA_FILE) -> list[tuple[str, str]]:
    """Pairs of a synonym file: one `colloquial<TAB>formal` per line, `#` comments."""
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [part.strip() for part in line.split("\t") if part.strip()]
        if len(parts) != 2:
            raise SynonymFileError(f"{source}:{number}: expected colloquial<TAB>formal: {line!r}")
        pairs.append((parts[0], parts[1]))
    return pairs


def shipped_pairs(name: str = DATA_FILE) -> list[tuple[str, str]]:
    """A reviewed dictionary shipped in `search/data/` (things, or with ACTIONS_FILE actions)."""
    text = resources.files("search.data").joinpath(name).read_text(encoding="utf-8")
    return parse_pairs(text, name)


@dataclass(frozen=True, slots=True)
class Synonym:
    """One colloquial term, normalised, with its formal replacements."""

    colloquial: str
    formals: tuple[str, ...]
    sound: tuple[str, ...]  # fuzzy syllables of the colloquial term
    initials: str
    action: bool = False  # names what is to be done, not the thing: weighs less in a query


class SynonymTable:
    """Immutable lookup of colloquial terms; build a new table to change it."""

    __slots__ = (
        "_by_initials",
        "_by_sound",
        "_by_two_sounds",
        "_entries",
        "_first_lengths",
        "_formal_lengths",
        "_formal_set",
        "_formals",
        "_lengths",
        "_min_sound",
    )

    def __init__(
        self, pairs: Iterable[tuple[str, str]] = (), actions: Iterable[tuple[str, str]] = ()
    ) -> None:
        formals: dict[str, list[str]] = {}
        action_keys: set[str] = set()
        for is_action, group in ((False, pairs), (True, actions)):
            for colloquial, formal in group:
                key, value = normalise(colloquial), normalise(formal)
                if not key or not value or key == value:
                    continue
                bucket = formals.setdefault(key, [])
                if value not in bucket:
                    bucket.append(value)
                if is_action:
                    action_keys.add(key)
        self._entries: Mapping[str, Synonym] = {
            key: Synonym(key, tuple(values), spoken(key), initials(key), key in action_keys)
            for key, values in sorted(formals.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        }
        by_initials: dict[str, list[Synonym]] = {}
        for entry in self._entries.values():
            if len(entry.initials) >= 2:
                by_initials.setdefault(entry.initials, []).append(entry)
        self._by_initials = {key: tuple(value) for key, value in by_initials.items()}
        self._min_sound = 2
        by_sound: dict[str, list[Synonym]] = {}
        for entry in self._entries.values():
            if len(entry.sound) >= self._min_sound:
                by_sound.setdefault(entry.sound[0], []).append(entry)
        self._by_sound = {key: tuple(value) for key, value in by_sound.items()}
        # The same terms by their first two syllables, each with its place in `_by_sound`.
        by_two: dict[tuple[str, str], list[tuple[int, Synonym]]] = {}
        for first, terms in self._by_sound.items():
            for place, term in enumerate(terms):
                by_two.setdefault((first, term.sound[1]), []).append((place, term))
        self._by_two_sounds = {key: tuple(value) for key, value in by_two.items()}
        self._lengths = tuple(sorted({len(key) for key in self._entries}, reverse=True))
        first_lengths: dict[str, set[int]] = {}
        for key in self._entries:
            first_lengths.setdefault(key[0], set()).add(len(key))
        self._first_lengths = {
            char: tuple(sorted(sizes, reverse=True)) for char, sizes in first_lengths.items()
        }
        self._formals = tuple(
            sorted({f for entry in self._entries.values() for f in entry.formals}, key=len)
        )
        formal_lengths: dict[str, set[int]] = {}
        for formal in self._formals:
            formal_lengths.setdefault(formal[0], set()).add(len(formal))
        self._formal_lengths = {char: tuple(sizes) for char, sizes in formal_lengths.items()}
        self._formal_set = frozenset(self._formals)

    @classmethod
    def default(cls, extra: Iterable[tuple[str, str]] = ()) -> SynonymTable:
        """The shipped dictionaries, extended with `extra` pairs (things)."""
        return cls([*shipped_pairs(), *extra], shipped_pairs(ACTIONS_FILE))

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> Iterable[Synonym]:
        """Every term, longest first."""
        return self._entries.values()

    def get(self, colloquial: str) -> Synonym | None:
        """The entry of one normalised colloquial term."""
        return self._entries.get(colloquial)

    @property
    def formals(self) -> tuple[str, ...]:
        """Every formal term of the table."""
        return self._formals

    def formal_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every occurrence of a formal term in `text`, overlapping ones too,
        by start (found from the terms starting with each character, not by trying each
        term)."""
        formals, lengths, end = self._formal_set, self._formal_lengths, len(text)
        return [
            (start, start + size)
            for start, char in enumerate(text)
            for size in lengths.get(char, ())
            if start + size <= end and text[start : start + size] in formals
        ]

    def starting_with(self, syllable: str) -> tuple[Synonym, ...]:
        """Terms of two or more syllables whose first syllable is `syllable`."""
        return self._by_sound.get(syllable, ())

    def starting_with_two(self, first: str, seconds: Iterable[str]) -> list[Synonym]:
        """Those of `starting_with(first)` whose second syllable is one of `seconds`, in the
        same order."""
        buckets = self._by_two_sounds
        found = [pair for second in seconds for pair in buckets.get((first, second), ())]
        if len(found) > 1:
            found.sort(key=itemgetter(0))
        return [entry for _place, entry in found]

    @property
    def terms(self) -> Mapping[str, Synonym]:
        """Every entry by its normalised colloquial term (`get` without a call per term)."""
        return self._entries

    @property
    def first_lengths(self) -> Mapping[str, tuple[int, ...]]:
        """`lengths_from` of every first character that has terms."""
        return self._first_lengths

    def lengths_from(self, char: str) -> tuple[int, ...]:
        """Lengths of the colloquial terms starting with `char`, longest first."""
        return self._first_lengths.get(char, ())

    @property
    def lengths(self) -> tuple[int, ...]:
        """Lengths of the colloquial terms, longest first."""
        return self._lengths

    def by_initials(self, letters: str) -> tuple[Synonym, ...]:
        """Terms whose initials are exactly `letters` (`sbk` → 社保卡)."""
        return self._by_initials.get(letters, ())

    def with_pairs(self, extra: Iterable[tuple[str, str]]) -> SynonymTable:
        """A new table with `extra` pairs (things) added."""
        things: list[tuple[str, str]] = []
        actions: list[tuple[str, str]] = []
        for entry in self.entries():
            for formal in entry.formals:
                (actions if entry.action else things).append((entry.colloquial, formal))
        return SynonymTable([*things, *extra], actions)

    @property
    def min_sound(self) -> int:
        """Fewest syllables a term needs to be matched by sound."""
        return self._min_sound
