"""Hostile queries through a real server: each is refused (4xx), cut by the row cap, or stopped at its deadline;
a cheap query keeps being answered quickly meanwhile; nothing ever connects out.

The listener is a plain TCP socket on 127.0.0.1 that records every connection (not an HTTP server, so even a
connection that sends nothing is seen). Already covered elsewhere and not repeated here: one runaway freeing its
CPU, 503 over the limit with one slow query, 10,000 nested groups, a crashing worker
(``test_sparql_limits.py``); the guard's SERVICE/LOAD/FROM cases on both backends (``test_sparql_guard.py``);
the 413 body limit with a small cap (``test_sparql_protocol.py``).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from statistics import median
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from common import Listener, LiveServer
from mzgraph.bundled import bundled_graph_files
from mzgraph.rdf.reading import read_files
from tools.servers import OxigraphServer

TIMEOUT = 1.0
MAX_ROWS = 2_000
CHEAP = "ASK { ?s ?p ?o }"
CHEAP_LIMIT = 1.0
"""Slowest acceptable answer to the cheap query while a hostile one runs (seconds; typically ~0.05)."""
PREFIXES = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX mz: <https://w3id.org/mzgraph/def/>\n"
)


@dataclass(frozen=True)
class Case:
    """A hostile request and what must come back: a status and, for errors, the error code."""

    name: str
    send: Callable[[str, str], httpx.Response]
    status: int
    error: str | None = None
    truncated: bool = False
    notes: dict[str, Any] = field(default_factory=dict)


def _post(query: str) -> Callable[[str, str], httpx.Response]:
    def send(endpoint: str, listener: str) -> httpx.Response:
        text = PREFIXES + query.replace("{listener}", listener)
        return httpx.post(endpoint, data={"query": text}, timeout=30)

    return send


def _with_params(query: str, **params: str) -> Callable[[str, str], httpx.Response]:
    def send(endpoint: str, listener: str) -> httpx.Response:
        values = {k.replace("_", "-"): v.replace("{listener}", listener) for k, v in params.items()}
        return httpx.get(endpoint, params={"query": query, **values}, timeout=30)

    return send


def _raw_get(length: int) -> Callable[[str, str], httpx.Response]:
    """A GET whose URL is ``length`` characters long (httpx refuses such URLs, so over a raw socket).

    uvicorn (h11) refuses a request head this long with a plain-text 400 before the app sees it, and may
    reset the connection while the rest of the head is still arriving: the 400 is read if it came.
    """

    def send(endpoint: str, listener: str) -> httpx.Response:
        host, port = endpoint.split("//")[1].split("/")[0].split(":")
        target = "/sparql?query=ASK%7B%7D%23" + "x" * length
        data = b""
        with socket.create_connection((host, int(port)), timeout=30) as conn:
            try:
                conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                while chunk := conn.recv(65536):
                    data += chunk
            except ConnectionResetError:
                pass
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
        return httpx.Response(status, content=body, headers={"content-type": "text/plain"})

    return send


def _body(size: int, *, chunked: bool) -> Callable[[str, str], httpx.Response]:
    def send(endpoint: str, listener: str) -> httpx.Response:
        headers = {"Content-Type": "application/sparql-query"}
        if chunked:
            return httpx.post(
                endpoint, content=(b"#" * 65536 for _ in range(size // 65536)), headers=headers, timeout=30
            )
        return httpx.post(endpoint, content=b"#" * size, headers=headers, timeout=30)

    return send


PRODUCT = "?a ?b ?c . ?d ?e ?f"
# fmt: off
CASES = [
    # Queries that would run for a very long time: stopped at the deadline.
    Case("cartesian-product", _post(f"SELECT (COUNT(*) AS ?n) WHERE {{ {PRODUCT} . ?g ?h ?i }}"), 504, "timeout"),
    Case("alternative-inverse-path-star", _post(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (rdf:type|^rdf:type|mz:measure|^mz:measure)* ?b . "
        "?b (rdf:type|^rdf:type)* ?c }"), 504, "timeout"),
    Case("path-star-sequence-ordered", _post(
        "SELECT ?a ?b ?c WHERE { ?a (rdf:type|^rdf:type)*/(rdfs:label|^rdfs:label)* ?b . ?c ?d ?e } ORDER BY ?a ?b ?c"),
        504, "timeout"),
    Case("catastrophic-regex", _post(
        'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?x ?y ?z FILTER(REGEX(CONCAT(STR(?o), STR(?z)), "^(a+)+$")) }'),
        504, "timeout"),
    Case("regex-too-big-to-compile", _post(
        'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "((a{100}){100}){100}")) } LIMIT 1'), 504, "timeout"),
    Case("no-limit-ordered", _post(f"SELECT * WHERE {{ {PRODUCT} }} ORDER BY ?c ?f"), 504, "timeout"),
    Case("describe-everything-ordered", _post(f"DESCRIBE ?a WHERE {{ {PRODUCT} }} ORDER BY ?c ?f"), 504, "timeout"),
    Case("3000-joined-patterns", _post(
        "SELECT * WHERE { " + " ".join(f"?a{i} ?p{i} ?o{i} ." for i in range(3000)) + " } LIMIT 1"),
        504, "timeout"),
    # ordered, so the whole union must be built before a row can go out (unordered, it streams to the row cap)
    Case("3000-unions", _post("SELECT * WHERE { " + " UNION ".join([f"{{ {PRODUCT} }}"] * 3000) + " } ORDER BY ?a"),
         504, "timeout"),
    Case("2000-optionals", _post(
        "SELECT * WHERE { ?s ?p ?o " + " ".join(f"OPTIONAL {{ ?s ?p ?o{i} }}" for i in range(2000)) + " } LIMIT 1"),
        504, "timeout"),
    # Everything, unordered: streamed up to the row cap, which is reported (not a silent cut).
    Case("no-limit-select", _post(f"SELECT * WHERE {{ {PRODUCT} }}"), 200, truncated=True),
    Case("no-limit-construct", _post(f"CONSTRUCT {{ ?a ?b ?f }} WHERE {{ {PRODUCT} }}"), 200, truncated=True),
    # Too big or too deep to be read at all: refused before evaluation.
    Case("nested-parentheses", _post("ASK { FILTER(" + "(" * 5000 + "true" + ")" * 5000 + ") }"),
         400, "query_too_complex"),
    Case("nested-subqueries", _post("SELECT * WHERE " + "{ SELECT * WHERE " * 200 + "{ ?s ?p ?o }" + " }" * 200),
         400, "query_too_complex"),
    Case("30000-negations", _post("ASK { FILTER(" + "!" * 30_000 + "true) }"), 400, "query_too_complex"),
    Case("3000-minus-groups", _post(
        "SELECT * WHERE { ?s ?p ?o " + " ".join("MINUS { ?s ?p ?o }" for _ in range(3000)) + " } LIMIT 1"),
        400, "query_too_complex"),
    Case("30000-inverse-marks", _post("ASK { ?s " + "^" * 30_000 + "rdf:type ?o }"), 400),
    Case("long-query-post", _post("ASK { ?s ?p ?o } #" + "x" * 150_000), 400, "query_too_long"),
    Case("long-query-get-20k-url", _raw_get(20_000), 200),
    Case("long-query-get-150k-url", _raw_get(150_000), 400),
    Case("body-20mb-declared", _body(20_000_000, chunked=False), 413, "too_large"),
    Case("body-20mb-chunked", _body(20_000_000, chunked=True), 413, "too_large"),
    # Anything that would reach out: refused, and the listener sees nothing.
    Case("service", _post("SELECT * WHERE { SERVICE <{listener}> { ?s ?p ?o } }"), 400, "service_rejected"),
    Case("service-silent-variable", _post(
        "SELECT * WHERE { VALUES ?e { <{listener}> } SERVICE SILENT ?e { ?s ?p ?o } }"), 400, "service_rejected"),
    Case("load", _post("LOAD <{listener}>"), 400, "update_rejected"),
    Case("from", _post("SELECT * FROM <{listener}> WHERE { ?s ?p ?o }"), 400),
    Case("from-named", _post("SELECT * FROM NAMED <{listener}> WHERE { GRAPH ?g { ?s ?p ?o } }"), 400),
    Case("default-graph-uri", _with_params("SELECT * WHERE { ?s ?p ?o }", default_graph_uri="{listener}"), 400),
    Case("named-graph-uri", _with_params("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uri="{listener}"),
         400),
    Case("describe-listener-iri", _post("DESCRIBE <{listener}>"), 200),
    Case("iri-function-on-listener", _post('SELECT (IRI("{listener}") AS ?x) (STR(<{listener}>) AS ?y) WHERE {}'),
         200),
]
# fmt: on


@pytest.fixture(scope="module")
def server(start_server: Callable[..., LiveServer]) -> LiveServer:
    """The bundled graph (~3,800 triples: a product of two patterns is ~14 million rows), short deadline."""
    started = start_server(query_timeout=TIMEOUT, max_rows=MAX_ROWS, query_workers=2, max_concurrent_queries=4)
    for _ in range(3):  # both workers warm
        httpx.post(started.sparql, data={"query": CHEAP}, timeout=30).raise_for_status()
    return started


@pytest.fixture(scope="module")
def remote(start_server: Callable[..., LiveServer], start_oxigraph: Callable[[], OxigraphServer]) -> LiveServer:
    """The same, on the remote backend in front of ``oxigraph serve`` holding the bundled graph."""
    oxigraph = start_oxigraph()
    nquads = ox.serialize(read_files(bundled_graph_files()), format=ox.RdfFormat.N_QUADS)
    httpx.post(oxigraph.store_url, content=nquads, headers={"Content-Type": "application/n-quads"}, timeout=60)
    return start_server(
        sparql_endpoint=oxigraph.query_url, query_timeout=TIMEOUT, max_rows=MAX_ROWS, max_concurrent_queries=4
    )


def _cheap_latencies_while(
    server: LiveServer, hostile: Callable[[], httpx.Response]
) -> tuple[httpx.Response, list[float]]:
    """Run ``hostile`` in the background; time the cheap query, one after another, until it is answered."""
    latencies: list[float] = []
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(hostile)
        while True:
            started = time.monotonic()
            answer = httpx.post(server.sparql, data={"query": CHEAP}, timeout=30)
            latencies.append(time.monotonic() - started)
            assert answer.status_code == 200 and answer.json()["boolean"] is True, answer.text
            if running.done():
                return running.result(), latencies
            time.sleep(0.05)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_query_is_refused_capped_or_stopped_and_the_server_keeps_answering(
    case: Case, server: LiveServer, listener: Listener
) -> None:
    started = time.monotonic()
    response, latencies = _cheap_latencies_while(server, lambda: case.send(server.sparql, listener.url))
    elapsed = time.monotonic() - started
    assert response.status_code == case.status, response.text[:300]
    assert "Traceback" not in response.text
    if case.error:
        assert response.json()["error"] == case.error and response.json()["message"], response.text
    assert (response.headers.get("mzgraph-truncated") == str(MAX_ROWS)) is case.truncated
    assert elapsed < TIMEOUT + 3, "answered at the deadline at the latest (plus the time to send it)"
    assert max(latencies) < CHEAP_LIMIT, f"cheap query latencies {latencies}"
    print(
        f"\n{case.name}: {response.status_code} in {elapsed:.2f} s; cheap query x{len(latencies)}: "
        f"median {median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    assert listener.connections == [], "nothing may connect out because of a query"


REMOTE_CASES = [
    c
    for c in CASES
    if c.name
    in {
        "cartesian-product",
        "alternative-inverse-path-star",
        "catastrophic-regex",
        "no-limit-select",
        "30000-negations",
        "long-query-post",
        "body-20mb-chunked",
        "service",
        "service-silent-variable",
        "load",
        "from",
        "named-graph-uri",
    }
]


@pytest.mark.parametrize("case", REMOTE_CASES, ids=[c.name for c in REMOTE_CASES])
def test_the_same_on_the_remote_backend(case: Case, remote: LiveServer, listener: Listener) -> None:
    """mzgraph gives up at its deadline (oxigraph serve stops the query itself at 3 s); nothing reaches out."""
    test_a_hostile_query_is_refused_capped_or_stopped_and_the_server_keeps_answering(case, remote, listener)


def test_concurrent_runaways_beyond_the_limit_get_503_with_retry_after(
    start_server: Callable[..., LiveServer],
) -> None:
    limited = start_server(query_timeout=TIMEOUT, query_workers=2, max_concurrent_queries=2)
    runaway = PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {PRODUCT} . ?g ?h ?i }}"
    barrier = threading.Barrier(6)

    def send(_: int) -> httpx.Response:
        barrier.wait()
        return httpx.post(limited.sparql, data={"query": runaway}, timeout=30)

    started = time.monotonic()
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(send, range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [503, 503, 503, 503, 504, 504], statuses
    for refused in (r for r in responses if r.status_code == 503):
        assert refused.headers["retry-after"] == "1" and refused.json()["error"] == "busy"
    assert time.monotonic() - started < TIMEOUT + 3, "the refused ones did not wait for the running ones"
    assert httpx.post(limited.sparql, data={"query": CHEAP}, timeout=30).json()["boolean"] is True


def test_a_burst_of_quick_queries_beyond_the_limit_waits_briefly_instead_of_503(
    start_server: Callable[..., LiveServer],
) -> None:
    limited = start_server(query_timeout=TIMEOUT, query_workers=2, max_concurrent_queries=2)
    barrier = threading.Barrier(12)

    def send(_: int) -> int:
        barrier.wait()
        return httpx.post(limited.sparql, data={"query": CHEAP}, timeout=30).status_code

    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(send, range(12)))
    assert statuses == [200] * 12, "a page's few quick queries are queued for a moment, not refused"


@pytest.fixture(scope="module")
def virtuoso(start_server: Callable[..., LiveServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The same on Virtuoso 7.2 (Debian's), the bundled graph in a named graph, pushed as ``mzgraph load`` does;
    Virtuoso's own limit set too (``MaxQueryExecutionTime``, in the ini tools/virtuoso.py writes)."""
    from mzgraph.store.pushing import push_files
    from tools.virtuoso import Limits, Virtuoso

    graph = "https://w3id.org/mzgraph/graph/data"
    with Virtuoso(tmp_path_factory.mktemp("virtuoso"), limits=Limits(max_query_execution_time=10)) as server:
        server.add_user("loader", "hostile-tests")
        push_files(
            server.graph_store_url,
            bundled_graph_files(),
            "https://w3id.org/mzgraph/",
            data_graph=graph,
            credentials=("loader", "hostile-tests"),
        )
        yield start_server(
            sparql_endpoint=server.sparql_url,
            data_graph=graph,
            query_timeout=TIMEOUT,
            max_rows=MAX_ROWS,
            max_concurrent_queries=4,
        )


VIRTUOSO_CASES = [
    # Virtuoso refuses a transitive path with neither end bound before running it
    replace(c, status=502, error="store_failed") if c.name == "alternative-inverse-path-star" else c
    for c in REMOTE_CASES
    # told the row cap (maxrows), Virtuoso still computes and sends the 2,001 rows of a product at once: 1.2 to
    # 1.4 s measured on a busy machine, over these tests' 1 s deadline (a 504 then, which is bounded too)
    if c.name != "no-limit-select"
]


@pytest.mark.parametrize("case", VIRTUOSO_CASES, ids=[c.name for c in VIRTUOSO_CASES])
def test_the_same_on_virtuoso(case: Case, virtuoso: LiveServer, listener: Listener) -> None:
    """mzgraph's guard in front, its deadline closing the connection (which stops Virtuoso's work) and
    Virtuoso's own timeout parameter; nothing reaches out."""
    test_a_hostile_query_is_refused_capped_or_stopped_and_the_server_keeps_answering(case, virtuoso, listener)
