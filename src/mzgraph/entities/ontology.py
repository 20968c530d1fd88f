"""The ontology pages: term labels, classes and properties, and what the shapes require.

Ontology queries run on the data store (the ontology is loaded with the data); shape queries run on
the bundled shapes, which the server keeps in a small store of their own. The counts (instances of a class,
triples using a property, the coverage of each rule) are the release index's statistics, counted once per release.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from mzgraph.entities.labels import local_name, pick_text
from mzgraph.entities.values import Link, literal_int
from mzgraph.sparql.builders import Row, prologue, term, text

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def term_labels_query() -> str:
    """SELECT the labels of every class and property the store describes."""
    return (
        prologue()
        + """SELECT ?term ?label WHERE {
  VALUES ?kind { owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty rdf:Property owl:AnnotationProperty }
  ?term a ?kind ; rdfs:label ?label .
}"""
    )


def read_term_labels(rows: Iterable[Row]) -> dict[str, dict[str, str]]:
    """IRI -> language -> label, from :func:`term_labels_query`."""
    labels: dict[str, dict[str, str]] = {}
    for row in rows:
        label = row["label"]
        if isinstance(label, ox.Literal):
            labels.setdefault(row["term"].value, {}).setdefault(label.language or "", label.value)
    return labels


def vocabulary_query(namespace: str) -> str:
    """CONSTRUCT the vocabulary document: every triple about a term in ``namespace`` (the ontology included)."""
    return (
        prologue()
        + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . FILTER(isIRI(?s) && STRSTARTS(STR(?s), {text(namespace)})) }}"
    )


def subclasses_query(cls: ox.NamedNode) -> str:
    """SELECT every class below ``cls`` (``rdfs:subClassOf+``)."""
    return prologue() + f"SELECT DISTINCT ?class WHERE {{ ?class rdfs:subClassOf+ {term(cls)} }}"


def superclasses_query() -> str:
    """SELECT every ``rdfs:subClassOf`` link between named classes the store holds (the ontology's)."""
    return prologue() + "SELECT DISTINCT ?class ?super WHERE { ?class rdfs:subClassOf ?super FILTER(isIRI(?super)) }"


def read_superclasses(rows: Iterable[Row]) -> dict[str, list[str]]:
    """Class IRI -> the IRIs of its direct superclasses, from :func:`superclasses_query`."""
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["class"].value, []).append(row["super"].value)
    return {cls: sorted(supers) for cls, supers in found.items()}


def terms_query(namespace: str) -> str:
    """SELECT the classes and properties of the vocabulary at ``namespace``, with what they link to."""
    return (
        prologue()
        + f"""SELECT ?term ?kind ?label ?definition ?parent ?domain ?range WHERE {{
  VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
  ?term a ?kind .
  FILTER(STRSTARTS(STR(?term), {text(namespace)}))
  OPTIONAL {{ ?term rdfs:label ?label }}
  OPTIONAL {{ ?term skos:definition ?definition }}
  OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?parent }}
  OPTIONAL {{ ?term rdfs:domain ?domain }}
  OPTIONAL {{ ?term rdfs:range ?range }}
}}"""
    )


@dataclass
class TermSummary:
    """A class or property of the vocabulary, as listed on the overview."""

    term: Link
    kind: str
    definition: str | None = None
    parents: list[Link] = field(default_factory=list)
    domain: list[Link] = field(default_factory=list)
    range: list[Link] = field(default_factory=list)
    count: int = 0
    rules: list[Rule] = field(default_factory=list)


def read_terms(
    rows: Iterable[Row], counts: Mapping[str, int], term_labels: Mapping[str, Mapping[str, str]], langs: Sequence[str]
) -> list[TermSummary]:
    """Summaries from :func:`terms_query` rows and a count per term, sorted by label."""
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["term"].value, []).append(row)

    def named(iris: Iterable[str]) -> list[Link]:
        found = (Link(i, _label(i, term_labels, langs)) for i in dict.fromkeys(iris))
        return sorted(found, key=lambda x: (x.label.casefold(), x.iri))

    summaries = []
    for iri, group in grouped.items():
        summaries.append(
            TermSummary(
                term=Link(iri, pick_text((r.get("label") for r in group), langs) or local_name(iri)),
                kind=local_name(group[0]["kind"].value),
                definition=pick_text((r.get("definition") for r in group), langs),
                parents=named(r["parent"].value for r in group if isinstance(r.get("parent"), ox.NamedNode)),
                domain=named(r["domain"].value for r in group if isinstance(r.get("domain"), ox.NamedNode)),
                range=named(r["range"].value for r in group if isinstance(r.get("range"), ox.NamedNode)),
                count=counts.get(iri, 0),
            )
        )
    return sorted(summaries, key=lambda s: s.term.label.casefold())


@dataclass
class Rule:
    """What a shape requires of one property of a class."""

    target: str
    path: Link
    inverse: bool
    min_count: int | None
    max_count: int | None
    datatype: Link | None
    value_class: Link | None
    severity: str
    message: str | None
    fix: str | None
    having: int | None = None
    """How many instances of the class have the property (filled in from the live data)."""

    @property
    def requirement(self) -> str:
        """``must``, ``should`` (a warning when missing) or ``may``."""
        if (self.min_count or 0) >= 1:
            return "must" if self.severity == "Violation" else "should"
        return "may"


def shape_rules_query() -> str:
    """SELECT every property shape of every class-targeting node shape (run on the shapes store)."""
    return (
        prologue()
        + """SELECT ?target ?ps ?path ?inverse ?min ?qmin ?max ?datatype ?class ?severity ?message ?fix WHERE {
  ?shape sh:targetClass ?target ; sh:property ?ps .
  ?ps sh:path ?path .
  OPTIONAL { ?path sh:inversePath ?inverse }
  OPTIONAL { ?ps sh:minCount ?min }
  OPTIONAL { ?ps sh:qualifiedMinCount ?qmin }
  OPTIONAL { ?ps sh:maxCount ?max }
  OPTIONAL { ?ps sh:datatype ?datatype }
  OPTIONAL { ?ps sh:class ?class }
  OPTIONAL { ?ps sh:severity ?severity }
  OPTIONAL { ?ps sh:message ?message }
  OPTIONAL { ?ps sh:description ?fix }
}"""
    )


def read_rules(
    rows: Iterable[Row], term_labels: Mapping[str, Mapping[str, str]], langs: Sequence[str]
) -> dict[str, list[Rule]]:
    """Class IRI -> its rules (one per property shape), musts first, then by property label."""
    grouped: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        grouped.setdefault((row["target"].value, str(row["ps"])), []).append(row)
    rules: dict[str, list[Rule]] = {}
    for (target, _), group in grouped.items():
        first = group[0]
        path = first.get("inverse") or first["path"]
        if not isinstance(path, ox.NamedNode):
            continue
        severity = first.get("severity")
        min_count = first.get("min") or first.get("qmin")
        rules.setdefault(target, []).append(
            Rule(
                target=target,
                path=Link(path.value, _label(path.value, term_labels, langs)),
                inverse="inverse" in first,
                min_count=literal_int(min_count, 0) if min_count is not None else None,
                max_count=literal_int(first["max"], 0) if "max" in first else None,
                datatype=_optional_link(first.get("datatype"), term_labels, langs),
                value_class=_optional_link(first.get("class"), term_labels, langs),
                severity=local_name(severity.value) if severity is not None else "Violation",
                message=pick_text((r.get("message") for r in group), langs),
                fix=pick_text((r.get("fix") for r in group), langs),
            )
        )
    for found in rules.values():
        found.sort(key=lambda r: (("must", "should", "may").index(r.requirement), r.path.label.casefold()))
    return rules


def apply_coverage(rules: Mapping[str, list[Rule]], coverage: Mapping[tuple[str, str, bool], int]) -> None:
    """Fill in :attr:`Rule.having` from the release's coverage counts ((class, property, inverse) -> instances
    having it; 0 where none)."""
    for found in rules.values():
        for rule in found:
            rule.having = coverage.get((rule.target, rule.path.iri, rule.inverse), 0)


def _label(iri: str, term_labels: Mapping[str, Mapping[str, str]], langs: Sequence[str]) -> str:
    by_lang = term_labels.get(iri, {})
    for lang in (*langs, ""):
        if lang in by_lang:
            return by_lang[lang]
    return local_name(iri)


def _optional_link(node: object, term_labels: Mapping[str, Mapping[str, str]], langs: Sequence[str]) -> Link | None:
    if not isinstance(node, ox.NamedNode):
        return None
    return Link(node.value, _label(node.value, term_labels, langs))
