"""Search documents from the reference CSV (as the importer maps it) and the development set."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from catalogue.categories import from_national_type
from search import Document

DEVSET = Path(__file__).resolve().parents[2] / "tests" / "search" / "devset.tsv"  # tuning part
# The held-out part: written before the last tuning round, never looked at query by query.
HELDOUT = DEVSET.with_name("heldout.tsv")
# The second held-out part: written before the next tuning round, measured before and after it.
HELDOUT2 = DEVSET.with_name("heldout2.tsv")
# The second tuning part: written before the search-quality round 2, tuned on with DEVSET.
DEVSET2 = DEVSET.with_name("devset2.tsv")
# The third tuning part: written before the search-quality round 3, tuned on with the others.
DEVSET3 = DEVSET.with_name("devset3.tsv")
# The fourth tuning part and the third held-out part: written blind (by someone who read neither
# the search code nor the other parts) before the search-quality round 4, in one file, then split
# at random per class into the two.
DEVSET4 = DEVSET.with_name("devset4.tsv")
HELDOUT3 = DEVSET.with_name("heldout3.tsv")
# The fifth tuning part and the fourth held-out part: written blind as one file before the
# search-quality round 5 (3 December) and split at random per class, as the fourth and third.
DEVSET5 = DEVSET.with_name("devset5.tsv")
HELDOUT4 = DEVSET.with_name("heldout4.tsv")
ABSENT = "-"  # expected column of a query about something the catalogue does not have


def _org_code(department: str) -> str:
    digest = hashlib.sha1(department.encode("utf-8")).hexdigest().upper()
    return digest[:9]


def documents_from_csv(path: Path) -> list[Document]:
    """One document per row of `service_items.csv`, mapped as `zwbot import items` maps it
    (category and kind from the national type code), with county-style codes numbered in order."""
    docs: list[Document] = []
    numbers: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            category, kind = from_national_type(row["category_code"])
            numbers[category] = numbers.get(category, 0) + 1
            body = f"620623000000{_org_code(row['department'])}0"
            extra = tuple(c for c in (row["item_code"], row["implementation_code"]) if c)
            docs.append(
                Document(
                    code=f"{body}—{category}{numbers[category]:05d}000",
                    name=row["name"],
                    kind=kind,
                    category=category,
                    parent_name=row["parent_item"],
                    sub_name=row["sub_item"],
                    department=row["department"],
                    extra_codes=extra,
                )
            )
    return docs


@dataclass(frozen=True, slots=True)
class DevQuery:
    """One query of the development set and the names that count as right."""

    kind: str
    query: str
    expected: frozenset[str]

    @property
    def absent(self) -> bool:
        """The catalogue has no item for this query: right is no confident hit."""
        return self.expected == {ABSENT}


def load_devset(path: Path = DEVSET) -> list[DevQuery]:
    """`class<TAB>query<TAB>name | name…` lines; `#` lines are comments."""
    out: list[DevQuery] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, query, expected = line.split("\t")
        out.append(DevQuery(kind, query, frozenset(e.strip() for e in expected.split(" | "))))
    return out


@dataclass(frozen=True, slots=True)
class Quality:
    """Top-1, top-3 and mean reciprocal rank (over the first 10) of one class."""

    kind: str
    count: int
    top1: float
    top3: float
    mrr: float


def evaluate(
    devset: Iterable[DevQuery],
    ranked_names: Iterable[list[str]],
    confident: Iterable[bool] | None = None,
) -> Iterator[tuple[DevQuery, int | None]]:
    """Pair each query with the 1-based rank of its first right answer (None: not in list).
    A query about something the catalogue lacks is right (rank 1) when its first hit is not
    confident (`confident`: one flag per query; without it any hit counts as confident)."""
    flags = iter(confident) if confident is not None else None
    for item, names in zip(devset, ranked_names, strict=True):
        sure = next(flags) if flags is not None else bool(names)
        if item.absent:
            yield item, None if names and sure else 1
            continue
        rank = next((i for i, name in enumerate(names, 1) if name in item.expected), None)
        yield item, rank


def summarise(results: Iterable[tuple[DevQuery, int | None]]) -> list[Quality]:
    """Per class and overall (`all`, last: the queries the catalogue has an item for). For
    the `absent` class top-1 is the share without a confident hit (1 − confident-wrong)."""
    by_kind: dict[str, list[int | None]] = {}
    for item, rank in results:
        by_kind.setdefault(item.kind, []).append(rank)
        if not item.absent:
            by_kind.setdefault("all", []).append(rank)
    out = []
    for kind, ranks in sorted(by_kind.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        count = len(ranks)
        out.append(
            Quality(
                kind,
                count,
                sum(1 for r in ranks if r == 1) / count,
                sum(1 for r in ranks if r is not None and r <= 3) / count,
                sum(1.0 / r for r in ranks if r is not None and r <= 10) / count,
            )
        )
    return out
