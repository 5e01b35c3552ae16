"""Baselines measured beside our index: rapidfuzz over names, SQLite FTS5 trigram."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils


class RapidfuzzNames:
    """`rapidfuzz.process.extract` (WRatio, default processor) over every name."""

    label = "rapidfuzz"

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)

    def search(self, query: str, top: int) -> list[str]:
        found = process.extract(
            query, self.names, scorer=fuzz.WRatio, processor=utils.default_process, limit=top
        )
        return [name for name, _score, _index in found]


class Fts5Trigram:
    """SQLite FTS5 with the trigram tokenizer, ranked by bm25; queries shorter than three
    characters fall back to LIKE on a plain table (trigram cannot match them)."""

    label = "fts5"

    def __init__(self, names: Sequence[str]) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE names_fts USING fts5(name, tokenize='trigram')")
        self.db.execute("CREATE TABLE names_plain (rowid INTEGER PRIMARY KEY, name TEXT)")
        rows = list(enumerate(names, start=1))
        self.db.executemany("INSERT INTO names_fts (rowid, name) VALUES (?, ?)", rows)
        self.db.executemany("INSERT INTO names_plain (rowid, name) VALUES (?, ?)", rows)

    def search(self, query: str, top: int) -> list[str]:
        text = query.strip()
        if not text:
            return []
        if len(text) < 3:
            sql = "SELECT name FROM names_plain WHERE name LIKE ? ORDER BY length(name) LIMIT ?"
            return [row[0] for row in self.db.execute(sql, (f"%{text}%", top))]
        phrase = '"' + text.replace('"', '""') + '"'
        sql = "SELECT name FROM names_fts WHERE names_fts MATCH ? ORDER BY rank LIMIT ?"
        try:
            return [row[0] for row in self.db.execute(sql, (phrase, top))]
        except sqlite3.OperationalError:
            return []
