"""Building a release index from a store: once per release, into a folder of its own, replaced only whole.

The folder holds ``release.sqlite`` (employers, facet sets, labels, search, sitemap, statistics, hub
descriptions, partner relations, the release it was built from), ``arrays/`` (sort orders and per-employer
counts, read memory-mapped) and ``dumps/``. It is built beside its final place and renamed when complete, so a
reader never sees half an index; an older index there is replaced in the same step.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from mzgraph.progress import Reporter, T
from mzgraph.release import queries
from mzgraph.release.dumps import write_dumps
from mzgraph.release.errors import ReleaseIndexError
from mzgraph.release.hubs import SCHEMA as HUBS
from mzgraph.release.hubs import Describer, write_hubs
from mzgraph.release.organisations import LANGUAGES, Employers, read_employers, sort_orders
from mzgraph.release.relations import SCHEMA as RELATIONS
from mzgraph.release.relations import write_relations
from mzgraph.release.search import SearchBuilder
from mzgraph.release.sitemap import write_sitemap
from mzgraph.release.statistics import encode, read_statistics
from mzgraph.store import Release, Store

FORMAT = 6
"""The layout of the index; an index of another format is rebuilt. (6: one built from a store that cuts long
answers, Virtuoso, held short dumps and what is read from them.)"""
DATABASE = "release.sqlite"
ARRAYS = "arrays"
DUMPS = "dumps"
LABEL_BATCH = 500

SCHEMA = (
    """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE organisations(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, labels TEXT NOT NULL,
    type TEXT NOT NULL, recognised TEXT, ambassador INTEGER NOT NULL, ambassador_since TEXT,
    measures INTEGER NOT NULL, groups TEXT NOT NULL, provinces TEXT NOT NULL);
CREATE TABLE sets(kind TEXT NOT NULL, value TEXT NOT NULL, size INTEGER NOT NULL, members BLOB NOT NULL,
    PRIMARY KEY(kind, value)) WITHOUT ROWID;
CREATE TABLE labels(iri TEXT PRIMARY KEY, labels TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE dumps(name TEXT NOT NULL, media_type TEXT NOT NULL, file TEXT NOT NULL, gzip INTEGER NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY(name, gzip));
CREATE TABLE stats(json TEXT NOT NULL);
"""
    + HUBS
    + RELATIONS
)


@dataclass(frozen=True)
class Built:
    """What a build made: the release, where, how long it took and how big it is."""

    release: Release
    directory: Path
    seconds: float
    bytes: int
    organisations: int
    triples: int
    words: int
    hubs: int
    """Resources whose description the index keeps (none when it was built without a describer)."""
    steps: dict[str, tuple[float, float]]
    """Each step of the build: wall-clock and CPU seconds (this process's; the store's own work is not in the
    CPU figure of a remote store)."""


def build_index(
    store: Store,
    directory: Path,
    *,
    base_iri: str,
    prefixes: Mapping[str, str],
    shapes: Sequence[Path] = (),
    describe: Describer | None = None,
    report: Reporter | None = None,
) -> Built:
    """Build the release index of ``store``'s current release into ``directory`` (an index there is replaced).

    Reads the store only through the :class:`~mzgraph.store.Store` interface's streamed queries, so it works
    on the embedded store (in memory or on disk) and on a remote SPARQL store alike. ``shapes`` are the SHACL
    files whose rules the ontology page shows coverage for; ``prefixes`` shorten the Turtle dump; ``describe``
    describes each hub, whose description is then kept (:mod:`mzgraph.release.hubs`).
    """
    report = report or Reporter()
    started = time.monotonic()
    directory = directory.resolve()
    building = directory.with_name(f".{directory.name}.building-{os.getpid()}")
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    steps = _Timed(report)
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        release = store.release
        counts = _build(
            store,
            release,
            building,
            base_iri=base_iri,
            prefixes=prefixes,
            shapes=shapes,
            describe=describe,
            report=steps,
        )
        if directory.exists():
            directory.rename(old)
        building.rename(directory)
    except OSError as err:
        raise _unwritable(directory, err) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    size = sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())
    return Built(release, directory, time.monotonic() - started, size, *counts, steps.times)


class _Timed(Reporter):
    """A reporter passing everything on to ``inner`` and timing each step (wall clock and CPU)."""

    def __init__(self, inner: Reporter) -> None:
        self._inner = inner
        self.times: dict[str, tuple[float, float]] = {}

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        wall, cpu = time.monotonic(), time.process_time()
        with self._inner.step(description):
            yield
        self.times[description] = (time.monotonic() - wall, time.process_time() - cpu)

    def rows(self, items: Iterable[T], description: str) -> Iterator[T]:
        return self._inner.rows(items, description)

    def note(self, text: str) -> None:
        self._inner.note(text)


def _build(
    store: Store,
    release: Release,
    folder: Path,
    *,
    base_iri: str,
    prefixes: Mapping[str, str],
    shapes: Sequence[Path],
    describe: Describer | None,
    report: _Timed,
) -> tuple[int, int, int, int]:
    built = datetime.now(UTC).replace(microsecond=0)
    (folder / ARRAYS).mkdir()
    (folder / DUMPS).mkdir()
    db = sqlite3.connect(folder / DATABASE)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;" + SCHEMA)
        with report.step("employers"):
            employers = read_employers(store, report)
        with report.step("sort orders and facets"):
            _write_employers(db, folder / ARRAYS, employers)
            _write_labels(db, store, employers)
        with report.step("search index"):
            words = _write_search(db, folder / ARRAYS, store, employers, report)
        with report.step("dumps"):
            dumps, triples, default_triples = write_dumps(
                store, folder / DUMPS, base_iri=base_iri, prefixes=prefixes, report=report
            )
            rows = [(d.name, d.media_type, d.path.name, int(d.gzip), d.size, d.sha256) for d in dumps]
            db.executemany("INSERT INTO dumps VALUES (?, ?, ?, ?, ?, ?)", rows)
        nquads = folder / DUMPS / "mzgraph.nq"  # the published graph, its default graph's triples first
        with report.step("sitemap"):
            entities = write_sitemap(db, nquads, default_triples, base=base_iri)
        with report.step("statistics"):
            stats = read_statistics(
                store,
                release,
                employers,
                base=base_iri,
                triples=triples,
                entities=entities,
                shapes=shapes,
                built=built,
                report=report,
            )
            db.execute("INSERT INTO stats VALUES (?)", (encode(stats),))
        with report.step("partner relations"):
            write_relations(db, store, report)
        hubs = 0
        if describe is not None:
            with report.step("hub descriptions"):
                hubs = write_hubs(db, store, nquads, default_triples, describe, report)
        meta = {
            "format": FORMAT,
            "tag": release.tag,
            "modified": release.modified.isoformat(),
            "store_triples": release.triples,
            "built": built.isoformat(),
            "base": base_iri,
            "languages": list(LANGUAGES),
            "groups": sorted(employers.groups),
            "organisations": employers.count,
            "steps": report.times,
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", ((k, json.dumps(v)) for k, v in meta.items()))
        db.commit()
    finally:
        db.close()
    return employers.count, triples, words, hubs


def _write_employers(db: sqlite3.Connection, arrays: Path, employers: Employers) -> None:
    groups = sorted(employers.groups)
    db.executemany(
        "INSERT INTO organisations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                i,
                employers.iris[i],
                json.dumps(employers.labels[i], ensure_ascii=False),
                employers.types[i],
                employers.recognised[i],
                i in employers.ambassadors,
                employers.ambassador_since[i],
                int(employers.measures[i]),
                json.dumps({g: int(employers.groups[g][i]) for g in groups if employers.groups[g][i]}),
                json.dumps(sorted(employers.provinces[i])),
            )
            for i in range(employers.count)
        ),
    )
    for name, order in sort_orders(employers).items():
        np.save(arrays / f"order-{name.replace(':', '-')}.npy", order)
    matrix = np.stack([employers.groups[g] for g in groups]) if groups else np.zeros((0, employers.count), np.uint32)
    np.save(arrays / "groups.npy", matrix)
    np.save(arrays / "measures.npy", employers.measures)
    db.executemany(
        "INSERT INTO sets VALUES (?, ?, ?, ?)",
        (
            (kind, value, len(members), members.serialize())
            for kind, sets in employers.sets.items()
            for value, members in sets.items()
        ),
    )


def _write_labels(db: sqlite3.Connection, store: Store, employers: Employers) -> None:
    """Labels (per language) of every facet value, concept and measure group."""
    iris = sorted(
        {value for kind in ("category", "partner", "province", "concept") for value in employers.sets.get(kind, {})}
        | set(employers.groups)
    )
    labels: dict[str, dict[str, str]] = {}
    for start in range(0, len(iris), LABEL_BATCH):
        for value, label in store.stream_select(queries.labels_query(iris[start : start + LABEL_BATCH])):
            if isinstance(value, ox.NamedNode) and isinstance(label, ox.Literal):
                found = labels.setdefault(value.value, {})
                lang = label.language or ""
                if lang not in found or label.value < found[lang]:
                    found[lang] = label.value
    db.executemany(
        "INSERT INTO labels VALUES (?, ?)",
        ((iri, json.dumps(by_lang, ensure_ascii=False)) for iri, by_lang in labels.items()),
    )


def _write_search(db: sqlite3.Connection, arrays: Path, store: Store, employers: Employers, report: Reporter) -> int:
    search = SearchBuilder(db, employers.count)
    for i, by_lang in enumerate(employers.labels):
        for label in dict.fromkeys(by_lang.values()):
            search.add(i, "name", employers.iris[i], None, label)
    partner_query = (
        "SELECT labels.iri, labels.labels FROM labels JOIN sets ON sets.kind = 'partner' AND sets.value = labels.iri"
    )
    partner_names = {iri: json.loads(text) for iri, text in db.execute(partner_query)}
    for i, partners in employers.partners_of.items():
        for partner in partners:
            for name in dict.fromkeys(partner_names.get(partner, {}).values()):
                search.add(i, "partner", partner, None, name)
    sources = [
        *((kind, text) for kind, text in queries.TEXTS.items()),
        *(("quote", queries.quotes_query(path)) for path in queries.QUOTE_OWNERS),
    ]
    id_of = {iri: i for i, iri in enumerate(employers.iris)}
    for kind, text in sources:
        for org, source, value, line in report.rows(store.stream_select(text), f"{kind} texts"):
            at = id_of.get(org.value) if isinstance(org, ox.NamedNode) else None
            if at is not None and isinstance(value, ox.Literal) and isinstance(source, ox.NamedNode | ox.BlankNode):
                number = int(line.value) if isinstance(line, ox.Literal) and line.value.isdigit() else None
                search.add(at, kind, str(source.value) if isinstance(source, ox.NamedNode) else "", number, value.value)
    words = search.finish()
    np.save(arrays / "length.npy", search.length)
    return words


def index_format(directory: Path) -> int | None:
    """The format of the index in ``directory``; None if there is none or it cannot be read."""
    database = directory / DATABASE
    if not database.is_file():
        return None
    try:
        db = sqlite3.connect(database.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return json.loads(row[0]) if row is not None else None


def index_directory(root: Path, release: Release) -> Path:
    """Where the index of ``release`` goes in a cache folder ``root`` (one folder per release tag)."""
    return root / release.tag


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_index(
    store: Store,
    root: Path,
    *,
    base_iri: str,
    prefixes: Mapping[str, str],
    shapes: Sequence[Path] = (),
    describe: Describer | None = None,
    report: Reporter | None = None,
) -> Path:
    """The index of ``store``'s release in the cache folder ``root``, built first if it is not there yet, or if
    the one there has another format (an older mzgraph built it).

    Several processes may ask at once (``serve --workers``): a lock file makes the first one build and the
    others wait for it, then open what it built.
    """
    directory = index_directory(root, store.release)
    try:
        with _locked(root / f".{store.release.tag}.lock"):
            if index_format(directory) != FORMAT:
                build_index(
                    store,
                    directory,
                    base_iri=base_iri,
                    prefixes=prefixes,
                    shapes=shapes,
                    describe=describe,
                    report=report,
                )
    except OSError as err:
        raise _unwritable(root, err) from None
    return directory


def _unwritable(folder: Path, err: OSError) -> ReleaseIndexError:
    return ReleaseIndexError(
        f"cannot write the release index in {folder}: {err.strerror or err}; choose a folder that can be written "
        "(--index, MZGRAPH_INDEX_PATH)",
        detail={"index": str(folder)},
    )
