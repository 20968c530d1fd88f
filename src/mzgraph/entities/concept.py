"""What a SKOS concept's page shows: definition, place in its scheme, and the employers using it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.describe import Description
from mzgraph.entities.labels import local_name, pick_text
from mzgraph.entities.values import Link, links, literal_int
from mzgraph.entities.vocab import (
    SKOS_ALT,
    SKOS_BROADER,
    SKOS_DEFINITION,
    SKOS_IN_SCHEME,
    SKOS_NARROWER,
    SKOS_NOTATION,
    SKOS_TOP_OF,
)
from mzgraph.sparql.builders import Row, prologue, term

USING_PATH = "mz:category|mz:measureGroup|mz:partnerRole|mz:statementKind|mz:quantityKind|mz:approximation"
"""Properties by which a measure, passage, figure or partner relation uses a concept."""


@dataclass(frozen=True)
class Usage:
    """An employer using a concept (or a narrower one), and how many of its nodes do."""

    organisation: Link
    count: int


@dataclass
class Concept:
    iri: str
    label: str
    definition: str | None
    alt_labels: list[str]
    notation: str | None
    schemes: list[Link]
    broader: list[Link]
    narrower: list[Link]
    top_concept: bool
    used_by: list[Usage]
    used_by_total: int = 0
    """How many employers use it in all (``used_by`` lists the first :data:`USAGE_LIMIT`)."""


USAGE_LIMIT = 200
"""Employers listed on a concept's page (the most frequent users first); the total is counted apart."""


def usage_query(concept: ox.NamedNode, limit: int = USAGE_LIMIT) -> str:
    """SELECT the employers whose measures, passages, figures or partner relations use ``concept`` the most.

    A narrower concept counts for its broader ones (``skos:broader*``), so "leave" finds calamity leave.
    """
    return (
        prologue()
        + f"""SELECT ?org ?n ?label WHERE {{
  {{ SELECT ?org (COUNT(DISTINCT ?node) AS ?n) WHERE {{
      ?node ({USING_PATH})/skos:broader* {term(concept)} .
      ?org mz:measure|mz:statement|mz:figure|^mz:organisation ?node .
  }} GROUP BY ?org ORDER BY DESC(?n) ?org LIMIT {int(limit)} }}
  OPTIONAL {{ ?org rdfs:label ?label }}
}}"""
    )


def usage_count_query(concept: ox.NamedNode) -> str:
    """SELECT how many employers use ``concept`` (or a narrower one)."""
    return (
        prologue()
        + f"""SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {{
  ?node ({USING_PATH})/skos:broader* {term(concept)} .
  ?org mz:measure|mz:statement|mz:figure|^mz:organisation ?node .
}}"""
    )


def read_usage(rows: Sequence[Row], langs: Sequence[str]) -> list[Usage]:
    """Employers from the rows of :func:`usage_query`, most uses first, then by name."""
    by_org: dict[str, list[Row]] = {}
    for row in rows:
        by_org.setdefault(row["org"].value, []).append(row)
    usages = [
        Usage(
            Link(iri, pick_text((r.get("label") for r in group), langs) or local_name(iri)),
            literal_int(group[0].get("n"), 0),
        )
        for iri, group in by_org.items()
    ]
    return sorted(usages, key=lambda u: (-u.count, u.organisation.label.casefold()))


def read_concept(d: Description, langs: Sequence[str], used_by: list[Usage]) -> Concept:
    """The page model of the concept ``d.focus``."""
    focus = d.focus
    notation = d.value(focus, SKOS_NOTATION)
    return Concept(
        iri=focus.value,
        label=d.label(focus, langs),
        definition=d.text(focus, SKOS_DEFINITION, langs),
        alt_labels=sorted(set(d.texts(focus, SKOS_ALT)), key=str.casefold),
        notation=notation.value if notation is not None else None,
        schemes=links(d, d.objects(focus, SKOS_IN_SCHEME), langs),
        broader=links(d, d.objects(focus, SKOS_BROADER), langs),
        narrower=links(d, d.objects(focus, SKOS_NARROWER) + d.subjects(SKOS_BROADER, focus), langs),
        top_concept=bool(d.objects(focus, SKOS_TOP_OF)),
        used_by=used_by,
    )


@dataclass(frozen=True)
class SchemeEntry:
    """A concept of a scheme, its depth in the scheme's hierarchy and how many employers use it."""

    concept: Link
    depth: int
    organisations: int


def scheme_query(scheme: ox.NamedNode) -> str:
    """SELECT the concepts of ``scheme`` with their broader concept, labels and number of employers using them."""
    return (
        prologue()
        + f"""SELECT ?concept ?broader ?label ?orgs WHERE {{
  ?concept skos:inScheme {term(scheme)} .
  OPTIONAL {{ ?concept skos:broader ?broader }}
  OPTIONAL {{ ?concept skos:prefLabel ?label }}
  {{ SELECT ?concept (COUNT(DISTINCT ?org) AS ?orgs) WHERE {{
      ?concept skos:inScheme {term(scheme)} .
      OPTIONAL {{ ?node ({USING_PATH})/skos:broader* ?concept .
                 ?org mz:measure|mz:statement|mz:figure|^mz:organisation ?node . }}
  }} GROUP BY ?concept }}
}}"""
    )


def read_scheme(rows: Sequence[Row], langs: Sequence[str]) -> list[SchemeEntry]:
    """The concepts of a scheme as a tree walked depth first, siblings by label."""
    labels: dict[str, list[Row]] = {}
    parents: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for row in rows:
        iri = row["concept"].value
        labels.setdefault(iri, []).append(row)
        parents.setdefault(iri, set())
        if "broader" in row:
            parents[iri].add(row["broader"].value)
        counts[iri] = literal_int(row.get("orgs"), 0)
    names = {iri: pick_text((r.get("label") for r in group), langs) or local_name(iri) for iri, group in labels.items()}
    children: dict[str | None, list[str]] = {}
    for iri, broader in parents.items():
        in_scheme: list[str | None] = [b for b in broader if b in parents]
        for parent in in_scheme or [None]:
            children.setdefault(parent, []).append(iri)
    entries: list[SchemeEntry] = []

    def walk(parent: str | None, depth: int, seen: frozenset[str]) -> None:
        for iri in sorted(children.get(parent, []), key=lambda i: (names[i].casefold(), i)):
            if iri not in seen:
                entries.append(SchemeEntry(Link(iri, names[iri]), depth, counts.get(iri, 0)))
                walk(iri, depth + 1, seen | {iri})

    walk(None, 0, frozenset())
    return entries
