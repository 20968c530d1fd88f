"""What a generic resource page shows: its statements and what points at it, as labelled rows.

Used for every resource without a page of its own (events, places, agreements, figures, recognitions,
sources, ...) and for the "more about this" tables on the pages that have one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.describe import Description
from mzgraph.entities.labels import local_name
from mzgraph.entities.values import Link, format_date
from mzgraph.rdf.namespaces import RDF_TYPE
from mzgraph.sparql.builders import Term

_DATE_TYPES = ("date", "gYearMonth", "gYear", "gMonthDay")


@dataclass(frozen=True)
class Value:
    """One object of a statement: a link, or a literal with its language or datatype."""

    text: str
    iri: str | None = None
    language: str | None = None
    datatype: str | None = None

    @property
    def label(self) -> str:
        """The text, so a value that is a link renders like any other link."""
        return self.text


@dataclass(frozen=True)
class PropertyRow:
    """A property with its values (outbound) or the resources using it to point here (inbound)."""

    predicate: Link
    values: list[Value]


@dataclass
class Resource:
    """The generic page model."""

    iri: str
    label: str
    types: list[Link]
    properties: list[PropertyRow]
    inbound: list[PropertyRow]


def read_resource(
    d: Description, langs: Sequence[str], term_labels: Mapping[str, Mapping[str, str]], *, skip: Sequence[str] = ()
) -> Resource:
    """The page model of ``d.focus``; ``term_labels`` names the predicates (IRI -> language -> label)."""
    focus = d.focus
    properties = [
        PropertyRow(
            _predicate(p, langs, term_labels), [_value(d, o, langs, term_labels) for o in _sorted(d, objects, langs)]
        )
        for p, objects in d.properties(focus).items()
        if p != RDF_TYPE and p.value not in skip
    ]
    inbound: dict[ox.NamedNode, list[Term]] = {}
    for subject, predicate in d.inbound(focus):
        if subject != focus and predicate.value not in skip:
            inbound.setdefault(predicate, []).append(subject)
    return Resource(
        iri=focus.value,
        label=d.label(focus, langs),
        types=[Link(t.value, term_label(t.value, langs, term_labels)) for t in d.types(focus)],
        properties=sorted(properties, key=lambda row: row.predicate.label.casefold()),
        inbound=sorted(
            (
                PropertyRow(
                    _predicate(p, langs, term_labels), [_value(d, s, langs) for s in _sorted(d, subjects, langs)]
                )
                for p, subjects in inbound.items()
            ),
            key=lambda row: row.predicate.label.casefold(),
        ),
    )


def term_label(iri: str, langs: Sequence[str], term_labels: Mapping[str, Mapping[str, str]]) -> str:
    """The label of a vocabulary term in the best language, else its local name."""
    by_lang = term_labels.get(iri, {})
    for lang in langs:
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), local_name(iri))


def _predicate(p: ox.NamedNode, langs: Sequence[str], term_labels: Mapping[str, Mapping[str, str]]) -> Link:
    return Link(p.value, term_label(p.value, langs, term_labels))


def _sorted(d: Description, terms: list[Term], langs: Sequence[str]) -> list[Term]:
    def key(t: Term) -> tuple[int, str]:
        if isinstance(t, ox.Literal):
            return (0, t.value)
        return (1, d.label(t, langs).casefold())

    return sorted(dict.fromkeys(terms), key=key)


def _value(
    d: Description, t: Term, langs: Sequence[str], term_labels: Mapping[str, Mapping[str, str]] | None = None
) -> Value:
    if isinstance(t, ox.NamedNode):
        if term_labels and t.value in term_labels and not d.properties(t):
            return Value(term_label(t.value, langs, term_labels), iri=t.value)
        return Value(d.label(t, langs), iri=t.value)
    if isinstance(t, ox.BlankNode):
        return Value(f"_:{t.value}")
    datatype = t.datatype.value if t.datatype else None
    if datatype and datatype.rsplit("#", 1)[-1] in _DATE_TYPES:
        return Value(format_date(t, langs[0]) or t.value, datatype=datatype)
    return Value(t.value, language=t.language, datatype=None if t.language else datatype)
