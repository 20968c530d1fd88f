"""A hub's page (a measure group, a partner, a class) is read from the release index on every backend.

The index is built here by a describer that adds one marker triple to each description it keeps, so a page that
shows the marker was read from the index, not from the store; a page of a resource that is not a hub never
shows it. In memory and in front of Oxigraph server (where the index spares a request two queries whose cost
grows with the hub).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from benchmarks.generate import write_graph
from mzgraph.bundled import bundled_graph_files, rdf_files, shapes_dir
from mzgraph.config import Settings
from mzgraph.entities.describe import describe_triples
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.release import build_index, ensure_index
from mzgraph.store import Store, open_store
from tools.servers import AppRunner, OxigraphServer

ID = "https://w3id.org/mzgraph/id/"
KEPT = ox.NamedNode("urn:test:kept-with-the-release")
MARKER = "urn:test:kept-with-the-release"


def marking(store: Store, iri: ox.NamedNode) -> list[ox.Triple]:
    """The pages' description of ``iri`` and one triple that only a description kept in the index has."""
    return [*describe_triples(store, iri), ox.Triple(iri, KEPT, ox.Literal("kept"))]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    path = tmp_path_factory.mktemp("hub-data") / "generated.nt"
    with path.open("w", encoding="utf-8") as out:
        write_graph(out, 300, seed=3, with_shared=False)
    return [*bundled_graph_files(), path]


@pytest.fixture(scope="module", params=["memory", "remote"])
def site(
    request: pytest.FixtureRequest,
    files: list[Path],
    tmp_path_factory: pytest.TempPathFactory,
    start_oxigraph: Callable[[], OxigraphServer],
    mzgraph: Callable[..., object],
) -> Iterator[str]:
    from mzgraph.web.app import create_app

    folder = tmp_path_factory.mktemp("hub-index")
    kwargs = {"base_iri": Settings().base_iri, "prefixes": PREFIXES, "shapes": rdf_files(shapes_dir())}
    if request.param == "memory":
        settings = Settings(data_paths=files, index_path=folder)
        store = open_store(settings)
        ensure_index(store, folder, describe=marking, **kwargs)  # the cache the app opens for this release
    else:
        server = start_oxigraph()
        data = [flag for path in files for flag in ("--data", str(path))]
        loaded = mzgraph("load", "--sparql-endpoint", server.query_url, *data)
        assert loaded.returncode == 0, loaded.stderr  # type: ignore[attr-defined]
        settings = Settings(sparql_endpoint=server.query_url, index_path=folder / "index")
        store = open_store(settings)
        build_index(store, folder / "index", describe=marking, **kwargs)
    app = create_app(settings, store=store)
    with AppRunner() as runner, runner.serve(app) as url:
        yield url


def turtle(site: str, path: str) -> str:
    response = httpx.get(site + path, headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
    return response.text


@pytest.mark.parametrize("hub", ["measure-group/awareness", "measure-type/intranet", "partner/werk-en-mantelzorg"])
def test_a_hub_is_described_from_the_release_index(site: str, hub: str) -> None:
    assert MARKER in turtle(site, f"/id/{hub}")
    page = httpx.get(site + f"/id/{hub}", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200
    document = httpx.get(site + f"/id/{hub}", headers={"Accept": "application/ld+json"}, timeout=60)
    assert document.status_code == 200
    assert MARKER in document.text


@pytest.mark.parametrize("resource", ["organisation/gemeente-emmen", "partner/tandem"])
def test_a_resource_few_links_point_at_is_read_from_the_store(site: str, resource: str) -> None:
    assert MARKER not in turtle(site, f"/id/{resource}")
