"""What a SKOS concept's page shows: definition and place in its scheme (its employers come from the release index)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.describe import Description
from mzgraph.entities.labels import local_name, pick_text
from mzgraph.entities.values import Link, links
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
    used_by_total: int = 0
    """How many employers use it (or a narrower concept), from the release index, which also lists them."""


def read_concept(d: Description, langs: Sequence[str]) -> Concept:
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
    )


@dataclass(frozen=True)
class SchemeEntry:
    """A concept of a scheme, its depth in the scheme's hierarchy and how many employers use it."""

    concept: Link
    depth: int
    organisations: int


def scheme_query(scheme: ox.NamedNode) -> str:
    """SELECT the concepts of ``scheme`` with their broader concept and labels."""
    return (
        prologue()
        + f"""SELECT ?concept ?broader ?label WHERE {{
  ?concept skos:inScheme {term(scheme)} .
  OPTIONAL {{ ?concept skos:broader ?broader }}
  OPTIONAL {{ ?concept skos:prefLabel ?label }}
}}"""
    )


def read_scheme(rows: Sequence[Row], usage: Mapping[str, int], langs: Sequence[str]) -> list[SchemeEntry]:
    """The concepts of a scheme as a tree walked depth first, siblings by label; ``usage`` is how many employers
    use each concept (the release's statistics)."""
    labels: dict[str, list[Row]] = {}
    parents: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for row in rows:
        iri = row["concept"].value
        labels.setdefault(iri, []).append(row)
        parents.setdefault(iri, set())
        if "broader" in row:
            parents[iri].add(row["broader"].value)
        counts[iri] = usage.get(iri, 0)
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
