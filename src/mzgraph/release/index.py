"""Reading a release index: what the web layer calls per request. Every answer reads only what it shows.

Open it once per process with :func:`open_index` (checked against the store's release) and share it between
threads. Nothing here scans the graph: lists are bitmaps and sort orders in memory (memory-mapped arrays), a page
reads its rows from SQLite by id, searches read a few posting lists, statistics are read once.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
from pyroaring import AbstractBitMap, BitMap, FrozenBitMap

from mzgraph.release.build import ARRAYS, DATABASE, FORMAT
from mzgraph.release.cursor import Cursor, decode
from mzgraph.release.errors import BadRequest, IndexMismatch, IndexMissing
from mzgraph.release.groups import GroupMeasures
from mzgraph.release.model import (
    FACETS,
    Facet,
    Facets,
    FacetValue,
    Filters,
    Item,
    Match,
    Page,
    Sort,
)
from mzgraph.release.organisations import item_of, local_name, pick
from mzgraph.release.paging import Order, Slice, as_array, sort_of, window
from mzgraph.release.search import Found, Searcher
from mzgraph.release.text import query_words
from mzgraph.release.wide import ReleaseWide
from mzgraph.store import Release

MAX_SIZE = 1000
"""Largest page."""
FACET_LIMIT = 50
MemberKind = Literal["concept", "partner"]
MEMBER_KINDS: tuple[MemberKind, ...] = ("concept", "partner")
_EXPORT_CHUNK = 500


class ReleaseIndex(ReleaseWide):
    """A release index opened for reading (thread-safe). See :mod:`mzgraph.release` for the contract."""

    def __init__(self, directory: Path) -> None:
        database = directory / DATABASE
        if not database.is_file():
            raise IndexMissing(f"no release index in {directory}", detail={"index": str(directory)})
        self.directory = directory
        self._local = threading.local()
        meta = {key: json.loads(value) for key, value in self._db().execute("SELECT key, value FROM meta")}
        if meta.get("format") != FORMAT:
            raise IndexMismatch(
                f"the release index in {directory} has format {meta.get('format')}, this mzgraph reads format "
                f"{FORMAT}; rebuild it",
                detail={"index": str(directory)},
            )
        self.release: str = meta["tag"]
        """The release tag the index was built from."""
        self.modified = datetime.fromisoformat(meta["modified"])
        self.built = datetime.fromisoformat(meta["built"])
        self.base: str = meta["base"]
        self.languages: tuple[str, ...] = tuple(meta["languages"])
        self.count: int = meta["organisations"]
        arrays = directory / ARRAYS
        self._orders = {
            path.stem.removeprefix("order-"): np.load(path, mmap_mode="r") for path in arrays.glob("order-*.npy")
        }
        self._ranks: dict[str, np.ndarray] = {}
        self._group_measures = GroupMeasures(meta["groups"], np.load(arrays / "groups.npy", mmap_mode="r"))
        self._searcher = Searcher(self._db, np.load(arrays / "length.npy"))
        self._sets: dict[str, dict[str, FrozenBitMap]] = {kind: {} for kind in FACETS}
        for kind, value, members in self._db().execute(
            "SELECT kind, value, members FROM sets WHERE kind IN (?, ?, ?, ?, ?)", FACETS
        ):
            self._sets[kind][value] = FrozenBitMap.deserialize(members)
        self._labels = {iri: json.loads(text) for iri, text in self._db().execute("SELECT iri, labels FROM labels")}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close this thread's database connection (others close when their threads end)."""
        connection = getattr(self._local, "db", None)
        if connection is not None:
            connection.close()
            self._local.db = None

    def _db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "db", None)
        if connection is None:
            uri = (self.directory / DATABASE).resolve().as_uri() + "?mode=ro&immutable=1"
            connection = self._local.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return connection

    # --- lists -------------------------------------------------------------------------------------------

    def browse(
        self,
        filters: Filters = Filters(),  # noqa: B008 - frozen
        search: str | None = None,
        sort: Sort = Sort(),  # noqa: B008 - frozen
        cursor: str | None = None,
        size: int = 20,
        langs: Sequence[str] = ("nl",),
    ) -> Page:
        """One page of the employers matching ``filters`` and ``search``, in ``sort`` order.

        ``cursor`` (from a previous page's ``next``, ``prev`` or ``last``) selects the page; without one, the
        first. Raises :class:`BadRequest` for a size outside 1..1000 or a relevance sort without a search, and
        :class:`BadCursor` for a cursor that is malformed, from another release, or of another order.
        With a search, each item has its ``score`` and up to three ``matches`` (the texts that matched, marked).
        """
        words = query_words(search or "")
        order = self._order(sort, langs, words)
        chosen, found = self._select(filters, words)
        page = self._page(order, chosen, found, cursor, size)
        return self._with_items(page, langs, words, found)

    def members(
        self,
        kind: MemberKind,
        value: str,
        cursor: str | None = None,
        size: int = 20,
        langs: Sequence[str] = ("nl",),
    ) -> Page:
        """One page, in name order, of the employers using a concept (``kind="concept"``: a measure type, a
        measure group, a partner role, ...; a narrower concept counts for its broader ones) or working with a
        partner (``kind="partner"``); ``total`` is how many there are. An unknown value has no employers."""
        if kind not in MEMBER_KINDS:
            raise BadRequest(f"unknown kind {kind!r}; use one of {', '.join(MEMBER_KINDS)}", detail={"kind": kind})
        members = self._member_set(kind, value)
        order = self._order(Sort(), langs, ())
        page = self._page(order, members, None, cursor, size)
        return self._with_items(page, langs, (), None)

    def iter_all(
        self,
        filters: Filters = Filters(),  # noqa: B008 - frozen
        search: str | None = None,
        sort: Sort = Sort(),  # noqa: B008 - frozen
        langs: Sequence[str] = ("nl",),
    ) -> Iterator[Item]:
        """Every employer of the list, in order, read a few hundred at a time (for CSV and JSON exports: memory
        stays flat whatever the size; matches are not computed)."""
        words = query_words(search or "")
        order = self._order(sort, langs, words)
        chosen, found = self._select(filters, words)
        keys = np.arange(self.count) if chosen is None else np.sort(order.keys(as_array(chosen), found))
        for start in range(0, len(keys), _EXPORT_CHUNK):
            ids = order.ids(keys[start : start + _EXPORT_CHUNK])
            yield from self._items([int(i) for i in ids], langs, {}, found)

    def cursor_at(
        self,
        filters: Filters,
        search: str | None,
        sort: Sort,
        position: int,
        langs: Sequence[str] = ("nl",),
    ) -> str | None:
        """The cursor of the page that starts at ``position`` (0-based) of the list, for links that still give a
        page number; None for the first page. Past the end, the cursor of an empty page after the last item."""
        words = query_words(search or "")
        order = self._order(sort, langs, words)
        chosen, found = self._select(filters, words)
        if chosen is None:
            total = self.count
            key = min(position, total) - 1
        else:
            keys = order.keys(as_array(chosen), found)
            total = len(keys)
            at = min(position, total) - 1
            key = int(np.partition(keys, at)[at]) if at >= 0 else -1
        if key < 0:
            return None
        return Cursor(self.release, order.name, False, int(key)).encode()

    def position_of(self, iri: str) -> int | None:
        """The id of the employer ``iri`` (its place in the primary name order), or None if it is not one."""
        row = self._db().execute("SELECT id FROM organisations WHERE iri = ?", (iri,)).fetchone()
        return None if row is None else int(row[0])

    # --- facets ------------------------------------------------------------------------------------------

    def facets(
        self,
        filters: Filters = Filters(),  # noqa: B008 - frozen
        search: str | None = None,
        langs: Sequence[str] = ("nl",),
        limit: int = FACET_LIMIT,
    ) -> Facets:
        """How many employers of the current list (``filters`` and ``search``) have each facet value, and their
        measures per group. Counts include the list's own choices (choosing a partner shows how many of its
        employers also work with each other one). Each facet lists its chosen values, then up to ``limit`` by
        count (years: newest first)."""
        chosen, _ = self._select(filters, query_words(search or ""))
        total = self.count if chosen is None else len(chosen)
        facets = {}
        for name in FACETS:
            selected = filters.selected(name)
            if name == "ambassador":
                yes = self._count(self._sets["ambassador"].get("yes", FrozenBitMap()), chosen)
                values = [
                    FacetValue("yes", "yes", yes, "yes" in selected),
                    FacetValue("no", "no", total - yes, "no" in selected),
                ]
                shown = [v for v in values if v.count or v.selected]
                facets[name] = Facet(name, shown, sum(v.count > 0 for v in values))
                continue
            counted = [
                FacetValue(
                    value,
                    value if name == "year" else self.label(value, langs),
                    self._count(members, chosen),
                    value in selected,
                )
                for value, members in self._sets[name].items()
            ]
            counted += [
                FacetValue(value, value if name == "year" else self.label(value, langs), 0, True)
                for value in sorted(selected - self._sets[name].keys())
            ]  # chosen, but unknown here: 0
            shown = [v for v in counted if v.count or v.selected]
            if name == "year":
                shown.sort(key=lambda v: (not v.selected, -int(v.value)))
            else:
                shown.sort(key=lambda v: (not v.selected, -v.count, v.label.casefold(), v.value))
            keep = [v for v in shown if v.selected] + [v for v in shown if not v.selected][:limit]
            facets[name] = Facet(name, keep, sum(1 for v in counted if v.count))
        return Facets(total, facets, self._group_measures.of(chosen))

    def label(self, iri: str, langs: Sequence[str]) -> str:
        """The label of a facet value, concept or measure group in the first of ``langs`` it has."""
        return pick(self._labels.get(iri, {}), langs) or local_name(iri)

    def labels(self, iri: str) -> dict[str, str]:
        """The labels (language tag -> label) of a facet value, concept or measure group."""
        return dict(self._labels.get(iri, {}))

    @staticmethod
    def _count(members: FrozenBitMap, chosen: BitMap | None) -> int:
        return len(members) if chosen is None else members.intersection_cardinality(chosen)

    # --- the machinery -----------------------------------------------------------------------------------

    def _select(self, filters: Filters, words: tuple[str, ...]) -> tuple[BitMap | None, Found | None]:
        """The employers matching ``filters`` and the search ``words`` (None: all of them), and the search."""
        chosen: BitMap | None = None

        def narrow(members: AbstractBitMap) -> None:
            nonlocal chosen
            chosen = BitMap(members) if chosen is None else chosen & members

        empty = FrozenBitMap()
        for category in filters.categories:
            narrow(self._sets["category"].get(category, empty))
        for facet, values in (
            ("partner", filters.partners),
            ("province", filters.provinces),
            ("year", tuple(str(y) for y in filters.years)),
        ):
            if values:
                narrow(BitMap.union(empty, *(self._sets[facet].get(v, empty) for v in values)))
        if filters.ambassador is not None:
            ambassadors = self._sets["ambassador"].get("yes", empty)
            narrow(ambassadors if filters.ambassador else BitMap(range(self.count)) - ambassadors)
        found = None
        if words:
            found = self._searcher.search(words)
            narrow(found.members)
        return chosen, found

    def _member_set(self, kind: str, value: str) -> BitMap:
        row = self._db().execute("SELECT members FROM sets WHERE kind = ? AND value = ?", (kind, value)).fetchone()
        return BitMap() if row is None else BitMap.deserialize(row[0])

    def _rank(self, name: str) -> np.ndarray:
        with self._lock:
            if name not in self._ranks:
                order = self._orders[name]
                rank = np.empty(len(order), dtype=np.int64)
                rank[order] = np.arange(len(order))
                self._ranks[name] = rank
            return self._ranks[name]

    def _order(self, sort: Sort, langs: Sequence[str], words: tuple[str, ...]) -> Order:
        if sort.key == "relevance":
            if not words:
                raise BadRequest("sort=relevance needs a search", detail={"sort": "relevance"})
            digest = hashlib.sha256("\0".join(words).encode()).hexdigest()[:12]
            return Order(f"relevance:{digest}", None, None)
        direction = "desc" if sort.descending else "asc"
        if sort.key == "name":
            lang = next((lang for lang in langs if lang in self.languages), self.languages[0])
            name = f"name-{lang}-{direction}"
            if name not in self._orders:  # the primary language's ascending name order is the ids themselves
                return Order(f"name:{lang}:asc", None, None, identity=True)
            return Order(f"name:{lang}:{direction}", self._orders[name], lambda: self._rank(name))
        name = f"{sort.key}-{direction}"
        return Order(f"{sort.key}:{direction}", self._orders[name], lambda: self._rank(name))

    def _page(self, order: Order, chosen: BitMap | None, found: Found | None, cursor: str | None, size: int) -> Slice:
        if not 1 <= size <= MAX_SIZE:
            raise BadRequest(f"size must be between 1 and {MAX_SIZE}", detail={"size": size})
        where = decode(cursor, release=self.release, order=order.name) if cursor else None
        if chosen is None and found is None:
            total = self.count
            if where is None:
                start, end = 0, min(size, total)
            elif where.before:
                end = total if where.key is None else min(where.key, total)
                start = max(0, end - size)
            else:
                start = min(where.key + 1, total)  # type: ignore[operator]
                end = min(start + size, total)
            keys = np.arange(start, end)
            position = start
        else:
            all_keys = order.keys(as_array(chosen), found) if chosen is not None else np.empty(0, np.int64)
            total = len(all_keys)
            keys, position = window(all_keys, where, size, sorted_keys=order.identity)
        ids = order.ids(keys)
        page = Slice(order.name, [int(i) for i in ids], total, position, size)
        if len(keys):
            if position + len(keys) < total:
                page.next = Cursor(self.release, order.name, False, int(keys[-1])).encode()
                page.last = Cursor(self.release, order.name, True, None).encode()
            if position > 0:
                page.prev = Cursor(self.release, order.name, True, int(keys[0])).encode()
        return page

    def _with_items(self, page: Slice, langs: Sequence[str], words: tuple[str, ...], found: Found | None) -> Page:
        matches = self._searcher.matches(page.ids, words) if words else {}
        items = self._items(page.ids, langs, matches, found)
        sort = sort_of(page.order)
        return Page(items, page.total, page.position, sort, page.size, page.next, page.prev, page.last)

    def _items(
        self, ids: list[int], langs: Sequence[str], matches: dict[int, tuple[Match, ...]], found: Found | None
    ) -> list[Item]:
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = {row[0]: row for row in self._db().execute(f"SELECT * FROM organisations WHERE id IN ({marks})", ids)}
        scores: dict[int, float] = {}
        if found is not None:
            where = np.searchsorted(found.ids, np.asarray(ids, dtype=np.uint32))
            scores = {i: float(found.scores[w]) for i, w in zip(ids, where, strict=True)}
        return [item_of(rows[i], langs, matches.get(i, ()), scores.get(i)) for i in ids]


def open_index(directory: Path, release: Release, *, rebuild: str) -> ReleaseIndex:
    """The index in ``directory``, checked against the store's ``release``.

    Raises :class:`IndexMissing` if there is none and :class:`IndexMismatch` if it was built from another
    release; both messages name the command that (re)builds it (``rebuild``).
    """
    try:
        index = ReleaseIndex(directory)
    except IndexMissing:
        raise IndexMissing(
            f"no release index in {directory}; build it with `{rebuild}`", detail={"index": str(directory)}
        ) from None
    if index.release != release.tag:
        index.close()
        raise IndexMismatch(
            f"the release index in {directory} was built from release {index.release}, but the store holds release "
            f"{release.tag}; rebuild it with `{rebuild}`",
            detail={"index_release": index.release, "store_release": release.tag, "index": str(directory)},
        )
    return index
