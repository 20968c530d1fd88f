"""The dataset described with VoID and DCAT, as triples built from the release's statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox

from mzgraph.entities.values import Link
from mzgraph.rdf.namespaces import DCAT, PREFIXES, RDF_TYPE, VOID

XSD = "http://www.w3.org/2001/XMLSchema#"
DUMPS = (
    ("download/mzgraph.ttl", "text/turtle"),
    ("download/mzgraph.nq", "application/n-quads"),
    ("download/mzgraph.jsonld", "application/ld+json"),
)


@dataclass
class DatasetFacts:
    """What the description says, gathered from the store."""

    base: str
    triples: int
    entities: int
    classes: dict[str, int]
    sources: list[Link]
    licenses: list[str]
    release: str
    modified: datetime
    examples: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return self.base + ".well-known/void#mzgraph"


Subject = ox.NamedNode | ox.BlankNode
Statement = tuple[Subject, str, ox.NamedNode | ox.BlankNode | ox.Literal]
_DCT = PREFIXES["dcterms"]


def void_triples(facts: DatasetFacts, server: str, version: str) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset, its own statements first.

    The dataset and its entities are named by their canonical IRIs; where they are served (``server``, this
    server's address as the client sees it, ending in ``/``: the SPARQL endpoint, the dumps, the landing page)
    and the version of mzgraph serving them (``version``) are this server's.
    """
    dataset = ox.NamedNode(facts.iri)
    statements = [
        *_about(dataset, facts, server),
        *_distributions(dataset, server, version),
        *_partitions(dataset, facts.classes),
    ]
    return [ox.Triple(s, ox.NamedNode(p), o) for s, p, o in sorted(statements, key=lambda st: st[0] != dataset)]


def _about(dataset: ox.NamedNode, facts: DatasetFacts, server: str) -> list[Statement]:
    n = ox.NamedNode
    summary = "Recognised carer-friendly employers in the Netherlands, their measures, partners and sources."
    return [
        (dataset, RDF_TYPE.value, n(str(VOID.Dataset))),
        (dataset, RDF_TYPE.value, n(str(DCAT.Dataset))),
        (dataset, _DCT + "title", ox.Literal("mzgraph: mantelzorgvriendelijke werkgevers", language="nl")),
        (dataset, _DCT + "title", ox.Literal("mzgraph: carer-friendly employers", language="en")),
        (dataset, _DCT + "description", ox.Literal(summary, language="en")),
        (dataset, _DCT + "modified", ox.Literal(facts.modified.isoformat(), datatype=n(XSD + "dateTime"))),
        (dataset, PREFIXES["owl"] + "versionInfo", ox.Literal(facts.release)),
        *((dataset, _DCT + "license", n(iri)) for iri in facts.licenses),
        *((dataset, _DCT + "source", n(source.iri)) for source in facts.sources),
        (dataset, str(VOID.uriSpace), ox.Literal(facts.base)),
        (dataset, str(VOID.sparqlEndpoint), n(server + "sparql")),
        (dataset, str(VOID.vocabulary), n(facts.base + "def/")),
        (dataset, str(VOID.triples), _integer(facts.triples)),
        (dataset, str(VOID.entities), _integer(facts.entities)),
        (dataset, str(DCAT.landingPage), n(server)),
        *((dataset, str(VOID.exampleResource), n(example)) for example in facts.examples),
    ]


def _distributions(dataset: ox.NamedNode, base: str, version: str) -> list[Statement]:
    """The dumps (``void:dataDump`` and a ``dcat:Distribution`` each) and the SPARQL service."""
    statements: list[Statement] = []
    for path, media in DUMPS:
        url, distribution = ox.NamedNode(base + path), ox.BlankNode()
        statements += [
            (dataset, str(VOID.dataDump), url),
            (dataset, str(DCAT.distribution), distribution),
            (distribution, RDF_TYPE.value, ox.NamedNode(str(DCAT.Distribution))),
            (distribution, str(DCAT.downloadURL), url),
            (distribution, str(DCAT.mediaType), ox.NamedNode("https://www.iana.org/assignments/media-types/" + media)),
        ]
    service = ox.BlankNode()
    return [
        *statements,
        (dataset, str(DCAT.accessService), service),
        (service, RDF_TYPE.value, ox.NamedNode(str(DCAT.DataService))),
        (service, str(DCAT.endpointURL), ox.NamedNode(base + "sparql")),
        (service, str(DCAT.servesDataset), dataset),
        (service, PREFIXES["owl"] + "versionInfo", ox.Literal(f"mzgraph {version}")),
    ]


def _partitions(dataset: ox.NamedNode, classes: dict[str, int]) -> list[Statement]:
    """A ``void:classPartition`` per class with its number of instances."""
    statements: list[Statement] = []
    for cls, count in sorted(classes.items()):
        partition = ox.BlankNode()
        statements += [
            (dataset, str(VOID.classPartition), partition),
            (partition, str(VOID["class"]), ox.NamedNode(cls)),
            (partition, str(VOID.entities), _integer(count)),
        ]
    return statements


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
