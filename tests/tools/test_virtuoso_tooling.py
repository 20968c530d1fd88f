"""``tools/virtuoso.py``: a real Virtuoso started on loopback ports, loaded over HTTP into a named graph, queried.

Needs Debian's ``virtuoso-opensource-7-bin`` (``scripts/install-dev`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pyoxigraph as ox
import pytest

from common import SPARQL_FIXTURES
from tools.virtuoso import Limits, Virtuoso, digest, load_files, read_triples

ORGANISATIONS = SPARQL_FIXTURES / "organisations.ttl"
GRAPH = "https://example.org/graph/organisations"
USER, PASSWORD = "loader", "loader-password"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with Virtuoso(tmp_path_factory.mktemp("virtuoso"), limits=Limits(max_query_execution_time=10)) as server:
        server.add_user(USER, PASSWORD)
        yield server


def count(server: Virtuoso, where: str) -> int:
    answer = server.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("method", ["put", "insert"])
def test_a_graph_loaded_over_http_is_in_its_named_graph_and_answers_queries(virtuoso: Virtuoso, method: str) -> None:
    graph = f"{GRAPH}/{method}"
    # batches of 4 triples: the blank nodes' triples must still arrive together
    loaded = load_files(virtuoso, [ORGANISATIONS], graph, digest(USER, PASSWORD), method=method, batch=4)

    assert loaded.triples == len(read_triples([ORGANISATIONS]))
    assert count(virtuoso, f"GRAPH <{graph}> {{ ?s ?p ?o }}") == loaded.triples
    # the two partner relations are blank nodes: each kept whole, neither merged nor split
    relations = virtuoso.sparql(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?r a <https://w3id.org/mzgraph/def/PartnerRelation> ; ?p ?o }} }} GROUP BY ?r""")
    assert sorted(int(row["n"]["value"]) for row in relations.json()["results"]["bindings"]) == [3, 3]
    query = f"""SELECT ?label WHERE {{ GRAPH <{graph}> {{
        <https://w3id.org/mzgraph/id/organisation/gamma> <{RDFS_LABEL}> ?label }} }}"""
    answer = virtuoso.sparql(query, accept="application/sparql-results+xml")
    assert answer.status_code == 200
    labels = [
        (term.value, term.language)
        for solution in ox.parse_query_results(answer.content, format=ox.QueryResultsFormat.XML)
        for term in [solution["label"]]
    ]
    assert labels == [('Gamma "quoted" & <angled>', "nl")]


def test_loading_again_replaces_the_graph(virtuoso: Virtuoso) -> None:
    graph = f"{GRAPH}/again"
    first = load_files(virtuoso, [ORGANISATIONS], graph, digest(USER, PASSWORD), method="insert")
    load_files(virtuoso, [ORGANISATIONS], graph, digest(USER, PASSWORD), method="insert")
    load_files(virtuoso, [ORGANISATIONS], graph, digest(USER, PASSWORD), method="put")
    assert count(virtuoso, f"GRAPH <{graph}> {{ ?s ?p ?o }}") == first.triples


def test_the_anonymous_endpoints_cannot_write(virtuoso: Virtuoso) -> None:
    put = httpx.put(
        virtuoso.url + "/sparql-graph-crud",
        params={"graph": GRAPH + "/anonymous"},
        content=ORGANISATIONS.read_bytes(),
        headers={"Content-Type": "text/turtle"},
    )
    update = httpx.post(
        virtuoso.sparql_url,
        data={"update": f"INSERT DATA {{ GRAPH <{GRAPH}/anonymous> {{ <urn:a> <urn:b> <urn:c> }} }}"},
    )
    assert put.status_code == 403
    assert update.status_code == 500  # Virtuoso's answer to a permission error, not 403
    assert "SECURITY" in update.text
    assert count(virtuoso, f"GRAPH <{GRAPH}/anonymous> {{ ?s ?p ?o }}") == 0


def test_the_dba_account_does_not_keep_its_default_password(virtuoso: Virtuoso) -> None:
    assert virtuoso.dba_password != "dba"
    assert "07.20" in virtuoso.isql("SELECT sys_stat('st_dbms_ver');")


def test_stopping_leaves_no_process_and_no_temporary_directory() -> None:
    server = Virtuoso().start()
    pid, directory = server.pid, server.directory
    assert Path(directory, "virtuoso.ini").read_text().count("127.0.0.1:") == 2
    server.stop()
    assert not psutil.pid_exists(pid)
    assert not directory.exists()


def test_the_write_endpoints_can_ask_for_basic_instead_of_digest() -> None:
    def put(auth: httpx.Auth | tuple[str, str]) -> int:
        return httpx.put(
            server.graph_store_url,
            params={"graph": GRAPH},
            content=b"<urn:a> <urn:b> <urn:c> .\n",
            headers={"Content-Type": "application/n-triples"},
            auth=auth,
        ).status_code

    with Virtuoso() as server:
        server.add_user(USER, PASSWORD)
        assert (put((USER, PASSWORD)), put(digest(USER, PASSWORD))) == (401, 201)
        server.use_basic_auth()
        assert (put((USER, PASSWORD)), put(digest(USER, PASSWORD))) == (200, 401)
