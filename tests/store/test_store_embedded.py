"""The embedded store: loading (in memory, on disk), the release identity, base IRIs and the Python helpers."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from common import SPARQL_DATA, LiveServer
from mzgraph.config import Settings
from mzgraph.errors import InputError
from mzgraph.sparql.errors import QueryFailed
from mzgraph.store import EmbeddedStore, QueryPolicy, Store, open_store
from mzgraph.store.loading import RELEASE_FILE

ORG = "https://w3id.org/mzgraph/id/organisation/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RUN = Callable[..., subprocess.CompletedProcess[str]]
QUERIES = [
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s ?label",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "PREFIX mz: <https://w3id.org/mzgraph/def/> SELECT ?org (COUNT(?m) AS ?n) "
    "WHERE { ?org mz:measure ?m } GROUP BY ?org ORDER BY ?org",
]


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with open_store(Settings(data_paths=SPARQL_DATA, query_workers=1)) as opened:
        yield opened


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory, mzgraph: RUN) -> Path:
    """An on-disk store of the fixture graph, made by ``mzgraph load --store``."""
    directory = tmp_path_factory.mktemp("disk") / "store"
    done = mzgraph("load", "--store", str(directory), *_data_flags(SPARQL_DATA))
    assert done.returncode == 0, done.stderr
    return directory


def _data_flags(paths: list[Path]) -> list[str]:
    return [flag for path in paths for flag in ("--data", str(path))]


def _answers(url: str) -> list[bytes]:
    return [httpx.get(url, params={"query": q, "format": "tsv"}).content for q in QUERIES]


def test_select_binds_terms_and_leaves_unbound_variables_out(store: Store) -> None:
    query = "SELECT ?label ?missing WHERE { ?org ?label_p ?label OPTIONAL { ?org <https://e/none> ?missing } }"
    rows = store.select(query, {"org": ox.NamedNode(ORG + "alpha"), "label_p": LABEL})
    assert sorted(rows, key=str) == [
        {"label": ox.Literal("Alpha", language="en")},
        {"label": ox.Literal("Alpha", language="nl")},
    ]


def test_construct_and_ask(store: Store) -> None:
    triples = store.construct("CONSTRUCT WHERE { ?org ?p ?o }", {"org": ox.NamedNode(ORG + "beta")})
    assert ox.Triple(ox.NamedNode(ORG + "beta"), LABEL, ox.Literal("Gemeente Beta", language="nl")) in triples
    assert store.ask("ASK { ?s ?p ?o }") is True
    assert store.ask("ASK { ?org ?p ?o }", {"org": ox.NamedNode(ORG + "nobody")}) is False


def test_the_python_helpers_raise_rather_than_return_a_cut_result(store: Store) -> None:
    query = "SELECT ?s WHERE { ?s a ?class }"
    with pytest.raises(QueryFailed) as cut:
        store.select(query, max_rows=2)
    assert cut.value.code == "too_many_rows"
    assert len(store.select(query, max_rows=1000)) > 2
    with pytest.raises(ValueError, match="expected a SELECT query"):
        store.select("ASK {}")


def test_the_release_is_the_hash_of_the_data(store: Store) -> None:
    with open_store(Settings(data_paths=SPARQL_DATA, query_workers=1)) as same:
        assert same.release.tag == store.release.tag
    with open_store(Settings(data_paths=SPARQL_DATA[:1], query_workers=1)) as other:
        assert other.release.tag != store.release.tag
    graph = ox.Dataset(quad for path in SPARQL_DATA for quad in ox.parse(path=str(path)))
    assert store.release.triples == len(graph)


def test_bad_data_fails_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(InputError) as failed:
        open_store(Settings(data_paths=[broken]))
    assert failed.value.path == str(broken) and failed.value.line == 2
    with pytest.raises(InputError, match="no such file"):
        open_store(Settings(data_paths=[tmp_path / "missing.ttl"]))


def test_iris_are_rewritten_to_the_configured_base(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(data_paths=SPARQL_DATA, base_iri="https://data.example.org/mz/")
    # entities move to the configured base; the vocabulary keeps its published IRIs
    rebased = "ASK { <https://data.example.org/mz/id/organisation/alpha> a <https://w3id.org/mzgraph/def/Employer> }"
    canonical = 'ASK { ?s ?p ?o FILTER(CONTAINS(STR(?s), "mzgraph/id/") || CONTAINS(STR(?o), "w3id.org/mzgraph/id/")) }'
    assert httpx.get(server.sparql, params={"query": rebased}).json()["boolean"] is True
    assert httpx.get(server.sparql, params={"query": canonical}).json()["boolean"] is False


def test_an_on_disk_store_answers_as_the_in_memory_one(
    disk_store: Path, sparql_server: LiveServer, start_server: Callable[..., LiveServer]
) -> None:
    on_disk = start_server(store_path=disk_store)
    assert _answers(on_disk.sparql) == _answers(sparql_server.sparql)
    assert on_disk.store.release.tag == sparql_server.store.release.tag
    assert on_disk.store.release.triples == sparql_server.store.release.triples


def test_several_servers_share_one_store_directory_read_only(
    disk_store: Path, start_server: Callable[..., LiveServer]
) -> None:
    first, second = start_server(store_path=disk_store), start_server(store_path=disk_store)
    assert _answers(first.sparql) == _answers(second.sparql)


def test_loading_again_replaces_the_store_whole_and_a_failed_load_changes_nothing(tmp_path: Path, mzgraph: RUN) -> None:
    directory = tmp_path / "store"
    assert mzgraph("load", "--store", str(directory), "--data", str(SPARQL_DATA[1])).returncode == 0
    first = (directory / RELEASE_FILE).read_text()
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://e/a> <https://e/b> .\n", encoding="utf-8")
    failed = mzgraph("load", "--store", str(directory), "--data", str(broken))
    assert failed.returncode == 2
    assert f"{broken}:1:" in failed.stderr and "Traceback" not in failed.stderr
    assert (directory / RELEASE_FILE).read_text() == first
    assert mzgraph("load", "--store", str(directory), *_data_flags(SPARQL_DATA)).returncode == 0
    with EmbeddedStore.open_directory(directory, policy=QueryPolicy(), workers=1, prefixes={}) as reloaded:
        assert reloaded.ask(f"ASK {{ <{ORG}alpha> ?p ?o }}")
    assert set(tmp_path.iterdir()) == {broken, directory}  # nothing half-built left behind


def test_load_never_replaces_a_folder_that_is_not_a_store(tmp_path: Path, mzgraph: RUN) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    refused = mzgraph("load", "--store", str(tmp_path), "--data", str(SPARQL_DATA[0]))
    assert refused.returncode == 2
    assert "not an mzgraph store" in refused.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_opening_a_folder_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="mzgraph load --store"):
        open_store(Settings(store_path=tmp_path))
