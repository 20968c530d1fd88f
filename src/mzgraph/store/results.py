"""Row caps and format conversion, shared by every backend, all in pyoxigraph's serialisers.

Results are first written in a line-based format (TSV for solutions: one solution per line, terms in
Turtle syntax, so nothing is lost; N-Triples for graphs: one triple per line). A :class:`LineCap` sink
counts lines as the serialiser writes them and stops the evaluation once the cap is passed, so a
capped query costs no more than its first rows. The kept lines are then re-serialised in the format
the client asked for. A remote store reads its endpoint's answer the other way round: the lines come in
through :meth:`LineCap.keep` and are parsed as they arrive.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import BinaryIO

import pyoxigraph as ox

from mzgraph.rdf import formats
from mzgraph.rdf.formats import Format
from mzgraph.rdf.oxigraph import written


class CapReached(Exception):
    """Raised inside a serialiser's write call to stop it: the cap has been passed."""


class LineCap:
    """A binary sink keeping the first ``limit`` lines; writing past them raises :class:`CapReached`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.truncated = False
        self._chunks: list[bytes] = []
        self._lines = 0

    def keep(self, data: bytes) -> bytes:
        """The part of ``data`` within the cap: all of it, or the lines still allowed (then ``truncated`` is set)."""
        chunk = bytes(data)
        if not chunk or self.truncated:
            return b""
        newlines = chunk.count(b"\n")
        if self._lines + newlines < self.limit or (self._lines + newlines == self.limit and chunk.endswith(b"\n")):
            self._lines += newlines
            return chunk
        end = -1
        for _ in range(self.limit - self._lines):
            end = chunk.index(b"\n", end + 1)
        self._lines = self.limit
        self.truncated = True
        return chunk[: end + 1]

    def write(self, data: bytes) -> int:
        kept = self.keep(data)
        self._chunks.append(kept)
        if self.truncated:
            raise CapReached
        return len(kept)

    @property
    def lines(self) -> int:
        """The lines kept so far."""
        return self._lines

    def flush(self) -> None:
        """Nothing to flush: everything is kept in memory."""

    def value(self) -> bytes:
        """The lines kept."""
        return b"".join(self._chunks)


def solutions_from_tsv(tsv: bytes | BinaryIO, fmt: Format) -> bytes:
    """SPARQL results in TSV (bytes, or a binary file read as it is parsed) re-serialised as ``fmt``."""
    if fmt is formats.TSV:
        return tsv if isinstance(tsv, bytes) else tsv.read()
    return written(ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt.results))


def boolean_as(answer: bytes, source: Format, fmt: Format) -> bytes:
    """An ASK answer re-serialised from ``source`` to ``fmt``."""
    if fmt is source:
        return answer
    return written(ox.parse_query_results(answer, source.results).serialize(format=fmt.results))


def graph_from_ntriples(ntriples: bytes | BinaryIO, fmt: Format, prefixes: Mapping[str, str]) -> bytes:
    """N-Triples (bytes, or a binary file read as it is parsed) re-serialised as ``fmt`` (Turtle with ``prefixes``)."""
    if fmt is formats.N_TRIPLES:
        return ntriples if isinstance(ntriples, bytes) else ntriples.read()
    quads = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return written(ox.serialize(quads, format=fmt.rdf, prefixes=dict(prefixes)))


def solutions_capped(source: BinaryIO, wire: Format, fmt: Format, max_rows: int) -> tuple[bytes, bool, int]:
    """SPARQL results read from ``source`` (in ``wire``, as they arrive), at most ``max_rows`` of them, as ``fmt``;
    whether there were more (reading stops at the first row past the cap); and how many were kept."""
    solutions = ox.parse_query_results(source, wire.results)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError("a boolean answer where solutions were expected")
    sink = LineCap(max_rows + 1)  # + the header line
    with contextlib.suppress(CapReached):
        solutions.serialize(sink, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    return solutions_from_tsv(sink.value(), fmt), sink.truncated, max(sink.lines - 1, 0)


def boolean_read(answer: bytes, wire: Format, fmt: Format) -> bytes:
    """An ASK answer in ``wire`` re-serialised as ``fmt``."""
    result = ox.parse_query_results(answer, wire.results)
    if not isinstance(result, ox.QueryBoolean):
        raise ValueError("solutions where a boolean answer was expected")
    return written(result.serialize(format=fmt.results))


def graph_capped(
    source: BinaryIO, wire: Format, fmt: Format, prefixes: Mapping[str, str], max_rows: int
) -> tuple[bytes, bool, int]:
    """A graph read from ``source`` (in ``wire``, as it arrives), at most ``max_rows`` triples of it, as ``fmt``;
    whether there were more; and how many were kept."""
    triples = (quad.triple for quad in ox.parse(source, format=wire.rdf))
    sink = LineCap(max_rows)
    with contextlib.suppress(CapReached):
        ox.serialize(triples, sink, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
    return graph_from_ntriples(sink.value(), fmt, prefixes), sink.truncated, sink.lines


def mark_truncated(body: bytes, fmt: Format, max_rows: int) -> bytes:
    """SPARQL JSON results with a member saying the row cap was applied (other formats unchanged).

    Clients read ``head`` and ``results`` and ignore other members. The note goes between the two:
    strict parsers (Oxigraph's among them) refuse anything after the ``results`` object.
    """
    results = body.find(b',"results":')
    if fmt is not formats.SPARQL_JSON or results < 0:
        return body
    note = {
        "truncated": True,
        "max_rows": max_rows,
        "message": f"only the first {max_rows} rows are returned; add LIMIT/OFFSET to page through the rest",
    }
    return body[:results] + b',"mzgraph":' + json.dumps(note).encode() + body[results:]
