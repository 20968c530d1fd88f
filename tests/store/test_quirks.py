"""Virtuoso's real answers (``tests/fixtures/virtuoso``, recorded from a real server with their headers) read
by the remote backend: each deviation from the standards made readable in one place, each incomplete
answer refused, each store error a clear 4xx/502/504 error, never a result nor a 500.

The recorded answers are replayed, bytes and headers as they came, by a real HTTP server on 127.0.0.1 in
front of a :class:`RemoteStore`; the tests against a running Virtuoso are in ``test_store_virtuoso.py``.
"""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

from common import FIXTURES
from mzgraph.rdf import formats
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.errors import QueryRejected, QueryTimeout, StoreFailed
from mzgraph.store import QueryPolicy, RemoteStore
from mzgraph.store.quirks import Rewriting, Syntax, rewrite, virtuoso_query

RECORDED = FIXTURES / "virtuoso"
MANIFEST = {entry["file"]: entry for entry in json.loads((RECORDED / "manifest.json").read_text(encoding="utf-8"))}
SELECT = "SELECT ?s ?value ?optional WHERE { ?s ?p ?value }"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
Answer = tuple[int, list[tuple[str, str]], bytes]


def recorded(name: str) -> Answer:
    """The recorded answer ``name``: status, headers (as sent, but Content-Length), body."""
    entry = MANIFEST[name]
    headers = [(key, value) for key, value in entry["headers"] if key.lower() != "content-length"]
    return entry["status"], headers, (RECORDED / name).read_bytes()


class Replay:
    """A real HTTP server answering each POST with ``choose(accept, form)``; remembers what it was sent."""

    def __init__(self) -> None:
        self.choose: Callable[[str, dict[str, list[str]]], Answer] = lambda accept, form: recorded("select-terms.srj")
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        replay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                accept = self.headers.get("Accept", "")
                if form.get("query") == ["ASK {}"]:  # which store this is, asked once before the first query
                    status, headers, body = recorded("ask-true.srj")
                else:
                    replay.requests.append((accept, form))
                    status, headers, body = replay.choose(accept, form)
                self.server_version = next((v for k, v in headers if k.lower() == "server"), "Replay")
                self.sys_version = ""
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in ("connection", "server"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def replay() -> Iterator[Replay]:
    server = Replay()
    yield server
    server.close()


def _store(replay: Replay, **options: object) -> RemoteStore:
    return RemoteStore(replay.url, QueryPolicy(timeout=10.0, max_rows=1000), prefixes=PREFIXES, **options)  # type: ignore[arg-type]


def _rows(tsv: bytes) -> list[tuple[str, ...]]:
    solutions = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(str(term) for term in solution) for solution in solutions]


def _terms_by_xml() -> list[tuple[str, ...]]:
    """``select-terms`` as Virtuoso's SPARQL XML has it (the closest to the standard), read by the quirks."""
    return _rows(
        ox.parse_query_results(
            rewrite((RECORDED / "select-terms.srx").read_bytes(), Syntax.XML), ox.QueryResultsFormat.XML
        ).serialize(  # type: ignore[union-attr]
            format=ox.QueryResultsFormat.TSV
        )
    )


# -- the quirks, one by one, on the recorded answers


def test_virtuoso_json_reads_as_its_xml_blank_nodes_booleans_and_typed_literals_included() -> None:
    fixed = rewrite((RECORDED / "select-terms.srj").read_bytes(), Syntax.JSON)
    solutions = ox.parse_query_results(fixed, ox.QueryResultsFormat.JSON)
    rows = _rows(solutions.serialize(format=ox.QueryResultsFormat.TSV))  # type: ignore[union-attr]
    assert rows == _terms_by_xml()
    by_subject = {row[0]: row[1] for row in rows}
    assert by_subject["<https://example.org/vt/boolean>"] == f'"true"^^<{BOOLEAN}>'  # "1" in Virtuoso's JSON
    assert by_subject["<https://example.org/vt/false>"] == f'"false"^^<{BOOLEAN}>'
    assert by_subject["<https://example.org/vt/bnode>"] == "_:b10000"  # "nodeID://b10000"
    assert by_subject["<https://example.org/vt/lang-nl>"] == '"tekst"@nl'


def test_unfixed_virtuoso_answers_are_what_the_quirks_are_for() -> None:
    with pytest.raises(SyntaxError, match="blank node"):
        list(ox.parse_query_results((RECORDED / "select-terms.srj").read_bytes(), ox.QueryResultsFormat.JSON))  # type: ignore[arg-type]
    with pytest.raises(SyntaxError, match='"s"'):
        ox.parse_query_results((RECORDED / "select-terms.tsv").read_bytes(), ox.QueryResultsFormat.TSV)
    with pytest.raises(SyntaxError, match="lang"):
        list(ox.parse_query_results((RECORDED / "construct-as-solutions.srj").read_bytes(), ox.QueryResultsFormat.JSON))  # type: ignore[arg-type]


def test_a_quirk_split_between_network_reads_is_still_rewritten() -> None:
    whole = (RECORDED / "select-terms.srj").read_bytes()

    class Trickle(io.RawIOBase):
        def __init__(self) -> None:
            self.data, self.size = whole, 0

        def read(self, size: int = -1) -> bytes:
            self.size = self.size % 7 + 1  # 1 to 7 bytes at a time: every split point is met
            chunk, self.data = self.data[: self.size], self.data[self.size :]
            return chunk

    assert Rewriting(Trickle(), Syntax.JSON).read() == rewrite(whole, Syntax.JSON)


def test_quoted_tsv_names_are_read_as_variables() -> None:
    fixed = rewrite((RECORDED / "select-terms.tsv").read_bytes(), Syntax.TSV)
    solutions = ox.parse_query_results(fixed, ox.QueryResultsFormat.TSV)
    assert [variable.value for variable in solutions.variables] == ["s", "value", "optional"]  # type: ignore[union-attr]


def test_lang_keys_are_read_as_language_tags() -> None:
    fixed = rewrite((RECORDED / "construct-as-solutions.srj").read_bytes(), Syntax.JSON)
    objects = {str(row["o"]) for row in ox.parse_query_results(fixed, ox.QueryResultsFormat.JSON)}  # type: ignore[union-attr, index]
    assert '"colour"@en-gb' in objects


def test_an_ask_answer_given_as_a_string_is_read() -> None:
    # not Virtuoso's (its ASK JSON is standard): hand-written JSON endpoints send it
    assert bool(
        ox.parse_query_results(rewrite(b'{"head": {}, "boolean": "true"}', Syntax.JSON), ox.QueryResultsFormat.JSON)
    )


def test_literals_that_look_like_quirks_are_left_alone() -> None:
    answer = json.dumps(
        {
            "head": {"vars": ["x"]},
            "results": {
                "bindings": [
                    {"x": {"type": "literal", "value": '"type": "bnode", "value": "nodeID://b1" "lang": "x"'}},
                    {"x": {"type": "literal", "value": 'a\\"lang": "nl", "value": 5}, \\"value": 6, "lang"'}},
                ]
            },
        }
    ).encode()
    assert rewrite(answer, Syntax.JSON) == answer
    xml = b"<literal>&lt;bnode>nodeID://b1</literal>"
    assert rewrite(xml, Syntax.XML) == xml


def test_langmatches_ranges_go_to_virtuoso_in_capitals_and_nothing_else_changes() -> None:
    query = (
        'SELECT ?n WHERE { ?s a/<x:sub>* <x:C> ; <x:label> ?n FILTER(LANGMATCHES(LANG(?n), "en") && ?n != "en") '
        "FILTER(langMatches(lang(?n), 'nl-be')) } # LANGMATCHES(LANG(?n), \"en\")"
    )
    assert virtuoso_query(query) == query.replace('"en")', '"EN")', 1).replace("'nl-be'", "'NL-BE'")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (<bif:sys_stat>('st_dbms_ver') AS ?v) WHERE {}",
        "PREFIX b: <BIF:> SELECT (b:registry_get('x') AS ?v) WHERE {}",
        "PREFIX s: <sql:> SELECT * WHERE { ?s ?p ?o FILTER(s:anything(?o)) }",
    ],
)
def test_virtuoso_procedures_are_never_sent(replay: Replay, query: str) -> None:
    with _store(replay) as store, pytest.raises(QueryRejected) as refused:
        store.query(query)
    assert refused.value.code == "unsupported_function"
    assert replay.requests == []


def test_an_iri_that_only_mentions_bif_in_a_string_is_sent(replay: Replay) -> None:
    with _store(replay) as store:
        store.query('SELECT ?s ?value ?optional WHERE { ?s ?p "<bif:sys_stat>" OPTIONAL { ?s ?q ?value } }')
    assert len(replay.requests) == 1


# -- the remote backend in front of the replayed answers


def test_the_remote_backend_reads_virtuoso_json_and_asks_json_then_xml(replay: Replay) -> None:
    with _store(replay) as store:
        result = store.query(SELECT, formats.TSV)
    assert _rows(result.body) == _terms_by_xml()
    accept = replay.requests[0][0]
    assert accept.startswith("application/sparql-results+json")
    assert "application/sparql-results+xml;q=0.9" in accept


def test_a_406_is_asked_again_in_the_next_format_which_is_then_kept(replay: Replay) -> None:
    def choose(accept: str, form: dict[str, list[str]]) -> Answer:
        if accept.startswith("application/sparql-results+json"):
            return recorded("error-not-acceptable.html")
        return recorded("select-terms.srx")

    replay.choose = choose
    with _store(replay) as store:
        assert _rows(store.query(SELECT, formats.TSV).body) == _terms_by_xml()
        store.query(SELECT, formats.TSV)
    assert [accept.split(";")[0].split(",")[0] for accept, _ in replay.requests] == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "application/sparql-results+xml",
    ]


def test_an_answer_nothing_can_read_is_store_failed(replay: Replay) -> None:
    replay.choose = lambda accept, form: (200, [("Content-Type", "application/sparql-results+json")], b"{ nope")
    with _store(replay) as store, pytest.raises(StoreFailed, match="cannot read"):
        store.query(SELECT)
    assert len(replay.requests) == 3  # JSON, then XML, then TSV asked for


def test_an_answer_the_store_broke_off_at_its_own_deadline_is_a_timeout_asked_once(replay: Replay) -> None:
    # what oxigraph serve --timeout-s writes when its deadline passes after the answer has begun
    broken = b'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been cancelled'
    replay.choose = lambda accept, form: (200, [("Content-Type", "application/sparql-results+json")], broken)
    with _store(replay) as store, pytest.raises(QueryTimeout, match="has been cancelled"):
        store.query(SELECT)
    assert len(replay.requests) == 1  # not asked again in another format


def test_an_answer_in_a_format_not_asked_for_is_not_served(replay: Replay) -> None:
    replay.choose = lambda accept, form: recorded("ask-true-any.html")
    with _store(replay) as store, pytest.raises(StoreFailed, match="text/html"):
        store.query("ASK { ?s ?p ?o }")


def test_virtuoso_graphs_in_ntriples_are_read(replay: Replay) -> None:
    replay.choose = lambda accept, form: recorded("construct-terms.nt")
    with _store(replay) as store:
        result = store.query(CONSTRUCT, formats.N_TRIPLES)
    ours = {quad.triple for quad in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)}
    theirs = {
        quad.triple for quad in ox.parse((RECORDED / "construct-terms.rdf").read_bytes(), format=ox.RdfFormat.RDF_XML)
    }
    assert len(ours) == len(theirs) == 21

    def named(triples: set[ox.Triple]) -> set[ox.Triple]:  # blank node labels differ from answer to answer
        return {
            t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
        }

    assert named(ours) == named(theirs)
    assert replay.requests[0][0].startswith("application/n-triples")


def test_an_answer_virtuoso_cut_at_its_time_limit_is_a_timeout_not_a_result(replay: Replay) -> None:
    replay.choose = lambda accept, form: recorded("timeout-count.srj")
    with _store(replay) as store, pytest.raises(QueryTimeout, match="incomplete answer is not served"):
        store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c }")


def test_a_false_ask_cut_at_the_time_limit_is_not_served(replay: Replay) -> None:
    replay.choose = lambda accept, form: recorded("timeout-ask.srj")
    with _store(replay) as store, pytest.raises(QueryTimeout):
        store.query("ASK { ?a ?b ?c }")


def test_an_answer_cut_by_virtuosos_row_limit_is_marked_truncated(replay: Replay) -> None:
    replay.choose = lambda accept, form: recorded("select-terms-max-rows.srj")
    with _store(replay) as store:
        result = store.query(SELECT, formats.SPARQL_JSON)
    assert result.truncated
    assert result.max_rows == 5
    assert json.loads(result.body)["mzgraph"]["truncated"] is True


@pytest.mark.parametrize(
    ("name", "error", "code"),
    [
        ("error-syntax.txt", QueryRejected, "syntax_error"),
        ("error-undeclared-prefix.txt", QueryRejected, "syntax_error"),
        ("timeout-count-no-parameter.txt", QueryTimeout, "timeout"),
        ("cost-estimate-refused.txt", QueryRejected, "too_costly"),
        ("error-update-on-query-endpoint.txt", StoreFailed, "store_failed"),
    ],
)
def test_virtuoso_errors_become_clear_errors_without_the_echoed_query(
    replay: Replay, name: str, error: type[Exception], code: str
) -> None:
    replay.choose = lambda accept, form: recorded(name)
    with _store(replay) as store, pytest.raises(error) as raised:
        store.query("SELECT ?unique_marker WHERE { ?unique_marker ?p ?o }")
    assert raised.value.code == code  # type: ignore[attr-defined]
    assert "SPARQL query:" not in raised.value.message  # type: ignore[attr-defined]
    assert "Virtuoso" in raised.value.message  # type: ignore[attr-defined]


def test_virtuoso_is_given_its_timeout_and_the_row_cap_from_the_first_query_on(replay: Replay) -> None:
    with _store(replay) as store:
        store.query(SELECT)
    milliseconds = int(replay.requests[0][1]["timeout"][0])
    assert 8000 <= milliseconds <= 9000  # 90 % of the 10 s left
    assert replay.requests[0][1]["maxrows"] == ["1001"]  # the cap, and one more to tell that it applied


def test_a_data_graph_is_the_default_graph_and_the_recorded_graphs_the_named_ones(replay: Replay) -> None:
    release = "https://w3id.org/mzgraph/graph/release"
    recorded_graphs = json.dumps(
        {
            "head": {"vars": ["g"]},
            "results": {"bindings": [{"g": {"type": "uri", "value": "https://example.org/graph/a"}}]},
        }
    ).encode()

    def choose(accept: str, form: dict[str, list[str]]) -> Answer:
        if "sparql-service-description#namedGraph" in form["query"][0]:
            return 200, [("Content-Type", "application/sparql-results+json")], recorded_graphs
        return recorded("select-terms.srj")

    replay.choose = choose
    with _store(replay, data_graph="https://example.org/data", release_graph=release) as store:
        store.query(SELECT)
        store.query("SELECT * FROM <https://example.org/graph/a> WHERE { ?s ?p ?o }")
    graphs_asked, data_query, own_dataset = (form for _, form in replay.requests)
    assert graphs_asked["named-graph-uri"] == [release]
    assert data_query["default-graph-uri"] == ["https://example.org/data"]
    assert data_query["named-graph-uri"] == ["https://example.org/graph/a"]  # not the release graph
    assert "default-graph-uri" not in own_dataset  # Virtuoso would add it to the query's FROM
