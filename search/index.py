"""The live search index: candidates from pairs, sounds, initials and codes; rapidfuzz rerank."""

from __future__ import annotations

import heapq
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from typing import TypeVar

from search.codes import compact, keys_of
from search.document import Document, Hit
from search.entry import MILD_CATEGORIES, Entry, entry_key, is_penalty, pairs
from search.query import ParsedQuery, Variant, parse
from search.rank import Weights, score_variant
from search.syllables import bigrams, initials, positions
from search.synonyms import SynonymTable

K = TypeVar("K")
Postings = dict[K, tuple[int, ...]]

CANDIDATES_PER_VARIANT = 32
SHORTLIST_POOL = 80  # best entries of each first-stage channel considered for the shortlist
RARE_SHARE = 0.02  # characters in at most this share of entries count as rare
COMMON_POSTINGS, COMMON_SHARE = 250, 0.005  # longer postings are checked, not walked
FEW_HITS, CHECKED_HITS = 64, 300
PENALTY_FACTOR = 0.75  # citizen queries: penalty items below services and licences
MILD_FACTOR = 0.92
SUSPENDED_FACTOR = 0.97  # a suspended item cannot be handled now: an open one first
MAX_DOC_FACTOR = 1.02  # popularity bonus: the most a document adds to its entry's score
INFO_PENALTY = 0.04  # "…查询/预约/指引" items below the item itself, unless asked for
INITIALS_LONGEST = 12  # names longer than this are not reachable by their initials
CODE_SCORES = {"full": 1.3, "basic": 1.2, "other": 1.2, "partial": 1.15, "body": 1.1}
# A 22-character body code alone names no item: it is not indexed (lists would be huge).


class SearchIndex:
    """Build once, then `upsert`/`remove` live; readers never block (copy-on-write postings)."""

    def __init__(self, synonyms: SynonymTable | None = None) -> None:
        self._lock = threading.Lock()
        self._building = False  # postings hold lists while building, tuples afterwards
        self._base_synonyms = synonyms if synonyms is not None else SynonymTable.default()
        self._synonyms = self._base_synonyms
        self._entries: list[Entry] = []
        self._by_key: dict[str, int] = {}
        self._docs: dict[str, Document] = {}
        self._doc_entry: dict[str, int] = {}
        self._pairs: Postings[str] = {}
        self._aux_pairs: Postings[str] = {}
        self._sounds: Postings[str] = {}
        self._initials: Postings[str] = {}
        self._codes: dict[str, tuple[str, ...]] = {}  # any compact key → document codes

    @classmethod
    def build(cls, docs: Iterable[Document], synonyms: SynonymTable | None = None) -> SearchIndex:
        index = cls(synonyms)
        latest = {doc.code: doc for doc in docs}  # a repeated code: the last document wins
        with index._lock:
            index._building = True
            members: dict[int, list[Document]] = {}
            for doc in latest.values():
                eid = index._entry_for(doc)
                members.setdefault(eid, []).append(doc)
                index._docs[doc.code] = doc
                index._doc_entry[doc.code] = eid
                index._index_codes(doc)
            for eid, group in members.items():
                index._entries[eid].set_docs(tuple(group))
            index._building = False
            for postings in (index._pairs, index._aux_pairs, index._sounds, index._initials):
                for token, bucket in postings.items():
                    postings[token] = tuple(bucket)
            for key, codes in index._codes.items():
                index._codes[key] = tuple(dict.fromkeys(codes))
        index.search("请问社保卡 linshi jiuzhu 〇", top=1)  # loads lazy dictionaries now
        return index

    def __len__(self) -> int:
        return len(self._docs)

    def get(self, code: str) -> Document | None:
        """The current document of a code."""
        return self._docs.get(code)

    # --- writers -------------------------------------------------------------------------

    def upsert(self, doc: Document) -> None:
        """Add or replace one document; visible to the next query."""
        with self._lock:
            self._upsert_locked(doc)

    def remove(self, code: str) -> None:
        """Drop one document (suspended for citizens, abolished, merged away)."""
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
            entry.set_docs(tuple(doc if d.code == doc.code else d for d in entry.docs))
        else:
            entry.set_docs((*entry.docs, doc))
        self._docs[doc.code] = doc  # the switch: readers skip any other object for this code
        if old is not None:
            old_eid = self._doc_entry.get(doc.code)
            if old_eid is not None and old_eid != eid:
                previous = self._entries[old_eid]
                previous.set_docs(tuple(d for d in previous.docs if d.code != doc.code))
            self._unindex_codes(old)
        self._doc_entry[doc.code] = eid
        self._index_codes(doc)

    def _entry_for(self, doc: Document) -> int:
        """The entry of the document's searchable text, created and indexed when new."""
        key = entry_key(doc)
        eid = self._by_key.get(key)
        if eid is None:
            eid = len(self._entries)
            entry = Entry.create(eid, doc)
            self._entries.append(entry)
            self._by_key[key] = eid
            self._index_entry(entry)
        return eid

    def _detach(self, code: str, doc: Document) -> None:
        eid = self._doc_entry.pop(code, None)
        if eid is not None:
            entry = self._entries[eid]
            entry.set_docs(tuple(d for d in entry.docs if d.code != code))
        self._unindex_codes(doc)

    def _index_entry(self, entry: Entry) -> None:
        add = _append if self._building else _add
        for token in entry.name_pairs | frozenset(entry.name):
            add(self._pairs, token, entry.eid)
        for token in {p for text in entry.aux for p in pairs(text)}:
            add(self._aux_pairs, token, entry.eid)
        for token in entry.sound_pairs:
            add(self._sounds, token, entry.eid)
        if len(entry.name) <= INITIALS_LONGEST:
            letters = initials(entry.name)
            for end in range(2, len(letters) + 1):
                add(self._initials, letters[:end], entry.eid)

    def _code_keys(self, doc: Document) -> set[str]:
        keys = keys_of(doc.code)
        found = {keys.full, keys.basic, keys.basic[:7]}
        found.update(compact(extra) for extra in doc.extra_codes)
        return {key for key in found if key}

    def _index_codes(self, doc: Document) -> None:
        for key in self._code_keys(doc):
            if self._building:
                self._codes.setdefault(key, []).append(doc.code)  # type: ignore[arg-type, attr-defined]
                continue
            codes = self._codes.get(key, ())
            if doc.code not in codes:
                self._codes[key] = (*codes, doc.code)

    def _unindex_codes(self, doc: Document) -> None:
        for key in self._code_keys(doc):
            codes = tuple(c for c in self._codes.get(key, ()) if c != doc.code)
            if codes:
                self._codes[key] = codes
            else:
                self._codes.pop(key, None)

    # --- readers -------------------------------------------------------------------------

    def search(self, query: str, *, top: int = 5, citizen: bool = True) -> list[Hit]:
        """The best `top` documents for a query, best first. Citizens see published items
        only, and penalty items below the others unless the query is about a penalty."""
        parsed = parse(query, self._synonyms, self._known_pair)
        found: dict[str, Hit] = {}
        for hit in self._code_hits(parsed):
            self._offer(found, hit, citizen)
        variants = list(parsed.variants)
        for letters in parsed.initials:
            for synonym in self._synonyms.by_initials(letters):
                for formal in synonym.formals:
                    variants.append(Variant(formal, 0.9, (f"synonym:{synonym.colloquial}",)))
        entry_scores = self._rank_entries(parsed, variants, citizen)
        floor: list[float] = []  # the `top` best scores so far (a min-heap)
        for eid, (score, reasons) in entry_scores:
            if len(floor) >= top and score * MAX_DOC_FACTOR < floor[0]:
                break  # sorted by score: no later entry can reach the top any more
            for doc in self._entries[eid].docs:
                factor, extra = self._doc_factor(doc, parsed, citizen)
                hit = Hit(doc, score * factor, reasons + extra)
                if self._offer(found, hit, citizen):
                    heapq.heappush(floor, hit.score)
                    if len(floor) > top:
                        heapq.heappop(floor)
        ranked = sorted(
            found.values(),
            key=lambda h: (-round(h.score, 6), len(h.document.name), h.document.code),
        )
        return ranked[:top]

    def _offer(self, found: dict[str, Hit], hit: Hit, citizen: bool) -> bool:
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

    def _code_hits(self, parsed: ParsedQuery) -> list[Hit]:
        hits: list[Hit] = []
        for code_query in parsed.codes:
            score = CODE_SCORES[code_query.kind]
            for code in self._codes.get(code_query.text, ()):
                doc = self._docs.get(code)
                if doc is not None:
                    hits.append(Hit(doc, score, (f"code:{code_query.kind}",)))
        return hits

    def _doc_factor(
        self, doc: Document, parsed: ParsedQuery, citizen: bool
    ) -> tuple[float, tuple[str, ...]]:
        factor, reasons = 1.0, tuple[str, ...]()
        if citizen and not parsed.penalty_intent:
            if is_penalty(doc):
                factor, reasons = PENALTY_FACTOR, ("penalty-item",)
            elif doc.category in MILD_CATEGORIES:
                factor = MILD_FACTOR
        if doc.suspended:
            factor, reasons = factor * SUSPENDED_FACTOR, (*reasons, "suspended")
        factor += min(max(doc.popularity, 0.0), 1.0) * 0.02
        return factor, reasons

    def _rank_entries(
        self, parsed: ParsedQuery, variants: list[Variant], citizen: bool
    ) -> list[tuple[int, tuple[float, tuple[str, ...]]]]:
        total = max(len(self._entries), 1)
        demote = citizen and not parsed.penalty_intent
        best: dict[int, tuple[float, tuple[str, ...]]] = {}
        shortlists: dict[str, list[int]] = {}
        for number, variant in enumerate(variants):
            weights = self._weights(variant, total)
            shortlist = shortlists.get(variant.twin)
            if shortlist is None:
                # Sounds and related texts are matched for the citizen's own words (and typed
                # pinyin); synonym readings are formal hanzi.
                full = number == 0 or not variant.reasons
                shortlist = self._shortlist(weights, total, demote, full)
            shortlists[variant.text] = shortlist
            if not shortlist:
                continue
            entries = [self._entries[eid] for eid in shortlist]
            for eid, (score, channel) in score_variant(weights, entries).items():
                entry = self._entries[eid]
                if entry.info_only and not parsed.info_intent:
                    score -= INFO_PENALTY
                reasons = (channel, *variant.reasons)
                if score > best.get(eid, (-1.0, ()))[0]:
                    best[eid] = (score, reasons)
        for letters in parsed.initials:
            for eid in self._initials.get(letters, ()):
                entry = self._entries[eid]
                exact = len(initials(entry.name)) == len(letters)
                score = (0.9 if exact else 0.8) - 0.004 * len(entry.name)
                if score > best.get(eid, (-1.0, ()))[0]:
                    best[eid] = (score, ("initials",))
        return sorted(best.items(), key=lambda item: -item[1][0])[:CANDIDATES_PER_VARIANT]

    def _weights(self, variant: Variant, total: int) -> Weights:
        chars = variant.chars

        def idf(postings: Postings[str], token: str) -> float:
            return math.log(1.0 + total / (len(postings.get(token, ())) or 1))

        char_tokens = pairs(chars) if len(chars) > 1 else frozenset(chars)
        sound_tokens = bigrams(positions(variant.text.split()))
        return Weights(
            variant,
            {token: idf(self._pairs, token) for token in char_tokens},
            {char: idf(self._pairs, char) for char in chars},
            {token: idf(self._sounds, token) for token in sound_tokens},
        )

    def _shortlist(self, weights: Weights, total: int, demote: bool, full: bool) -> list[int]:
        """The entries worth reranking: best by IDF-weighted pairs, rare characters, and (for
        the citizen's own words) syllable pairs and related texts."""
        entries = self._entries
        channels: list[tuple[dict[int, float], float, float]] = []
        char_hits = _accumulate(
            self._pairs, weights.pairs, total, lambda e, t: t in entries[e].name
        )
        channels.append((char_hits, weights.pairs_total, 1.0))
        rare: dict[int, float] = {}
        if len(weights.chars) > 1:
            for char, weight in weights.chars.items():
                found = self._pairs.get(char, ())
                if len(found) <= total * RARE_SHARE:
                    for eid in found:
                        rare[eid] = rare.get(eid, 0.0) + weight
        channels.append((rare, sum(weights.chars.values()), 0.8))
        has_latin = any(c.isascii() and c.isalpha() for c in weights.variant.chars)
        if full or has_latin:
            sound_hits = _accumulate(
                self._sounds, weights.sounds, total, lambda e, t: t in entries[e].sound_pairs
            )
            channels.append((sound_hits, weights.sounds_total, 0.9))
        if full:
            aux_hits = _accumulate(
                self._aux_pairs,
                weights.pairs,
                total,
                lambda e, t: any(t in text for text in entries[e].aux),
            )
            channels.append((aux_hits, weights.pairs_total, 0.8))
        scores: dict[int, float] = {}
        for hits, weight_total, factor in channels:
            if not weight_total or not hits:
                continue
            for eid, weight in heapq.nlargest(SHORTLIST_POOL, hits.items(), key=itemgetter(1)):
                value = factor * weight / weight_total
                if value > scores.get(eid, 0.0):
                    scores[eid] = value
        live = [
            (score * PENALTY_FACTOR if demote and entries[eid].penalty_only else score, eid)
            for eid, score in scores.items()
            if entries[eid].docs
        ]
        return [eid for _score, eid in heapq.nlargest(CANDIDATES_PER_VARIANT, live)]


def _add(postings: Postings[str], token: str, eid: int) -> None:
    # Copy-on-write: a reader holding the old tuple never sees it change.
    postings[token] = (*postings.get(token, ()), eid)


def _append(postings: Postings[str], token: str, eid: int) -> None:
    bucket = postings.setdefault(token, [])  # type: ignore[arg-type]
    bucket.append(eid)  # type: ignore[attr-defined]


def _accumulate(
    postings: Postings[str],
    weights: Mapping[str, float],
    total: int,
    contains: Callable[[int, str], bool],
) -> dict[int, float]:
    """IDF-weighted matches per entry. Rare tokens walk their postings; a common token
    (once there are candidates) is only checked against the best candidates found so far,
    so a query costs about the same at 6,000 or 200,000 entries."""
    hits: dict[int, float] = {}
    found_tokens = sorted(((postings.get(t, ()), t) for t in weights), key=lambda f: len(f[0]))
    common = max(COMMON_POSTINGS, int(total * COMMON_SHARE))
    for found, token in found_tokens:
        weight = weights[token]
        if len(found) <= common or len(hits) < FEW_HITS:
            for eid in found:
                hits[eid] = hits.get(eid, 0.0) + weight
            continue
        if len(hits) > CHECKED_HITS:
            hits = dict(heapq.nlargest(CHECKED_HITS, hits.items(), key=itemgetter(1)))
        for eid in hits:
            if contains(eid, token):
                hits[eid] += weight
    return hits
