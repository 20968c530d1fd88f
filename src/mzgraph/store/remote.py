"""The remote backend: any SPARQL 1.1 Protocol endpoint (Oxigraph server, Virtuoso, Fuseki, QLever, ...).

Queries are sent as form POSTs asking for one family of formats the way robust clients do (SPARQL JSON,
then XML, then TSV for solutions; N-Triples, then Turtle for graphs), read by the answer's Content-Type
as they arrive, with the known deviations of real stores rewritten first (:mod:`mzgraph.store.quirks`),
under the same row cap and deadline as the embedded store, and re-serialised locally (in Rust, by
pyoxigraph) in the format the client asked for. An answer that cannot be read is asked for again in the
next format; a store's own error or an answer nothing can read is :class:`StoreFailed` (502), never
served as a result. A store that is down answers 503 and is tried again on the next query.

The store is told the query's deadline where it has a parameter for it (Virtuoso and Fuseki, recognised by
their ``Server`` header), and the connection is closed at the deadline, which is what stops the work on a
store that watches its connections. An answer the store marks incomplete (Virtuoso's ``X-SQL-State``
after its own time limit, ``X-SPARQL-MaxRows`` after its own row cap) is never served as complete.

With a ``data_graph`` (``--graph``), every query without a dataset of its own is asked of that graph as
its default graph, and of the named graphs ``mzgraph load`` recorded as its named graphs: Virtuoso's
default graph is the union of every graph it holds, its own system graphs included.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlencode

import pyoxigraph as ox

from mzgraph.errors import InputError
from mzgraph.rdf import formats
from mzgraph.rdf.formats import Format
from mzgraph.rdf.oxigraph import solutions
from mzgraph.sparql.errors import QueryError, QueryRejected, QueryTimeout, StoreFailed, StoreUnavailable
from mzgraph.sparql.guard import QueryForm, check, parse, parser_error
from mzgraph.store.base import QueryPolicy, QueryRequest, QueryResult, Release, Solutions, Store
from mzgraph.store.loading import recorded_graphs_query, recorded_release, release_record_query
from mzgraph.store.partitions import WHOLE, Partitioned, Span, count, cut_error, partition, spans, splittable
from mzgraph.store.quirks import (
    FASTEST_WIRE,
    ROW_CAPS,
    Rewriting,
    Syntax,
    check_complete,
    check_not_stopped,
    store_extension,
    store_message,
    virtuoso_query,
)
from mzgraph.store.results import boolean_read, graph_capped, solutions_capped
from mzgraph.store.wire import READ_SIZE, Body, Connections, describe, without_credentials

WIRE_FORMATS: dict[QueryForm, tuple[Format, ...]] = {
    QueryForm.SELECT: (formats.SPARQL_JSON, formats.SPARQL_XML, formats.TSV),
    QueryForm.ASK: (formats.SPARQL_JSON, formats.SPARQL_XML),
    QueryForm.CONSTRUCT: (formats.N_TRIPLES, formats.TURTLE),
    QueryForm.DESCRIBE: (formats.N_TRIPLES, formats.TURTLE),
}
"""The formats asked for, per query form, best first."""

_ANSWER_FORMATS = {
    "application/sparql-results+json": formats.SPARQL_JSON,
    "application/json": formats.SPARQL_JSON,
    "application/sparql-results+xml": formats.SPARQL_XML,
    "text/tab-separated-values": formats.TSV,
    "application/n-triples": formats.N_TRIPLES,
    "text/plain": formats.N_TRIPLES,  # N-Triples' type before RDF 1.1 (Virtuoso, older Fuseki)
    "text/turtle": formats.TURTLE,
    "application/x-turtle": formats.TURTLE,
}
_SYNTAX = {
    formats.SPARQL_JSON: Syntax.JSON,
    formats.SPARQL_XML: Syntax.XML,
    formats.TSV: Syntax.TSV,
    formats.N_TRIPLES: Syntax.GRAPH,
    formats.TURTLE: Syntax.GRAPH,
}
_TIMEOUT_PARAMETER = {"Virtuoso": ("timeout", 1000.0), "Apache Jena Fuseki": ("timeout", 1.0)}
"""Stores that take a per-query deadline as a request parameter (name, units per second), by ``Server`` header."""
_TIMEOUT_SHARE = 0.9
"""The part of the remaining time given to the store's own deadline: it answers (with an error) a little before
the connection is closed."""


_NO_GRAPH = "urn:mzgraph:no-named-graphs"
"""The named graph given to a data graph's queries when the load recorded none: it holds nothing."""


class _Unreadable(Exception):
    """The answer cannot be read in the format it came in (or came in a format not asked for)."""


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint."""

    graphs_ttl = 60.0

    def __init__(
        self,
        endpoint: str,
        policy: QueryPolicy,
        *,
        prefixes: Mapping[str, str],
        release_graph: str | None = None,
        data_graph: str | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(policy)
        if not endpoint.startswith(("http://", "https://")):
            raise InputError(without_credentials(endpoint), "the SPARQL endpoint must be an http:// or https:// URL")
        self.endpoint = without_credentials(endpoint)
        self.data_graph = data_graph
        self._prefixes = dict(prefixes)
        self._connections = Connections(endpoint, keep=policy.max_concurrent, credentials=credentials)
        # The data behind a remote endpoint can change unseen: without a release recorded in it (by
        # `mzgraph load --sparql-endpoint`), its release lives as long as this process.
        started = datetime.now(UTC).replace(microsecond=0)
        tag = hashlib.sha256(f"{self.endpoint} {data_graph} {started.isoformat()}".encode()).hexdigest()[:20]
        self._release = Release(tag, started)
        self._release_graph = release_graph
        self._recorded: Release | None = None
        self._record_read = release_graph is None
        self._server: str | None = None
        """The store's ``Server`` header: which store it is, for its parameters and its quirks."""
        self._preferred: dict[QueryForm, Format] = {}
        self._cut_at: int | None = None
        """The smallest row count the store has cut an answer at."""
        self._lock = threading.Lock()

    @property
    def release(self) -> Release:
        """The release recorded in the store's release graph, read once; else one for the life of this process."""
        if not self._record_read:
            with contextlib.suppress(QueryError):  # down or refusing: asked again next time
                self._recorded = self.recorded_release()
                self._record_read = True
        return self._recorded or self._release

    @property
    def row_cap(self) -> int | None:
        """The store's own row cap: known for the store it is (:data:`ROW_CAPS`), or seen when it cut an answer."""
        known = next((cap for name, cap in ROW_CAPS.items() if (self._server or "").startswith(name)), None)
        return min((cap for cap in (known, self._cut_at) if cap is not None), default=None)

    def assume_release(self, release: Release) -> None:
        """Take ``release`` as the store's identity while it records none: the release of the index it is served
        with, so that every web node given that index has the same tags and ETags."""
        self._release = release

    def known_release(self) -> Release | None:
        return (self._recorded or self._release) if self._record_read else None

    def recorded_release(self) -> Release | None:
        """The release ``mzgraph load`` recorded in the store (None if there is none); QueryError if it cannot
        be asked."""
        if self._release_graph is None:
            return None
        request = QueryRequest(check(release_record_query(self._release_graph)), (), (self._release_graph,))
        rows = self._rows(request)
        return recorded_release(rows[0]) if rows else None

    def _rows(self, request: QueryRequest) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
        """The solutions of a prepared internal SELECT (a dataset of its own, so the data graph's is not added)."""
        answer = solutions(ox.parse_query_results(self.run(request, formats.TSV).body, ox.QueryResultsFormat.TSV))
        names = [variable.value for variable in answer.variables]
        return [{name: s[name] for name in names if s[name] is not None} for s in answer]

    def prepare(
        self, text: str, default_graphs: Collection[str] = (), named_graphs: Collection[str] = ()
    ) -> QueryRequest:
        """As :meth:`Store.prepare`, and parsed as SPARQL 1.1 here: a store reads what it is sent in its own
        dialect (Virtuoso runs its ``DEFINE`` pragmas, which widen the dataset, and accepts invalid SPARQL)."""
        request = super().prepare(text, default_graphs, named_graphs)
        parse(request.query.text)
        extension = store_extension(request.query.text)
        if extension is not None:
            raise QueryRejected(
                f"{extension} names one of the store's own procedures, which mzgraph does not send to it; "
                "use the functions of SPARQL 1.1",
                code="unsupported_function",
            )
        return request

    def named_graphs(self) -> frozenset[str]:
        """The named graphs held; with a data graph, those ``mzgraph load`` recorded (not the store's own graphs,
        nor the release graph)."""
        if self.data_graph is None or self._release_graph is None:
            return super().named_graphs()
        now = time.monotonic()
        if self._graphs is None or now - self._graphs[0] > self.graphs_ttl:
            request = QueryRequest(check(recorded_graphs_query(self._release_graph)), (), (self._release_graph,))
            recorded = {g.value for row in self._rows(request) if isinstance(g := row.get("g"), ox.NamedNode)}
            self._graphs = (now, frozenset(recorded))
        return self._graphs[1]

    def close(self) -> None:
        self._connections.close()

    def _evaluate(self, request: QueryRequest, fmt: Format, max_rows: int) -> QueryResult:
        wires = self._wires(request.form)
        problems: list[str] = []
        for start in range(len(wires)):
            try:
                with self._answer(request, wires[start:], rows=max_rows + 1) as (wire, body, cut_at):
                    rewriting = Rewriting(body, _SYNTAX[wire])
                    body_file = io.BufferedReader(rewriting, READ_SIZE)
                    try:
                        converted, truncated, rows = self._read(request.form, wire, body_file, fmt, max_rows)
                    except _Unreadable:
                        check_not_stopped(rewriting.tail, self.policy.timeout)
                        raise
            except _Unreadable as err:
                problems.append(str(err))
                continue
            if wire != wires[0]:
                with self._lock:
                    self._preferred[request.form] = wire
            if cut_at is not None and not truncated:  # the store's own row cap cut it
                return QueryResult(converted, fmt, True, cut_at, rows)
            return QueryResult(converted, fmt, truncated, max_rows, rows)
        raise StoreFailed(f"the SPARQL endpoint sent answers mzgraph cannot read: {'; '.join(problems)}")

    def _read(
        self, form: QueryForm, wire: Format, body: BinaryIO, fmt: Format, max_rows: int
    ) -> tuple[bytes, bool, int]:
        """The answer as ``fmt``, whether the cap cut it, and its rows (solutions, triples; 1 for ASK)."""
        try:
            if form is QueryForm.ASK:
                return boolean_read(body.read(), wire, fmt), False, 1
            if form is QueryForm.SELECT:
                return solutions_capped(body, wire, fmt, max_rows)
            return graph_capped(body, wire, fmt, self._prefixes, max_rows)
        except (SyntaxError, ValueError) as err:
            raise _Unreadable(f"{wire.media_type}: {err}") from None

    def _wires(self, form: QueryForm) -> tuple[Format, ...]:
        """The formats to ask for ``form``, best first: the one read after another failed, else the store's fastest
        (known from its first answer on), then the rest of :data:`WIRE_FORMATS`."""
        fastest = next((wires for name, wires in FASTEST_WIRE.items() if (self._server or "").startswith(name)), {})
        first = self._preferred.get(form) or fastest.get(form)
        return WIRE_FORMATS[form] if first is None else (first, *(w for w in WIRE_FORMATS[form] if w != first))

    @contextlib.contextmanager
    def _stream(
        self, request: QueryRequest, deadline: float, within: tuple[list[ox.Variable], Span] | None = None
    ) -> Iterator[Solutions | Iterator[ox.Triple]]:
        """The answer (of the rows ``within`` a partition); if the store cut it at its own row cap, the answer
        read in partitions (:mod:`mzgraph.store.partitions`)."""
        asked = request if within is None else partition(request, *within)
        with self._streamed(asked, deadline) as (answer, cut_at):
            if cut_at is None:
                yield answer
                return
            self._cut_at = cut_at if self._cut_at is None else min(self._cut_at, cut_at)
            if not isinstance(answer, ox.QuerySolutions) or (within is not None and not splittable(within[1])):
                raise cut_error(self.endpoint, cut_at)
            variables = list(answer.variables)  # read from the head of the cut answer, which is then dropped
        rows = None
        if within is None:
            with self._streamed(count(request), deadline) as (counted, _):
                rows = next((int(row[0].value) for row in counted if isinstance(row[0], ox.Literal)), None)
        parts = spans(WHOLE if within is None else within[1], rows, cut_at)
        yield Partitioned(variables, parts, lambda span: self._stream(request, deadline, (variables, span)))

    @contextlib.contextmanager
    def _streamed(
        self, request: QueryRequest, deadline: float
    ) -> Iterator[tuple[ox.QuerySolutions | Iterator[ox.Triple], int | None]]:
        """The answer as it comes, and the row count the store says it cut it at (None if it did not)."""
        wires = self._wires(request.form)
        with self._answer(request, wires, deadline) as (wire, body, cut_at):
            buffered = io.BufferedReader(Rewriting(body, _SYNTAX[wire]), READ_SIZE)
            try:
                if request.form is QueryForm.SELECT:
                    yield solutions(ox.parse_query_results(buffered, wire.results)), cut_at
                else:
                    yield (quad.triple for quad in ox.parse(buffered, format=wire.rdf)), cut_at
            except (SyntaxError, ValueError) as err:
                raise StoreFailed(f"the SPARQL endpoint sent results mzgraph cannot read: {err}") from None

    def _write_lines(self, request: QueryRequest, output: BinaryIO, deadline: float) -> None:
        with self._stream(request, deadline) as answer:
            if isinstance(answer, Solutions):
                assert isinstance(answer, ox.QuerySolutions | Partitioned)
                answer.serialize(output, format=ox.QueryResultsFormat.TSV)
            else:
                ox.serialize(answer, output, format=ox.RdfFormat.N_TRIPLES)

    def _fields(self, request: QueryRequest, deadline: float, rows: int | None) -> list[tuple[str, str]]:
        server = self._server or ""
        text = virtuoso_query(request.query.text) if server.startswith("Virtuoso") else request.query.text
        fields: list[tuple[str, str]] = [("query", text)]
        default_graphs, named_graphs = request.default_graphs, request.named_graphs
        query = request.query
        own_dataset = default_graphs or named_graphs or query.from_graphs or query.from_named_graphs
        if self.data_graph is not None and not own_dataset:
            # no named-graph-uri at all would give Virtuoso's every graph to GRAPH ?g: name one that holds nothing
            default_graphs, named_graphs = (self.data_graph,), tuple(sorted(self.named_graphs())) or (_NO_GRAPH,)
        fields += [("default-graph-uri", graph) for graph in default_graphs]
        fields += [("named-graph-uri", graph) for graph in named_graphs]
        if rows is not None and request.form is QueryForm.SELECT and server.startswith("Virtuoso"):
            # Virtuoso computes a whole answer before it sends any of it: told the cap, it stops there
            # (and says so with X-SPARQL-MaxRows)
            fields.append(("maxrows", str(rows)))
        for product, (name, per_second) in _TIMEOUT_PARAMETER.items():
            if server.startswith(product):
                seconds = max((deadline - time.monotonic()) * _TIMEOUT_SHARE, 1.0)
                fields.append((name, f"{seconds * per_second:.0f}" if per_second >= 1000 else f"{seconds:.1f}"))
        return fields

    @contextlib.contextmanager
    def _answer(
        self, request: QueryRequest, wires: tuple[Format, ...], deadline: float | None = None, rows: int | None = None
    ) -> Iterator[tuple[Format, Body, int | None]]:
        """POST the query asking for ``wires`` (best first); the format it came in, its body as a file read as it
        arrives, and the row count the store says it cut the answer at (None if it did not).

        Network failures and the deadline (by default ``policy.timeout`` from now), met while the caller reads,
        become QueryError here; an answer in a format not asked for is :class:`_Unreadable`. ``rows``: the most
        rows the caller reads (a store that computes whole answers first is told).
        """
        timeout = self.policy.timeout if deadline is None else deadline - time.monotonic()
        deadline = time.monotonic() + timeout if deadline is None else deadline
        accept = ", ".join(f"{wire.media_type};q={1 - 0.1 * rank:.1f}" for rank, wire in enumerate(wires))
        try:
            if self._server is None:
                self._identify(deadline)
            form = _urlencoded(self._fields(request, deadline, rows))
            connection, response = self._connections.post(form, accept, deadline)
            try:
                if response.status == 406:
                    raise _Unreadable(f"HTTP 406 for {accept}")
                if response.status >= 300:
                    raise self._refusal(response.status, response.read(READ_SIZE).decode("utf-8", "replace"))
                check_complete(response, timeout)
                media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
                wire = _ANSWER_FORMATS.get(media_type)
                if wire not in wires:
                    raise _Unreadable(f"an answer in {media_type or 'no stated format'}, not one asked for")
                cut = response.getheader("X-SPARQL-MaxRows")
                yield wire, Body(response, connection, deadline), int(cut) if cut and cut.isdigit() else None
            finally:
                self._connections.give_back(connection, response)
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran for more than {timeout:g} s and was stopped; narrow it down or ask for less",
                detail={"timeout": timeout},
            ) from None
        except (OSError, http.client.HTTPException) as err:
            raise StoreUnavailable(f"the SPARQL endpoint {self.endpoint} cannot be reached ({describe(err)})") from None

    def _identify(self, deadline: float) -> None:
        """Learn which store this is (its ``Server`` header) from one trivial query, before the first real one:
        the real one may need the store's own parameters (a deadline, a row cap) to be bounded."""
        connection, response = self._connections.post(b"query=ASK+%7B%7D", formats.SPARQL_JSON.media_type, deadline)
        try:
            self._server = response.getheader("Server") or ""
            response.read()
        finally:
            self._connections.give_back(connection, response)

    def _refusal(self, status: int, text: str) -> QueryError:
        message = store_message(text)
        if status == 400:
            return parser_error(message)
        if status in (404, 502, 503, 504):
            return StoreUnavailable(f"the SPARQL endpoint {self.endpoint} answered HTTP {status}: {message}")
        if "S1T00" in message or "SR171" in message:  # Virtuoso's MaxQueryExecutionTime
            return QueryTimeout(
                f"the SPARQL endpoint stopped the query at its own time limit: {message}",
                detail={"timeout": self.policy.timeout},
            )
        if "estimated execution time" in message:  # Virtuoso's MaxQueryCostEstimationTime, before running it
            return QueryRejected(
                f"the SPARQL endpoint expects this query to run too long and refused it: {message}",
                code="too_costly",
            )
        return StoreFailed(f"the SPARQL endpoint failed (HTTP {status}): {message}")


def _urlencoded(fields: list[tuple[str, str]]) -> bytes:
    return urlencode(fields).encode()
