"""A citizen's query taken apart: codes, intents and the variants worth matching."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from search.codes import CodeQuery, find_codes
from search.direction import Directions, asked, direction_of, direction_outside, either
from search.direction import qualified as _qualified
from search.normalise import is_hanzi, normalise_words
from search.syllables import Position, fuzzy, readings, segment
from search.synonyms import Synonym, SynonymTable


def _load_fillers() -> tuple[str, ...]:
    text = resources.files("search.data").joinpath("fillers.txt").read_text(encoding="utf-8")
    words = {w for line in text.splitlines() if not line.startswith("#") for w in line.split()}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


# Words of questions that name no item (longest first); see `search/data/fillers.txt`.
FILLERS = _load_fillers()
_PENALTY_WORDS = ("罚", "违法", "违规", "没收", "吊销", "查封", "扣押", "强制", "责令", "违反")
INFO_WORDS = ("查询", "咨询", "进度", "指引", "指南", "公示", "名单", "目录", "公布", "预约")
# Questions no item answers whatever thing they name: the time of day something opens or
# closes, which business to choose (加油站几点开门, 驾校哪家好), what something costs (考驾照多少钱,
# 养老院一个月收多少钱: a price, not a procedure; the chat answers 「结婚登记要多少钱」 from the
# card's fee line after taking the question off) and where the nearest place is (附近的加油站在哪:
# a place, not a procedure; 附近 alone also places a procedure: 学校附近开网吧, 铁路附近盖房).
# None of these words is in an item name of service_items.csv. The hits are still offered.
UNANSWERABLE_WORDS = (
    "几点",
    "哪家好",
    "哪家便宜",
    "推荐一下",
    "推荐个",
    "多少钱",
    "附近的",
    "附近有",
)
MAX_RAW_CHARS = 300  # codes are looked for in this much of a message
MAX_TEXT_CHARS = 60  # normalised characters matched against names
_FILLER_RE = re.compile("|".join(map(re.escape, FILLERS)))
# A number and a measure word (砍几棵树, 养一百头牛, 盖两间房): how many never names an item (no
# item name of service_items.csv has one; 第…条 is an article of a law, 条 is not included).
_QUANTITY_RE = re.compile(
    r"(?<![第0-9])[一二两三四五六七八九十百千万几]+[头只棵株口亩间辆台块匹]"
    # ... or a measure word alone right after a verb of doing (打口井, 养头牛, 盖间房: one)
    r"|(?<=[打养盖买租挖砍])[头只棵株口间辆台块匹](?=[\u4e00-\u9fff])"
)
# A closing 不 asks a yes-no question in everyday speech (能报不, 要批不, 还能补个不: …吗).
_FINAL_NOT_RE = re.compile(r"(?<=[\u4e00-\u9fff])不$")
# Characters that are question words by themselves (吗, 啥…) and 怎 of 怎么/怎样.
_FILLER_CHARS = frozenset({word for word in FILLERS if len(word) == 1} | {"怎"})
KnownPair = Callable[[str], bool]
# Compiled once (a pattern given as a string is looked up in `re`'s cache on every call).
_SOUND_PIECE_RE = re.compile(r"[a-z]+|[0-9]+|[^a-z0-9 ]")  # a syllable run, digits, a char
_LOOSE_SPACE_RE = re.compile(r"(?<![a-z0-9])\s+|\s+(?![a-z0-9])")  # not between latin words
_SPACES_RE = re.compile(r"\s+")
_LATIN_RUN_RE = re.compile(r"[a-z]+")
_LOOSE_BLANK_RE = re.compile(r"(?<![a-z0-9]) | (?![a-z0-9])")  # one space, not between words
_TONE_NUMBER_RE = re.compile(r"[1-5]")


@dataclass(frozen=True, slots=True)
class Variant:
    """One reading of the query: text (hanzi/latin, spaces only between latin words)."""

    text: str
    weight: float
    reasons: tuple[str, ...]
    twin: str = ""  # the same reading without question words: its candidates are reused
    major: str = ""  # the text without words for actions (丢了 → 补领), when there are any

    @property
    def chars(self) -> str:
        return self.text.replace(" ", "")


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    raw: str
    text: str
    codes: tuple[CodeQuery, ...]
    variants: tuple[Variant, ...]
    initials: tuple[str, ...]  # latin words that are initials (`lsjz`), not full pinyin
    penalty_intent: bool
    info_intent: bool
    unanswerable: bool = False  # asks for opening hours or a recommendation
    direction: Directions = frozenset()  # the life event asked about; none: the item itself
    abbreviations: tuple[str, ...] = ()  # initials, also inside a word with hanzi (sfz挂失)


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    synonym: Synonym
    literal: bool


def _sound_spans(text: str) -> list[tuple[Position, int, int]]:
    """Pinyin positions of a text with their character spans."""
    spans: list[tuple[Position, int, int]] = []
    for match in _SOUND_PIECE_RE.finditer(text):
        piece, start = match.group(), match.start()
        if piece.isascii() and piece.isalpha():
            syllables = segment(piece)
            if syllables is None:
                spans.append(((piece,), start, match.end()))
                continue
            for syllable in syllables:
                spans.append((readings_of_latin(syllable), start, start + len(syllable)))
                start += len(syllable)
        elif is_hanzi(piece):
            spans.append((readings(piece), start, match.end()))
        else:
            spans.append(((piece,), start, match.end()))
    return spans


def readings_of_latin(syllable: str) -> Position:
    return (fuzzy(syllable),)


def _find_synonyms(text: str, table: SynonymTable, *, by_sound: bool = True) -> list[_Match]:
    found: list[_Match] = []
    lengths = table.lengths
    term, lengths_from = table.terms.get, table.first_lengths.get
    for start in range(len(text)):
        # = every length of `lengths` tried in turn: a length beyond the end of the text
        # tries the rest of the text (a term found so ends past the text, as it always did),
        # and a length that fits can only find a term starting with this character.
        rest = text[start:]
        tail = term(rest)
        if tail is not None:
            for length in lengths:
                if length > len(rest):
                    found.append(_Match(start, start + length, tail, True))
        for length in lengths_from(text[start], ()):
            if length <= len(rest):
                entry = term(rest[:length])
                if entry is not None:
                    found.append(_Match(start, start + length, entry, True))
    spans = _sound_spans(text) if by_sound else []
    for index, (position, start, _end) in enumerate(spans):
        if index + 1 >= len(spans):
            break  # every term matched by sound has two syllables or more
        for syllable in position:
            # = starting_with(syllable) without the terms whose second syllable cannot match
            for entry in table.starting_with_two(syllable, spans[index + 1][0]):
                size = len(entry.sound)
                if index + size > len(spans):
                    continue
                if all(entry.sound[k] in spans[index + k][0] for k in range(2, size)):
                    end = spans[index + size - 1][2]
                    heard = text[start:end]
                    # Typed pinyin, or a homophone slip keeping a character (地保 → 低保);
                    # hanzi sharing no character only sound alike by chance (初审怎 ≠ 出生证).
                    # A question word heard as part of a term is a coincidence (律师怎么办 is
                    # not 律师证么办): the characters that differ must not be question words.
                    if heard != entry.colloquial and (
                        heard.isascii()
                        or (
                            # sharing only a question character is chance (见了 ≠ 捡了)
                            not (set(heard) & set(entry.colloquial)) <= _FILLER_CHARS
                            and _FILLER_CHARS.isdisjoint(set(heard) - set(entry.colloquial))
                        )
                    ):
                        found.append(_Match(start, end, entry, False))
    found.sort(key=lambda m: (-(m.end - m.start), not m.literal, m.start))
    formal_spans = _formal_spans(text, table) if found else []
    literal_spans = [(m.start, m.end) for m in found if m.literal]
    chosen: list[_Match] = []
    for match in found:
        if any(match.start < other.end and other.start < match.end for other in chosen):
            continue
        # A word heard by sound never cuts through a word the citizen typed (鞭炮运输 is not
        # 鞭跑运输): what was written is better evidence than what sounds alike.
        if not match.literal and any(
            match.start < end and start < match.end and not match.start <= start < end <= match.end
            for start, end in literal_spans
        ):
            continue
        # A colloquial word cutting through a formal term the citizen already used is a
        # coincidence: 卖烟 in 卖烟花爆竹, 个体 in 个体工商户.
        if any(
            match.start < end and start < match.end and not match.start <= start < end <= match.end
            for start, end in formal_spans
        ):
            continue
        chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _formal_spans(text: str, table: SynonymTable) -> list[tuple[int, int]]:
    return table.formal_spans(text)


def strip_fillers(text: str, known: KnownPair = lambda pair: False) -> str:
    """The text without question words; a one-character filler stays when it forms a pair
    of characters the catalogue uses (申请, 个体, 开办); spaces stay only between latin words."""

    def drop(match: re.Match[str]) -> str:
        word, start, end = match.group(), match.start(), match.end()
        if len(word) == 1 and (
            known(text[start - 1 : end] if start else "") or known(text[start : end + 1])
        ):
            return word
        return " "

    if text.endswith("不"):
        text = _FINAL_NOT_RE.sub("", text)
    stripped = _FILLER_RE.sub(drop, _QUANTITY_RE.sub(" ", text))
    return _SPACES_RE.sub(" ", _LOOSE_SPACE_RE.sub("", stripped)).strip()


def parse(
    raw: str, table: SynonymTable, known: KnownPair = lambda pair: False, max_variants: int = 5
) -> ParsedQuery:
    """Everything search needs to know about one query (a long message is cut: item names
    are short, and a pasted page must not cost more than a question)."""
    raw = raw[:MAX_RAW_CHARS]
    kept: list[str] = []
    text = ""
    for word in normalise_words(raw):
        word = _without_tone_numbers(word[: MAX_TEXT_CHARS - len(text)])
        if not word:
            break
        kept.append(word)
        if text and text[-1].isascii() and word[0].isascii():
            text += " "
        text += word
    words = tuple(kept)
    codes = tuple(find_codes(raw))
    matches = _find_synonyms(text, table)
    base, base_matches = _base_for_synonyms(text, matches, table, known)
    variants: list[Variant] = [Variant(text, 1.0, (), major=_qualified(text))]
    if base_matches:
        variants.append(_replace(base, base_matches, {}))
        written = _written(base, base_matches, known)
        if written is not None:
            variants.append(written)
        for position, match in enumerate(base_matches):
            for formal in match.synonym.formals[1:]:
                variants.append(_replace(base, base_matches, {position: formal}))
    # Question words removed first (what the citizen asks about), then the literal forms
    # (names may contain 办理, 申请…), then the other formal readings of a colloquial word.
    stripped = [
        Variant(
            strip_fillers(v.text, known),
            v.weight,
            v.reasons,
            major=strip_fillers(v.major, known) if v.major else "",
        )
        for v in variants
    ]
    variants = [
        Variant(
            v.text, v.weight, v.reasons, s.text if s.chars and s.text != v.text else "", v.major
        )
        for v, s in zip(variants, stripped, strict=True)
    ]
    formal_reading = 1 if matches else 0  # every colloquial word replaced
    ordered = [*stripped[:2], *variants[:2], *stripped[2:], *variants[2:]]
    unique: dict[str, Variant] = {}
    for variant in ordered:
        if variant.chars and variant.text not in unique:
            unique[variant.text] = variant
    initials = tuple(
        word
        for word in words
        if word.isascii() and word.isalpha() and 2 <= len(word) <= 10 and segment(word) is None
    )
    return ParsedQuery(
        raw=raw,
        text=text,
        codes=codes,
        variants=tuple(unique.values())[:max_variants],
        initials=initials,
        abbreviations=tuple(
            run
            for run in dict.fromkeys(_LATIN_RUN_RE.findall(text))
            if 2 <= len(run) <= 10 and segment(run) is None
        ),
        penalty_intent=any(word in text for word in _PENALTY_WORDS),
        info_intent=any(word in text for word in INFO_WORDS),
        unanswerable=any(word in text for word in UNANSWERABLE_WORDS),
        direction=_direction(
            text, matches, variants[formal_reading].text, stripped[formal_reading].text
        ),
    )


def _base_for_synonyms(
    text: str, matches: list[_Match], table: SynonymTable, known: KnownPair
) -> tuple[str, list[_Match]]:
    """The text whose colloquial words are replaced: the query as typed, or the query without
    question words and quantities when that finds every word the typed one does and more
    (换个密码 is 换密码, 砍几棵树 is 砍树)."""
    bare = strip_fillers(text, known)
    if bare == text or not bare:
        return text, matches
    bare_matches = _find_synonyms(bare, table, by_sound=False)  # words the citizen typed
    typed = {match.synonym.colloquial for match in matches}
    found = {match.synonym.colloquial for match in bare_matches}
    # every typed word is found again (砍, 树 within 砍树), and some word more
    kept = all(any(word in other for other in found) for word in typed)
    return (bare, bare_matches) if kept and found != typed else (text, matches)


def expand(text: str, letters: str, formal: str) -> str:
    """The text with an abbreviation in initials (sfz) replaced by the term it stands for."""
    joined = text.replace(letters, formal)
    return _LOOSE_BLANK_RE.sub("", joined)


def _direction(text: str, matches: list[_Match], reading: str, stripped: str) -> Directions:
    """The life event a query names: in its own words, except words inside a dictionary word
    for a thing (丢了工作 is 失业, not a lost paper), and in its formal reading (销户口 is
    户口注销), with and without question words (换个地址 is 换地址: change)."""
    things = [(m.start, m.end) for m in matches if not m.synonym.action]
    own = direction_outside(text, things)
    return asked(either(either(own, direction_of(reading)), direction_of(stripped)))


_TONED = re.compile(r"^(?:[a-z]+[1-5])+[a-z]*$")


def _without_tone_numbers(word: str) -> str:
    """`lin2shi2` → `linshi` when what is left is pinyin (codes keep their digits)."""
    if not _TONED.match(word):
        return word
    letters = _TONE_NUMBER_RE.sub("", word)
    return letters if segment(letters) is not None else word


# Verbs of doing business or getting something done: a colloquial word starting with one
# (卖烟, 开发票, 交社保) names what the citizen wants to do.
DOING_VERBS = frozenset("卖开办装交领考买养修挖砍盖租请")


def _wanted_later(later: _Match, earlier_formal: str) -> bool:
    """Of two things a query names, the later is what is wanted and the earlier only its
    setting when the later is something to do (个体户要开发票 wants 代开发票, 开小卖部卖烟
    wants 烟草专卖零售许可证); a later noun (没人赡养的老人) does not outrank the earlier."""
    colloquial = later.synonym.colloquial
    return (
        colloquial[:1] in DOING_VERBS
        and earlier_formal not in later.synonym.formals
        # 养老金 → 养老保险待遇: the verb is part of the term's own word, not a thing to do
        and not any(formal.startswith(colloquial[:2]) for formal in later.synonym.formals)
    )


def _written(text: str, matches: list[_Match], known: KnownPair) -> Variant | None:
    """The text with the dictionary words typed in pinyin written in hanzi (yingyezhizhao遗失
    → 营业执照遗失) when the word may itself be a term of item names (its character pairs are
    all pairs of names; 低保 is not). None when there are none."""
    typed = [
        m
        for m in matches
        if not m.literal
        and text[m.start : m.end].isascii()
        and all(known(pair) for pair in _pairs_of(m.synonym.colloquial))
    ]
    if not typed:
        return None
    out: list[str] = []
    last = 0
    for match in typed:
        out.extend((text[last : match.start], match.synonym.colloquial))
        last = match.end
    out.append(text[last:])
    tidy = _LOOSE_BLANK_RE.sub("", "".join(out))
    reasons = tuple(f"synonym:{m.synonym.colloquial}" for m in typed)
    return Variant(tidy, 0.92, reasons, major=_qualified(tidy))


def _pairs_of(word: str) -> list[str]:
    return [word[at : at + 2] for at in range(len(word) - 1)]


def _replace(text: str, matches: list[_Match], alternatives: dict[int, str]) -> Variant:
    out, major, last, weight, reasons = [], [], 0, 1.0, []
    things = [position for position, match in enumerate(matches) if not match.synonym.action]
    has_context = False
    for position, match in enumerate(matches):
        formal = alternatives.get(position, match.synonym.formals[0])
        out.append(text[last : match.start])
        out.append(formal)
        major.append(text[last : match.start])
        context = position in things[:-1] and _wanted_later(matches[things[-1]], formal)
        has_context = has_context or context
        major.append("|" if match.synonym.action or context else formal)
        last = match.end
        if not match.literal:
            weight = min(weight, 0.92)
        reasons.append(f"synonym:{match.synonym.colloquial}→{formal}")
    out.append(text[last:])
    major.append(text[last:])
    joined = "".join(out)
    tidy = _LOOSE_BLANK_RE.sub("", joined)
    has_action = any(match.synonym.action for match in matches)
    joined_major = "".join(major)
    thing = _qualified(joined_major) or joined_major
    qualifies = has_action or has_context or thing != joined_major
    return Variant(tidy, weight, tuple(reasons), major=thing if qualifies else "")
