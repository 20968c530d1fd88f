"""Dataset-level queries: the home page's counts, the measure groups, the published graph and VoID counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.labels import local_name, pick_text
from mzgraph.entities.values import Link, literal_int
from mzgraph.sparql.builders import Row, prologue, term, text
from mzgraph.store.loading import PRIVATE_GRAPH, RELEASE_GRAPH

PRIVATE_CLASS = "mz:ContactPerson"
"""Instances of this class, and every triple touching them, are personal data: never in a dump."""


def counts_query() -> str:
    """SELECT the headline counts: employers, ambassadors, measures, partner bodies, events."""
    return (
        prologue()
        + """SELECT ?organisations ?ambassadors ?measures ?partners ?events WHERE {
  { SELECT (COUNT(DISTINCT ?o) AS ?organisations) WHERE { ?o a ?t . ?t rdfs:subClassOf* mz:Employer } }
  { SELECT (COUNT(DISTINCT ?o) AS ?ambassadors) WHERE { ?o mz:ambassadorRole ?role } }
  { SELECT (COUNT(DISTINCT ?m) AS ?measures) WHERE { ?m a mz:Measure } }
  { SELECT (COUNT(DISTINCT ?p) AS ?partners) WHERE { ?p a mz:PartnerBody } }
  { SELECT (COUNT(DISTINCT ?e) AS ?events) WHERE { ?e a mz:Event } }
}"""
    )


def read_counts(rows: Sequence[Row]) -> dict[str, int]:
    """The single row of :func:`counts_query` as a mapping (zeros when the store is empty)."""
    row = rows[0] if rows else {}
    names = ("organisations", "ambassadors", "measures", "partners", "events")
    return {name: literal_int(row.get(name), 0) for name in names}


@dataclass(frozen=True)
class Group:
    """A measure group: its concept, notation (the order of the four question sections) and labels."""

    iri: str
    notation: str
    labels: dict[str, str]

    def label(self, langs: Sequence[str]) -> str:
        for lang in langs:
            if lang in self.labels:
                return self.labels[lang]
        return next(iter(self.labels.values()), local_name(self.iri))

    def link(self, langs: Sequence[str]) -> Link:
        return Link(self.iri, self.label(langs))

    @property
    def key(self) -> str:
        """The short key of the group (the last segment of its IRI), as in the JSON-LD ``measures`` index."""
        return local_name(self.iri)


def groups_query(scheme: ox.NamedNode) -> str:
    """SELECT the concepts of the measure-group scheme with notation and labels."""
    return (
        prologue()
        + f"""SELECT ?group ?notation ?label WHERE {{
  ?group skos:inScheme {term(scheme)} .
  OPTIONAL {{ ?group skos:notation ?notation }}
  OPTIONAL {{ ?group skos:prefLabel ?label }}
}}"""
    )


def read_groups(rows: Iterable[Row]) -> list[Group]:
    """Measure groups ordered by notation."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["group"].value, []).append(row)
    groups = []
    for iri, found in grouped.items():
        labels: dict[str, str] = {}
        for row in found:
            label = row.get("label")
            if isinstance(label, ox.Literal):
                labels.setdefault(label.language or "", label.value)
        notation = next((r["notation"].value for r in found if "notation" in r), "")
        groups.append(Group(iri, notation, labels))
    return sorted(groups, key=lambda g: (g.notation, g.iri))


def published_triples_query() -> str:
    """CONSTRUCT every triple of the default graph except personal data (see :data:`PRIVATE_CLASS`)."""
    return (
        prologue()
        + f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  ?s ?p ?o .
  FILTER NOT EXISTS {{ ?s a {PRIVATE_CLASS} }}
  FILTER NOT EXISTS {{ ?o a {PRIVATE_CLASS} }}
}}"""
    )


def published_quads_query() -> str:
    """SELECT every quad (default graph and named graphs) except personal data, for the N-Quads dump."""
    return (
        prologue()
        + f"""SELECT ?s ?p ?o ?g WHERE {{
  {{ ?s ?p ?o . }} UNION {{ GRAPH ?g {{ ?s ?p ?o . }}
    FILTER(!STRENDS(STR(?g), "/{PRIVATE_GRAPH}") && !STRENDS(STR(?g), "/{RELEASE_GRAPH}")) }}
  FILTER NOT EXISTS {{ ?s a {PRIVATE_CLASS} }}
  FILTER NOT EXISTS {{ ?o a {PRIVATE_CLASS} }}
}}"""
    )


def void_counts_query(entity_space: str) -> str:
    """SELECT the published triple count, entity count (IRIs under ``entity_space``) and counts per class."""
    return (
        prologue()
        + f"""SELECT ?triples ?entities ?class ?instances WHERE {{
  {{ SELECT (COUNT(*) AS ?triples) WHERE {{
      ?s ?p ?o . FILTER NOT EXISTS {{ ?s a {PRIVATE_CLASS} }} FILTER NOT EXISTS {{ ?o a {PRIVATE_CLASS} }} }} }}
  {{ SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {{
      ?e ?p ?o . FILTER(isIRI(?e) && STRSTARTS(STR(?e), {text(entity_space)}))
      FILTER NOT EXISTS {{ ?e a {PRIVATE_CLASS} }} }} }}
  OPTIONAL {{ SELECT ?class (COUNT(DISTINCT ?i) AS ?instances) WHERE {{
      ?i a ?class . FILTER(?class != {PRIVATE_CLASS}) }} GROUP BY ?class }}
}}"""
    )


SOURCES_LIMIT = 100
"""Source documents named in the dataset description (a graph of many employers has many profiles)."""


def sources_query(limit: int = SOURCES_LIMIT) -> str:
    """SELECT the source documents the data is derived from (the first ``limit``), with titles, and the licences."""
    return (
        prologue()
        + f"""SELECT ?source ?title ?license WHERE {{
  {{ {{ SELECT ?source WHERE {{ ?source a mz:SourceDocument }} ORDER BY ?source LIMIT {int(limit)} }}
     OPTIONAL {{ ?source dcterms:title ?title }} }}
  UNION {{ ?ontology a owl:Ontology ; dcterms:license ?license }}
}}"""
    )


def source_links(rows: Iterable[Row], langs: Sequence[str]) -> list[Link]:
    """The source documents of :func:`sources_query`, titled in the best language."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        if "source" in row:
            grouped.setdefault(row["source"].value, []).append(row)
    found = [Link(iri, pick_text((r.get("title") for r in g), langs) or local_name(iri)) for iri, g in grouped.items()]
    return sorted(found, key=lambda link: (link.label.casefold(), link.iri))


def example_query(limit: int = 3) -> str:
    """SELECT a few employers to name as example resources."""
    return (
        prologue()
        + "SELECT DISTINCT ?org WHERE { ?org a ?t . ?t rdfs:subClassOf* mz:Employer }"
        + f" ORDER BY ?org LIMIT {int(limit)}"
    )
