"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` without a query)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from mzgraph.rdf.formats import FORMATS
from mzgraph.rdf.namespaces import RDF_TYPE, SD, VOID
from mzgraph.store import Release

_DCTERMS = "http://purl.org/dc/terms/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_OWL = "http://www.w3.org/2002/07/owl#"
PREFIXES = {
    "sd": str(SD),
    "void": str(VOID),
    "dcterms": _DCTERMS,
    "formats": "http://www.w3.org/ns/formats/",
    "owl": _OWL,
}


def describe_service(endpoint: str, release: Release, named_graphs: Iterable[str], version: str) -> list[ox.Triple]:
    """``sd:Service`` triples: the endpoint, the query language, result formats, the default dataset and the
    version of mzgraph answering (``owl:versionInfo``)."""
    service, dataset, default_graph = ox.NamedNode(endpoint), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(service, ox.NamedNode(_DCTERMS + "title"), ox.Literal("mzgraph SPARQL endpoint (read-only)")),
        ox.Triple(service, ox.NamedNode(_OWL + "versionInfo"), ox.Literal(f"mzgraph {version}")),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(
            dataset,
            ox.NamedNode(_DCTERMS + "modified"),
            ox.Literal(release.modified.isoformat(), datatype=ox.NamedNode(_XSD + "dateTime")),
        ),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    triples += [ox.Triple(service, _sd("resultFormat"), ox.NamedNode(f.iri)) for fs in FORMATS.values() for f in fs]
    if release.triples is not None:
        triples.append(ox.Triple(dataset, ox.NamedNode(str(VOID) + "triples"), ox.Literal(release.triples)))
    for name in sorted(named_graphs):
        graph = ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(graph, _sd("name"), ox.NamedNode(name)),
        ]
    return triples


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(SD) + name)
