"""Loading into Virtuoso, which takes request bodies only whole (sized): a large file goes in several POSTs, each
adding to the graph, so none is held whole or waits on one long request; a file with blank nodes goes in one.

The pieces are made small here (100 triples a chunk, three chunks a request) so that a file of 2,000 triples
needs seven requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.store import pushing
from tools.virtuoso import Virtuoso

USER, PASSWORD = "loader", "loader-pw"
TRIPLES = 2_000


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with Virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        server.add_user(USER, PASSWORD)
        yield server


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pushing, "CHUNK_TRIPLES", 100)
    monkeypatch.setattr(pushing, "WHOLE_CHUNKS", 3)


def _push(virtuoso: Virtuoso, data: Path, graph: str) -> None:
    url = pushing.graph_store_url(virtuoso.sparql_url)
    pushing.push_files(url, [data], DEFAULT_BASE_IRI, data_graph=graph, credentials=(USER, PASSWORD))


def _count(virtuoso: Virtuoso, query: str) -> int:
    answer = virtuoso.sparql(query)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_a_file_larger_than_one_request_arrives_whole(virtuoso: Virtuoso, tmp_path: Path) -> None:
    data = tmp_path / "many.nt"
    data.write_text("".join(f'<urn:x:s{i}> <urn:x:p> "value {i}" .\n' for i in range(TRIPLES)))
    graph = "urn:x:pieces"
    _push(virtuoso, data, graph)
    assert _count(virtuoso, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == TRIPLES


def test_a_file_with_blank_nodes_goes_in_one_request(virtuoso: Virtuoso, tmp_path: Path) -> None:
    data = tmp_path / "blank.nt"  # 50 blank nodes, each with triples from the start of the file to its end
    data.write_text("".join(f'_:b{i % 50} <urn:x:p> "value {i}" .\n' for i in range(TRIPLES)))
    graph = "urn:x:blank"
    _push(virtuoso, data, graph)
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    assert _count(virtuoso, query) == 50  # in pieces, each request's _:b0 would be a node of its own
