"""Dataset-level queries: the measure groups, and the published graph (for validating a release for the pages)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.labels import local_name
from mzgraph.entities.values import Link
from mzgraph.sparql.builders import Row, prologue, term

PRIVATE_CLASS = "mz:ContactPerson"
"""Instances of this class, and every triple touching them, are personal data: never in a dump."""


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
