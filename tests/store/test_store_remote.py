"""The remote backend in front of a real ``oxigraph serve --location DIR``, loaded by ``mzgraph load``."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from common import SPARQL_DATA, LiveServer
from mzgraph.config import Settings
from mzgraph.store import open_store
from tools.servers import OxigraphServer

RUN = Callable[..., subprocess.CompletedProcess[str]]
QUERIES = [
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label",
    # (the remote store also holds the release record `mzgraph load` writes, in a graph of its own)
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/mzgraph/graph/release>) }"
    " GROUP BY ?g ORDER BY ?g",
    "ASK { ?s a <https://w3id.org/mzgraph/def/Municipality> }",
    "CONSTRUCT WHERE { <https://w3id.org/mzgraph/id/organisation/gamma> ?p ?o }",
]
JSON = "application/sparql-results+json"
COUNT_ALL = (  # every triple loaded, not the release record `mzgraph load` adds
    "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o }"
    " FILTER(?g != <https://w3id.org/mzgraph/graph/release>) } }"
)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def oxigraph(start_oxigraph: Callable[[], OxigraphServer], mzgraph: RUN) -> OxigraphServer:
    server = start_oxigraph()
    loaded = mzgraph("load", "--sparql-endpoint", server.query_url, *_data_flags())
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded" in loaded.stderr
    return server


@pytest.fixture(scope="module")
def remote(oxigraph: OxigraphServer, start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(sparql_endpoint=oxigraph.query_url, query_timeout=2.0)


def _data_flags() -> list[str]:
    return [flag for path in SPARQL_DATA for flag in ("--data", str(path))]


def _count(url: str) -> int:
    return int(httpx.get(url, params={"query": COUNT_ALL}).json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    ("query", "format_name"),
    [(QUERIES[0], name) for name in ("json", "xml", "csv", "tsv")]
    + [(QUERIES[1], "json"), (QUERIES[2], "json"), (QUERIES[2], "xml"), (QUERIES[3], "nt"), (QUERIES[3], "jsonld")],
)
def test_the_remote_backend_answers_as_the_embedded_one(
    remote: LiveServer, sparql_server: LiveServer, query: str, format_name: str
) -> None:
    params = {"query": query, "format": format_name}
    ours, theirs = httpx.get(remote.sparql, params=params), httpx.get(sparql_server.sparql, params=params)
    assert ours.status_code == 200, ours.text
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    if query.startswith("CONSTRUCT"):
        fmt = ox.RdfFormat.N_TRIPLES if format_name == "nt" else ox.RdfFormat.JSON_LD
        assert set(ox.parse(ours.content, format=fmt)) == set(ox.parse(theirs.content, format=fmt))
    else:
        assert ours.content == theirs.content


def test_load_pushes_every_triple_and_replace_does_not_duplicate(
    oxigraph: OxigraphServer, sparql_server: LiveServer, mzgraph: RUN
) -> None:
    assert _count(oxigraph.query_url) == sparql_server.store.release.triples
    again = mzgraph("load", "--sparql-endpoint", oxigraph.query_url, "--replace", *_data_flags())
    assert again.returncode == 0, again.stderr
    assert _count(oxigraph.query_url) == sparql_server.store.release.triples


def test_the_row_cap_applies_to_remote_results(
    oxigraph: OxigraphServer, start_server: Callable[..., LiveServer]
) -> None:
    capped = start_server(sparql_endpoint=oxigraph.query_url, max_rows=2)
    response = httpx.get(capped.sparql, params={"query": QUERIES[0]})
    assert response.headers["mzgraph-truncated"] == "2"
    assert len(response.json()["results"]["bindings"]) == 2


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 0",
        "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 4",
        "ASK { ?s ?p ?o }",
    ],
)
def test_both_backends_count_the_rows_they_answer_with(
    remote: LiveServer, sparql_server: LiveServer, query: str
) -> None:
    ours, theirs = remote.store.query(query), sparql_server.store.query(query)
    assert ours.rows == theirs.rows
    assert ours.rows == (1 if query.startswith("ASK") else int(query.rsplit(" ", 1)[1]))
    capped = remote.store.query("SELECT * WHERE { ?s ?p ?o }", max_rows=3)
    assert (capped.rows, capped.truncated) == (3, True)


def test_a_syntax_error_comes_back_as_400_with_its_position(remote: LiveServer) -> None:
    response = httpx.get(remote.sparql, params={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert response.status_code == 400
    assert response.json()["error"] == "syntax_error"
    assert response.json()["detail"]["line"] == 2


def test_a_slow_remote_query_is_cut_at_the_deadline(remote: LiveServer) -> None:
    started = time.monotonic()
    response = httpx.get(remote.sparql, params={"query": SLOW}, timeout=30)
    assert response.status_code == 504
    assert response.json()["error"] == "timeout"
    assert time.monotonic() - started < 5.0  # 2 s deadline, generous for a busy machine


def test_the_service_description_lists_the_remote_graphs(remote: LiveServer) -> None:
    response = httpx.get(remote.sparql, params={"format": "nt"})
    assert "<https://example.org/graph/a>" in response.text
    assert "<https://example.org/graph/b>" in response.text


def test_a_store_that_is_down_is_503_and_recovers_without_a_restart(
    oxigraph: OxigraphServer, remote: LiveServer
) -> None:
    oxigraph.stop()
    try:
        response = httpx.get(remote.sparql, params={"query": QUERIES[2]})
        assert response.status_code == 503
        assert response.json()["error"] == "store_unavailable"
        assert oxigraph.query_url in response.json()["message"]
        assert response.headers["retry-after"] == "5"
    finally:
        oxigraph.start()
    response = httpx.get(remote.sparql, params={"query": QUERIES[2]})
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def test_a_large_file_is_streamed_and_its_blank_nodes_stay_joined(
    start_oxigraph: Callable[[], OxigraphServer], mzgraph: RUN, tmp_path: Path
) -> None:
    """More triples than one serialised chunk, each blank node used on both sides of a chunk boundary."""
    pairs = 60_000
    data = tmp_path / "large.nt"
    with data.open("w", encoding="utf-8") as out:
        out.writelines(f"<https://example.org/s{i}> <https://example.org/has> _:b{i} .\n" for i in range(pairs))
        out.writelines(f'_:b{i} <https://example.org/value> "{i}" .\n' for i in range(pairs))
    server = start_oxigraph()

    loaded = mzgraph("load", "--sparql-endpoint", server.query_url, "--data", str(data))

    assert loaded.returncode == 0, loaded.stderr
    joined = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/has> ?b . ?b <https://example.org/value> ?v }"
    answer = httpx.get(server.query_url, params={"query": joined}, headers={"Accept": JSON})
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == pairs
    assert _count(server.query_url) == 2 * pairs


def test_a_file_that_does_not_parse_sends_nothing(
    start_oxigraph: Callable[[], OxigraphServer], mzgraph: RUN, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    server = start_oxigraph()

    loaded = mzgraph("load", "--sparql-endpoint", server.query_url, *_data_flags(), "--data", str(broken))

    assert loaded.returncode == 2
    assert f"{broken}:1" in loaded.stderr
    assert _count(server.query_url) == 0  # the good files before it were not sent either


def test_the_release_is_known_without_asking_once_it_was_read(oxigraph: OxigraphServer) -> None:
    """Pages read the release on the event loop only when the store knows it without a request (known_release)."""
    with open_store(Settings(sparql_endpoint=oxigraph.query_url)) as store:
        assert store.known_release() is None  # the release record has not been asked for yet
        release = store.release  # one query to the store
        assert store.known_release() == release
        assert release.triples == _count(oxigraph.query_url)
