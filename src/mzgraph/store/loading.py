"""Getting RDF files into a store: safe reading, the base-IRI rewrite, the release identity.

Every file goes through :mod:`mzgraph.rdf.reading` (file:line errors, no DOCTYPE, no remote context), parsed
by Oxigraph straight into the store unless its IRIs must be rewritten. If the configured base IRI is not the
canonical one, entity IRIs (``{canonical}id/...``) are rewritten to it as they are read, so a deployment
under another domain serves its own IRIs. The vocabulary
(``{canonical}def/``) is a published vocabulary and keeps its IRIs, so queries, shapes and pages need no
rewriting. Personal data (``--include-private``) goes into a named graph of its own, :func:`private_graph`,
whatever graphs its files name, so that what is published (dumps, search, statistics) can leave it out whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from mzgraph.bundled import rdf_files
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.errors import InputError
from mzgraph.progress import Reporter
from mzgraph.rdf.oxigraph import Subject, Term
from mzgraph.rdf.reading import iter_file, load_file
from mzgraph.store.base import Release

CANONICAL_ENTITIES = DEFAULT_BASE_IRI + "id/"
"""Where the canonical entity IRIs live; these, and only these, move to a configured base."""

RELEASE_FILE = "mzgraph-release.json"
"""Written into a store directory by ``mzgraph load``: the release of the data it holds."""

PRIVATE_GRAPH = "graph/private"
"""Where personal data is loaded, under the base IRI (see :func:`private_graph`)."""


RELEASE_GRAPH = "graph/release"
"""Where ``mzgraph load --sparql-endpoint`` records the release in a remote store (see :func:`release_graph`)."""


def private_graph(base_iri: str) -> str:
    """The IRI of the named graph that holds personal data (``{base}graph/private``); never published."""
    return base_iri + PRIVATE_GRAPH


def release_graph(base_iri: str) -> str:
    """The IRI of the named graph recording a remote store's release (``{base}graph/release``); not published."""
    return base_iri + RELEASE_GRAPH


_DCT = "http://purl.org/dc/terms/"
_XSD = "http://www.w3.org/2001/XMLSchema#"


def release_record(release: Release, graph: str) -> list[ox.Triple]:
    """The triples that record ``release`` in a store's graph ``graph`` (read back by :func:`recorded_release`)."""
    node = ox.NamedNode(graph)
    record = [
        ox.Triple(node, ox.NamedNode(_DCT + "identifier"), ox.Literal(release.tag)),
        ox.Triple(
            node,
            ox.NamedNode(_DCT + "modified"),
            ox.Literal(release.modified.isoformat(), datatype=ox.NamedNode(_XSD + "dateTime")),
        ),
    ]
    if release.triples is not None:
        count = ox.Literal(str(release.triples), datatype=ox.NamedNode(_XSD + "integer"))
        record.append(ox.Triple(node, ox.NamedNode("http://rdfs.org/ns/void#triples"), count))
    return record


def release_record_query(graph: str) -> str:
    """SELECT the release recorded in ``graph`` (``?tag ?modified ?triples``)."""
    return (
        f"SELECT ?tag ?modified ?triples WHERE {{ GRAPH <{graph}> {{ <{graph}> <{_DCT}identifier> ?tag ;"
        f" <{_DCT}modified> ?modified . OPTIONAL {{ <{graph}> <http://rdfs.org/ns/void#triples> ?triples }} }} }}"
    )


_SD_NAMED_GRAPH = "http://www.w3.org/ns/sparql-service-description#namedGraph"


def graphs_record(graph: str, named: Iterable[str]) -> list[ox.Triple]:
    """The triples that record, in the release graph ``graph``, the named graphs a load wrote (read back by
    :func:`recorded_graphs_query`): a store such as Virtuoso holds graphs of its own, which are not the data's."""
    node = ox.NamedNode(graph)
    return [ox.Triple(node, ox.NamedNode(_SD_NAMED_GRAPH), ox.NamedNode(iri)) for iri in named]


def recorded_graphs_query(graph: str) -> str:
    """SELECT the named graphs recorded in the release graph ``graph`` (``?g``)."""
    return f"SELECT ?g WHERE {{ GRAPH <{graph}> {{ <{graph}> <{_SD_NAMED_GRAPH}> ?g }} }}"


def recorded_release(row: dict[str, Term]) -> Release | None:
    """The release in a row of :func:`release_record_query` (None if it cannot be read)."""
    try:
        triples = int(_lexical(row["triples"])) if "triples" in row else None
        return Release(_lexical(row["tag"]), datetime.fromisoformat(_lexical(row["modified"])), triples)
    except (KeyError, ValueError):
        return None


def _lexical(term: Term) -> str:
    if isinstance(term, ox.Triple):
        raise ValueError("a quoted triple where a literal was expected")
    return term.value


def expand(paths: Iterable[Path]) -> list[Path]:
    """The RDF files named by ``paths`` (files, or folders searched recursively); missing ones raise."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(str(path), "no such file or folder")
        found = rdf_files(path)
        if path.is_dir() and not found:
            raise InputError(str(path), "this folder holds no RDF files (.ttl, .nt, .nq, .trig, .jsonld, .rdf)")
        files.extend(found)
    return files


BULK_FILE_BYTES = 8 << 20
"""On disk, files this big are bulk loaded; smaller ones are loaded in a transaction (a bulk load has a fixed cost
however small the file, which thousands of small files would pay thousands of times; docs/benchmarks.md)."""


def read_into(
    store: ox.Store,
    files: Sequence[Path],
    base_iri: str,
    *,
    bulk: bool = False,
    private: Collection[Path] = (),
    report: Reporter | None = None,
) -> str:
    """Add ``files`` to ``store`` (canonical IRIs rewritten to ``base_iri``); their content hash.

    The ``private`` ones among them (personal data) go into the named graph :func:`private_graph`.

    With the canonical base, Oxigraph parses each file straight into the store (:func:`load_file`), with no
    Python object per triple: in memory one transaction per file; into an on-disk store being built
    (``bulk``), large files are bulk loaded. A list of a whole file's quads would cost a Python object per
    triple, more memory than the store itself.

    With another base the entity IRIs must be rewritten, so quads pass through Python, streamed as they are
    parsed (:func:`iter_file`) into one bulk load over every file: never a list of a whole file.

    ``report`` shows the bytes read of each file (rate, time left), or the quads read when they pass through Python.
    """
    report = report or Reporter()
    entities = base_iri + "id/"
    graph = ox.NamedNode(private_graph(base_iri))
    if entities == CANONICAL_ENTITIES:
        for path in files:
            to_graph = graph if path in private else None
            size = _size(path)
            with report.bytes(path.name, size) as advance:
                load_file(
                    store,
                    path,
                    bulk=bulk and size >= BULK_FILE_BYTES,
                    to_graph=to_graph,
                    progress=advance if report.active else None,
                )
    else:
        quads = (
            into_graph(quad, graph) if path in private else quad
            for path in files
            for quad in rebased(iter_file(path), CANONICAL_ENTITIES, entities)
        )
        store.bulk_extend(report.rows(quads, f"quads of {len(files)} files, rebased to {base_iri}"))
    return content_tag(files, base_iri)


def into_graph(quad: ox.Quad, graph: ox.NamedNode) -> ox.Quad:
    """``quad`` moved into ``graph``."""
    return ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # load_file names the problem


def content_tag(files: Sequence[Path], base_iri: str) -> str:
    """A short hash of the base IRI and the files' names and bytes, in order."""
    digest = hashlib.sha256(base_iri.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as data:
            while chunk := data.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def rebase(quads: list[ox.Quad], old: str, new: str) -> list[ox.Quad]:
    """``quads`` with every IRI starting with ``old`` rewritten to start with ``new``."""
    return quads if old == new else list(rebased(quads, old, new))


def rebased(quads: Iterable[ox.Quad], old: str, new: str) -> Iterator[ox.Quad]:
    """:func:`rebase`, one quad at a time."""
    if old == new:
        yield from quads
        return

    def iri(value: ox.NamedNode) -> ox.NamedNode:
        return ox.NamedNode(new + value.value[len(old) :]) if value.value.startswith(old) else value

    def subject(value: Subject) -> Subject:
        if isinstance(value, ox.NamedNode):
            return iri(value)
        if isinstance(value, ox.Triple):
            return ox.Triple(subject(value.subject), iri(value.predicate), term(value.object))
        return value

    def term(value: Term) -> Term:
        if isinstance(value, ox.Literal):
            datatype = value.datatype
            return ox.Literal(value.value, datatype=iri(datatype)) if datatype.value.startswith(old) else value
        return subject(value)

    for q in quads:
        graph = q.graph_name
        yield ox.Quad(
            subject(q.subject),
            iri(q.predicate),
            term(q.object),
            iri(graph) if isinstance(graph, ox.NamedNode) else graph,
        )


def new_release(tag: str, triples: int) -> Release:
    """The release of data loaded just now."""
    return Release(tag=tag, modified=datetime.now(UTC).replace(microsecond=0), triples=triples)


def load_directory(
    directory: Path,
    files: Sequence[Path],
    base_iri: str,
    *,
    private: Collection[Path] = (),
    prepare: Callable[[Path, Release], None] | None = None,
    report: Reporter | None = None,
) -> Release:
    """Fill a new on-disk store at ``directory`` with ``files``; an existing store is replaced only whole.

    The store is built next to the target and moved into place when complete, so a failed load
    leaves the previous store untouched. A folder that is not an mzgraph store is never replaced.
    ``private`` files go into the private graph. ``prepare(folder, release)`` runs on the complete store
    before it is moved into place (the release index is built there), so store and index change together.
    """
    if directory.is_file() or (
        directory.exists() and any(directory.iterdir()) and not (directory / RELEASE_FILE).exists()
    ):
        raise InputError(str(directory), "this is not empty and not an mzgraph store; choose another folder")
    directory.parent.mkdir(parents=True, exist_ok=True)
    _recover_abandoned(directory)
    building = directory.with_name(f".{directory.name}.loading-{os.getpid()}")
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        report = report or Reporter()
        started = time.monotonic()
        store = ox.Store(str(building))
        tag = read_into(store, files, base_iri, bulk=True, private=private, report=report)
        with report.step("flushing and compacting the store"):
            store.flush()
            store.optimize()
        triples = len(store)
        release = new_release(tag, triples)
        seconds = time.monotonic() - started
        report.note(f"loaded {triples:,} triples in {seconds:,.1f} s ({triples / max(seconds, 1e-3):,.0f} triples/s)")
        del store
        write_release(building, release)
        if prepare is not None:
            prepare(building, release)
        if directory.exists():
            directory.rename(old)
        building.rename(directory)
    finally:
        shutil.rmtree(building, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return release


def _recover_abandoned(directory: Path) -> None:
    """Clean up after loads that were killed (their process is gone): remove half-built stores, and if one was
    killed between its two renames (no store in place), put the old store back first."""
    for leftover in sorted(directory.parent.glob(f".{directory.name}.*-*")):
        kind, _, pid = leftover.name.rpartition("-")
        if not pid.isdigit() or not kind.endswith((".loading", ".old")) or _is_running(int(pid)):
            continue
        if kind.endswith(".old") and not directory.exists():
            leftover.rename(directory)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_release(directory: Path, release: Release) -> None:
    """Record ``release`` in a store directory."""
    body = {"tag": release.tag, "modified": release.modified.isoformat(), "triples": release.triples}
    (directory / RELEASE_FILE).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def read_release(directory: Path) -> Release:
    """The release recorded in a store directory (or one derived from its files if none was recorded)."""
    try:
        body = json.loads((directory / RELEASE_FILE).read_text(encoding="utf-8"))
        return Release(body["tag"], datetime.fromisoformat(body["modified"]), body.get("triples"))
    except (OSError, ValueError, KeyError):
        stat = directory.stat()
        tag = hashlib.sha256(f"{directory.resolve()}:{stat.st_mtime_ns}".encode()).hexdigest()[:20]
        return Release(tag, datetime.fromtimestamp(stat.st_mtime, UTC).replace(microsecond=0))
