"""The dataset described with VoID and DCAT, as triples built from live counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyoxigraph as ox

from mzgraph.entities.sparql import Row, as_int
from mzgraph.entities.values import Link
from mzgraph.namespaces import DCAT, PREFIXES, VOID

XSD = "http://www.w3.org/2001/XMLSchema#"
DUMPS = (("download/mzgraph.ttl", "text/turtle"), ("download/mzgraph.nq", "application/n-quads"),
         ("download/mzgraph.jsonld", "application/ld+json"))  # fmt: skip


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


def read_void_counts(rows: Sequence[Row]) -> tuple[int, int, dict[str, int]]:
    """Triples, entities and instances per class from :func:`mzgraph.entities.dataset.void_counts_query`."""
    first = rows[0] if rows else {}
    classes = {r["class"].value: as_int(r.get("instances")) for r in rows if isinstance(r.get("class"), ox.NamedNode)}
    return as_int(first.get("triples")), as_int(first.get("entities")), classes


def void_triples(facts: DatasetFacts) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset."""
    n = ox.NamedNode
    dataset = n(facts.iri)
    dct, rdf = PREFIXES["dcterms"], PREFIXES["rdf"]
    triples: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        triples.append(ox.Triple(s, n(p), o))

    add(dataset, rdf + "type", n(str(VOID.Dataset)))
    add(dataset, rdf + "type", n(str(DCAT.Dataset)))
    add(dataset, dct + "title", ox.Literal("mzgraph: mantelzorgvriendelijke werkgevers", language="nl"))
    add(dataset, dct + "title", ox.Literal("mzgraph: carer-friendly employers", language="en"))
    summary = "Recognised carer-friendly employers in the Netherlands, their measures, partners and sources."
    add(dataset, dct + "description", ox.Literal(summary, language="en"))
    add(dataset, dct + "modified", ox.Literal(facts.modified.isoformat(), datatype=n(XSD + "dateTime")))
    add(dataset, PREFIXES["owl"] + "versionInfo", ox.Literal(facts.release))
    for license_iri in facts.licenses:
        add(dataset, dct + "license", n(license_iri))
    for source in facts.sources:
        add(dataset, dct + "source", n(source.iri))
    add(dataset, str(VOID.uriSpace), ox.Literal(facts.base))
    add(dataset, str(VOID.sparqlEndpoint), n(facts.base + "sparql"))
    add(dataset, str(VOID.vocabulary), n(facts.base + "def/"))
    add(dataset, str(VOID.triples), ox.Literal(str(facts.triples), datatype=n(XSD + "integer")))
    add(dataset, str(VOID.entities), ox.Literal(str(facts.entities), datatype=n(XSD + "integer")))
    add(dataset, str(DCAT.landingPage), n(facts.base))
    for example in facts.examples:
        add(dataset, str(VOID.exampleResource), n(example))
    for path, media in DUMPS:
        url = n(facts.base + path)
        add(dataset, str(VOID.dataDump), url)
        distribution = ox.BlankNode()
        add(dataset, str(DCAT.distribution), distribution)
        add(distribution, rdf + "type", n(str(DCAT.Distribution)))
        add(distribution, str(DCAT.downloadURL), url)
        add(distribution, str(DCAT.mediaType), n("https://www.iana.org/assignments/media-types/" + media))
    service = ox.BlankNode()
    add(dataset, str(DCAT.accessService), service)
    add(service, rdf + "type", n(str(DCAT.DataService)))
    add(service, str(DCAT.endpointURL), n(facts.base + "sparql"))
    add(service, str(DCAT.servesDataset), dataset)
    for cls, count in sorted(facts.classes.items()):
        partition = ox.BlankNode()
        add(dataset, str(VOID.classPartition), partition)
        add(partition, str(VOID["class"]), n(cls))
        add(partition, str(VOID.entities), ox.Literal(str(count), datatype=n(XSD + "integer")))
    return sorted(triples, key=lambda t: t.subject != dataset)  # the dataset's own statements first


def licenses_of(rows: Iterable[Row]) -> list[str]:
    """The licence IRIs in the rows of :func:`mzgraph.entities.dataset.sources_query`."""
    return sorted({row["license"].value for row in rows if isinstance(row.get("license"), ox.NamedNode)})
