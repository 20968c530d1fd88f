"""The remote backend: any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, Virtuoso, QLever, ...).

Queries are sent as form POSTs asking for a line-based format (TSV, N-Triples), read as a stream
under the same row cap and deadline as the embedded store, and re-serialised locally in the format
the client asked for. A store that is down answers 503 and is tried again on the next query.
Data is pushed to such a store with the SPARQL 1.1 Graph Store HTTP Protocol.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyoxigraph as ox

from mzgraph import formats
from mzgraph.errors import InputError
from mzgraph.formats import Format
from mzgraph.query_errors import QueryError, QueryFailed, QueryTimeout, StoreUnavailable
from mzgraph.rdf_io import read_file
from mzgraph.sparql_guard import QueryForm, parser_error
from mzgraph.store.base import QueryPolicy, QueryRequest, QueryResult, Release, Store
from mzgraph.store.loading import CANONICAL_ENTITIES, new_release, rebase
from mzgraph.store.results import CapReached, LineCap, boolean_as, graph_from_ntriples, solutions_from_tsv

_WIRE_FORMAT = {
    QueryForm.SELECT: formats.TSV,
    QueryForm.ASK: formats.SPARQL_JSON,
    QueryForm.CONSTRUCT: formats.N_TRIPLES,
    QueryForm.DESCRIBE: formats.N_TRIPLES,
}
_CONNECT_TIMEOUT = 5.0


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint, queried with httpx."""

    graphs_ttl = 60.0

    def __init__(self, endpoint: str, policy: QueryPolicy, *, prefixes: Mapping[str, str]) -> None:
        super().__init__(policy)
        if not endpoint.startswith(("http://", "https://")):
            raise InputError(endpoint, "the SPARQL endpoint must be an http:// or https:// URL")
        self.endpoint = endpoint
        self._prefixes = dict(prefixes)
        self._client = httpx.Client(headers={"User-Agent": "mzgraph"}, follow_redirects=False)
        # The data behind a remote endpoint can change unseen; its release lives as long as this process.
        started = datetime.now(UTC).replace(microsecond=0)
        tag = hashlib.sha256(f"{endpoint} {started.isoformat()}".encode()).hexdigest()[:20]
        self._release = Release(tag, started)

    @property
    def release(self) -> Release:
        return self._release

    def close(self) -> None:
        self._client.close()

    def _evaluate(self, request: QueryRequest, fmt: Format, max_rows: int) -> QueryResult:
        wire = _WIRE_FORMAT[request.form]
        lines = max_rows + 1 if request.form is QueryForm.SELECT else max_rows
        body, truncated = self._fetch(request, wire, lines)
        if request.form is QueryForm.ASK:
            return QueryResult(boolean_as(body, wire, fmt), fmt)
        try:
            if request.form is QueryForm.SELECT:
                converted = solutions_from_tsv(body, fmt)
            else:
                converted = graph_from_ntriples(body, fmt, self._prefixes)
        except (SyntaxError, ValueError) as err:
            raise QueryFailed(f"the SPARQL endpoint sent results mzgraph cannot read: {err}") from None
        return QueryResult(converted, fmt, truncated, max_rows)

    def _fetch(self, request: QueryRequest, wire: Format, lines: int) -> tuple[bytes, bool]:
        """POST the query; the body (at most ``lines`` lines) and whether it was cut."""
        timeout = self.policy.timeout
        deadline = time.monotonic() + timeout
        data: dict[str, str | list[str]] = {"query": request.query.text}
        if request.default_graphs:
            data["default-graph-uri"] = list(request.default_graphs)
        if request.named_graphs:
            data["named-graph-uri"] = list(request.named_graphs)
        sink = LineCap(lines)
        try:
            with self._client.stream(
                "POST", self.endpoint, data=data,
                headers={"Accept": wire.media_type},
                timeout=httpx.Timeout(timeout, connect=min(timeout, _CONNECT_TIMEOUT)),
            ) as response:  # fmt: skip
                if response.status_code >= 400:
                    raise self._refusal(response.status_code, response.read().decode("utf-8", "replace"))
                for chunk in response.iter_bytes():
                    sink.write(chunk)
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline passed")
        except CapReached:
            pass
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as err:
            raise StoreUnavailable(f"the SPARQL endpoint {self.endpoint} cannot be reached ({err})") from None
        except httpx.TimeoutException:
            raise QueryTimeout(
                f"the query ran for more than {timeout:g} s and was stopped; narrow it down or ask for less",
                detail={"timeout": timeout},
            ) from None
        except httpx.HTTPError as err:
            raise StoreUnavailable(f"the SPARQL endpoint {self.endpoint} failed: {err}") from None
        return sink.value(), sink.truncated

    def _refusal(self, status: int, text: str) -> QueryError:
        message = " ".join(text.split())[:500]
        if status == 400:
            return parser_error(message)
        if status in (404, 502, 503, 504):
            return StoreUnavailable(f"the SPARQL endpoint {self.endpoint} answered HTTP {status}: {message}")
        return QueryFailed(f"the SPARQL endpoint answered HTTP {status}: {message}")


def graph_store_url(endpoint: str) -> str:
    """Oxigraph's Graph Store endpoint beside its query endpoint (``.../query`` -> ``.../store``)."""
    base, _, last = endpoint.rstrip("/").rpartition("/")
    return f"{base}/store" if last in ("query", "sparql") else endpoint.rstrip("/") + "/store"


def push_files(graph_store: str, files: Sequence[Path], base_iri: str, *, replace: bool = False) -> Release:
    """Send ``files`` to a Graph Store Protocol endpoint, graph by graph (``replace`` empties them first)."""
    digest = hashlib.sha256(base_iri.encode())
    triples = 0
    batches: list[tuple[str | None, bytes]] = []
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        by_graph: dict[str | None, list[ox.Triple]] = {}
        for quad in rebase(read_file(path), CANONICAL_ENTITIES, base_iri + "id/"):
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None
            by_graph.setdefault(graph, []).append(quad.triple)
        for graph, graph_triples in by_graph.items():
            batches.append((graph, ox.serialize(graph_triples, format=ox.RdfFormat.N_TRIPLES)))
            triples += len(graph_triples)
    with httpx.Client(timeout=httpx.Timeout(300.0, connect=_CONNECT_TIMEOUT)) as client:
        try:
            if replace:
                for graph in dict.fromkeys(graph for graph, _ in batches):
                    _send(client, "DELETE", graph_store, graph, None, allow=(404,))
            for graph, body in batches:
                _send(client, "POST", graph_store, graph, body)
        except httpx.HTTPError as err:
            raise InputError(graph_store, f"cannot reach the graph store: {err}") from None
    return new_release(digest.hexdigest()[:20], triples)


def _send(
    client: httpx.Client, method: str, url: str, graph: str | None, body: bytes | None, allow: tuple[int, ...] = ()
) -> None:
    params = {"graph": graph} if graph else {"default": ""}
    headers = {"Content-Type": formats.N_TRIPLES.media_type} if body is not None else {}
    response = client.request(method, url, params=params, content=body, headers=headers)
    if response.status_code >= 300 and response.status_code not in allow:
        raise InputError(url, f"the graph store refused {method}: HTTP {response.status_code} {response.text[:300]}")
