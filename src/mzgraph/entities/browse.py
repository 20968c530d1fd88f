"""Browsing employers: filters, text search, sorting, pagination and facet counts, as SPARQL builders.

Every value from the reader (search words, IRIs, a year) is bound as an RDF term. Property paths come
only from the fixed :data:`FACET_PATHS`, never from the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.sparql.builders import integer, prologue, term, text, values

EMPLOYERS = "?org a ?orgType . ?orgType rdfs:subClassOf* mz:Employer ."

FACET_PATHS = {
    "category": "mz:measure/mz:category",
    "partner": "^mz:organisation/mz:partner",
    "province": "schema:location/mz:province",
}
"""Facets that are a property path from the employer to the facet value."""

SORTS = {
    "name": "LCASE(STR(SAMPLE(?label)))",
    "recognised": "SAMPLE(?recognitionDate)",
    "measures": "SAMPLE(?measureCount)",
}
"""Sort keys the reader may choose (``-key`` sorts descending); aggregates, not the projected names: Virtuoso
refuses an ORDER BY on a name the SELECT gives an aggregate, and fails on LCASE of an aggregate without STR."""


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


@dataclass(frozen=True)
class Page:
    """Which slice of the sorted list to show."""

    sort: str = "name"
    descending: bool = False
    size: int = 20
    number: int = 1

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


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


def list_query(f: Filters, page: Page, langs: Sequence[str]) -> str:
    """SELECT one page of matching employers: name, recognition date, ambassador since, number of measures."""
    order_key = SORTS.get(page.sort, SORTS["name"])
    direction = "DESC" if page.descending else "ASC"
    names = "\n  ".join(
        f"OPTIONAL {{ ?org rdfs:label ?name{i} FILTER(LANGMATCHES(LANG(?name{i}), {text(lang)})) }}"
        for i, lang in enumerate(langs)
    )
    coalesce = ", ".join([*(f"?name{i}" for i in range(len(langs))), "STR(?org)"])
    return (
        prologue()
        + f"""SELECT ?org (SAMPLE(?label) AS ?name) (SAMPLE(?recognitionDate) AS ?date)
       (SAMPLE(?ambassadorSince) AS ?since) (SAMPLE(?measureCount) AS ?measures) (SAMPLE(?kind) AS ?type) WHERE {{
  {{ SELECT ?org (COUNT(DISTINCT ?measure) AS ?measureCount) WHERE {{
    {filter_patterns(f)}
    OPTIONAL {{ ?org mz:measure ?measure }}
  }} GROUP BY ?org }}
  {names}
  BIND(COALESCE({coalesce}) AS ?label)
  OPTIONAL {{ ?org mz:recognition/mz:recognitionDate ?recognitionDate }}
  OPTIONAL {{ ?org mz:ambassadorRole/mz:ambassadorSince ?ambassadorSince }}
  OPTIONAL {{ ?org a ?kind . FILTER(?kind != mz:Employer) }}
}}
GROUP BY ?org
ORDER BY {direction}({order_key}) LCASE(STR(SAMPLE(?label))) ?org
LIMIT {integer(page.size)} OFFSET {integer(page.offset)}"""
    )


def count_query(f: Filters) -> str:
    """SELECT how many employers match."""
    return prologue() + f"SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {{\n  {filter_patterns(f)}\n}}"


def facet_query(f: Filters, facet: str) -> str:
    """SELECT the values of a path facet among the matching employers, with counts and labels."""
    path = FACET_PATHS[facet]
    return (
        prologue()
        + f"""SELECT ?value ?n ?label WHERE {{
  {{ SELECT ?value (COUNT(DISTINCT ?org) AS ?n) WHERE {{
    {filter_patterns(f)}
    ?org {path} ?value .
  }} GROUP BY ?value }}
  OPTIONAL {{ ?value rdfs:label|skos:prefLabel ?label }}
}}"""
    )


def year_facet_query(f: Filters) -> str:
    """SELECT the years of recognition among the matching employers, with counts."""
    return (
        prologue()
        + f"""SELECT ?value (COUNT(DISTINCT ?org) AS ?n) WHERE {{
  {filter_patterns(f)}
  ?org mz:recognition/mz:recognitionDate ?recognised .
  BIND(YEAR(?recognised) AS ?value)
}} GROUP BY ?value ORDER BY DESC(?value)"""
    )


def ambassador_facet_query(f: Filters) -> str:
    """SELECT how many matching employers are ambassadors (``?value`` true) and how many are not."""
    return (
        prologue()
        + f"""SELECT ?value (COUNT(DISTINCT ?org) AS ?n) WHERE {{
  {filter_patterns(f)}
  BIND(EXISTS {{ ?org mz:ambassadorRole ?role }} AS ?value)
}} GROUP BY ?value"""
    )


def group_counts_query(f: Filters) -> str:
    """SELECT the number of measures per measure group among the matching employers."""
    return (
        prologue()
        + f"""SELECT ?group (COUNT(DISTINCT ?measure) AS ?n) WHERE {{
  {filter_patterns(f)}
  ?org mz:measure ?measure . ?measure mz:measureGroup ?group .
}} GROUP BY ?group"""
    )


def per_organisation_groups_query(orgs: Sequence[ox.NamedNode]) -> str:
    """SELECT the number of measures per group for each of ``orgs`` (the rows of one page)."""
    return (
        prologue()
        + f"""SELECT ?org ?group (COUNT(DISTINCT ?measure) AS ?n) WHERE {{
  {values("org", orgs)}
  ?org mz:measure ?measure . ?measure mz:measureGroup ?group .
}} GROUP BY ?org ?group"""
    )


def matches_query(orgs: Sequence[ox.NamedNode], words: Sequence[str]) -> str:
    """SELECT, for ``orgs``, the measure texts containing every search word (to show why they matched)."""
    conditions = " && ".join(f"CONTAINS(LCASE(STR(?text)), {text(w)})" for w in words) or "false"
    return (
        prologue()
        + f"""SELECT ?org ?measure ?text ?line WHERE {{
  {values("org", orgs)}
  ?org mz:measure ?measure . ?measure mz:text ?text .
  OPTIONAL {{ ?measure mz:sourceLine ?line }}
  FILTER({conditions})
}} ORDER BY ?org ?line"""
    )


@dataclass
class FacetValue:
    """One value of a facet: what to show, the query value, how many employers have it, whether it is chosen."""

    value: str
    label: str
    count: int
    selected: bool = False
