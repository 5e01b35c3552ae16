"""Second stage: scores candidate entries against the query variants with rapidfuzz."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import compress, repeat
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from search.direction import direction_of
from search.document import Document
from search.entry import MILD_CATEGORIES, PROFESSIONS, SIBLINGS, Entry, is_penalty, kinds_of
from search.query import Variant
from search.syllables import encode, spoken

# Weights of the signals: coverage of the query (IDF-weighted pairs and characters, and the
# characters found in order), best local alignment (partial_ratio: the query inside the name
# or the name inside the query), and overall similarity (ratio: names of the query's length).
PAIRS, CHARS, ORDER = 0.18, 0.12, 0.15
ALIGNMENT, SIMILARITY = 0.35, 0.20
SOUND_FACTOR = 0.93  # a match by sound only is a little weaker than by characters
AUX_FACTOR = 0.85  # parent/sub item, aliases, keywords
MAJOR_SHARE = 0.45  # share of the thing asked about in the line-up of a variant with actions
LIFECYCLE_PENALTY = 0.06  # 迁出/过户/密码… items when the query names no such action
# A practitioner's licence (律师执业许可) does not answer a question about the service the
# practitioner gives (请律师 → 法律援助): it ranks lower unless the query is about practising.
PRACTITIONER_PENALTY = 0.06
PRACTISING_WORDS = ("执业", "注册", "资格")
# A query naming the practitioner and a later life event (护士换医院了, 医师证丢了) is about
# the practitioner's own licence: no practitioner penalty then.
LICENCE_EVENTS = frozenset({"change", "end", "replace", "renew"})
SPECIAL_GROUP_PENALTY = 0.05
# A name that negates a word of the query (非公司企业法人 for 公司变更法人) is about what the
# query is not: it ranks lower unless the query says 非 itself.
NEGATED_PENALTY = 0.08
# A name whose words asked about come after a qualifier the query does not name (夜间建筑
# 施工许可 for 建筑施工许可证, 医疗用毒性药品零售企业许可 for 药店许可) is a special case of
# the plain item: it ranks a little lower.
PREFIX_PENALTY = 0.05
QUALIFIED_COVERAGE = 0.6  # ... when the name holds most of the query (weighted pairs)
NEGATION = "非"
# An item about another kind of one family (`entry.SIBLINGS`: 城乡居民基本养老保险参保登记 for
# 居民医保参保, read 城乡居民基本医疗保险参保) answers another question.
SIBLING_PENALTY = 0.08
# ... and one about another profession (教师资格认定 for 医师资格证: a keyword one character
# apart) never answers the question: the query's own profession comes first.
PROFESSION_PENALTY = 0.2
DIRECTION_PENALTY = 0.12  # an item going the other way (注销 for 注册, 设立 for 补办)
DIRECTION_BONUS = 0.08  # an item going the way the query names (补办 for 丢了)
PENALTY_FACTOR = 0.75  # citizen queries: penalty items below services and licences
MILD_FACTOR = 0.92  # coercion and inspection items
SUSPENDED_FACTOR = 0.97  # a suspended item cannot be handled now: an open one first
POPULARITY_BONUS = 0.02
# A hit scoring below this is shown as a suggestion, not as the answer: on the tuning part of
# the development set no out-of-catalogue query reaches it and 97% of right answers do.
CONFIDENT_SCORE = 0.62
# A hit needs this much more to be confident when it does not answer what the query names:
# the query names a life event (丢了, 注销, 到期) the item does not go (手机丢了 is not
# 旧手机交易业备案), or a hanzi query matched the item by sound alone (发烧 ≠ 法律援助).
DOUBT_MARGIN = 0.1
MAX_DOC_FACTOR = 1.0 + POPULARITY_BONUS  # the most a document adds to its entry's score
CODE_REASON = "code:"  # the reason of a hit whose code the query names: `code:full`…


class TokenWeights(NamedTuple):
    """The tokens of a weight mapping and their weights as parallel tuples, with their sum:
    what scoring many entries against one variant looks up once."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    total: float

    @classmethod
    def of(
        cls, weights: Mapping[str, float], kept: Callable[[str], bool] | None = None
    ) -> TokenWeights:
        """The tokens (only the `kept` ones: a token no text has never adds to a share),
        with the sum of every weight."""
        total = sum(weights.values())
        if kept is None:
            return cls(tuple(weights), tuple(weights.values()), total)
        tokens = tuple(filter(kept, weights))
        return cls(tokens, tuple(map(weights.__getitem__, tokens)), total)

    def share(self, contains: Callable[[str], bool]) -> float:
        """= `_matched(weights, total, contains)`: the same sum, in the same order."""
        if not self.total:
            return 0.0
        return sum(compress(self.weights, map(contains, self.tokens))) / self.total


class Weights:
    """IDF weights of one variant's tokens: character pairs, characters, syllable pairs, and
    the same as tuples with their sums (made once: every candidate entry uses them). Tokens
    no name has (`in_names`, `in_sounds`: a character pair or character; a syllable pair)
    are left out of the names' shares: they add nothing to any. Not to be changed once made
    (a plain class: a frozen dataclass costs a call per field on every variant)."""

    __slots__ = (
        "char_tokens",
        "chars",
        "name_chars",
        "name_pairs",
        "pair_tokens",
        "pairs",
        "sound_tokens",
        "sounds",
        "variant",
    )

    def __init__(
        self,
        variant: Variant,
        pairs: Mapping[str, float],
        chars: Mapping[str, float],
        sounds: Mapping[str, float],
        in_names: Callable[[str], bool] | None = None,
        in_sounds: Callable[[str], bool] | None = None,
    ) -> None:
        self.variant = variant
        self.pairs = pairs
        self.chars = chars
        self.sounds = sounds
        self.pair_tokens = TokenWeights.of(pairs)
        self.char_tokens = TokenWeights.of(chars)
        self.name_pairs = TokenWeights.of(pairs, in_names)
        self.name_chars = TokenWeights.of(chars, in_names)
        self.sound_tokens = TokenWeights.of(sounds, in_sounds)

    @property
    def pairs_total(self) -> float:
        return self.pair_tokens.total

    @property
    def sounds_total(self) -> float:
        return self.sound_tokens.total


def _line_up(
    query: str, choices: Sequence[str], scorer: Callable[..., float], scale: float = 100.0
) -> list[float]:
    """`scorer(query, choice) / scale` of each choice, in the order of the choices (all 0.0
    for an empty query). One `process.extract` call: the query is prepared once."""
    scores = [0.0] * len(choices)
    if query and choices:
        for _choice, score, at in process.extract(query, choices, scorer=scorer, limit=None):
            scores[at] = score / scale
    return scores


def _common(query: str, choices: Sequence[str]) -> list[int]:
    """The length of the longest common subsequence of the query and each choice, in the
    order of the choices (one `process.extract` call)."""
    lengths = [0] * len(choices)
    if query and choices:
        found = process.extract(query, choices, scorer=LCSseq.similarity, limit=None)
        for _choice, length, at in found:
            lengths[at] = length
    return lengths


def _ratio(size: int, length: int, common: int) -> float:
    """`fuzz.ratio` of a text of `size` characters and one of `length` sharing a longest
    common subsequence of `common`: rapidfuzz's normalised Indel similarity (the Indel
    distance is size + length - 2 * common), with its float operations (the same value)."""
    total = size + length
    return (1.0 - (total - 2 * common) / total) * 100 if total else 100.0


def _ratios(size: int, common: list[int], choices: Sequence[str]) -> list[float]:
    """`fuzz.ratio(query, choice) / 100` of each choice from the common subsequences:
    `_ratio(size, len(choice), length) / 100.0` written out (no call per choice)."""
    return [
        (1.0 - (total - 2 * length) / total) * 100 / 100.0 if total else 1.0
        for total, length in zip(map(size.__add__, map(len, choices)), common, strict=True)
    ]


def _coverage(query: str, text: str, pair_part: float, weights: Mapping[str, float]) -> float:
    total = sum(weights.values()) or 1.0
    chars = sum(compress(weights.values(), map(text.__contains__, weights))) / total
    order = LCSseq.similarity(query, text) / len(query) if query else 0.0
    return PAIRS * pair_part + CHARS * chars + ORDER * order


def _matched(weights: Mapping[str, float], total: float, contains: Callable[[str], bool]) -> float:
    if not total:
        return 0.0
    # In C (map, compress, sum), in the order of `weights`: the same sum as a loop.
    return sum(compress(weights.values(), map(contains, weights))) / total


class _LineUps(NamedTuple):
    """How one text lines up with each candidate entry, in the order of the entries:
    character order (LCS share of the text), best local alignment (partial_ratio) and overall
    similarity (ratio, of the name or of its core when better), in [0, 1]."""

    order: list[float]
    aligned: list[float]
    similar: list[float]

    @classmethod
    def none(cls, count: int) -> _LineUps:
        """No line-up (every figure 0.0) for `count` entries."""
        zeros = [0.0] * count
        return cls(zeros, zeros, zeros)

    @classmethod
    def of_names(cls, chars: str, entries: Sequence[Entry], names: list[str]) -> _LineUps:
        common = _common(chars, names)
        size = len(chars)
        order = [length / size for length in common]
        if chars.isascii():  # no hanzi: nothing lines up with a name in hanzi
            zeros = [0.0] * len(names)
            return cls(order, zeros, zeros)
        similar = _ratios(size, common, names)
        cored = [at for at, entry in enumerate(entries) if entry.core != entry.name]
        if cored:
            cores = _line_up(chars, [entries[at].core for at in cored], fuzz.ratio)
            for at, value in zip(cored, cores, strict=True):
                similar[at] = max(similar[at], value)
        return cls(order, _line_up(chars, names, fuzz.partial_ratio), similar)

    @classmethod
    def of_sounds(cls, sound: str, sounds: list[str]) -> _LineUps:
        if not sound:
            zeros = [0.0] * len(sounds)
            return cls(zeros, zeros, zeros)
        common = _common(sound, sounds)
        size = len(sound)
        return cls(
            [length / size for length in common],
            _line_up(sound, sounds, fuzz.partial_ratio),
            _ratios(size, common, sounds),
        )

    def mixed(self, thing: _LineUps, share: float) -> _LineUps:
        """`(1 - share) * self + share * thing`, figure by figure."""
        return _LineUps(
            _mix(self.order, thing.order, share),
            _mix(self.aligned, thing.aligned, share),
            _mix(self.similar, thing.similar, share),
        )


def _mix(wholes: list[float], parts: list[float], share: float) -> list[float]:
    keep = 1.0 - share
    return [keep * whole + share * part for whole, part in zip(wholes, parts, strict=True)]


def score_variant(evidence: Weights, entries: Sequence[Entry]) -> list[tuple[int, float, str]]:
    """(entry id, score, the channel that gave it) of each entry for one variant, in the
    order of the entries. When the variant has words for actions (丢了 → 补领), the line-up
    of the rest (the thing asked about) counts for MAJOR_SHARE of the alignment signals."""
    variant = evidence.variant
    chars = variant.chars
    has_hanzi = not chars.isascii()
    major_text = variant.major.replace("|", "").replace(" ", "")
    pairs, char_weights, sound_weights = (
        evidence.name_pairs,
        evidence.name_chars,
        evidence.sound_tokens,
    )
    pair_tokens, pair_values, pairs_total = pairs.tokens, pairs.weights, pairs.total
    sound_tokens, sound_values, sounds_total = (
        sound_weights.tokens,
        sound_weights.weights,
        sound_weights.total,
    )
    char_tokens, char_values, chars_total = (
        char_weights.tokens,
        char_weights.weights,
        char_weights.total,
    )
    count = len(entries)
    by_name = has_hanzi and bool(pairs_total)
    lined = heard = _LineUps.none(count)
    if by_name:
        names = [entry.name for entry in entries]
        lined = _LineUps.of_names(chars, entries, names)
        if major_text:  # mixed even when the major text is the whole: the same figures
            lined = lined.mixed(_LineUps.of_names(major_text, entries, names), MAJOR_SHARE)
    if sounds_total:
        sounds = [entry.name_sound for entry in entries]
        heard = _LineUps.of_sounds(encode(spoken(chars)), sounds)
        if major_text:
            heard = heard.mixed(_LineUps.of_sounds(encode(spoken(major_text)), sounds), MAJOR_SHARE)
    asked_kinds = _query_kinds(chars) if has_hanzi else {}
    weight = variant.weight
    out: list[tuple[int, float, str]] = []
    # The shares of `TokenWeights.share` written out: no method call per entry.
    for entry, order, aligned, similar, sound_order, sound_aligned, sound_similar in zip(
        entries, *lined, *heard, strict=True
    ):
        name = entry.name
        best, channel, covered = 0.0, "name", 0.0
        if by_name:
            contains = name.__contains__
            covered = sum(compress(pair_values, map(contains, pair_tokens))) / pairs_total
            best = (
                PAIRS * covered
                + CHARS
                * (
                    sum(compress(char_values, map(contains, char_tokens))) / chars_total
                    if chars_total
                    else 0.0
                )
                + ORDER * order
                + ALIGNMENT * aligned
                + SIMILARITY * similar
            )
        if sounds_total:
            matched = map(entry.sound_pairs.__contains__, sound_tokens)
            sound = SOUND_FACTOR * (
                (PAIRS + CHARS) * (sum(compress(sound_values, matched)) / sounds_total)
                + ORDER * sound_order
                + ALIGNMENT * sound_aligned
                + SIMILARITY * sound_similar
            )
            if sound > best:
                best, channel = sound, "pinyin"
        if entry.aux and has_hanzi:
            aux = _best_aux(chars, entry.aux, evidence, best)
            if aux > best:
                best, channel = aux, "related"
        if entry.actions and not any(word in chars for word in entry.actions):
            best -= LIFECYCLE_PENALTY
        if (
            has_hanzi
            and "执业" in name
            and not any(word in chars for word in PRACTISING_WORDS)
            and not _own_licence(name, chars)
        ):
            best -= PRACTITIONER_PENALTY
        # A special group of the name that the query does not name (most names have none).
        if has_hanzi and entry.groups and not all(map(chars.__contains__, entry.groups)):
            best -= SPECIAL_GROUP_PENALTY
        if covered >= QUALIFIED_COVERAGE and _qualified_first(name, evidence.pairs):
            best -= PREFIX_PENALTY
        if has_hanzi and NEGATION in name and negates(name, chars):
            best -= NEGATED_PENALTY
        if asked_kinds and entry.kinds:
            best -= _other_kind(entry.kinds, asked_kinds)
        out.append((entry.eid, best * weight, channel))
    return out


@lru_cache(maxsize=65536)
def _query_kinds(chars: str) -> Mapping[int, frozenset[str]]:
    """`entry.kinds_of` for the text of a variant (texts repeat across queries)."""
    return kinds_of(chars)


def _other_kind(name: Mapping[int, frozenset[str]], asked: Mapping[int, frozenset[str]]) -> float:
    """The penalty of a name naming kinds of a family the query names, but none the query
    does (0 when it names the query's kind or no kind of its families)."""
    penalty = 0.0
    for family, kinds in asked.items():
        if family in name and name[family].isdisjoint(kinds):
            other = PROFESSION_PENALTY if SIBLINGS[family] is PROFESSIONS else SIBLING_PENALTY
            penalty = max(penalty, other)
    return penalty


def _own_licence(name: str, chars: str) -> bool:
    """True when the query names the practitioner of a licence (the words before 执业: 护士,
    医师) and a later life event of it (change, end, replace, renew)."""
    practitioner = name[: name.find("执业")]
    return any(
        practitioner[at : at + 2] in chars for at in range(len(practitioner) - 1)
    ) and not direction_of(chars).isdisjoint(LICENCE_EVENTS)


def _qualified_first(name: str, pairs: Mapping[str, float]) -> bool:
    """True when the words the query asks about start later in the name, after a qualifier
    of the name's own (two characters or more, naming no life event)."""
    first = min(filter((-1).__lt__, map(name.find, pairs)), default=-1)  # the first found
    if first < 2:
        return False
    return _is_qualifier(name[:first])


@lru_cache(maxsize=65536)
def _is_qualifier(start: str) -> bool:
    """True when the start of a name names no life event (补领结婚证, 设立…: an action, not a
    qualifier); starts of names repeat across queries."""
    return not direction_of(start)


def negates(name: str, query: str) -> bool:
    """True when the name puts 非 before a word of the query (the pair of characters after
    非) and never uses that word without it: 非公司企业法人变更登记 for 公司变更法人. A query
    saying 非 itself (非遗, 非机动车) asks for the negated term."""
    if NEGATION in query:
        return False
    start = name.find(NEGATION)
    while start >= 0:
        word = name[start + 1 : start + 3]
        if len(word) == 2 and word in query and word not in name.replace(NEGATION + word, ""):
            return True
        start = name.find(NEGATION, start + 1)
    return False


def _best_aux(chars: str, texts: tuple[str, ...], evidence: Weights, floor: float) -> float:
    """AUX_FACTOR times the best score of the related texts (coverage of the query, best local
    alignment, overall similarity) when that beats `floor`, else at most `floor`. A text's
    rapidfuzz line-ups are worked out only while it could still beat the best so far with
    perfect ones (rounding is monotonic: the same result as scoring every text in full).
    The coverage is `_coverage` with the weights' tuples and sums made once."""
    best = floor
    pairs, letters = evidence.pair_tokens, evidence.char_tokens
    pair_tokens, pair_values, pairs_total = pairs.tokens, pairs.weights, pairs.total
    letters_total = letters.total or 1.0
    for text in texts:
        contains = text.__contains__
        common = LCSseq.similarity(chars, text)
        letters_part = sum(compress(letters.weights, map(contains, letters.tokens))) / letters_total
        # = `pairs.share(contains)`, written out
        pairs_part = (
            sum(compress(pair_values, map(contains, pair_tokens))) / pairs_total
            if pairs_total
            else 0.0
        )
        covered = (
            PAIRS * pairs_part
            + CHARS * letters_part
            + ORDER * (common / len(chars) if chars else 0.0)
        )
        if AUX_FACTOR * (covered + _PERFECT_ALIGNMENT + _PERFECT_SIMILARITY) <= best:
            continue  # not even with both line-ups perfect
        similar = SIMILARITY * _ratio(len(chars), len(text), common) / 100.0
        if AUX_FACTOR * (covered + _PERFECT_ALIGNMENT + similar) <= best:
            continue
        aligned = ALIGNMENT * fuzz.partial_ratio(chars, text) / 100.0
        score = AUX_FACTOR * (covered + aligned + similar)
        if score > best:
            best = score
    return best


# The alignment and similarity terms of perfect rapidfuzz line-ups (100), as computed.
_PERFECT_ALIGNMENT = ALIGNMENT * 100.0 / 100.0
_PERFECT_SIMILARITY = SIMILARITY * 100.0 / 100.0


def confident(score: float, reasons: tuple[str, ...], doubtful: bool) -> bool:
    """Whether a hit may be shown as *the* answer: a code match, or a score of at least
    CONFIDENT_SCORE (plus DOUBT_MARGIN when the hit is `doubtful`, or matched by sound only
    although the query is in hanzi)."""
    if by_code(reasons):
        return True
    if doubtful:
        return score >= CONFIDENT_SCORE + DOUBT_MARGIN
    return score >= CONFIDENT_SCORE


def by_code(reasons: tuple[str, ...]) -> bool:
    """True when the citizen named the item by its code (a `code:` reason)."""
    return any(map(str.startswith, reasons, repeat(CODE_REASON)))


def document_factor(doc: Document, *, demote: bool) -> tuple[float, tuple[str, ...]]:
    """What one document multiplies its entry's score by, and why: penalty and inspection
    items go down for citizens (`demote`), suspended items a little, popular ones up."""
    factor = 1.0
    reasons: tuple[str, ...] = ()
    if demote:
        if is_penalty(doc):
            factor, reasons = PENALTY_FACTOR, ("penalty-item",)
        elif doc.category in MILD_CATEGORIES:
            factor = MILD_FACTOR
    if doc.suspended:
        factor, reasons = factor * SUSPENDED_FACTOR, (*reasons, "suspended")
    factor += min(max(doc.popularity, 0.0), 1.0) * POPULARITY_BONUS
    return factor, reasons
