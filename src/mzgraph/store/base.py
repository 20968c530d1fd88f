"""The Store interface: SPARQL text in, serialised results out, plus the release identity of the data.

A backend implements one method, :meth:`Store._evaluate`; everything else is shared here: the static
checks (:mod:`mzgraph.sparql.guard`), the graphs-held check, the concurrency limit, and the Python
helpers :meth:`Store.select`, :meth:`Store.construct` and :meth:`Store.ask` that pages use.
"""

from __future__ import annotations

import contextlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import BinaryIO, Protocol, runtime_checkable

import pyoxigraph as ox

from mzgraph.rdf import formats
from mzgraph.rdf.formats import Format
from mzgraph.rdf.oxigraph import Term, solutions
from mzgraph.sparql.errors import QueryRejected, QueryTimeout, StoreBusy, TooManyRows
from mzgraph.sparql.guard import CheckedQuery, Limits, QueryForm, bind_values, check, parse
from mzgraph.store.results import mark_truncated

Row = dict[str, Term]
"""One SELECT solution: variable name (without ``?``) to term; unbound variables are absent."""
Binding = ox.NamedNode | ox.Literal
StreamedRow = tuple[Term | None, ...]
"""One solution of a streamed SELECT: the terms in the order of the query's variables, None where unbound."""


@runtime_checkable
class Solutions(Protocol):
    """The solutions of a streamed SELECT: pyoxigraph's, or a remote store's read in partitions."""

    variables: list[ox.Variable]

    def __iter__(self) -> Iterator[ox.QuerySolution]: ...


TRUSTED = Limits(max_length=1 << 24)
"""The static checks of mzgraph's own queries (a long one lists many IRIs)."""
STREAM_TIMEOUT = 6 * 3600.0
"""Deadline of a streamed internal query (seconds): long, since it reads a whole release once."""


@dataclass(frozen=True)
class Release:
    """The identity of the loaded data: an opaque ``tag`` (same data, same tag) and when it was loaded."""

    tag: str
    modified: datetime
    triples: int | None = None


@dataclass(frozen=True)
class QueryPolicy:
    """What every query is held to: deadline, row cap, concurrency, size and nesting limits."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_concurrent: int = 8
    limits: Limits = field(default_factory=Limits)
    admission_wait: float = 1.0
    """How long a query waits for one of the ``max_concurrent`` places before 503: a page runs several
    quick queries, so refusing at once gave 8 ordinary clients a 503 in every ~150 requests, and a
    quarter of a second was too short for a burst of 12 on a busy 2-CPU machine."""


@dataclass(frozen=True)
class QueryRequest:
    """A checked query and the dataset the protocol asked for (``default-graph-uri``, ``named-graph-uri``)."""

    query: CheckedQuery
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def form(self) -> QueryForm:
        return self.query.form


@dataclass(frozen=True)
class QueryResult:
    """Serialised results; ``truncated`` says the row cap (``max_rows``) cut them short; ``rows`` is the number of
    solutions or triples when the backend counted them."""

    body: bytes
    format: Format
    truncated: bool = False
    max_rows: int | None = None
    rows: int | None = None


class Store(ABC):
    """A read-only SPARQL store. Thread-safe; use as a context manager or call :meth:`close`."""

    graphs_ttl: float = float("inf")
    """How long the list of named graphs is trusted before it is asked for again (seconds)."""

    def __init__(self, policy: QueryPolicy) -> None:
        self.policy = policy
        self._admission = threading.BoundedSemaphore(policy.max_concurrent)
        self._graphs: tuple[float, frozenset[str]] | None = None

    @property
    @abstractmethod
    def release(self) -> Release:
        """The identity of the data this store serves."""

    def known_release(self) -> Release | None:
        """:attr:`release` when it is known without asking the store, else None (then reading :attr:`release` may
        wait on the store, so an event loop reads it off the loop)."""
        return None

    @property
    def row_cap(self) -> int | None:
        """The most rows one answer holds where the store ends its answers at a cap of its own (answers over it are
        read in partitions, each a pass over the query's data); None where it has none, or none is known yet."""
        return None

    @abstractmethod
    def _evaluate(self, request: QueryRequest, fmt: Format, max_rows: int) -> QueryResult:
        """Evaluate a checked query within ``policy.timeout`` and serialise at most ``max_rows`` rows."""

    @abstractmethod
    def _stream(
        self, request: QueryRequest, deadline: float
    ) -> contextlib.AbstractContextManager[Solutions | Iterator[ox.Triple]]:
        """Evaluate a checked SELECT or CONSTRUCT with no row cap: its solutions or triples as they come.

        Outside the worker pool and the admission limit; failures met while the caller reads (the network,
        the store) are :class:`~mzgraph.sparql.errors.QueryError`. ``deadline`` is a ``time.monotonic()`` value.
        """

    @abstractmethod
    def _write_lines(self, request: QueryRequest, output: BinaryIO, deadline: float) -> None:
        """Write the answer of a checked SELECT (as TSV) or CONSTRUCT (as N-Triples) to ``output``, as the store
        produces it."""

    def problem(self) -> str | None:
        """Why this store cannot answer right now, as far as it knows without asking its data (its query
        workers are starting again, say), or None. Readiness checks add a probe query."""
        return None

    def close(self) -> None:  # noqa: B027 - backends without resources need not override it
        """Release processes and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def prepare(
        self, text: str, default_graphs: Collection[str] = (), named_graphs: Collection[str] = ()
    ) -> QueryRequest:
        """Check ``text`` and the requested dataset; raises :class:`QueryRejected` before any evaluation.

        A graph not held is refused (never fetched) with ``unknown_graph``, and only once the query has
        parsed, so the error names the dataset, not the syntax.
        """
        query = check(text, self.policy.limits)
        wanted = [*default_graphs, *named_graphs]
        if not (default_graphs or named_graphs):
            wanted += [*query.from_graphs, *query.from_named_graphs]
        if wanted:
            held = self.named_graphs()
            missing = sorted({graph for graph in wanted if graph not in held})
            if missing:
                parse(text)  # a syntax error is the first thing to report, as for every other query
                raise QueryRejected(
                    f"graph <{missing[0]}> is not held by this endpoint (it never fetches graphs from the web); "
                    + (f"the named graphs held are: {', '.join(sorted(held))}" if held else "it holds no named graphs"),
                    code="unknown_graph",
                    detail={"graphs": missing},
                )
        return QueryRequest(query, tuple(default_graphs), tuple(named_graphs))

    def quick(self, text: str) -> QueryRequest | None:
        """``text`` checked for the default dataset, if :meth:`run` answers it at once: in this process, with no
        worker, network or queue to wait on, so an event loop may call both. None for every other query (and
        for one the check refuses), which is prepared and run as usual, off the event loop."""
        return None

    def _inline(self, request: QueryRequest) -> bool:
        """Whether :meth:`run` evaluates ``request`` in the calling thread without waiting (see :meth:`quick`)."""
        return False

    def run(self, request: QueryRequest, fmt: Format | None = None, *, max_rows: int | None = None) -> QueryResult:
        """Evaluate a prepared query; ``fmt`` defaults to the first format of its family."""
        fmt = fmt or formats.FORMATS[request.form.family][0]
        if fmt.family is not request.form.family:
            raise ValueError(f"{fmt.media_type} cannot serialise {request.form.value} results")
        if self._inline(request):  # bounded work in this thread: nothing to queue for
            return self._marked(self._evaluate(request, fmt, max_rows or self.policy.max_rows), fmt)
        # at most half the deadline: a queue of runaways is refused before the running ones are stopped
        if not self._admission.acquire(timeout=min(self.policy.admission_wait, self.policy.timeout / 2)):
            raise StoreBusy(
                f"{self.policy.max_concurrent} queries are already running; try again in a moment", retry_after=1
            )
        try:
            result = self._evaluate(request, fmt, max_rows or self.policy.max_rows)
        finally:
            self._admission.release()
        return self._marked(result, fmt)

    @staticmethod
    def _marked(result: QueryResult, fmt: Format) -> QueryResult:
        if result.truncated and result.max_rows is not None:
            return replace(result, body=mark_truncated(result.body, fmt, result.max_rows))
        return result

    def query(self, text: str, fmt: Format | None = None, *, max_rows: int | None = None) -> QueryResult:
        """Check and evaluate ``text`` on the default dataset."""
        return self.run(self.prepare(text), fmt, max_rows=max_rows)

    def select(
        self, text: str, bindings: Mapping[str, Binding] | None = None, *, max_rows: int | None = None
    ) -> list[Row]:
        """The solutions of a SELECT query, ``bindings`` bound as RDF terms; raises if the row cap is hit."""
        result = self._python_query(text, bindings, {QueryForm.SELECT}, formats.TSV, max_rows)
        solutions = ox.parse_query_results(result.body, ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [variable.value for variable in solutions.variables]
        return [{name: s[name] for name in names if s[name] is not None} for s in solutions]

    def construct(
        self, text: str, bindings: Mapping[str, Binding] | None = None, *, max_rows: int | None = None
    ) -> list[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query; raises if the row cap is hit."""
        forms = {QueryForm.CONSTRUCT, QueryForm.DESCRIBE}
        result = self._python_query(text, bindings, forms, formats.N_TRIPLES, max_rows)
        return [quad.triple for quad in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)]

    def ask(self, text: str, bindings: Mapping[str, Binding] | None = None) -> bool:
        """The answer to an ASK query."""
        result = self._python_query(text, bindings, {QueryForm.ASK}, formats.SPARQL_JSON, None)
        return bool(ox.parse_query_results(result.body, ox.QueryResultsFormat.JSON))

    def match(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: Term | None,
        limit: int,
    ) -> list[ox.Triple] | None:
        """The triples of the default dataset matching a pattern (None matches anything), read in this process.

        At most ``limit + 1`` are returned, so more than ``limit`` says there are more. None when the backend
        has no such reads (a remote store): ask it with SPARQL instead.
        """
        return None

    def stream_select(
        self, text: str, bindings: Mapping[str, Binding] | None = None, *, timeout: float = STREAM_TIMEOUT
    ) -> Iterator[StreamedRow]:
        """Every solution of a trusted SELECT as a tuple in the order of its variables, read as it is produced.

        For internal queries over a whole release (building the release index): no row cap, a deadline of
        ``timeout`` seconds, no admission limit, and never the whole answer in memory. Consume the iterator or
        close it; the store's resources (a connection, an evaluation) are held until then.
        """
        request = self._trusted(text, bindings, QueryForm.SELECT)
        deadline = time.monotonic() + timeout
        with self._stream(request, deadline) as solutions:
            assert isinstance(solutions, Solutions)
            width = range(len(solutions.variables))
            for count, solution in enumerate(solutions):
                if not count & 0x3FFF:
                    _check_deadline(deadline, timeout)
                yield tuple(solution[i] for i in width)

    def stream_construct(
        self, text: str, bindings: Mapping[str, Binding] | None = None, *, timeout: float = STREAM_TIMEOUT
    ) -> Iterator[ox.Triple]:
        """Every triple of a trusted CONSTRUCT, read as it is produced (see :meth:`stream_select`)."""
        request = self._trusted(text, bindings, QueryForm.CONSTRUCT)
        deadline = time.monotonic() + timeout
        with self._stream(request, deadline) as triples:
            assert not isinstance(triples, Solutions)
            for count, triple in enumerate(triples):
                if not count & 0x3FFF:
                    _check_deadline(deadline, timeout)
                yield triple

    def write_lines(
        self,
        text: str,
        output: BinaryIO,
        bindings: Mapping[str, Binding] | None = None,
        *,
        timeout: float = STREAM_TIMEOUT,
    ) -> None:
        """Write the answer of a trusted SELECT as SPARQL TSV, or of a trusted CONSTRUCT as N-Triples, to
        ``output``, streamed: no Python object per row (the embedded store serialises in Rust, a remote store's
        bytes are copied as they arrive). A SELECT is the cheaper of the two for a whole graph: the store need
        not keep the triples it has written to leave out repeats."""
        request = self._trusted(text, bindings, QueryForm.SELECT, QueryForm.CONSTRUCT)
        self._write_lines(request, output, time.monotonic() + timeout)

    def _trusted(
        self, text: str, bindings: Mapping[str, Binding] | None, form: QueryForm, *also: QueryForm
    ) -> QueryRequest:
        request = QueryRequest(check(bind_values(text, bindings) if bindings else text, TRUSTED))
        if request.form not in (form, *also):
            expected = " or ".join(f.value for f in (form, *also))
            raise ValueError(f"expected a {expected} query, got {request.form.value}")
        return request

    def named_graphs(self) -> frozenset[str]:
        """The IRIs of the named graphs held (cached for :attr:`graphs_ttl` seconds)."""
        now = time.monotonic()
        if self._graphs is None or now - self._graphs[0] > self.graphs_ttl:
            request = QueryRequest(check("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"))
            result = self.run(request, formats.TSV, max_rows=1_000_000)
            rows = solutions(ox.parse_query_results(result.body, ox.QueryResultsFormat.TSV))
            graphs = frozenset(s["g"].value for s in rows if isinstance(s["g"], ox.NamedNode))
            self._graphs = (now, graphs)
        return self._graphs[1]

    def _python_query(
        self,
        text: str,
        bindings: Mapping[str, Binding] | None,
        forms: Collection[QueryForm],
        fmt: Format,
        max_rows: int | None,
    ) -> QueryResult:
        request = self.prepare(bind_values(text, bindings) if bindings else text)
        if request.form not in forms:
            expected = " or ".join(sorted(form.value for form in forms))
            raise ValueError(f"expected a {expected} query, got {request.form.value}")
        result = self.run(request, fmt, max_rows=max_rows)
        if result.truncated:
            raise TooManyRows(
                f"the query has more than {result.max_rows} results; pass a larger max_rows or narrow it",
                detail={"max_rows": result.max_rows},
            )
        return result


def _check_deadline(deadline: float, timeout: float) -> None:
    if time.monotonic() > deadline:
        raise QueryTimeout(
            f"the streamed query ran for more than {timeout:g} s and was stopped", detail={"timeout": timeout}
        )
