"""The remote backend's wire: large results streamed in many chunks under an exact row cap, term for term
as Oxigraph itself serialises them, over kept connections that survive an endpoint restart.

Every query here makes its rows with VALUES, so an empty ``oxigraph serve`` answers them; the reference
answer is the same query evaluated and serialised by pyoxigraph in this process.
"""

from __future__ import annotations

import http.client
import http.server
import json
import threading
from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest

from mzgraph.rdf import formats
from mzgraph.rdf.formats import Format
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.errors import StoreUnavailable
from mzgraph.store import QueryPolicy, RemoteStore
from tools.servers import OxigraphServer

ROWS = 5000
_VALUES = " ".join(str(i) for i in range(1, ROWS + 1))
_TERMS = (
    f"VALUES ?i {{ {_VALUES} }} "
    'BIND(STRLANG(CONCAT("line\\nbreak \\"quoted\\"\\ttab é ☃ ", STR(?i)), "nl-BE") AS ?text) '
    'BIND(IRI(CONCAT("https://example.org/thing/", STR(?i))) AS ?thing) '
    "BIND(?i * 1.5 AS ?half) BIND(BNODE() AS ?blank)"
)
SELECT = f"SELECT ?i ?thing ?text ?half WHERE {{ {_TERMS} }} ORDER BY ?i"
CONSTRUCT = f"CONSTRUCT {{ ?thing <https://example.org/p> ?text, ?half, ?i }} WHERE {{ {_TERMS} }}"


@pytest.fixture(scope="module")
def oxigraph(start_oxigraph: Callable[[], OxigraphServer]) -> OxigraphServer:
    return start_oxigraph()


def _store(oxigraph: OxigraphServer, max_rows: int = 100_000, endpoint: str | None = None) -> RemoteStore:
    policy = QueryPolicy(timeout=20.0, max_rows=max_rows)
    return RemoteStore(endpoint or oxigraph.query_url, policy, prefixes=PREFIXES)


def _reference(query: str, fmt: Format) -> bytes:
    result = ox.Store().query(query)
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=fmt.oxigraph, prefixes=dict(PREFIXES))  # type: ignore[arg-type]
    return result.serialize(format=fmt.oxigraph)  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", formats.FORMATS[formats.Family.SOLUTIONS], ids=lambda f: f.names[0])
def test_a_large_select_is_term_for_term_what_oxigraph_writes(oxigraph: OxigraphServer, fmt: Format) -> None:
    with _store(oxigraph) as store:
        result = store.query(SELECT, fmt)
    assert not result.truncated
    assert result.body == _reference(SELECT, fmt)


@pytest.mark.parametrize("fmt", formats.FORMATS[formats.Family.GRAPH], ids=lambda f: f.names[0])
def test_a_large_construct_has_every_triple_term_for_term(oxigraph: OxigraphServer, fmt: Format) -> None:
    with _store(oxigraph) as store:
        result = store.query(CONSTRUCT, fmt)
    assert not result.truncated
    ours = set(ox.parse(result.body, format=fmt.oxigraph))  # type: ignore[arg-type]
    assert ours == set(ox.parse(_reference(CONSTRUCT, formats.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES))
    assert len(ours) == 3 * ROWS


@pytest.mark.parametrize("cap", [1, 1234, ROWS - 1])
def test_the_row_cap_is_exact_across_chunks(oxigraph: OxigraphServer, cap: int) -> None:
    with _store(oxigraph, max_rows=cap) as store:
        selected = store.run(store.prepare(SELECT), formats.TSV)
        constructed = store.run(store.prepare(CONSTRUCT), formats.N_TRIPLES)
        in_json = store.run(store.prepare(SELECT), formats.SPARQL_JSON)
    full = _reference(SELECT, formats.TSV).splitlines(keepends=True)
    assert selected.truncated and selected.max_rows == cap
    assert selected.body == b"".join(full[: cap + 1])  # the header line and the first ``cap`` rows
    assert constructed.truncated and len(constructed.body.splitlines()) == cap
    assert in_json.truncated
    assert len(json.loads(in_json.body)["results"]["bindings"]) == cap
    assert json.loads(in_json.body)["mzgraph"]["max_rows"] == cap


def test_a_result_of_exactly_the_cap_is_not_truncated(oxigraph: OxigraphServer) -> None:
    with _store(oxigraph, max_rows=ROWS) as store:
        result = store.query(SELECT, formats.TSV)
    assert not result.truncated
    assert result.body == _reference(SELECT, formats.TSV)


def test_connections_are_kept_and_survive_an_endpoint_restart(oxigraph: OxigraphServer) -> None:
    with _store(oxigraph) as store:
        for _ in range(5):
            assert store.ask("ASK { ?s ?p ?o }") is False
        idle = list(store._connections._idle)
        assert len(idle) == 1  # one connection, used five times
        oxigraph.stop()
        oxigraph.start()
        assert store.ask("ASK { ?s ?p ?o }") is False  # the kept connection is dead: a new one is opened
        assert len(store._connections._idle) == 1
        assert store._connections._idle[0] is not idle[0]  # the dead one was dropped
        oxigraph.stop()
        try:
            with pytest.raises(StoreUnavailable, match=oxigraph.query_url):
                store.ask("ASK { ?s ?p ?o }")
        finally:
            oxigraph.start()
        assert store.ask("ASK { ?s ?p ?o }") is False


class _RecordingProxy(http.server.ThreadingHTTPServer):
    """A real HTTP proxy in front of ``oxigraph serve`` that records each request's Authorization header."""

    def __init__(self, target: OxigraphServer) -> None:
        self.target = target
        self.authorizations: list[str | None] = []
        self.cut = False
        """Announce more bytes than are sent, then hang up: an answer broken off."""
        super().__init__(("127.0.0.1", 0), _Forward)


class _Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _RecordingProxy

    def do_POST(self) -> None:
        self.server.authorizations.append(self.headers.get("Authorization"))
        body = self.rfile.read(int(self.headers["Content-Length"]))
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.target.port, timeout=10)
        headers = {name: self.headers[name] for name in ("Accept", "Content-Type")}
        upstream.request("POST", "/query", body=body, headers=headers)
        answer = upstream.getresponse()
        content = answer.read()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.getheader("Content-Type", ""))
        announced = len(content) + (1000 if self.server.cut else 0)
        self.send_header("Content-Length", str(announced))  # not chunked: the other way of framing a body
        self.end_headers()
        self.wfile.write(content)
        self.close_connection = self.server.cut
        upstream.close()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def proxy(oxigraph: OxigraphServer) -> Iterator[_RecordingProxy]:
    server = _RecordingProxy(oxigraph)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_credentials_in_the_endpoint_url_are_sent_and_a_sized_body_is_read(
    oxigraph: OxigraphServer, proxy: _RecordingProxy
) -> None:
    port = proxy.server_address[1]
    with _store(oxigraph, max_rows=10, endpoint=f"http://reader:s%40cret@127.0.0.1:{port}/query") as store:
        result = store.query(SELECT, formats.SPARQL_JSON)
        again = store.query(SELECT, formats.SPARQL_JSON)
    assert result.truncated and again.body == result.body
    # base64 of "reader:s@cret", with the query that learns which store it is, then with the two queries
    assert proxy.authorizations == ["Basic cmVhZGVyOnNAY3JldA=="] * 3


@pytest.mark.parametrize("fmt", [formats.TSV, formats.SPARQL_JSON], ids=["passed-through", "converted"])
def test_an_answer_broken_off_is_503_not_a_short_result(
    oxigraph: OxigraphServer, proxy: _RecordingProxy, fmt: Format
) -> None:
    proxy.cut = True
    with (
        _store(oxigraph, endpoint=f"http://127.0.0.1:{proxy.server_address[1]}/query") as store,
        pytest.raises(StoreUnavailable, match="cannot be reached"),
    ):
        store.query(SELECT, fmt)
