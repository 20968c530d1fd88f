"""The dumps of a release: ``mzgraph.nq``, ``.ttl`` and ``.jsonld`` and their ``.gz`` forms, written once.

The published graph is read once from the store as SPARQL TSV, streamed (an embedded store serialises it in Rust,
a remote one's answer is copied as it arrives), and rewritten as N-Quads lines (TSV writes terms as
N-Triples does, but for numbers and booleans written short), followed by the published named graphs.
Turtle and JSON-LD are then written from that file by pyoxigraph's serialisers, a triple at a time; each file
is compressed, hashed and counted as it is written. Personal data is never in a dump: the private graph and
mzgraph's release graph are left out, and so is every triple touching an ``mz:ContactPerson`` that sits in the
default graph after all.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import queue
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import pyoxigraph as ox

from mzgraph.progress import Reporter
from mzgraph.release import queries
from mzgraph.release.model import Dump
from mzgraph.store import Store
from mzgraph.store.loading import private_graph, release_graph

FORMATS = {
    "nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}
"""Dump name suffix -> media type and pyoxigraph format."""
GZIP_LEVEL = 6
_BATCH = 1 << 20
"""Bytes handed to the compressing thread at once."""
_QUEUED = 8
"""Batches waiting for the compressing thread before the writer waits."""


class _Sink:
    """A binary file that writes a dump and its gzip form at once, counting lines and hashing both.

    The gzip form is compressed in a thread of its own (zlib and hashlib let go of the GIL while they work), so
    that a second core compresses while the first serialises; what is written waits for it in a bounded queue,
    so memory stays flat whatever the size of the dump.
    """

    def __init__(self, folder: Path, name: str) -> None:
        self.paths = (folder / name, folder / f"{name}.gz")
        self._plain = self.paths[0].open("wb")
        self._packed = self.paths[1].open("wb")
        self._packed_hash = _Hashing(self._packed)
        self._gzip = gzip.GzipFile(
            filename="",
            mode="wb",
            fileobj=self._packed_hash,
            compresslevel=GZIP_LEVEL,
            mtime=0,
        )
        self._hash = hashlib.sha256()
        self.lines = 0
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUED)
        self._failure: BaseException | None = None
        self._packer = threading.Thread(target=self._pack, name=f"gzip {name}", daemon=True)
        self._packer.start()

    def write(self, data: bytes) -> int:
        data = bytes(data)  # kept for the compressing thread after this call: not a buffer the writer reuses
        self._plain.write(data)
        self._hash.update(data)
        self.lines += data.count(b"\n")
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= _BATCH:
            self._hand_over()
        return len(data)

    def flush(self) -> None:
        self._plain.flush()

    def _hand_over(self) -> None:
        if self._failure is not None:
            raise self._failure
        self._queue.put(b"".join(self._pending))
        self._pending, self._pending_size = [], 0

    def _pack(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self._gzip.write(batch)
                except BaseException as failure:  # reported to the writer, which stops
                    self._failure = failure

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if error is None:
                self._hand_over()
        finally:
            self._queue.put(None)
            self._packer.join()
            self._gzip.close()
            self._plain.close()
            self._packed.close()
        if error is None and self._failure is not None:
            raise self._failure

    def dumps(self, media_type: str) -> list[Dump]:
        """The plain and the gzip dump, once closed."""
        packed = self._packed_hash
        name = self.paths[0].name
        return [
            Dump(name, self.paths[0], media_type, False, self.paths[0].stat().st_size, self._hash.hexdigest()),
            Dump(name, self.paths[1], media_type, True, self.paths[1].stat().st_size, packed.hash.hexdigest()),
        ]


class _Hashing:
    """A binary file passing writes on to ``output`` and hashing them."""

    def __init__(self, output: BinaryIO) -> None:
        self._output = output
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self._output.write(data)

    def flush(self) -> None:
        self._output.flush()


def write_dumps(
    store: Store, folder: Path, *, base_iri: str, prefixes: Mapping[str, str], report: Reporter
) -> tuple[list[Dump], int, int]:
    """Write the dumps of the published graph into ``folder``: the dumps, the number of published quads and of
    the default graph's triples (the first lines of ``mzgraph.nq``)."""
    contacts = [row[0].value for row in store.stream_select(queries.CONTACTS) if isinstance(row[0], ox.NamedNode)]
    ours = {private_graph(base_iri), release_graph(base_iri)}
    graphs = sorted(
        row[0].value
        for row in store.stream_select(queries.NAMED_GRAPHS)
        if isinstance(row[0], ox.NamedNode) and row[0].value not in ours
    )
    written: list[Dump] = []
    nquads = folder / "mzgraph.nq"
    with _Sink(folder, nquads.name) as sink:
        with report.step("the published graph, as N-Quads"):
            _write_graph(store, None, contacts, sink)
            default_lines = sink.lines
        for graph in graphs:
            with report.step(f"graph <{graph}>"):
                _write_graph(store, graph, contacts, sink)
        published = sink.lines
    written += sink.dumps(FORMATS["nq"][0])
    for suffix in ("ttl", "jsonld"):
        media_type, fmt = FORMATS[suffix]
        with report.step(f"mzgraph.{suffix}"), _Sink(folder, f"mzgraph.{suffix}") as sink:
            triples = _default_graph(nquads, default_lines)
            ox.serialize(triples, sink, fmt, prefixes=dict(prefixes) if fmt == ox.RdfFormat.TURTLE else None)  # type: ignore[arg-type]
        written += sink.dumps(media_type)
    return written, published, default_lines


def _write_graph(store: Store, graph: str | None, contacts: list[str], sink: _Sink) -> None:
    """The published triples of ``graph`` (None: the default graph) into ``sink`` as N-Quads lines.

    In one answer, in the store's order; but a graph larger than the row cap of a store that cuts its answers
    (Virtuoso) is read predicate by predicate, each an index scan: read whole, it would come in partitions that
    are each a pass over the whole graph (:mod:`mzgraph.store.partitions`), and a predicate still over the cap is
    partitioned on its own.
    """
    text = queries.published_triples(graph, contacts)
    parts: list[dict[str, ox.NamedNode] | None] = [None]
    cap = store.row_cap
    if cap is not None:
        counts = {
            row[0]: int(row[1].value)
            for row in store.stream_select(queries.published_predicates(graph, contacts))
            if isinstance(row[0], ox.NamedNode) and isinstance(row[1], ox.Literal)
        }
        if sum(counts.values()) > cap:
            parts = [{"p": predicate} for predicate in sorted(counts, key=lambda p: p.value)]
    for bindings in parts:
        lines = _Lines(sink, graph)
        store.write_lines(text, lines, bindings)  # type: ignore[arg-type]
        lines.close()


_XSD = "http://www.w3.org/2001/XMLSchema#"


class _Lines:
    """A binary sink taking SPARQL TSV solutions ``?s ?p ?o`` and writing them to ``output`` as N-Quads lines
    (in ``graph``, or the default graph)."""

    def __init__(self, output: _Sink, graph: str | None = None) -> None:
        self._output = output
        self._end = b" .\n" if graph is None else f" {ox.NamedNode(graph)} .\n".encode()
        self._rest = b""
        self._header = True

    def write(self, data: bytes) -> int:
        whole, _, self._rest = (self._rest + bytes(data)).rpartition(b"\n")
        if self._header and whole:
            whole = whole.partition(b"\n")[2]  # ?s ?p ?o
            self._header = False
        if whole:
            self._output.write(_quads(whole + b"\n", self._end))
        return len(data)

    def flush(self) -> None:
        """Lines are written whole; nothing is held but an unfinished one."""

    def close(self) -> None:
        if self._rest:
            raise ValueError("the store's answer ended in the middle of a line")


_SHORT_VALUE = re.compile(rb"\t([^<\"_\t\n][^\t\n]*)\n")
"""A TSV line's last term written short (a number or boolean), with the tab before it and the line's end."""


def _quads(lines: bytes, end: bytes) -> bytes:
    """Whole TSV lines as N-Quads lines: a number or boolean written short is written out, tabs become spaces and
    each line ends with ``end`` (done over the whole chunk, not line by line: the dumps are millions of lines)."""
    lines = _SHORT_VALUE.sub(lambda short: b"\t" + _typed(short.group(1)) + b"\n", lines)
    return lines.replace(b"\t", b" ").replace(b"\n", end)


def _typed(value: bytes) -> bytes:
    if value in (b"true", b"false"):
        datatype = "boolean"
    elif b"e" in value or b"E" in value:
        datatype = "double"
    elif b"." in value:
        datatype = "decimal"
    else:
        datatype = "integer"
    return b'"' + value + b'"^^<' + (_XSD + datatype).encode() + b">"


def default_graph_lines(nquads: Path, lines: int) -> Iterator[bytes]:
    """The first ``lines`` lines of the N-Quads dump: the default graph's triples, one a line, each written
    ``subject predicate object .`` with the terms as the store's answer gave them (numbers written out)."""
    with nquads.open("rb") as data:
        yield from itertools.islice(data, lines)


def _default_graph(nquads: Path, lines: int) -> Iterator[ox.Quad]:
    """The first ``lines`` quads of the N-Quads dump: the default graph's, which the graph formats take as they
    are."""
    return itertools.islice(ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS), lines)


def dumps_of(rows: Sequence[tuple[str, str, str, int, int, str]], folder: Path) -> dict[tuple[str, bool], Dump]:
    """The dumps recorded in the index (name, media type, ..., as :func:`write_dumps` returned them)."""
    found = {}
    for name, media_type, file, gz, size, sha256 in rows:
        found[(name.rsplit(".", 1)[-1], bool(gz))] = Dump(name, folder / file, media_type, bool(gz), size, sha256)
    return found
