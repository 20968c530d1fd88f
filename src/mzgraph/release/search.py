"""Full-text search over the employers: built once per release, answered with BM25 in a few milliseconds.

How it works (and why, measured against SQLite FTS5's trigram tokenizer and tantivy's n-grams on whole
documents: see ``docs/release-index.md``): every text is folded and cut into words
(:mod:`mzgraph.release.text`). The distinct words form a small vocabulary with an FTS5 trigram index of its own,
which finds the words *containing* a query word, so Dutch compounds are found by their parts. Each word has a
posting list per field (an employer's names; its other texts): the employers whose texts hold it, with a
weighted count. A query word's employers are the union of its words' lists, scored with BM25F (the two fields
normalised by their own lengths, the name weighing most; numpy, over arrays, no Python object per employer);
every query word must match. The texts themselves are kept for showing what matched, for the shown page only.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pyroaring import FrozenBitMap

from mzgraph.release.model import Match
from mzgraph.release.text import SHORT, mark, word_counts

WEIGHTS = {"name": 1.0, "partner": 1.5, "measure": 1.0, "statement": 1.0, "quote": 0.5}
"""How much a word counts by where it occurs within its field: partner names more, quotations less."""
NAME, TEXT = 0, 1
"""The two fields: an employer's names, and all its other texts."""
NAME_WEIGHT = 4.0
"""How much more a word in the name counts than one in the other texts (BM25F's field weight)."""
KIND_ORDER = ("name", "measure", "statement", "partner", "quote")
K1, B = 1.2, 0.75
"""BM25's usual parameters (B for both fields)."""
FLUSH = 4_000_000
"""Postings held in memory before they are written out (about 32 MB)."""
CACHE = 32
"""Searches whose results each process keeps (paging through one search costs one search)."""

SCHEMA = """
CREATE TABLE search_words(id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE);
CREATE TABLE search_postings(word INTEGER NOT NULL, field INTEGER NOT NULL, ids BLOB NOT NULL,
                             weights BLOB NOT NULL);
CREATE TABLE search_texts(org INTEGER NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, line INTEGER,
                          text TEXT NOT NULL);
"""


class SearchBuilder:
    """Collects the texts of the employers (:meth:`add`) and writes the search tables (:meth:`finish`)."""

    def __init__(self, db: sqlite3.Connection, employers: int) -> None:
        self._db = db
        db.executescript(SCHEMA)
        self.length = np.zeros((2, employers), dtype=np.float32)
        """Each employer's weighted number of words, per field."""
        self._words: dict[str, int] = {}
        self._ids: dict[tuple[int, int], array[int]] = {}
        self._weights: dict[tuple[int, int], array[float]] = {}
        self._pending = 0
        self._texts: list[tuple[int, str, str, int | None, str]] = []

    def add(self, org: int, kind: str, source: str, line: int | None, text: str) -> None:
        """Index ``text`` of employer ``org`` (``kind`` as in :data:`WEIGHTS`; ``source`` the IRI it belongs to)."""
        weight = WEIGHTS[kind]
        field = NAME if kind == "name" else TEXT
        counts, length = word_counts(text)
        self.length[field, org] += weight * length
        for word, count in counts:
            key = (self._words.setdefault(word, len(self._words)), field)
            ids = self._ids.get(key)
            if ids is None:
                ids = self._ids[key] = array("I")
                self._weights[key] = array("f")
            ids.append(org)
            self._weights[key].append(weight * count)
        self._pending += len(counts)
        self._texts.append((org, kind, source, line, text))
        if len(self._texts) >= 50_000:
            self._write_texts()
        if self._pending >= FLUSH:
            self._flush()

    def _write_texts(self) -> None:
        self._db.executemany("INSERT INTO search_texts VALUES (?, ?, ?, ?, ?)", self._texts)
        self._texts = []

    def _flush(self) -> None:
        self._db.executemany(
            "INSERT INTO search_postings VALUES (?, ?, ?, ?)",
            (
                (word, field, ids.tobytes(), self._weights[word, field].tobytes())
                for (word, field), ids in self._ids.items()
            ),
        )
        self._ids, self._weights, self._pending = {}, {}, 0

    def finish(self) -> int:
        """Write what is left, the vocabulary and its trigram index; the number of distinct words."""
        self._write_texts()
        self._flush()
        self._db.executemany("INSERT INTO search_words VALUES (?, ?)", ((k, w) for w, k in self._words.items()))
        self._db.executescript("""
            CREATE INDEX search_postings_word ON search_postings(word);
            CREATE INDEX search_texts_org ON search_texts(org);
            CREATE VIRTUAL TABLE search_vocabulary USING fts5(word, content='search_words', content_rowid='id',
                                                              tokenize='trigram');
            INSERT INTO search_vocabulary(search_vocabulary) VALUES ('rebuild');
        """)
        return len(self._words)


@dataclass(frozen=True)
class Found:
    """The employers matching a search: ``ids`` ascending, with their ``scores`` and their ``keys`` in the relevance
    order. A key sorts best first, ties by id (i.e. by name): the score's float32 bits, reversed, above the id. It
    is made for each employer on its own, so a search of a million employers pages without sorting them all: a page
    is the next few keys after its cursor's (:func:`mzgraph.release.paging.window`)."""

    ids: np.ndarray
    scores: np.ndarray
    keys: np.ndarray

    @classmethod
    def of(cls, ids: np.ndarray, scores: np.ndarray) -> Found:
        # the scores are kept as float32, so the order and the scores shown agree; a positive float32's bits grow
        # with its value, so subtracting them from the largest int32 puts the best score first; below them, the
        # id keeps ties in name order (the keys stay below 2**63)
        kept = scores.astype(np.float32)
        keys = ((0x7FFFFFFF - kept.view(np.uint32).astype(np.int64)) << 32) | ids.astype(np.int64)
        return cls(ids.astype(np.uint32), kept, keys)

    @cached_property
    def members(self) -> FrozenBitMap:
        """The employers found, as a bitmap to combine with the filters (made once: a search is kept a while)."""
        return FrozenBitMap(array("I", self.ids.tobytes()))

    @staticmethod
    def ids_of(keys: np.ndarray) -> np.ndarray:
        """The employers whose keys are ``keys``."""
        return keys & 0xFFFFFFFF


class Searcher:
    """Answers searches from the tables :class:`SearchBuilder` wrote (thread-safe)."""

    def __init__(self, connection: Callable[[], sqlite3.Connection], length: np.ndarray) -> None:
        self._connection = connection
        self._count = length.shape[1]
        self._norms = []  # per field: BM25F's length normalisation of each employer
        for lengths in length.astype(np.float64):
            average = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
            self._norms.append(1 - B + B * lengths / average)
        self._cache: OrderedDict[tuple[str, ...], Found] = OrderedDict()
        self._lock = threading.Lock()

    def search(self, words: tuple[str, ...]) -> Found:
        """The employers whose texts match every one of ``words`` (folded query words), with BM25 scores."""
        with self._lock:
            if words in self._cache:
                self._cache.move_to_end(words)
                return self._cache[words]
        found = self._search(words)
        with self._lock:
            self._cache[words] = found
            while len(self._cache) > CACHE:
                self._cache.popitem(last=False)
        return found

    def _search(self, words: tuple[str, ...]) -> Found:
        score: np.ndarray | None = None
        matched: np.ndarray | None = None
        for word in words:
            rows = self._postings(word)
            if not rows:
                return Found.of(np.empty(0, dtype=np.uint32), np.empty(0))
            tf = np.zeros(self._count)
            for field, weight in ((NAME, NAME_WEIGHT), (TEXT, 1.0)):
                chosen = [r for r in rows if r[0] == field]
                if chosen:
                    ids = np.concatenate([np.frombuffer(r[1], dtype=np.uint32) for r in chosen])
                    counts = np.concatenate([np.frombuffer(r[2], dtype=np.float32) for r in chosen])
                    tf += weight * np.bincount(ids, weights=counts, minlength=self._count) / self._norms[field]
            has = tf > 0
            df = int(np.count_nonzero(has))
            idf = np.log(1 + (self._count - df + 0.5) / (df + 0.5))
            part = idf * tf * (K1 + 1) / (tf + K1)
            score = part if score is None else score + part
            matched = has if matched is None else matched & has
        if score is None or matched is None:
            return Found.of(np.empty(0, dtype=np.uint32), np.empty(0))
        ids = np.flatnonzero(matched)
        return Found.of(ids, score[ids])

    def _postings(self, word: str) -> list[tuple[int, bytes, bytes]]:
        db = self._connection()
        if len(word) < SHORT:  # the words that begin with it: a range of the vocabulary's unique index
            return db.execute(
                "SELECT p.field, p.ids, p.weights FROM search_words w JOIN search_postings p ON p.word = w.id"
                " WHERE w.word >= ? AND w.word < ?",
                (word, word + "\U0010ffff"),
            ).fetchall()
        return db.execute(
            "SELECT p.field, p.ids, p.weights FROM search_vocabulary v JOIN search_postings p ON p.word = v.rowid"
            " WHERE search_vocabulary MATCH ?",
            ('"' + word.replace('"', '""') + '"',),
        ).fetchall()

    def matches(self, orgs: Sequence[int], words: tuple[str, ...], per_org: int = 3) -> dict[int, tuple[Match, ...]]:
        """For each of ``orgs``, its texts that match, best first: most query words, then names before measures
        before passages before partners before quotations, then by source line."""
        if not orgs or not words:
            return {}
        marks = ", ".join("?" * len(orgs))
        rows: Iterable[tuple[int, str, str, int | None, str]] = self._connection().execute(
            f"SELECT org, kind, source, line, text FROM search_texts WHERE org IN ({marks})", list(orgs)
        )
        found: dict[int, list[tuple[tuple[int, int, int, str], Match]]] = {}
        for org, kind, source, line, text in rows:
            marked = mark(text, words)
            if marked is None:
                continue
            key = (-marked.hits, KIND_ORDER.index(kind), line if line is not None else 1 << 30, source)
            found.setdefault(org, []).append((key, Match(kind, source, line, marked)))
        return {org: tuple(m for _, m in sorted(ms, key=lambda e: e[0])[:per_org]) for org, ms in found.items()}
