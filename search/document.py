"""The documents search is built from and the hits it answers with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Document:
    """One searchable catalogue item; `code` is its unique, opaque key."""

    code: str
    name: str
    kind: str = "power"  # "power" | "service"
    category: str = ""  # two-letter county category: XK CF QZ ZS GF CJ QR JL JD QT
    parent_name: str = ""
    sub_name: str = ""
    department: str = ""
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    extra_codes: tuple[str, ...] = ()  # national item / implementation codes, other renderings
    published: bool = True  # visible to citizens (published or suspended, never classified)
    popularity: float = 0.0
    suspended: bool = False  # 暂停: still public (第十条), ranked a little lower, marked


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked answer: the document, a score in [0, ~1.3] and why it matched. `confident` is
    set by `SearchIndex.search`: the hit matches the query well enough to be shown as *the*
    answer (a code, or a score of at least `rank.CONFIDENT_SCORE`); when the first hit is not
    confident the query is most likely about something the catalogue does not have."""

    document: Document
    score: float
    reasons: tuple[str, ...]
    confident: bool = False
