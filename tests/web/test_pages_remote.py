"""The same pages on the remote backend (a real ``oxigraph serve``): built from SPARQL on the Store interface only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from mzgraph.bundled import bundled_graph_files
from mzgraph.rdf.reading import read_files

PAGES = [
    "/",
    "/organisations?q=verlof",
    "/id/organisation/gemeente-emmen",
    "/id/partner/jong-en-veer",
    "/id/measure-type/leave",
    "/def/Employer",
    "/def/",
    "/id/scheme/measure-type",
]


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_the_same_on_both_backends(server: str, remote_server: str, path: str) -> None:
    headers = {"Accept": "text/html", "Accept-Language": "en"}
    embedded = httpx.get(server + path, headers=headers)
    remote = httpx.get(remote_server + path, headers=headers, timeout=60)
    assert embedded.status_code == remote.status_code == 200

    def main(text: str) -> str:  # the footer carries the release tag, which differs per backend
        return text.split('<main id="main"', 1)[1].split("</main>", 1)[0]

    assert main(remote.text) == main(embedded.text)


@pytest.mark.parametrize("path", ["/id/organisation/regio-twente.ttl", "/id/partner/mezzo.nt", "/download/mzgraph.nq"])
def test_data_is_the_same_on_both_backends(server: str, remote_server: str, path: str) -> None:
    fmt = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS}[path.rsplit(".")[-1]]

    def graph(base: str) -> set[ox.Triple]:
        response = httpx.get(base + path, timeout=60)
        assert response.status_code == 200
        return {q.triple for q in ox.parse(response.content, format=fmt)}

    assert graph(remote_server) == graph(server)


def test_jsonld_is_the_same_on_both_backends(server: str, remote_server: str) -> None:
    path = "/id/organisation/gemeente-amersfoort.jsonld"
    assert httpx.get(remote_server + path, timeout=60).json() == httpx.get(server + path).json()


def test_dataset_description_counts_the_same_on_both_backends(server: str, remote_server: str) -> None:
    def counts(base: str) -> dict[str, str]:
        graph = ox.parse(httpx.get(base + "/.well-known/void.nt", timeout=60).content, format=ox.RdfFormat.N_TRIPLES)
        return {
            q.predicate.value: q.object.value for q in graph if q.predicate.value.endswith(("#triples", "#entities"))
        }

    assert counts(remote_server) == counts(server)


def test_a_remote_graph_too_big_for_the_pages_validation_is_answered_once_not_read_again(
    start_oxigraph: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote store does not know its size: the pages read it up to the limit, then keep "too big" for the release
    (it used to fail, so every organisation page read it again)."""
    from mzgraph.config import Settings
    from mzgraph.store import open_store
    from mzgraph.web import services as page_services

    oxigraph = start_oxigraph()
    nquads = ox.serialize(read_files(bundled_graph_files()), format=ox.RdfFormat.N_QUADS)
    httpx.post(oxigraph.store_url, content=nquads, headers={"Content-Type": "application/n-quads"}, timeout=60)
    monkeypatch.setattr(page_services, "MAX_TRIPLES", 100)  # the bundled graph is ~3,800 triples
    settings = Settings(backend="remote", sparql_endpoint=oxigraph.query_url)
    services = page_services.PageServices(settings, open_store(settings))

    async def twice() -> list[object]:
        return [await services.conformance(wait=60), await services.conformance(wait=60)]

    try:
        assert asyncio.run(twice()) == [None, None]
    finally:
        services.close()


def test_a_remote_graph_too_big_for_the_pages_validation_is_known_from_the_release_index(
    start_oxigraph: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a release index, its count of the published triples says the graph is too big: the store is not read
    (Virtuoso refuses a graph of more than a million triples, so every organisation page asked it again and waited
    up to 8 s). The store is stopped before the pages ask, so reading it would fail."""
    from mzgraph.bundled import rdf_files, shapes_dir
    from mzgraph.config import Settings
    from mzgraph.entities.describe import describe_triples
    from mzgraph.rdf.namespaces import PREFIXES
    from mzgraph.release.serving import IndexHandle
    from mzgraph.store import open_store
    from mzgraph.web import services as page_services

    oxigraph = start_oxigraph()
    nquads = ox.serialize(read_files(bundled_graph_files()), format=ox.RdfFormat.N_QUADS)
    httpx.post(oxigraph.store_url, content=nquads, headers={"Content-Type": "application/n-quads"}, timeout=60)
    monkeypatch.setattr(page_services, "MAX_TRIPLES", 100)
    settings = Settings(backend="remote", sparql_endpoint=oxigraph.query_url)
    store = open_store(settings)
    index = IndexHandle(settings, store, shapes=rdf_files(shapes_dir()), prefixes=PREFIXES, describe=describe_triples)
    assert index.open() is not None
    services = page_services.PageServices(settings, store, index)

    async def asked() -> object:
        await services.release()  # known from here on: a remote store's release lives as long as the process
        oxigraph.stop()
        return await services.conformance(wait=60)

    try:
        assert asyncio.run(asked()) is None
    finally:
        services.close()
