"""Reading every row of a SELECT that a store cuts at a row cap of its own, as partitions that each fit under it.

Virtuoso 7 ends any SPARQL answer at 1,048,576 rows, whatever its ``ResultSetMaxRows`` says, and says so only
with an ``X-SPARQL-MaxRows`` header; it refuses a CONSTRUCT of more than a million triples outright. The
published graph of 10,000 employers is larger than that, and the release index reads it whole. Paging with
``OFFSET`` would need an ``ORDER BY`` over the whole answer to be sure no row is read twice or never, and
Virtuoso refuses an ``OFFSET`` with no ``LIMIT``.

So the query is asked again in partitions: each keeps the rows whose hash (the first 32 bits of the MD5 of the
row's values, each as ``STR``, unbound as empty) falls in a range of its own. The ranges cover every hash once,
so every row is in exactly one partition, whatever order the store produces them in. How many there are follows
from the query's row count (asked once), so that each fits under the cap; one the store cuts again is split in
two, down to a range of one hash value, where the read fails: a short answer is never returned.

Each partition is a pass over all the data the query reads, so a caller that can split its query itself does so
first: the release index reads a graph over the cap predicate by predicate (``Store.row_cap`` says when), and
only a predicate still over the cap comes here.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import BinaryIO, cast

import pyoxigraph as ox

from mzgraph.sparql.errors import StoreFailed
from mzgraph.sparql.guard import check, tokens
from mzgraph.store.base import TRUSTED, QueryRequest, Solutions

Span = tuple[int, int]
"""A range of hash values, ``[low, high)``."""
WHOLE: Span = (0, 1 << 32)
FILL = 0.75
"""The share of the cap a partition is expected to fill (hashes are not spread perfectly evenly)."""
_HASH = "?mzgraph_row_hash"

Opener = Callable[[Span], contextlib.AbstractContextManager[Solutions | Iterator[ox.Triple]]]
"""Reads one partition: the store's answer, or partitions of it if the store cut it too."""


def _split(request: QueryRequest) -> tuple[str, str]:
    """The query's prologue (``BASE``, ``PREFIX``) and the rest, from its ``SELECT`` on."""
    text = request.query.text
    start = next((t.start for t in tokens(text) if t.kind == "word" and t.text.upper() == "SELECT"), None)
    if start is None:
        raise ValueError("not a SELECT query")
    return text[:start], text[start:]


def count(request: QueryRequest) -> QueryRequest:
    """A query for the number of rows of the SELECT ``request`` (as ``?rows``)."""
    prologue, select = _split(request)
    return replace(request, query=check(f"{prologue}SELECT (COUNT(*) AS ?rows) WHERE {{ {{ {select}\n}} }}", TRUSTED))


def partition(request: QueryRequest, variables: list[ox.Variable], span: Span) -> QueryRequest:
    """The rows of the SELECT ``request`` (whose answer has ``variables``) with a hash in ``span``.

    The query goes inside a subquery, its prologue before it; the outer query keeps the variables in their order.
    """
    prologue, select = _split(request)
    values = ', "\\t", '.join(f'COALESCE(STR({v}), "")' for v in variables)
    row = f"CONCAT({values})" if len(variables) > 1 else values
    low, high = span
    bounds = ([f'{_HASH} >= "{low:08x}"'] if low > WHOLE[0] else []) + (
        [f'{_HASH} < "{high:08x}"'] if high < WHOLE[1] else []
    )
    keep = f"BIND(SUBSTR(MD5({row}), 1, 8) AS {_HASH}) FILTER({' && '.join(bounds) or 'true'})"
    names = " ".join(str(v) for v in variables)
    return replace(request, query=check(f"{prologue}SELECT {names} WHERE {{ {{ {select}\n}} {keep} }}", TRUSTED))


def splittable(span: Span) -> bool:
    """Whether ``span`` holds more than one hash value (the rows of one value cannot be told apart)."""
    return span[1] - span[0] >= 2


def spans(span: Span, rows: int | None, cap: int) -> list[Span]:
    """``span`` split so that each part holds fewer than ``cap`` of its ``rows`` (in two if they are unknown)."""
    low, high = span
    parts = 2 if rows is None else max(2, math.ceil(rows / (cap * FILL)))
    parts = min(parts, high - low)
    step = (high - low) // parts
    return [(low + i * step, high if i == parts - 1 else low + (i + 1) * step) for i in range(parts)]


def cut_error(endpoint: str, rows: int) -> StoreFailed:
    """The error for an answer the store cut where it cannot be read in partitions."""
    return StoreFailed(
        f"the SPARQL endpoint {endpoint} cut its answer at {rows:,} rows (its own row cap, said by X-SPARQL-MaxRows), "
        "and this needs every row",
        detail={"rows": rows},
    )


class Partitioned:
    """The solutions of a SELECT read partition after partition: iterated as one answer, or written as one TSV."""

    def __init__(self, variables: list[ox.Variable], parts: list[Span], open_part: Opener) -> None:
        self.variables = variables
        self._parts = parts
        self._open = open_part

    def __iter__(self) -> Iterator[ox.QuerySolution]:
        for part in self._parts:
            with self._open(part) as answer:
                assert isinstance(answer, Solutions)
                yield from answer

    def serialize(self, output: BinaryIO, format: ox.QueryResultsFormat) -> None:
        """Write every partition's solutions to ``output`` as one answer in ``format`` (TSV: one header line)."""
        if format != ox.QueryResultsFormat.TSV:
            raise ValueError("partitions are written as TSV only")
        for number, part in enumerate(self._parts):
            with self._open(part) as answer:
                assert isinstance(answer, ox.QuerySolutions | Partitioned)
                answer.serialize(output if number == 0 else cast(BinaryIO, _AfterFirstLine(output)), format=format)


class _AfterFirstLine:
    """A binary file passing on everything written to ``output`` but the first line (a TSV header)."""

    def __init__(self, output: BinaryIO) -> None:
        self._output = output
        self._header = True

    def write(self, data: bytes) -> int:
        if self._header:
            end = bytes(data).find(b"\n")
            if end < 0:
                return len(data)
            self._header = False
            self._output.write(bytes(data)[end + 1 :])
        else:
            self._output.write(data)
        return len(data)

    def flush(self) -> None:
        self._output.flush()
