"""The query mix: what each system is asked, as HTTP requests built the same way for every peer.

Every SPARQL request goes to the system's own endpoint as GET ?query= with the same Accept header.
The saved example queries run with their defaults (bound by mzgraph's own binder, so every peer gets
the same text); four more stand for common work: an aggregation, a multi-join with filters, a text
search and the one-entity CONSTRUCT an entity page runs (mzgraph's own builder). Entity pages (HTML
and JSON-LD) are asked of mzgraph only; the peers' counterpart is that CONSTRUCT.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pyoxigraph as ox

from mzgraph.bundled import queries_dir
from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.entities.describe import describe_query
from mzgraph.sparql.saved import load_saved_queries

ID = DEFAULT_BASE_IRI + "id/"
PREFIXES = """PREFIX mz: <https://w3id.org/mzgraph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"

AGGREGATION = (
    PREFIXES
    + """
SELECT ?category (COUNT(DISTINCT ?employer) AS ?employers) (COUNT(?measure) AS ?measures)
       (AVG(?order) AS ?meanOrder)
WHERE { ?employer mz:measure ?measure . ?measure mz:category ?category ; mz:order ?order . }
GROUP BY ?category ORDER BY DESC(?employers)
"""
)

MULTI_JOIN = (
    PREFIXES
    + """
SELECT ?employer ?name ?placeName ?date ?partnerName WHERE {
  ?employer mz:recognition ?rec ; rdfs:label ?name ; schema:location ?place ; mz:measure ?measure .
  FILTER(LANG(?name) = "en")
  ?rec mz:recognitionDate ?date .
  FILTER(?date >= "2016-01-01"^^xsd:date)
  ?place rdfs:label ?placeName . FILTER(LANG(?placeName) = "en")
  ?measure mz:measureGroup <https://w3id.org/mzgraph/id/measure-group/tailored-solutions> ;
           mz:involvesPartner ?partner .
  ?partner rdfs:label ?partnerName . FILTER(LANG(?partnerName) = "en")
  ?relation mz:organisation ?employer ; mz:partnerRole ?role .
}
ORDER BY ?date ?name LIMIT 1000
"""
)

TEXT_SEARCH = (
    PREFIXES
    + """
SELECT ?employer ?measure ?text WHERE {
  ?employer mz:measure ?measure . ?measure mz:text ?text .
  FILTER(CONTAINS(LCASE(STR(?text)), "verlof") || REGEX(STR(?text), "mantelzorg.{0,40}(uur|dagen)", "i"))
}
ORDER BY ?employer ?measure LIMIT 1000
"""
)


def entity_iri(size: int, index: int) -> str:
    """The IRI of a synthetic organisation: ``index`` spread over the graph's ``size`` organisations."""
    return f"{ID}organisation/synthetic-{(index * 7919) % max(size, 1):07d}"


def entity_construct(iri: str) -> str:
    """The CONSTRUCT an entity page runs (its triples, its parts', inbound links and their labels)."""
    return describe_query(ox.NamedNode(iri))


@dataclass(frozen=True)
class Query:
    """One kind of request; ``request(client, base_url, sparql_url, i)`` sends the i-th instance of it."""

    name: str
    kind: str  # "saved", "extra", "construct" or "page"
    send: Callable[[httpx.Client, str, str, int], httpx.Response]
    pages_only: bool = False


def _sparql(text: str, accept: str = SELECT_ACCEPT) -> Callable[[httpx.Client, str, str, int], httpx.Response]:
    def send(client: httpx.Client, base_url: str, sparql_url: str, i: int) -> httpx.Response:
        return client.get(sparql_url, params={"query": text}, headers={"Accept": accept})

    return send


def _construct(size: int) -> Callable[[httpx.Client, str, str, int], httpx.Response]:
    def send(client: httpx.Client, base_url: str, sparql_url: str, i: int) -> httpx.Response:
        query = entity_construct(entity_iri(size, i))
        return client.get(sparql_url, params={"query": query}, headers={"Accept": GRAPH_ACCEPT})

    return send


def _page(size: int, accept: str) -> Callable[[httpx.Client, str, str, int], httpx.Response]:
    def send(client: httpx.Client, base_url: str, sparql_url: str, i: int) -> httpx.Response:
        path = entity_iri(size, i).removeprefix(DEFAULT_BASE_IRI)
        return client.get(f"{base_url}/{path}", headers={"Accept": accept})

    return send


def query_mix(size: int, *, entity_only: bool = False) -> list[Query]:
    """Every query of the mix for a graph of ``size`` organisations, saved queries first.

    ``entity_only``: just the one-entity CONSTRUCT and the entity pages (for graphs so large that the
    whole-graph queries would only measure the request timeout).
    """
    entity = [
        Query("entity-construct", "construct", _construct(size)),
        Query("page-html", "page", _page(size, "text/html"), pages_only=True),
        Query("page-jsonld", "page", _page(size, "application/ld+json"), pages_only=True),
    ]
    if entity_only:
        return entity
    saved = [
        Query(f"saved:{name}", "saved", _sparql(query.bind()))
        for name, query in load_saved_queries(queries_dir()).items()
    ]
    extra = [
        Query("aggregation", "extra", _sparql(AGGREGATION)),
        Query("multi-join", "extra", _sparql(MULTI_JOIN)),
        Query("text-search", "extra", _sparql(TEXT_SEARCH)),
    ]
    return saved + extra + entity


THROUGHPUT = ("entity-construct", "page-html", "page-jsonld")
"""The requests measured under 8 concurrent clients."""
