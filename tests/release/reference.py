"""The SPARQL aggregates the pages ran per request before the release index: the tests' reference.

Each figure the release index computes once per release is checked against what these queries count on the same
store (they scan the whole graph, which is why the pages no longer run them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.ontology import Rule
from mzgraph.entities.values import literal_int
from mzgraph.sparql.builders import Row, integer, prologue, term, text, values

__all__ = ["prologue"]

EMPLOYERS = "?org a ?orgType . ?orgType rdfs:subClassOf* mz:Employer ."


@dataclass(frozen=True)
class Filters:
    """What the reader asked for; empty means everything."""

    words: tuple[str, ...] = ()
    categories: tuple[ox.NamedNode, ...] = ()
    partners: tuple[ox.NamedNode, ...] = ()
    provinces: tuple[ox.NamedNode, ...] = ()
    years: tuple[int, ...] = ()
    ambassador: bool | None = None

    @staticmethod
    def search_words(query: str) -> tuple[str, ...]:
        """The words of a search box, lower-cased (every word must match)."""
        return tuple(dict.fromkeys(word.casefold() for word in query.split() if word))


def filter_patterns(f: Filters) -> str:
    """The graph patterns that keep only the employers ``?org`` matching ``f``.

    Each condition is a sub-select of matching ``?org`` joined with the rest: Oxigraph evaluates a
    ``FILTER EXISTS`` holding a ``UNION`` once per candidate without the binding, which on 10,000
    employers takes minutes; the join takes well under a second.
    """
    parts = [EMPLOYERS]
    for word in f.words:
        parts.append(
            "{ SELECT DISTINCT ?org WHERE { { ?org rdfs:label ?searched } UNION { ?org mz:measure ?searchedMeasure ."
            f" ?searchedMeasure mz:text ?searched }} FILTER(CONTAINS(LCASE(STR(?searched)), {text(word)})) }} }}"
        )
    for category in f.categories:
        parts.append(
            f"{{ SELECT DISTINCT ?org WHERE {{ ?org mz:measure/mz:category/skos:broader* {term(category)} }} }}"
        )
    if f.partners:
        parts.append(
            "{ SELECT DISTINCT ?org WHERE { ?partnerRelation mz:organisation ?org ; mz:partner ?partner ."
            f" {values('partner', f.partners)} }} }}"
        )
    if f.provinces:
        parts.append(
            "{ SELECT DISTINCT ?org WHERE { ?org schema:location/mz:province ?province ."
            f" {values('province', f.provinces)} }} }}"
        )
    if f.years:
        years = ", ".join(integer(y) for y in f.years)
        parts.append(
            "{ SELECT DISTINCT ?org WHERE { ?org mz:recognition/mz:recognitionDate ?recognised"
            f" FILTER(YEAR(?recognised) IN ({years})) }} }}"
        )
    if f.ambassador is not None:
        parts.append(("FILTER EXISTS" if f.ambassador else "FILTER NOT EXISTS") + " { ?org mz:ambassadorRole ?role }")
    return "\n  ".join(parts)


def count_query(f: Filters) -> str:
    """SELECT how many employers match."""
    return prologue() + f"SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {{\n  {filter_patterns(f)}\n}}"


PRIVATE_CLASS = "mz:ContactPerson"


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


def example_query(limit: int = 3) -> str:
    """SELECT a few employers to name as example resources."""
    return (
        prologue()
        + "SELECT DISTINCT ?org WHERE { ?org a ?t . ?t rdfs:subClassOf* mz:Employer }"
        + f" ORDER BY ?org LIMIT {int(limit)}"
    )


def read_void_counts(rows: Sequence[Row]) -> tuple[int, int, dict[str, int]]:
    """Triples, entities and instances per class from :func:`mzgraph.entities.dataset.void_counts_query`."""
    first = rows[0] if rows else {}
    classes = {
        r["class"].value: literal_int(r.get("instances"), 0) for r in rows if isinstance(r.get("class"), ox.NamedNode)
    }
    return literal_int(first.get("triples"), 0), literal_int(first.get("entities"), 0), classes


def licenses_of(rows: Iterable[Row]) -> list[str]:
    """The licence IRIs in the rows of :func:`mzgraph.entities.dataset.sources_query`."""
    return sorted({row["license"].value for row in rows if isinstance(row.get("license"), ox.NamedNode)})


def class_counts_query(namespace: str) -> str:
    """SELECT the number of instances of each class of the vocabulary, its subclasses' included."""
    return (
        prologue()
        + f"""SELECT ?term (COUNT(DISTINCT ?instance) AS ?n) WHERE {{
  ?term a owl:Class .
  FILTER(STRSTARTS(STR(?term), {text(namespace)}))
  OPTIONAL {{ ?sub rdfs:subClassOf* ?term . ?instance a ?sub . }}
}} GROUP BY ?term"""
    )


def property_counts_query(namespace: str) -> str:
    """SELECT the number of triples using each property of the vocabulary."""
    return (
        prologue()
        + f"""SELECT ?term (COUNT(?s) AS ?n) WHERE {{
  VALUES ?kind {{ owl:ObjectProperty owl:DatatypeProperty }}
  ?term a ?kind .
  FILTER(STRSTARTS(STR(?term), {text(namespace)}))
  OPTIONAL {{ ?s ?term ?o }}
}} GROUP BY ?term"""
    )


def term_usage_query(iri: ox.NamedNode) -> str:
    """SELECT how often a term is used: instances of it as a class, plus triples with it as predicate."""
    return (
        prologue()
        + f"""SELECT ?instances ?triples WHERE {{
  {{ SELECT (COUNT(DISTINCT ?i) AS ?instances) WHERE {{ ?sub rdfs:subClassOf* {term(iri)} . ?i a ?sub . }} }}
  {{ SELECT (COUNT(*) AS ?triples) WHERE {{ ?s {term(iri)} ?o }} }}
}}"""
    )


def read_term_counts(rows: Iterable[Row]) -> dict[str, int]:
    """``?term ?n`` rows as a mapping."""
    return {row["term"].value: literal_int(row.get("n"), 0) for row in rows}


def coverage_query(rules: Sequence[Rule]) -> str:
    """SELECT, per (class, property) of ``rules``, how many instances of the class have the property."""
    pairs = " ".join(
        f"({term(ox.NamedNode(r.target))} {term(ox.NamedNode(r.path.iri))} {'true' if r.inverse else 'false'})"
        for r in rules
    )
    return (
        prologue()
        + f"""SELECT ?class ?path ?inverse (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  VALUES (?class ?path ?inverse) {{ {pairs} }}
  ?sub rdfs:subClassOf* ?class . ?s a ?sub .
  FILTER((!?inverse && EXISTS {{ ?s ?path ?o }}) || (?inverse && EXISTS {{ ?o ?path ?s }}))
}} GROUP BY ?class ?path ?inverse"""
    )


def read_coverage(rows: Iterable[Row]) -> dict[tuple[str, str, bool], int]:
    """(class, property, inverse) -> instances having it, from :func:`coverage_query`."""
    return {(r["class"].value, r["path"].value, r["inverse"].value == "true"): literal_int(r.get("n"), 0) for r in rows}


USING_PATH = "mz:category|mz:measureGroup|mz:partnerRole|mz:statementKind|mz:quantityKind|mz:approximation"


def concept_usage_query(concept: ox.NamedNode) -> str:
    """SELECT how many employers use ``concept`` (or a narrower one)."""
    return (
        prologue()
        + f"""SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {{
  ?node ({USING_PATH})/skos:broader* {term(concept)} .
  ?org mz:measure|mz:statement|mz:figure|^mz:organisation ?node .
}}"""
    )


def employers_count_query(partner: ox.NamedNode) -> str:
    """SELECT how many employers name ``partner`` in a partner relation (the page shows a capped list)."""
    return (
        prologue()
        + f"SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {{ ?rel mz:partner {term(partner)} ; mz:organisation ?org }}"
    )
