"""The remote backend: any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, Virtuoso, QLever, ...).

Queries are sent as form POSTs asking for a line-based format (TSV, N-Triples), read as a stream
under the same row cap and deadline as the embedded store, and re-serialised locally (in Rust, by
pyoxigraph) in the format the client asked for; a client asking for TSV or N-Triples gets the
endpoint's bytes as they came. The endpoint is spoken to over keep-alive connections of the standard
library's ``http.client``, which costs far less Python per request and per chunk than httpx (measured:
0.3 ms a request, and h11's chunk parsing was a third of this backend's own time on large results).
A store that is down answers 503 and is tried again on the next query.
Data is pushed to such a store with the SPARQL 1.1 Graph Store HTTP Protocol.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import io
import socket
import sys
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlencode, urlsplit

import httpx
import pyoxigraph as ox

from mzgraph.errors import InputError
from mzgraph.rdf import formats
from mzgraph.rdf.formats import Format
from mzgraph.rdf.reading import iter_file
from mzgraph.sparql.errors import QueryError, QueryFailed, QueryTimeout, StoreUnavailable
from mzgraph.sparql.guard import QueryForm, parser_error
from mzgraph.store.base import QueryPolicy, QueryRequest, QueryResult, Release, Store
from mzgraph.store.loading import (
    CANONICAL_ENTITIES,
    content_tag,
    into_graph,
    new_release,
    private_graph,
    rebased,
    recorded_release,
    release_graph,
    release_record,
    release_record_query,
)
from mzgraph.store.results import LineCap, boolean_as, graph_from_ntriples, solutions_from_tsv

_WIRE_FORMAT = {
    QueryForm.SELECT: formats.TSV,
    QueryForm.ASK: formats.SPARQL_JSON,
    QueryForm.CONSTRUCT: formats.N_TRIPLES,
    QueryForm.DESCRIBE: formats.N_TRIPLES,
}
_CONNECT_TIMEOUT = 5.0
_READ_SIZE = 1 << 16


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint, queried with httpx."""

    graphs_ttl = 60.0

    def __init__(
        self, endpoint: str, policy: QueryPolicy, *, prefixes: Mapping[str, str], release_graph: str | None = None
    ) -> None:
        super().__init__(policy)
        if not endpoint.startswith(("http://", "https://")):
            raise InputError(endpoint, "the SPARQL endpoint must be an http:// or https:// URL")
        self.endpoint = endpoint
        self._prefixes = dict(prefixes)
        self._connections = _Connections(endpoint, keep=policy.max_concurrent)
        # The data behind a remote endpoint can change unseen: without a release recorded in it (by
        # `mzgraph load --sparql-endpoint`), its release lives as long as this process.
        started = datetime.now(UTC).replace(microsecond=0)
        tag = hashlib.sha256(f"{endpoint} {started.isoformat()}".encode()).hexdigest()[:20]
        self._release = Release(tag, started)
        self._release_graph = release_graph
        self._recorded: Release | None = None
        self._record_read = release_graph is None

    @property
    def release(self) -> Release:
        """The release recorded in the store's release graph, read once; else one for the life of this process."""
        if not self._record_read:
            with contextlib.suppress(QueryError):  # down or refusing: asked again next time
                self._recorded = self.recorded_release()
                self._record_read = True
        return self._recorded or self._release

    def recorded_release(self) -> Release | None:
        """The release ``mzgraph load`` recorded in the store (None if there is none); QueryError if it cannot
        be asked."""
        if self._release_graph is None:
            return None
        rows = self.select(release_record_query(self._release_graph))
        return recorded_release(rows[0]) if rows else None

    def close(self) -> None:
        self._connections.close()

    def _evaluate(self, request: QueryRequest, fmt: Format, max_rows: int) -> QueryResult:
        wire = _WIRE_FORMAT[request.form]
        lines = max_rows + 1 if request.form is QueryForm.SELECT else max_rows
        with self._answer(request, wire, lines) as body:
            try:
                if request.form is QueryForm.ASK:
                    return QueryResult(boolean_as(body.read(), wire, fmt), fmt, rows=1)
                buffered = io.BufferedReader(body, _READ_SIZE)  # pyoxigraph reads a few hundred bytes at a time
                if request.form is QueryForm.SELECT:
                    converted = solutions_from_tsv(buffered, fmt)
                else:
                    converted = graph_from_ntriples(buffered, fmt, self._prefixes)
            except (SyntaxError, ValueError) as err:
                raise QueryFailed(f"the SPARQL endpoint sent results mzgraph cannot read: {err}") from None
        lines = body._cap.lines - (request.form is QueryForm.SELECT)  # TSV has a header line
        return QueryResult(converted, fmt, body.truncated, max_rows, max(lines, 0))

    @contextlib.contextmanager
    def _stream(self, request: QueryRequest, deadline: float) -> Iterator[ox.QuerySolutions | Iterator[ox.Triple]]:
        wire = _WIRE_FORMAT[request.form]
        with self._answer(request, wire, sys.maxsize, deadline) as body:
            buffered = io.BufferedReader(body, _READ_SIZE)
            try:
                if request.form is QueryForm.SELECT:
                    yield ox.parse_query_results(buffered, ox.QueryResultsFormat.TSV)  # type: ignore[misc]
                else:
                    yield (quad.triple for quad in ox.parse(buffered, format=ox.RdfFormat.N_TRIPLES))
            except (SyntaxError, ValueError) as err:
                raise QueryFailed(f"the SPARQL endpoint sent results mzgraph cannot read: {err}") from None

    def _write_lines(self, request: QueryRequest, output: BinaryIO, deadline: float) -> None:
        with self._answer(request, _WIRE_FORMAT[request.form], sys.maxsize, deadline) as body:
            while chunk := body.read(_READ_SIZE):
                output.write(chunk)

    @contextlib.contextmanager
    def _answer(
        self, request: QueryRequest, wire: Format, lines: int, deadline: float | None = None
    ) -> Iterator[_Body]:
        """POST the query; its answer as a file of at most ``lines`` lines, read (and parsed) as it arrives.

        Network failures and the deadline (by default ``policy.timeout`` from now), met while the caller reads,
        become QueryError here.
        """
        timeout = self.policy.timeout if deadline is None else deadline - time.monotonic()
        deadline = time.monotonic() + timeout if deadline is None else deadline
        fields: list[tuple[str, str]] = [("query", request.query.text)]
        fields += [("default-graph-uri", graph) for graph in request.default_graphs]
        fields += [("named-graph-uri", graph) for graph in request.named_graphs]
        form = urlencode(fields).encode()
        try:
            connection, response = self._connections.post(form, wire.media_type, deadline)
            try:
                if response.status >= 300:
                    text = response.read(_READ_SIZE).decode("utf-8", "replace")
                    raise self._refusal(response.status, text)
                yield _Body(response, connection, deadline, LineCap(lines))
            finally:
                self._connections.give_back(connection, response)
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran for more than {timeout:g} s and was stopped; narrow it down or ask for less",
                detail={"timeout": timeout},
            ) from None
        except (OSError, http.client.HTTPException) as err:
            raise StoreUnavailable(
                f"the SPARQL endpoint {self.endpoint} cannot be reached ({_describe(err)})"
            ) from None

    def _refusal(self, status: int, text: str) -> QueryError:
        message = " ".join(text.split())[:500]
        if status == 400:
            return parser_error(message)
        if status in (404, 502, 503, 504):
            return StoreUnavailable(f"the SPARQL endpoint {self.endpoint} answered HTTP {status}: {message}")
        return QueryFailed(f"the SPARQL endpoint answered HTTP {status}: {message}")


class _Connections:
    """Keep-alive HTTP/1.1 connections to one endpoint, shared by the threads that run queries."""

    def __init__(self, endpoint: str, *, keep: int) -> None:
        url = urlsplit(endpoint)
        self._https = url.scheme == "https"
        self._host = url.hostname or ""
        self._port = url.port
        self._target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        self._headers = {"User-Agent": "mzgraph", "Content-Type": "application/x-www-form-urlencoded"}
        if url.username is not None:  # credentials in the URL, as httpx and curl take them
            secret = f"{unquote(url.username)}:{unquote(url.password or '')}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(secret).decode("ascii")
        self._keep = keep
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def post(
        self, form: bytes, accept: str, deadline: float
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send ``form``; the connection and the response, its headers read (the body is the caller's)."""
        headers = {**self._headers, "Accept": accept}
        while True:
            connection, reused = self._take()
            try:
                if connection.sock is None:
                    connection.timeout = max(min(deadline - time.monotonic(), _CONNECT_TIMEOUT), 0.001)
                    try:
                        connection.connect()
                    except TimeoutError:  # no answer to the connection itself: down, not slow
                        raise ConnectionError("the connection timed out") from None
                _wait_at_most(connection, deadline)
                connection.request("POST", self._target, body=form, headers=headers)
                return connection, connection.getresponse()
            except (ConnectionError, http.client.RemoteDisconnected):
                connection.close()
                if not reused:
                    raise
                # a kept connection the endpoint had already closed (idle timeout, restart): open a new one
            except BaseException:
                connection.close()
                raise

    def give_back(self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse) -> None:
        """Keep ``connection`` for the next query if its response was read to the end, else close it."""
        if response.isclosed() and not response.will_close and connection.sock is not None:
            with self._lock:
                if len(self._idle) < self._keep:
                    self._idle.append(connection)
                    return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _take(self) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        return kind(self._host, self._port, timeout=_CONNECT_TIMEOUT), False


class _Body(io.RawIOBase):
    """An endpoint's answer as a binary file, for pyoxigraph's parsers: chunks as they arrive, cut at the cap.

    Each ``read`` waits for at most one network read, within the deadline; after the cap (``truncated``)
    or the end of the body it returns ``b""``.
    """

    def __init__(
        self, response: http.client.HTTPResponse, connection: http.client.HTTPConnection, deadline: float, cap: LineCap
    ) -> None:
        self._response = response
        self._connection = connection
        self._deadline = deadline
        self._cap = cap

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` with the next chunk within the cap (for an ``io.BufferedReader`` over this)."""
        data = self._chunk(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    @property
    def truncated(self) -> bool:
        """Whether the cap cut the answer (the rest was not read)."""
        return self._cap.truncated

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (pyoxigraph's parsers abort on more); with no ``size``, all that is left."""
        if size is None or size < 0:
            return b"".join(iter(self._chunk, b""))
        return self._chunk(min(size, _READ_SIZE)) if size else b""

    def _chunk(self, size: int = _READ_SIZE) -> bytes:
        response = self._response
        while not (self._cap.truncated or response.isclosed()):
            if response.length == 0:  # a sized body read to the end (http.client leaves it open)
                response.close()
                break
            _wait_at_most(self._connection, self._deadline)
            chunk = response.read1(size)
            if not chunk:  # the end of a chunked body (read1 closed it), or of one the endpoint closes
                if response.length:  # ... or a sized body cut short: that is no answer
                    raise http.client.IncompleteRead(b"", response.length)
                response.close()
                break
            kept = self._cap.keep(chunk)
            if kept:
                return kept
        return b""


def _wait_at_most(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket operation wait until ``deadline`` at most; raises TimeoutError once it has passed."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("deadline passed")
    if connection.sock is not None:
        connection.sock.settimeout(remaining)


def _describe(err: BaseException) -> str:
    if isinstance(err, socket.gaierror):
        return f"unknown host: {err}"
    return str(err) or type(err).__name__


def graph_store_url(endpoint: str) -> str:
    """Oxigraph's Graph Store endpoint beside its query endpoint (``.../query`` -> ``.../store``)."""
    base, _, last = endpoint.rstrip("/").rpartition("/")
    return f"{base}/store" if last in ("query", "sparql") else endpoint.rstrip("/") + "/store"


CHUNK_TRIPLES = 50_000
"""Triples serialised at a time into a streamed request body."""


def push_files(
    graph_store: str, files: Sequence[Path], base_iri: str, *, replace: bool = False, private: Collection[Path] = ()
) -> Release:
    """Send ``files`` to a Graph Store Protocol endpoint, graph by graph (``replace`` empties them first).

    The ``private`` ones (personal data) all go into the named graph :func:`~mzgraph.store.loading.private_graph`.
    The release is recorded in the store last (:func:`~mzgraph.store.loading.release_graph`, replaced), so a
    :class:`RemoteStore` reads the same release tag in every process, and a release index can be checked against it.

    Every file is read through once before anything is sent, so a file that does not parse sends nothing.
    A file of one graph (Turtle, N-Triples, ...) is then streamed as one request body, so a large file is
    never held as a list and its blank nodes stay one document's; a file of several graphs (TriG,
    N-Quads) is grouped by graph in memory first, one request per graph.
    """
    graphs_of: dict[Path, dict[str | None, None]] = {}
    personal = private_graph(base_iri)
    for path in files:  # the check pass: parse errors surface here, with file:line, before any request
        graphs_of[path] = {}
        for quad in iter_file(path):
            graphs_of[path].setdefault(personal if path in private else _graph_of(quad))
    entities = base_iri + "id/"
    counted = [0]

    def counting(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        for triple in triples:
            counted[0] += 1
            yield triple

    with httpx.Client(timeout=httpx.Timeout(300.0, connect=_CONNECT_TIMEOUT)) as client:
        try:
            if replace:
                for graph in dict.fromkeys(g for graphs in graphs_of.values() for g in graphs):
                    _send(client, "DELETE", graph_store, graph, None, allow=(404,))
            for path in files:
                quads = rebased(iter_file(path), CANONICAL_ENTITIES, entities)
                if path in private:
                    quads = (into_graph(quad, ox.NamedNode(personal)) for quad in quads)
                if len(graphs_of[path]) == 1:
                    (graph,) = graphs_of[path]
                    _send(client, "POST", graph_store, graph, _ntriples(counting(q.triple for q in quads)))
                    continue
                by_graph: dict[str | None, list[ox.Triple]] = {}
                for quad in quads:
                    by_graph.setdefault(_graph_of(quad), []).append(quad.triple)
                for graph, graph_triples in by_graph.items():
                    _send(client, "POST", graph_store, graph, _ntriples(counting(graph_triples)))
            release = new_release(content_tag(files, base_iri), counted[0])
            record = release_graph(base_iri)
            _send(client, "PUT", graph_store, record, _ntriples(release_record(release, record)))
        except httpx.HTTPError as err:
            raise InputError(graph_store, f"cannot reach the graph store: {err}") from None
    return release


def _graph_of(quad: ox.Quad) -> str | None:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def _ntriples(triples: Iterable[ox.Triple]) -> Iterator[bytes]:
    """N-Triples of ``triples``, a chunk of :data:`CHUNK_TRIPLES` at a time (a streamed request body)."""
    chunk: list[ox.Triple] = []
    for triple in triples:
        chunk.append(triple)
        if len(chunk) >= CHUNK_TRIPLES:
            yield ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
            chunk = []
    if chunk:
        yield ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)


def _send(
    client: httpx.Client,
    method: str,
    url: str,
    graph: str | None,
    body: Iterator[bytes] | None,
    allow: tuple[int, ...] = (),
) -> None:
    params = {"graph": graph} if graph else {"default": ""}
    headers = {"Content-Type": formats.N_TRIPLES.media_type} if body is not None else {}
    response = client.request(method, url, params=params, content=body, headers=headers)
    if response.status_code >= 300 and response.status_code not in allow:
        raise InputError(url, f"the graph store refused {method}: HTTP {response.status_code} {response.text[:300]}")
