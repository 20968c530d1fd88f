"""/sparql speaks the SPARQL 1.1 Protocol: methods, formats and negotiation, datasets, errors, CORS, row cap."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import httpx
import pyoxigraph as ox
import pytest

from common import SPARQL_DATA, LiveServer
from mzgraph.rdf import formats
from mzgraph.rdf.formats import Family

ORG = "https://w3id.org/mzgraph/id/organisation/"
LABELS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
EMPLOYERS = (
    "PREFIX mz: <https://w3id.org/mzgraph/def/> "
    "SELECT ?org WHERE { VALUES ?class { mz:Employer mz:Municipality } ?org a ?class } ORDER BY ?org"
)
GRAPH_A = "https://example.org/graph/a"
GAMMA = f"CONSTRUCT WHERE {{ <{ORG}gamma> ?p ?o }}"
ALL_FORMATS = [f for family in formats.FORMATS.values() for f in family]


@pytest.fixture(scope="module")
def capped(start_server: Callable[..., LiveServer]) -> LiveServer:
    """The fixture graph with a row cap of 2 and a small body limit."""
    return start_server(data_paths=SPARQL_DATA, max_rows=2, max_body_bytes=2000)


def _solutions(response: httpx.Response) -> list[dict[str, str]]:
    parsed = ox.parse_query_results(response.content, formats.SPARQL_JSON.oxigraph)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in parsed]


@pytest.mark.parametrize("method", ["GET", "POST form", "POST query"])
def test_the_three_protocol_operations_give_the_same_answer(sparql_server: LiveServer, method: str) -> None:
    if method == "GET":
        response = httpx.get(sparql_server.sparql, params={"query": EMPLOYERS})
    elif method == "POST form":
        response = httpx.post(sparql_server.sparql, data={"query": EMPLOYERS})
    else:
        headers = {"Content-Type": "application/sparql-query"}
        response = httpx.post(sparql_server.sparql, content=EMPLOYERS.encode(), headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert [row["org"] for row in _solutions(response)] == [ORG + "alpha", ORG + "beta", ORG + "gamma"]


@pytest.mark.parametrize("fmt", ALL_FORMATS, ids=[f.media_type for f in ALL_FORMATS])
@pytest.mark.parametrize("how", ["Accept", "format"])
def test_every_format_by_accept_or_by_name_carries_the_same_terms(
    sparql_server: LiveServer, fmt: formats.Format, how: str
) -> None:
    query = LABELS if fmt.family is Family.SOLUTIONS else GAMMA
    params = {"query": query} | ({"format": fmt.names[0]} if how == "format" else {})
    headers = {"Accept": fmt.media_type} if how == "Accept" else {}
    response = httpx.get(sparql_server.sparql, params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == fmt.content_type
    if fmt.family is Family.GRAPH:
        triples = {q.triple for q in ox.parse(response.content, format=fmt.oxigraph, base_iri="http://base/")}
        assert ox.Literal('Gamma "quoted" & <angled>', language="nl") in {t.object for t in triples}
        assert ox.Literal("A label over\ntwo lines, with a tab\there.", language="en") in {t.object for t in triples}
    elif fmt is formats.CSV:
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert {"s": ORG + "gamma", "label": 'Gamma "quoted" & <angled>'} in rows
    else:
        parsed = ox.parse_query_results(response.content, fmt.oxigraph)
        labels = {s["label"] for s in parsed}  # type: ignore[union-attr]
        assert ox.Literal('Gamma "quoted" & <angled>', language="nl") in labels


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", formats.SPARQL_XML),
        ("text/csv, application/sparql-results+xml;q=0.9", formats.CSV),
        ("*/*", formats.SPARQL_JSON),
        ("text/*", formats.CSV),
        ("application/json", formats.SPARQL_JSON),
        ("text/html, application/xhtml+xml, */*;q=0.8", formats.SPARQL_JSON),
        ("application/sparql-results+json;q=0, text/tab-separated-values;q=0.1", formats.TSV),
    ],
)
def test_accept_is_negotiated_with_q_values(sparql_server: LiveServer, accept: str, expected: formats.Format) -> None:
    response = httpx.get(sparql_server.sparql, params={"query": "ASK {}"}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == expected.content_type


def test_a_graph_query_asked_for_json_gets_json_ld(sparql_server: LiveServer) -> None:
    response = httpx.get(sparql_server.sparql, params={"query": GAMMA}, headers={"Accept": "application/json"})
    assert response.headers["content-type"] == formats.JSON_LD.content_type
    assert json.loads(response.text)[0]["@id"] == ORG + "gamma"


def test_turtle_uses_the_vocabulary_prefixes(sparql_server: LiveServer) -> None:
    response = httpx.get(sparql_server.sparql, params={"query": GAMMA, "format": "ttl"})
    assert "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ." in response.text
    assert "rdfs:label" in response.text


@pytest.mark.parametrize(
    ("query", "accept", "format_name"),
    [(LABELS, "text/turtle", None), (GAMMA, "application/sparql-results+json", None), (LABELS, None, "yaml")],
)
def test_an_unsupported_format_is_406_listing_the_supported_ones(
    sparql_server: LiveServer, query: str, accept: str | None, format_name: str | None
) -> None:
    params = {"query": query} | ({"format": format_name} if format_name else {})
    response = httpx.get(sparql_server.sparql, params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 406
    body = response.json()
    assert body["error"] == "not_acceptable"
    family = Family.GRAPH if query is GAMMA else Family.SOLUTIONS
    assert body["detail"]["supported"] == [f.media_type for f in formats.FORMATS[family]]


def test_a_syntax_error_is_400_with_the_parsers_message_and_position(sparql_server: LiveServer) -> None:
    response = httpx.get(sparql_server.sparql, params={"query": "SELECT *\nWHERE {\n  ?s ?p }"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "syntax_error"
    assert body["detail"]["line"] == 3  # the parser stops after the "}" that ends the group too early
    assert body["message"].startswith(f"line 3, column {body['detail']['column']}: syntax error: expected")


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "params": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {"method": "POST", "content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"method": "POST", "data": {"query": "INSERT DATA { <https://e/a> <https://e/b> 1 }"}},
    ],
    ids=["GET update", "POST form update", "POST sparql-update", "update as query"],
)
def test_every_kind_of_update_is_refused(sparql_server: LiveServer, request_args: dict[str, object]) -> None:
    response = httpx.request(url=sparql_server.sparql, **request_args)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.json()["error"] == "update_rejected"
    assert sparql_server.store.ask("ASK { <https://e/a> ?p ?o }") is False


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "SELECT * {}")]}, 400),
        ({"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"method": "POST", "content": b"query=ASK%20%7B%7D"}, 415),
        (
            {
                "method": "POST",
                "content": "ASK {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            415,
        ),
        ({"method": "POST", "content": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}}, 400),
        ({"method": "POST", "data": {"default-graph-uri": "https://example.org/graph/a"}}, 400),
        ({"method": "PUT", "params": {"query": "ASK {}"}}, 405),
    ],
    ids=["two queries", "text/plain", "no content type", "UTF-16", "not UTF-8", "no query", "PUT"],
)
def test_malformed_requests_get_a_4xx_in_the_one_error_shape(
    sparql_server: LiveServer, request_args: dict[str, object], status: int
) -> None:
    response = httpx.request(url=sparql_server.sparql, **request_args)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) <= {"error", "message", "detail"} and body["error"] and body["message"]


def test_a_body_over_the_limit_is_413(capped: LiveServer) -> None:
    response = httpx.post(capped.sparql, data={"query": "ASK {}" + " " * 3000})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_cors_allows_any_origin_without_credentials_and_exposes_the_cap_header(sparql_server: LiveServer) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    response = httpx.get(sparql_server.sparql, params={"query": "ASK {}"}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "MZGraph-Truncated" in response.headers["access-control-expose-headers"]
    preflight = httpx.options(
        sparql_server.sparql,
        headers=origin | {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_head_and_options(sparql_server: LiveServer) -> None:
    get = httpx.get(sparql_server.sparql, params={"query": LABELS})
    head = httpx.head(sparql_server.sparql, params={"query": LABELS})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))
    options = httpx.options(sparql_server.sparql)
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_get_without_a_query_describes_the_service(sparql_server: LiveServer) -> None:
    response = httpx.get(sparql_server.sparql)
    assert response.headers["content-type"] == formats.TURTLE.content_type
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    prologue = "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
    service = ox.NamedNode(sparql_server.sparql)
    assert store.query(prologue + f"ASK {{ {service} a sd:Service ; sd:endpoint {service} }}")
    found = {row[0].value for row in store.query(prologue + "SELECT ?f { ?s sd:resultFormat ?f }")}
    assert found == {f.iri for f in ALL_FORMATS}
    graphs = {row[0].value for row in store.query(prologue + "SELECT ?g { ?d sd:namedGraph/sd:name ?g }")}
    assert graphs == {"https://example.org/graph/a", "https://example.org/graph/b"}
    as_json_ld = httpx.get(sparql_server.sparql, headers={"Accept": "application/ld+json"})
    assert as_json_ld.headers["content-type"] == formats.JSON_LD.content_type
    assert len(list(ox.parse(as_json_ld.content, format=ox.RdfFormat.JSON_LD))) == len(store)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"default-graph-uri": GRAPH_A}, {"one in a"}),
        ({"default-graph-uri": [GRAPH_A, "https://example.org/graph/b"]}, {"one in a", "two in b"}),
        ({"named-graph-uri": "https://example.org/graph/b"}, set()),
    ],
)
def test_the_protocol_dataset_replaces_the_default_graph(
    sparql_server: LiveServer, params: dict[str, object], expected: set[str]
) -> None:
    query = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    response = httpx.get(sparql_server.sparql, params={"query": query, **params})  # type: ignore[arg-type]
    assert {row["label"] for row in _solutions(response)} == expected


def test_from_and_from_named_pick_graphs_held_here(sparql_server: LiveServer) -> None:
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = f"SELECT ?g ?label FROM NAMED <https://example.org/graph/b> WHERE {{ GRAPH ?g {{ ?s {label} ?label }} }}"
    rows = _solutions(httpx.get(sparql_server.sparql, params={"query": query}))
    assert rows == [{"g": "https://example.org/graph/b", "label": "two in b"}]
    query = f"SELECT ?label FROM <https://example.org/graph/a> WHERE {{ ?s {label} ?label }}"
    overridden = {"query": query, "default-graph-uri": "https://example.org/graph/b"}
    assert _solutions(httpx.get(sparql_server.sparql, params=overridden)) == [{"label": "two in b"}]


def test_a_graph_not_held_here_is_refused_not_fetched(sparql_server: LiveServer) -> None:
    params = {"query": "ASK { ?s ?p ?o }", "default-graph-uri": "https://example.org/graph/elsewhere"}
    response = httpx.get(sparql_server.sparql, params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_graph"
    assert response.json()["detail"] == {"graphs": ["https://example.org/graph/elsewhere"]}


def test_a_syntax_error_is_reported_before_a_graph_not_held(sparql_server: LiveServer) -> None:
    elsewhere = "FROM <https://example.org/graph/elsewhere> WHERE { ?s ?p }"
    broken = httpx.get(sparql_server.sparql, params={"query": "SELECT * " + elsewhere})
    sound = httpx.get(sparql_server.sparql, params={"query": "SELECT * " + elsewhere.replace("?p }", "?p ?o }")})

    assert broken.status_code == 400 and broken.json()["error"] == "syntax_error"
    assert broken.json()["detail"]["line"] == 1
    assert sound.status_code == 400 and sound.json()["error"] == "unknown_graph"


def test_the_row_cap_is_reported_in_a_header_and_in_json(capped: LiveServer) -> None:
    response = httpx.get(capped.sparql, params={"query": LABELS})
    assert response.headers["mzgraph-truncated"] == "2"
    body = response.json()
    assert len(body["results"]["bindings"]) == 2
    assert body["mzgraph"]["truncated"] is True and body["mzgraph"]["max_rows"] == 2
    assert len(_solutions(response)) == 2  # a strict parser (Oxigraph's) still reads the capped document
    as_csv = httpx.get(capped.sparql, params={"query": LABELS, "format": "csv"})
    assert as_csv.headers["mzgraph-truncated"] == "2"
    assert len(as_csv.text.strip().splitlines()) == 3
    triples = httpx.get(capped.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"})
    assert triples.headers["mzgraph-truncated"] == "2"
    assert len(triples.text.strip().splitlines()) == 2


def test_results_exactly_at_the_cap_are_not_reported_as_cut(capped: LiveServer) -> None:
    response = httpx.get(capped.sparql, params={"query": EMPLOYERS + " LIMIT 2"})
    assert "mzgraph-truncated" not in response.headers
    assert "mzgraph" not in response.json()
    assert len(response.json()["results"]["bindings"]) == 2


def test_the_bundled_graph_is_served(live_server: LiveServer) -> None:
    query = "PREFIX mz: <https://w3id.org/mzgraph/def/> SELECT (COUNT(?m) AS ?n) WHERE { ?m a mz:Measure }"
    response = httpx.get(live_server.sparql, params={"query": query})
    assert int(_solutions(response)[0]["n"]) > 20
    assert live_server.store.release.triples is not None and live_server.store.release.triples > 1000


def test_a_get_answer_carries_validators_and_a_current_copy_gets_a_304(sparql_server: LiveServer) -> None:
    first = httpx.get(sparql_server.sparql, params={"query": LABELS})
    etag = first.headers["etag"]
    again = httpx.get(sparql_server.sparql, params={"query": LABELS}, headers={"If-None-Match": etag})
    as_csv = httpx.get(sparql_server.sparql, params={"query": LABELS}, headers={"Accept": "text/csv"})
    other = httpx.get(sparql_server.sparql, params={"query": LABELS + " LIMIT 1"}, headers={"If-None-Match": etag})

    assert first.status_code == 200 and etag.startswith('W/"')
    assert first.headers["cache-control"] == "public, max-age=60" and first.headers["last-modified"]
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert as_csv.headers["etag"] != etag  # one validator per representation
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_a_current_copy_is_answered_without_evaluating_the_query(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(data_paths=SPARQL_DATA, query_timeout=1)
    runaway = "SELECT (COUNT(*) AS ?total) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r }"

    evaluated = httpx.get(server.sparql, params={"query": runaway}, timeout=30)
    cached = httpx.get(server.sparql, params={"query": runaway}, headers={"If-None-Match": "*"}, timeout=30)

    assert evaluated.status_code == 504  # evaluating it runs into the deadline
    assert cached.status_code == 304  # the client holds a copy: nothing ran


@pytest.mark.parametrize("function", ["RAND()", "NOW()", "UUID()", "STRUUID()"])
def test_answers_that_change_on_every_evaluation_get_no_validators(sparql_server: LiveServer, function: str) -> None:
    query = f"SELECT ?x WHERE {{ BIND({function} AS ?x) }}"
    response = httpx.get(sparql_server.sparql, params={"query": query}, headers={"If-None-Match": "*"})

    assert response.status_code == 200
    assert "etag" not in response.headers and "cache-control" not in response.headers


def test_post_answers_carry_no_validators(sparql_server: LiveServer) -> None:
    response = httpx.post(sparql_server.sparql, data={"query": LABELS}, headers={"If-None-Match": "*"})

    assert response.status_code == 200 and "etag" not in response.headers
