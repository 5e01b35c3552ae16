"""The live search index: candidates from pairs, sounds, initials and codes; rapidfuzz rerank."""

from __future__ import annotations

import heapq
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from search.codes import compact, keys_of
from search.direction import (
    EVENT_WORDS,
    NEW,
    Directions,
    direction_of,
    goes_the_other_way,
    qualified,
    same_thing,
)
from search.document import Document, Hit
from search.entry import Entry, entry_key, pairs
from search.normalise import longest_run, normalise
from search.postings import Postings, accumulate
from search.query import ParsedQuery, Variant, expand, parse
from search.rank import (
    CODE_REASON,
    DIRECTION_BONUS,
    DIRECTION_PENALTY,
    MAX_DOC_FACTOR,
    PENALTY_FACTOR,
    Weights,
    by_code,
    confident,
    document_factor,
    score_variant,
)
from search.syllables import bigrams, initials, positions
from search.synonyms import SynonymTable

CANDIDATES_PER_VARIANT = 24
SHORTLIST_POOL = 80  # best entries of each first-stage channel considered for the shortlist
RARE_SHARE = 0.02  # characters in at most this share of entries count as rare
ACTION_WEIGHT = 0.5  # weight of a token found only in the query's action words
INFO_PENALTY = 0.04  # "…查询/预约/指引" items below the item itself, unless asked for
READING_PENALTY = 0.08  # ... twice that for information only (查询, 指南), not a booking (预约)
# A query naming no life event asks for the item itself (新办, 设立): such items a little up.
DEFAULT_BONUS = 0.03
REORDER_DEPTH = 10  # hits looked at for an item of the same thing going the asked way
# For a query naming no direction, the life events never shown above the item itself: its
# ending ("the item itself, never its ending"); other events are left to the score.
PLAIN_MISPLACED = frozenset({"end", "void"})
# Guides (…公证指引, 使用指南) tell about a procedure: the answer only to a question asking
# for information, a doubtful hit otherwise (哪里能学挖掘机 is no 挖掘机抵押登记（公证）指引).
GUIDE_WORDS = ("指引", "指南")
INITIALS_LONGEST = 12  # names longer than this are not reachable by their initials
CODE_SCORES = {"full": 1.3, "basic": 1.2, "other": 1.2, "partial": 1.15, "body": 1.1}
# A 22-character body code alone names no item: it is not indexed (lists would be huge).


class _Found(NamedTuple):
    """A document found while ranking (a `Hit` is made only for those answered with)."""

    document: Document
    score: float
    reasons: tuple[str, ...]


class SearchIndex:
    """Build once, then `upsert`/`remove` live; readers never block (copy-on-write postings)."""

    def __init__(self, synonyms: SynonymTable | None = None) -> None:
        self._lock = threading.Lock()
        self._base_synonyms = synonyms if synonyms is not None else SynonymTable.default()
        self._synonyms = self._base_synonyms
        self._entries: list[Entry] = []
        # Entries with penalty items only (scaled down in a citizen's shortlist), and entries
        # without documents (never shortlisted; a superset at every moment: see `_set_docs`).
        self._penalty_only: set[int] = set()
        self._empty: set[int] = set()
        self._by_key: dict[str, int] = {}
        self._docs: dict[str, Document] = {}
        self._doc_entry: dict[str, int] = {}
        self._pairs = Postings[int]()  # character pairs and characters of names
        self._aux_pairs = Postings[int]()  # character pairs of parent/sub items, aliases…
        self._sounds = Postings[int]()  # syllable pairs of names, every reading
        self._initials = Postings[int]()  # prefixes of the initials of short names
        self._codes = Postings[str]()  # any compact code key → document codes
        self._all = (self._pairs, self._aux_pairs, self._sounds, self._initials)

    @classmethod
    def build(cls, docs: Iterable[Document], synonyms: SynonymTable | None = None) -> SearchIndex:
        index = cls(synonyms)
        latest = {doc.code: doc for doc in docs}  # a repeated code: the last document wins
        with index._lock:
            for postings in index._all:
                postings.start_bulk()
            index._codes.start_bulk()
            members: dict[int, list[Document]] = {}
            keys: dict[tuple[object, ...], str] = {}  # raw texts → entry key, for repeats
            for doc in latest.values():
                raw = (doc.name, doc.parent_name, doc.sub_name, doc.aliases, doc.keywords)
                key = keys.get(raw)
                if key is None:
                    key = keys[raw] = entry_key(doc)
                eid = index._entry_for(doc, key)
                members.setdefault(eid, []).append(doc)
                index._docs[doc.code] = doc
                index._doc_entry[doc.code] = eid
                index._index_codes(doc)
            for eid, group in members.items():
                index._set_docs(index._entries[eid], tuple(group))
            for postings in index._all:
                postings.finish_bulk()
            index._codes.finish_bulk()
        index.search("请问社保卡 linshi jiuzhu 〇", top=1)  # loads lazy dictionaries now
        return index

    def __len__(self) -> int:
        return len(self._docs)

    def get(self, code: str) -> Document | None:
        """The current document of a code."""
        return self._docs.get(code)

    def codes(self) -> frozenset[str]:
        """The codes of every document in the index (a snapshot)."""
        with self._lock:
            return frozenset(self._docs)

    # --- writers -------------------------------------------------------------------------

    def upsert(self, doc: Document) -> None:
        """Add or replace one document; visible to the next query."""
        with self._lock:
            self._upsert_locked(doc)

    def remove(self, code: str) -> None:
        """Drop one document (abolished, merged away, withdrawn or classified)."""
        with self._lock:
            doc = self._docs.pop(code, None)
            if doc is None:
                return
            self._detach(code, doc)

    def set_extra_synonyms(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Replace the staff synonyms (colloquial → formal); effective for the next query."""
        table = self._base_synonyms.with_pairs(list(pairs))
        self._synonyms = table

    def _upsert_locked(self, doc: Document) -> None:
        old = self._docs.get(doc.code)
        eid = self._entry_for(doc)
        entry = self._entries[eid]
        if old is not None and self._doc_entry.get(doc.code) == eid:
            self._set_docs(entry, tuple(doc if d.code == doc.code else d for d in entry.docs))
        else:
            self._set_docs(entry, (*entry.docs, doc))
        self._index_codes(doc)
        self._docs[doc.code] = doc  # the switch: readers skip any other object for this code
        if old is not None:
            old_eid = self._doc_entry.get(doc.code)
            if old_eid is not None and old_eid != eid:
                previous = self._entries[old_eid]
                self._set_docs(previous, tuple(d for d in previous.docs if d.code != doc.code))
            for key in self._code_keys(old) - self._code_keys(doc):
                self._codes.discard(key, doc.code)
        self._doc_entry[doc.code] = eid

    def _entry_for(self, doc: Document, key: str | None = None) -> int:
        """The entry of the document's searchable text, created and indexed when new."""
        key = key or entry_key(doc)
        eid = self._by_key.get(key)
        if eid is None:
            eid = len(self._entries)
            entry = Entry.create(eid, doc)
            self._empty.add(eid)  # no documents yet
            self._entries.append(entry)
            self._by_key[key] = eid
            self._index_entry(entry)
        return eid

    def _set_docs(self, entry: Entry, docs: tuple[Document, ...]) -> None:
        """`entry.set_docs`, keeping `_penalty_only` and `_empty` (a superset of the entries
        without documents, whenever a reader looks)."""
        self._empty.add(entry.eid)
        entry.set_docs(docs)
        if entry.penalty_only:
            self._penalty_only.add(entry.eid)
        else:
            self._penalty_only.discard(entry.eid)
        if entry.docs:
            self._empty.discard(entry.eid)

    def _detach(self, code: str, doc: Document) -> None:
        eid = self._doc_entry.pop(code, None)
        if eid is not None:
            entry = self._entries[eid]
            self._set_docs(entry, tuple(d for d in entry.docs if d.code != code))
        self._unindex_codes(doc)

    def _index_entry(self, entry: Entry) -> None:
        eid = entry.eid
        self._pairs.add_all(pairs(entry.name) | frozenset(entry.name), eid)
        if entry.aux:
            self._aux_pairs.add_all({p for text in entry.aux for p in pairs(text)}, eid)
        self._sounds.add_all(entry.sound_pairs, eid)
        if len(entry.name) <= INITIALS_LONGEST:
            letters = initials(entry.name)
            self._initials.add_all((letters[:end] for end in range(2, len(letters) + 1)), eid)

    def _code_keys(self, doc: Document) -> set[str]:
        keys = keys_of(doc.code)
        found = {keys.full, keys.basic, keys.basic[:7]}
        found.update(compact(extra) for extra in doc.extra_codes)
        return {key for key in found if key}

    def _index_codes(self, doc: Document) -> None:
        for key in self._code_keys(doc):
            self._codes.add(key, doc.code)

    def _unindex_codes(self, doc: Document) -> None:
        for key in self._code_keys(doc):
            self._codes.discard(key, doc.code)

    # --- readers -------------------------------------------------------------------------

    def search(self, query: str, *, top: int = 5, citizen: bool = True) -> list[Hit]:
        """The best `top` documents for a query, best first. Citizens see published items
        only, and penalty items below the others unless the query is about a penalty."""
        parsed = parse(query, self._synonyms, self._known_pair)
        found: dict[str, _Found] = {}
        for hit in self._code_hits(parsed):
            self._offer(found, hit, citizen)
        variants = list(parsed.variants)
        for letters in parsed.abbreviations:
            for synonym in self._synonyms.by_initials(letters):
                for formal in synonym.formals:
                    text = expand(parsed.text, letters, formal)
                    why = (f"synonym:{synonym.colloquial}",)
                    variants.append(Variant(text, 0.9, why, major=qualified(text)))
        entry_scores = self._rank_entries(parsed, variants, citizen)
        depth = max(top, REORDER_DEPTH)  # the same item going the asked way may be further down
        floor: list[float] = []  # the `depth` best scores so far (a min-heap)
        demoted = citizen and not parsed.penalty_intent
        current = self._docs
        for eid, (score, reasons) in entry_scores:
            if len(floor) >= depth and score * MAX_DOC_FACTOR < floor[0]:
                break  # sorted by score: no later entry can reach the top any more
            for doc in self._entries[eid].docs:
                # = `_offer` (the hit is made only when it is kept): current and visible
                if current.get(doc.code) is not doc or (citizen and not doc.published):
                    continue
                factor, extra = document_factor(doc, demote=demoted)
                value = score * factor
                there = found.get(doc.code)
                if there is None or value > there.score:
                    found[doc.code] = _Found(doc, value, reasons + extra)
                    if len(floor) < depth:
                        heapq.heappush(floor, value)
                    else:
                        heapq.heappushpop(floor, value)
        # Ties go to the shorter name (the item itself is already a little up for a query
        # naming no life event: `DEFAULT_BONUS`).
        ranked = sorted(
            found.values(),
            key=lambda h: (-round(h.score, 6), len(h.document.name), h.document.code),
        )
        best = _same_thing_first(ranked, parsed.direction, top)[:top]
        return [Hit(h.document, h.score, h.reasons, _confident(h, parsed)) for h in best]

    def _offer(self, found: dict[str, _Found], hit: _Found, citizen: bool) -> bool:
        doc = hit.document
        if self._docs.get(doc.code) is not doc or (citizen and not doc.published):
            return False
        current = found.get(doc.code)
        if current is None or hit.score > current.score:
            found[doc.code] = hit
            return True
        return False

    def _known_pair(self, pair: str) -> bool:
        return len(pair) == 2 and pair in self._pairs

    def _code_hits(self, parsed: ParsedQuery) -> list[_Found]:
        hits: list[_Found] = []
        for code_query in parsed.codes:
            score = CODE_SCORES[code_query.kind]
            for code in self._codes.get(code_query.text):
                doc = self._docs.get(code)
                if doc is not None:
                    hits.append(_Found(doc, score, (f"{CODE_REASON}{code_query.kind}",)))
        return hits

    def _rank_entries(
        self, parsed: ParsedQuery, variants: list[Variant], citizen: bool
    ) -> list[tuple[int, tuple[float, tuple[str, ...]]]]:
        total = max(len(self._entries), 1)
        demote = citizen and not parsed.penalty_intent
        best: dict[int, tuple[float, tuple[str, ...]]] = {}
        shortlists: dict[str, list[int]] = {}
        plain = not parsed.direction and not any(
            word in variant.text for variant in variants for word in EVENT_WORDS
        )
        shifts: dict[Directions, float] = {}  # `_direction_shift` of each item direction
        for number, variant in enumerate(variants):
            weights = self._weights(variant, total)
            twin = shortlists.get(variant.twin)
            # Sounds and related texts are matched for the citizen's own words (and typed
            # pinyin); synonym readings are formal hanzi. A literal form whose question words
            # were matched already (as its twin) only adds the entries its characters find.
            full = twin is None and (number == 0 or not variant.reasons)
            shortlist = self._shortlist(weights, total, demote, full)
            if twin is not None:
                shortlist = list(dict.fromkeys((*twin, *shortlist)))
            shortlists[variant.text] = shortlist
            if not shortlist:
                continue
            entries = [self._entries[eid] for eid in shortlist]
            for eid, score, channel in score_variant(weights, entries):
                entry = self._entries[eid]
                if entry.info_only and not parsed.info_intent:
                    score -= INFO_PENALTY if entry.booking else READING_PENALTY
                shift = shifts.get(entry.directions)
                if shift is None:
                    shift = shifts[entry.directions] = _direction_shift(
                        entry.directions, parsed.direction, plain
                    )
                score += shift
                if score > best.get(eid, (-1.0, ()))[0]:
                    best[eid] = (score, (channel, *variant.reasons))
        for letters in parsed.initials:
            for eid in self._initials.get(letters):
                entry = self._entries[eid]
                exact = len(initials(entry.name)) == len(letters)
                score = (0.9 if exact else 0.8) - 0.004 * len(entry.name)
                if score > best.get(eid, (-1.0, ()))[0]:
                    best[eid] = (score, ("initials",))
        return sorted(best.items(), key=lambda item: -item[1][0])[:CANDIDATES_PER_VARIANT]

    def _weights(self, variant: Variant, total: int) -> Weights:
        chars = variant.chars
        char_tokens = pairs(chars) if len(chars) > 1 else frozenset(chars)
        sound_tokens = bigrams(positions(variant.text.split()))
        major = variant.major
        # Sorted: the same query always sums and breaks ties in the same order.
        pair_weights = self._pairs.idfs(sorted(char_tokens), total)
        char_weights = self._pairs.idfs(sorted(set(chars)), total)
        if major:
            # Words for actions (补领, 注销…) only qualify the thing the citizen asks about.
            pair_weights = _scaled(pair_weights, major)
            char_weights = _scaled(char_weights, major)
        return Weights(
            variant,
            pair_weights,
            char_weights,
            self._sounds.idfs(sorted(sound_tokens), total),
            self._pairs.has,
            self._sounds.has,
        )

    def _shortlist(self, weights: Weights, total: int, demote: bool, full: bool) -> list[int]:
        """The entries worth reranking: best by IDF-weighted pairs, rare characters, and (for
        the citizen's own words) syllable pairs and related texts."""
        entries = self._entries
        channels: list[tuple[dict[int, float], float, float]] = []
        char_hits = accumulate(self._pairs, weights.pairs, total)  # pairs and characters of names
        pairs_total = weights.pairs_total
        channels.append((char_hits, pairs_total, 1.0))
        rare: dict[int, float] = {}
        if len(weights.chars) > 1:
            chars = weights.chars
            lists = self._pairs.get_all(chars)
            for weight, found in zip(chars.values(), lists, strict=True):
                if len(found) > total * RARE_SHARE:
                    continue
                if not rare:
                    rare = dict.fromkeys(found, weight)  # what the loop gives from nothing
                    continue
                for eid in found:
                    if eid in rare:
                        rare[eid] += weight
                    else:
                        rare[eid] = weight
        channels.append((rare, weights.char_tokens.total, 0.8))  # = sum(weights.chars.values())
        has_latin = _ASCII_LETTER_RE.search(weights.variant.chars) is not None
        if full or has_latin:
            sound_hits = accumulate(self._sounds, weights.sounds, total)
            channels.append((sound_hits, weights.sounds_total, 0.9))
        if full:
            aux_hits = accumulate(
                self._aux_pairs,
                weights.pairs,
                total,
                lambda e, t: t in entries[e].aux_text,  # = `t in` one of the texts
            )
            channels.append((aux_hits, pairs_total, 0.8))
        scores: dict[int, float] = {}
        for hits, weight_total, factor in channels:
            if not weight_total or not hits:
                continue
            # = heapq.nlargest(SHORTLIST_POOL, …, key): ties stay in order (a stable sort).
            # A channel with no more hits than that gives them all (the order of the loop
            # below does not matter: it keeps each entry's largest value).
            best: Iterable[tuple[int, float]] = (
                hits.items()
                if len(hits) <= SHORTLIST_POOL
                else sorted(hits.items(), key=itemgetter(1), reverse=True)[:SHORTLIST_POOL]
            )
            if not scores:  # what the loop below gives from nothing (every weight is > 0)
                scores = {eid: factor * weight / weight_total for eid, weight in best}
                continue
            for eid, weight in best:
                value = factor * weight / weight_total
                if value > scores.get(eid, 0.0):
                    scores[eid] = value
        # The best CANDIDATES_PER_VARIANT (score, eid) pairs of entries with documents, best
        # first, penalty-only entries scaled down for citizens. Only those entries are looked
        # at one by one (found as set intersections); the rest is sorted in C: an entry below
        # the value at the cut never enters (pairs are distinct: eids are).
        for eid in self._empty.intersection(scores):
            if not entries[eid].docs:
                del scores[eid]
        if demote:
            for eid in self._penalty_only.intersection(scores):
                scores[eid] *= PENALTY_FACTOR
        if len(scores) > CANDIDATES_PER_VARIANT:
            cut = sorted(scores.values(), reverse=True)[CANDIDATES_PER_VARIANT - 1]
            kept = [(score, eid) for eid, score in scores.items() if score >= cut]
        else:
            kept = [(score, eid) for eid, score in scores.items()]
        kept.sort(reverse=True)
        return [eid for _score, eid in kept[:CANDIDATES_PER_VARIANT]]


def _scaled(weights: dict[str, float], major: str) -> dict[str, float]:
    """Tokens outside the thing asked about (`major`) weigh ACTION_WEIGHT times as much."""
    return {t: w if t in major else w * ACTION_WEIGHT for t, w in weights.items()}


def _direction_shift(item: frozenset[str], query: frozenset[str], plain: bool) -> float:
    """Entry score change for the life-event direction: the other way down, the asked way up;
    for a `plain` query (no direction, no word of another event) the item itself (new) a
    little up: 合作社 is 合作社设立登记 before 合作社备案登记."""
    if goes_the_other_way(item, query):
        return -DIRECTION_PENALTY
    if query and not item.isdisjoint(query):
        return DIRECTION_BONUS
    if plain and item == {NEW}:
        return DEFAULT_BONUS
    return 0.0


def _confident(hit: _Found, parsed: ParsedQuery) -> bool:
    """A hit is doubtful when the query names a life event (丢了, 注销, 到期…) the item does
    not go, when a query typed in hanzi found the item by sound alone, or when the item is a
    guide (指引, 指南) and the query asks no information; no hit is confident when the query
    asks what no item answers (opening hours, which business to choose)."""
    named = parsed.direction - {NEW, "info"}
    item = _name_directions(hit.document.name)
    by_sound = bool(hit.reasons) and hit.reasons[0] == "pinyin"
    doubtful = bool(named and item.isdisjoint(named)) or (by_sound and not _typed_latin(parsed))
    if not parsed.info_intent and any(map(hit.document.name.__contains__, GUIDE_WORDS)):
        doubtful = True  # a guide answers a question asking for information only
    if named and not doubtful and not _names_the_thing(hit.document, parsed):
        doubtful = True  # the life event matched, the thing did not (钱包丢了: 遗失补办 items)
    if not doubtful and not by_sound and _only_its_ending(hit.document, parsed):
        doubtful = True  # 学历证明 is no 出生医学证明: only the paper word 证明 is shared
    across = hit.reasons[:1] == ("related",) and _across_a_word(hit.document, parsed)
    if parsed.unanswerable or across:
        # whatever the score: no item says when a shop opens; 药店 inside the keyword 农药店
        # of 农药经营许可 is not the item's word (农药 is)
        return confident(0.0, hit.reasons, doubtful)
    return confident(hit.score, hit.reasons, doubtful)


def _names_the_thing(doc: Document, parsed: ParsedQuery) -> bool:
    """True when the item's texts (name, parent and sub item, aliases, keywords) hold a
    character pair of the thing the query asks about (a variant's words beside its life-event
    and procedure words), or when no variant has such words."""
    things = [variant.major.replace("|", "").replace(" ", "") for variant in parsed.variants]
    things = [thing for thing in things if thing]
    if not things:
        return True
    texts = _normalised(
        " ".join((doc.name, doc.parent_name, doc.sub_name, *doc.aliases, *doc.keywords))
    )
    return any(pair in texts for thing in things for pair in pairs(thing))


MIN_THING_ENDING = 4  # characters of a query whose last two may only say what kind of paper


def _only_its_ending(doc: Document, parsed: ParsedQuery) -> bool:
    """True when of every variant of the query (four characters or more) the item's texts
    hold at most the last character pair (证明 of 学历证明, 登记 of 税务登记), and of one that
    pair: the kind of paper or procedure asked matched, the thing it is about did not."""
    texts = _normalised(
        " ".join((doc.name, doc.parent_name, doc.sub_name, *doc.aliases, *doc.keywords))
    )
    ending = False
    for variant in parsed.variants:
        chars = variant.chars
        if len(chars) < MIN_THING_ENDING or chars.isascii():
            return False
        held = {pair for pair in pairs(chars) if pair in texts}
        if not held <= {chars[-2:]}:
            return False
        ending = ending or bool(held)
    return ending


MIN_ACROSS = 2  # characters of the query a keyword holds, run together, to be looked at


def _across_a_word(doc: Document, parsed: ParsedQuery) -> bool:
    """True when what the query's variants share with the item's keywords and aliases (their
    longest run of characters, two or more) sits there right after a character that, with the
    run's first, makes a pair of the item's name, while the run's own first pair is not in
    the name (药店 in 农药店: 农药 is the name's word, 药店 is not): the query's words run
    across a word of the item, not its own."""
    name = _normalised(doc.name)
    words = [_normalised(w) for w in (*doc.keywords, *doc.aliases)]
    across = False
    for variant in parsed.variants:
        chars = variant.chars
        if chars.isascii():
            return False
        for word in words:
            run = longest_run(chars, word)
            if len(run) < MIN_ACROSS:
                continue
            at = word.find(run)
            if run[:2] in name or at == 0 or word[at - 1] + run[0] not in name:
                return False
            across = True
    return across


@lru_cache(maxsize=65536)
def _normalised(text: str) -> str:
    return normalise(text)


def _typed_latin(parsed: ParsedQuery) -> bool:
    """The query has Latin letters that may be pinyin: words the dictionary knows (KTV, 4S)
    name a thing, so a sound match of the rest stays doubtful as for a query in hanzi."""
    known = {
        reason.removeprefix("synonym:").partition("→")[0]
        for variant in parsed.variants
        for reason in variant.reasons
        if reason.startswith("synonym:")
    }
    return any(word not in known for word in _LATIN_RE.findall(parsed.text))


_LATIN_RE = re.compile(r"[a-z]+")
_ASCII_LETTER_RE = re.compile(r"[A-Za-z]")  # = `c.isascii() and c.isalpha()`


def _same_thing_first(ranked: list[_Found], query: frozenset[str], top: int) -> list[_Found]:
    """An item going the other way never stays above an item of the same thing that does not:
    the latter moves up just above it (scores stay as they were); for a query naming no
    direction, only an ending (注销, 作废) is moved so (see `_misplaced`). The same holds for an
    information item (食品经营许可查询) when the query asks for no information: the item itself
    comes first. At least the first `top` hits of the result (later ones are never moved in
    front of them)."""
    out: list[_Found] = []
    rest = list(ranked)
    while rest and len(out) < top:
        hit = rest.pop(0)
        if _misplaced(hit, query):
            for position, later in enumerate(rest):
                if not _misplaced(later, query, strict=True) and same_thing(
                    hit.document.name, later.document.name
                ):
                    out.append(rest.pop(position))
                    break
        out.append(hit)
    return out


def _misplaced(hit: _Found, query: frozenset[str], *, strict: bool = False) -> bool:
    """An item going the other way, or an information service (查询, 进度, 预约) the query
    does not ask for; never an item the citizen named by its code. For a query naming no
    direction only the item's ending (`PLAIN_MISPLACED`: 注销, 撤销, 作废…) is moved: the
    default (the item itself) is already in the score (`DIRECTION_PENALTY`, `DEFAULT_BONUS`),
    and a change, replacement or renewal that still scores first is most likely named in
    words the direction table does not know. `strict`: the full rule, which the item moved up
    in its place must pass (the item itself, not another life event of it)."""
    if by_code(hit.reasons):
        return False  # the citizen named this very item by its code
    directions = _name_directions(hit.document.name)
    unasked_info = "info" not in query and "info" in directions
    if not query and not strict:
        return unasked_info or not directions.isdisjoint(PLAIN_MISPLACED)
    return goes_the_other_way(directions, query) or unasked_info


@lru_cache(maxsize=65536)
def _name_directions(name: str) -> Directions:
    """The life-event direction of an item name as written (names repeat across queries)."""
    return direction_of(normalise(name))
