"""Common clients work against the server unchanged: SPARQLWrapper, rdflib's SPARQLStore and Comunica on the SPARQL
endpoint; Comunica's Linked Data client and jsonld.js, each with its default document loader, on the JSON-LD of
the entity pages of a server whose base IRI is its own address (so the ``@context`` they name resolves)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from common import ROOT, SPARQL_DATA, LiveServer
from tools.servers import free_port, mzgraph_server

ORG = "https://w3id.org/mzgraph/id/organisation/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EMPLOYERS = (
    "PREFIX mz: <https://w3id.org/mzgraph/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?org ?label WHERE { VALUES ?class { mz:Employer mz:Municipality } ?org a ?class ; rdfs:label ?label "
    'FILTER(LANG(?label) = "nl") } ORDER BY ?org'
)
EXPECTED = [(ORG + "alpha", "Alpha"), (ORG + "beta", "Gemeente Beta"), (ORG + "gamma", 'Gamma "quoted" & <angled>')]
GAMMA = f"CONSTRUCT WHERE {{ <{ORG}gamma> ?p ?o }}"


@pytest.fixture(scope="module")
def capped(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(data_paths=SPARQL_DATA, max_rows=2)


def _wrapper(server: LiveServer, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_as_json(sparql_server: LiveServer, method: str) -> None:
    client = _wrapper(sparql_server, EMPLOYERS, JSON)
    client.setMethod(method)
    results = client.query().convert()
    rows = [(b["org"]["value"], b["label"]["value"]) for b in results["results"]["bindings"]]  # type: ignore[index]
    assert rows == EXPECTED
    assert results["results"]["bindings"][0]["label"]["xml:lang"] == "nl"  # type: ignore[index]


def test_sparqlwrapper_select_as_xml_and_csv(sparql_server: LiveServer) -> None:
    document = _wrapper(sparql_server, EMPLOYERS, XML).query().convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == [org for org, _ in EXPECTED]
    table = _wrapper(sparql_server, EMPLOYERS, CSV).query().convert()
    assert table.decode().splitlines()[0] == "org,label"  # type: ignore[union-attr]


def test_sparqlwrapper_ask_and_construct(sparql_server: LiveServer) -> None:
    assert _wrapper(sparql_server, f"ASK {{ <{ORG}beta> ?p ?o }}", JSON).query().convert()["boolean"] is True  # type: ignore[index]
    turtle = _wrapper(sparql_server, GAMMA, TURTLE).query().convert()
    graph = Graph().parse(data=turtle, format="turtle")
    assert (URIRef(ORG + "gamma"), URIRef(LABEL), Literal('Gamma "quoted" & <angled>', lang="nl")) in graph
    rdf_xml = _wrapper(sparql_server, GAMMA, XML).query().convert()
    assert isinstance(rdf_xml, Graph) and len(rdf_xml) == len(graph)


def test_sparqlwrapper_reports_a_syntax_error_with_the_position(sparql_server: LiveServer) -> None:
    with pytest.raises(QueryBadFormed, match="line 1, column"):
        _wrapper(sparql_server, "SELECT * WHERE { ?s ?p }", JSON).query()


def test_sparqlwrapper_reads_capped_json_results(capped: LiveServer) -> None:
    response = _wrapper(capped, EMPLOYERS, JSON).query()
    assert response.info()["mzgraph-truncated"] == "2"
    assert len(response.convert()["results"]["bindings"]) == 2  # type: ignore[index]


def test_rdflib_sparqlstore_queries_and_reads_triples(sparql_server: LiveServer) -> None:
    store = SPARQLStore(query_endpoint=sparql_server.sparql)
    rows = [(str(row.org), str(row.label)) for row in store.query(EMPLOYERS)]  # type: ignore[union-attr]
    assert rows == EXPECTED
    graph = Graph(store=store)
    labels = set(graph.objects(URIRef(ORG + "alpha"), URIRef(LABEL)))
    assert labels == {Literal("Alpha", lang="nl"), Literal("Alpha", lang="en")}
    assert graph.query(f"ASK {{ <{ORG}gamma> ?p ?o }}").askAnswer is True
    store.close()


def _comunica(server: LiveServer, query: str) -> dict[str, object]:
    script = ROOT / "tests" / "clients" / "comunica.cjs"
    done = subprocess.run(
        ["node", str(script), server.sparql, query], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    parsed: dict[str, object] = json.loads(done.stdout)
    return parsed


@pytest.mark.slow
def test_comunica_select_ask_and_construct(sparql_server: LiveServer, comunica: Path) -> None:
    assert comunica.exists()
    # Comunica 4.5 (the last for Node 20) drops language tags from any endpoint's JSON results (raw
    # Oxigraph too), so term types and values are compared.
    bindings = _comunica(sparql_server, EMPLOYERS)["bindings"]
    rows = [(b["org"]["value"], b["label"]["value"]) for b in bindings]  # type: ignore[attr-defined,index]
    assert rows == EXPECTED
    assert {b["org"]["termType"] for b in bindings} == {"NamedNode"}  # type: ignore[attr-defined,index]
    assert _comunica(sparql_server, f"ASK {{ <{ORG}alpha> ?p ?o }}") == {"boolean": True}
    quads = _comunica(sparql_server, GAMMA)["quads"]
    objects = {(o["termType"], o["value"]) for _, _, o in quads}  # type: ignore[attr-defined]
    assert ("Literal", "A label over\ntwo lines, with a tab\there.") in objects
    assert ("NamedNode", "https://w3id.org/mzgraph/def/Employer") in objects


@pytest.fixture(scope="module")
def self_based() -> Iterator[str]:
    """``mzgraph serve --base-iri`` its own address: its IRIs, and the context its JSON-LD names, resolve on it."""
    port = free_port()
    with mzgraph_server("--base-iri", f"http://127.0.0.1:{port}/", port=port) as url:
        yield url


def _published(url: str) -> set[ox.Triple]:
    """The triples the server gives as N-Triples for the same entity."""
    answer = httpx.get(url, headers={"Accept": "application/n-triples"}, timeout=60).raise_for_status()
    return {quad.triple for quad in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)}


@pytest.mark.slow
@pytest.mark.parametrize("entity", ["organisation/gemeente-enschede", "partner/mezzo", "measure-type/leave"])
def test_jsonld_js_reads_an_entity_and_its_context_with_its_default_loader(
    self_based: str, node_modules: Path, entity: str
) -> None:
    iri = f"{self_based}/id/{entity}"
    document = httpx.get(iri, headers={"Accept": "application/ld+json"}, timeout=60).json()
    assert document["@context"] == self_based + "/context/v1.jsonld"  # a context this server serves
    script = ROOT / "tests" / "clients" / "jsonld.cjs"
    done = subprocess.run(["node", str(script), iri], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    read = {quad.triple for quad in ox.parse(done.stdout.encode(), format=ox.RdfFormat.N_QUADS)}
    assert any(t.subject == ox.NamedNode(iri) for t in read)
    assert read == _published(iri)  # every triple, the context's terms mapped as the server maps them


@pytest.mark.slow
@pytest.mark.parametrize("document", ["", ".jsonld"])
def test_comunica_link_traversal_reads_an_organisation(self_based: str, comunica: Path, document: str) -> None:
    """The IRI as the issue tried it (Comunica negotiates), and its JSON-LD document (no other format to pick)."""
    iri = f"{self_based}/id/organisation/gemeente-enschede"
    query = (
        "PREFIX mz: <https://w3id.org/mzgraph/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?label ?measure WHERE {{ <{iri}> rdfs:label ?label ; mz:measure ?measure }}"
    )
    done = subprocess.run(
        [str(comunica), iri + document, query, "-t", "application/sparql-results+json"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    bindings = json.loads(done.stdout)["results"]["bindings"]
    rows = [{name: term["value"] for name, term in row.items()} for row in bindings]
    measures = {t.object.value for t in _published(iri) if t.predicate.value == "https://w3id.org/mzgraph/def/measure"}
    assert measures and {row["measure"] for row in rows} == measures
    assert {row["label"] for row in rows} >= {"Gemeente Enschede"}
