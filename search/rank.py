"""Second stage: scores candidate entries against the query variants with rapidfuzz."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from search.direction import direction_of
from search.document import Document
from search.entry import MILD_CATEGORIES, Entry, is_penalty, kinds_of
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
# Items for a special group of people, named in brackets or before the thing (机动车驾驶证初次
# 申领(外国人申领…), 军人退役养老保险关系转移接续): a citizen of the county who does not name
# the group wants the ordinary item (大陆居民, 城乡居民, 企业职工), so these rank a little lower
# (机关事业单位: civil servants' own pension and insurance items).
SPECIAL_GROUPS = (
    "外国人",
    "外籍",
    "境外",
    "外交人员",
    "港澳台居民",
    "台湾居民",
    "华侨",
    "军人",
    "随军",
    "武警",
    "军警",
    "大学生",
    "机关事业单位",
)
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


@dataclass(frozen=True, slots=True)
class Weights:
    """IDF weights of one variant's tokens: character pairs, characters, syllable pairs."""

    variant: Variant
    pairs: Mapping[str, float]
    chars: Mapping[str, float]
    sounds: Mapping[str, float]

    @property
    def pairs_total(self) -> float:
        return sum(self.pairs.values())

    @property
    def sounds_total(self) -> float:
        return sum(self.sounds.values())


def _extract(
    query: str, choices: Mapping[int, str], scorer: Callable[..., float]
) -> dict[int, float]:
    if not query or not choices:
        return {}
    # Every choice's score (unsorted: only looked up by key).
    found = process.extract_iter(query, choices, scorer=scorer)
    return {key: score / 100.0 for _choice, score, key in found}


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


@dataclass(frozen=True, slots=True)
class _Shape:
    """How one text lines up with each candidate name: rapidfuzz scores in [0, 1]."""

    chars: str
    sound: str
    aligned: dict[int, float]
    similar: dict[int, float]
    s_aligned: dict[int, float]
    s_similar: dict[int, float]

    @classmethod
    def of(cls, chars: str, entries: Sequence[Entry]) -> _Shape:
        has_hanzi = any(not c.isascii() for c in chars)
        names = {e.eid: e.name for e in entries}
        cores = {e.eid: e.core for e in entries if e.core != e.name}
        sounds = {e.eid: e.name_sound for e in entries}
        sound = encode(spoken(chars))
        similar = _extract(chars, names, fuzz.ratio) if has_hanzi else {}
        for eid, value in (_extract(chars, cores, fuzz.ratio) if has_hanzi else {}).items():
            similar[eid] = max(similar.get(eid, 0.0), value)
        return cls(
            chars,
            sound,
            _extract(chars, names, fuzz.partial_ratio) if has_hanzi else {},
            similar,
            _extract(sound, sounds, fuzz.partial_ratio),
            _extract(sound, sounds, fuzz.ratio),
        )

    def order(self, entry: Entry) -> float:
        return LCSseq.similarity(self.chars, entry.name) / len(self.chars) if self.chars else 0.0

    def sound_order(self, entry: Entry) -> float:
        return LCSseq.similarity(self.sound, entry.name_sound) / max(len(self.sound), 1)


def score_variant(evidence: Weights, entries: Sequence[Entry]) -> dict[int, tuple[float, str]]:
    """Score of each entry for one variant, with the channel that gave it. When the variant
    has words for actions (丢了 → 补领), the line-up of the rest (the thing asked about) counts
    for MAJOR_SHARE of the alignment signals."""
    variant = evidence.variant
    pairs_total, sounds_total = evidence.pairs_total, evidence.sounds_total
    chars = variant.chars
    has_hanzi = any(not c.isascii() for c in chars)
    full = _Shape.of(chars, entries)
    major_text = variant.major.replace("|", "").replace(" ", "")
    major = _Shape.of(major_text, entries) if major_text else full
    share = MAJOR_SHARE if major_text else 0.0

    def mix(whole: float, thing: float) -> float:
        return (1.0 - share) * whole + share * thing

    chars_total = sum(evidence.chars.values())
    unnamed = frozenset(group for group in SPECIAL_GROUPS if group not in chars)
    asked_kinds = _query_kinds(chars) if has_hanzi else {}
    separate = major is not full  # else the major figures are the full ones (not recomputed)
    out: dict[int, tuple[float, str]] = {}
    for entry in entries:
        eid = entry.eid
        best, channel, covered = 0.0, "name", 0.0
        if has_hanzi and pairs_total:
            pair_part = covered = _matched(evidence.pairs, pairs_total, entry.name.__contains__)
            chars_part = _matched(evidence.chars, chars_total, entry.name.__contains__)
            # mix(x, x) is x exactly when there is no major text (share 0): not recomputed
            order, aligned, similar = (
                full.order(entry),
                full.aligned.get(eid, 0.0),
                full.similar.get(eid, 0.0),
            )
            if separate:
                order = mix(order, major.order(entry))
                aligned = mix(aligned, major.aligned.get(eid, 0.0))
                similar = mix(similar, major.similar.get(eid, 0.0))
            best = (
                PAIRS * pair_part
                + CHARS * chars_part
                + ORDER * order
                + ALIGNMENT * aligned
                + SIMILARITY * similar
            )
        if sounds_total:
            pair_part = _matched(evidence.sounds, sounds_total, entry.sound_pairs.__contains__)
            order, aligned, similar = (
                full.sound_order(entry),
                full.s_aligned.get(eid, 0.0),
                full.s_similar.get(eid, 0.0),
            )
            if separate:
                order = mix(order, major.sound_order(entry))
                aligned = mix(aligned, major.s_aligned.get(eid, 0.0))
                similar = mix(similar, major.s_similar.get(eid, 0.0))
            sound = SOUND_FACTOR * (
                (PAIRS + CHARS) * pair_part
                + ORDER * order
                + ALIGNMENT * aligned
                + SIMILARITY * similar
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
            and "执业" in entry.name
            and not any(word in chars for word in PRACTISING_WORDS)
            and not _own_licence(entry.name, chars)
        ):
            best -= PRACTITIONER_PENALTY
        if has_hanzi and not unnamed.isdisjoint(_special_groups(entry.name)):
            best -= SPECIAL_GROUP_PENALTY
        if covered >= QUALIFIED_COVERAGE and _qualified_first(entry.name, evidence.pairs):
            best -= PREFIX_PENALTY
        if has_hanzi and NEGATION in entry.name and negates(entry.name, chars):
            best -= NEGATED_PENALTY
        if asked_kinds and entry.kinds and _other_kind(entry.kinds, asked_kinds):
            best -= SIBLING_PENALTY
        out[eid] = (best * variant.weight, channel)
    return out


@lru_cache(maxsize=65536)
def _special_groups(name: str) -> frozenset[str]:
    """The special groups of people an item name is for (names repeat across queries)."""
    return frozenset(group for group in SPECIAL_GROUPS if group in name)


@lru_cache(maxsize=65536)
def _query_kinds(chars: str) -> Mapping[int, frozenset[str]]:
    """`entry.kinds_of` for the text of a variant (texts repeat across queries)."""
    return kinds_of(chars)


def _other_kind(name: Mapping[int, frozenset[str]], asked: Mapping[int, frozenset[str]]) -> bool:
    """True when the name names kinds of a family the query names, but none the query does."""
    return any(family in name and name[family].isdisjoint(kinds) for family, kinds in asked.items())


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
    first = min((at for at in map(name.find, pairs) if at >= 0), default=-1)
    if first < 2:
        return False
    return not direction_of(name[:first])  # 补领结婚证, 设立…: an action, not a qualifier


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
    perfect ones (rounding is monotonic: the same result as scoring every text in full)."""
    best, pairs_total = floor, evidence.pairs_total
    for text in texts:
        pair_part = _matched(evidence.pairs, pairs_total, text.__contains__)
        covered = _coverage(chars, text, pair_part, evidence.chars)
        if AUX_FACTOR * (covered + ALIGNMENT * 100.0 / 100.0 + SIMILARITY * 100.0 / 100.0) <= best:
            continue  # not even with both line-ups perfect
        similar = SIMILARITY * fuzz.ratio(chars, text) / 100.0
        if AUX_FACTOR * (covered + ALIGNMENT * 100.0 / 100.0 + similar) <= best:
            continue
        aligned = ALIGNMENT * fuzz.partial_ratio(chars, text) / 100.0
        score = AUX_FACTOR * (covered + aligned + similar)
        if score > best:
            best = score
    return best


def confident(score: float, reasons: tuple[str, ...], doubtful: bool) -> bool:
    """Whether a hit may be shown as *the* answer: a code match, or a score of at least
    CONFIDENT_SCORE (plus DOUBT_MARGIN when the hit is `doubtful`, or matched by sound only
    although the query is in hanzi)."""
    if any(reason.startswith("code:") for reason in reasons):
        return True
    if doubtful:
        return score >= CONFIDENT_SCORE + DOUBT_MARGIN
    return score >= CONFIDENT_SCORE


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
