"""What an employer's page shows, read from its description graph (one CONSTRUCT, see ``describe``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from mzgraph.entities.describe import Description
from mzgraph.entities.labels import local_name, pick_text
from mzgraph.entities.values import Link, date_year, format_date, format_number, link, links, literal_int
from mzgraph.entities.vocab import RDFS_LABEL, SCHEMA_LOCATION, SCHEMA_VALUE, m
from mzgraph.rdf.namespaces import PREFIXES, RDF_TYPE
from mzgraph.sparql.builders import Row, Term, prologue, term
from mzgraph.store.base import Store


@dataclass(frozen=True)
class Passage:
    """A measure or another passage of the profile, verbatim, with where it stands in the source."""

    iri: str
    text: str
    order: int
    line: int | None
    section: str | None
    kind: Link | None
    group: str | None
    truncated: bool
    categories: list[Link]
    partners: list[Link]
    events: list[Link]
    regulations: list[Link]


@dataclass(frozen=True)
class Figure:
    """A number from the profile with what it counts and whether it is approximate."""

    iri: str
    counts: Link | None
    value: str
    """The number as the reader writes it (628.000 or 628,000)."""
    number: int | None
    """The number itself, when it is a whole number."""
    approximation: Link | None
    exact: bool
    quote: str | None
    line: int | None
    conflicts_with: list[str]
    notes: list[str]


@dataclass(frozen=True)
class Recognition:
    iri: str
    date: str | None
    year: int | None
    awarded_by: Link | None
    guided_by: Link | None
    quote: str | None
    line: int | None


@dataclass(frozen=True)
class Agreement:
    iri: str
    label: str
    date: str | None
    signatories: list[Link]


@dataclass(frozen=True)
class AmbassadorRole:
    iri: str
    since: str | None
    quote: str | None
    line: int | None
    activities: list[Passage]
    agreements: list[Agreement]
    notes: list[str]


@dataclass(frozen=True)
class PartnerRelation:
    iri: str
    partner: Link
    role: Link | None
    date: str | None
    quote: str | None
    line: int | None


@dataclass(frozen=True)
class Source:
    iri: str
    title: str
    publisher: Link | None
    file_name: str | None
    sha256: str | None

    @property
    def label(self) -> str:
        return self.title


@dataclass
class Organisation:
    """Everything the organisation page shows, in the reader's language."""

    iri: str
    label: str
    types: list[Link]
    location: Link | None
    core_values: str | None
    notes: list[str]
    recognition: Recognition | None
    ambassador: AmbassadorRole | None
    figures: list[Figure]
    measures: list[Passage]
    statements: list[Passage]
    relations: list[PartnerRelation]
    events: list[Link]
    sources: list[Source]
    """Filled from :func:`sources_query` (file names and digests are not part of the description)."""
    parts: list[str] = field(default_factory=list)
    """IRIs of the nodes described with the organisation (for its SHACL results)."""

    def measures_in(self, group_iri: str) -> list[Passage]:
        """The measures of one group, in source order."""
        return [p for p in self.measures if p.group == group_iri]


def read_organisation(d: Description, langs: Sequence[str]) -> Organisation:
    """The page model of the employer ``d.focus``."""
    org = d.focus
    passages = [read_passage(d, n, langs) for n in d.objects(org, m("measure"))]
    statements = [read_passage(d, n, langs) for n in d.objects(org, m("statement"))]
    recognition = d.value(org, m("recognition"))
    ambassador = d.value(org, m("ambassadorRole"))
    return Organisation(
        iri=org.value,
        label=d.label(org, langs),
        types=links(d, d.types(org), langs),
        location=_optional_link(d, d.value(org, SCHEMA_LOCATION), langs),
        core_values=d.text(org, m("coreValues"), langs),
        notes=d.texts(org, m("curationNote")),
        recognition=None if recognition is None else read_recognition(d, recognition, langs),
        ambassador=None if ambassador is None else read_ambassador(d, ambassador, langs),
        figures=sorted(  # the IRI too: two figures of one line come in the store's order, which differs per store
            (read_figure(d, n, langs) for n in d.objects(org, m("figure"))), key=lambda f: (f.line or 0, f.iri)
        ),
        measures=sorted(passages, key=lambda p: (p.group or "", p.order)),
        statements=sorted(statements, key=lambda p: (p.line or 0, p.order)),
        relations=sorted(
            (read_relation(d, n, langs) for n in d.subjects(m("organisation"), org)),
            key=lambda r: (r.partner.label.casefold(), r.role.label if r.role else ""),
        ),
        events=links(d, d.objects(org, m("takesPartIn")), langs),
        sources=[],
        parts=[t.value for t in _parts(d)],
    )


def read_passage(d: Description, node: Term, langs: Sequence[str]) -> Passage:
    """A measure or profile statement."""
    kind = d.value(node, m("statementKind"))
    group = d.value(node, m("measureGroup"))
    truncated = d.value(node, m("truncated"))
    return Passage(
        iri=node.value,
        text=d.text(node, m("text"), langs) or "",
        order=literal_int(d.value(node, m("order")), 0),
        line=literal_int(d.value(node, m("sourceLine"))),
        section=d.text(node, m("sourceSection"), langs),
        kind=None if kind is None else link(d, kind, langs),
        group=None if group is None else group.value,
        truncated=isinstance(truncated, ox.Literal) and truncated.value == "true",
        categories=links(d, d.objects(node, m("category")), langs),
        partners=links(d, d.objects(node, m("involvesPartner")), langs),
        events=links(d, d.objects(node, m("mentionsEvent")), langs),
        regulations=links(d, d.objects(node, m("regulation")), langs),
    )


def read_figure(d: Description, node: Term, langs: Sequence[str]) -> Figure:
    number = literal_int(d.value(node, SCHEMA_VALUE))
    raw = d.value(node, SCHEMA_VALUE)
    approximation = d.value(node, m("approximation"))
    return Figure(
        iri=node.value,
        counts=_optional_link(d, d.value(node, m("quantityKind")), langs),
        value=format_number(number, langs[0]) if number is not None else (raw.value if raw else ""),
        number=number,
        approximation=_optional_link(d, approximation, langs),
        exact=approximation is None or approximation.value.endswith("/exact"),
        quote=d.text(node, m("quote"), langs),
        line=literal_int(d.value(node, m("sourceLine"))),
        conflicts_with=sorted(n.value for n in d.objects(node, m("conflictsWith"))),
        notes=d.texts(node, m("curationNote")),
    )


def read_recognition(d: Description, node: Term, langs: Sequence[str]) -> Recognition:
    date = d.value(node, m("recognitionDate"))
    return Recognition(
        iri=node.value,
        date=format_date(date, langs[0]),
        year=date_year(date),
        awarded_by=_optional_link(d, d.value(node, m("awardedBy")), langs),
        guided_by=_optional_link(d, d.value(node, m("guidedBy")), langs),
        quote=d.text(node, m("quote"), langs),
        line=literal_int(d.value(node, m("sourceLine"))),
    )


def read_ambassador(d: Description, node: Term, langs: Sequence[str]) -> AmbassadorRole:
    activities = [read_passage(d, n, langs) for n in d.objects(node, m("ambassadorActivity"))]
    agreements = [
        Agreement(
            iri=a.value,
            label=d.label(a, langs),
            date=format_date(d.value(a, m("date")), langs[0]),
            signatories=links(d, d.objects(a, m("signatory")), langs),
        )
        for a in d.objects(node, m("agreement"))
    ]
    return AmbassadorRole(
        iri=node.value,
        since=format_date(d.value(node, m("ambassadorSince")), langs[0]),
        quote=d.text(node, m("quote"), langs),
        line=literal_int(d.value(node, m("sourceLine"))),
        activities=sorted(activities, key=lambda p: p.order),
        agreements=agreements,
        notes=d.texts(node, m("curationNote")),
    )


def read_relation(d: Description, node: Term, langs: Sequence[str]) -> PartnerRelation:
    partner = d.value(node, m("partner"))
    return PartnerRelation(
        iri=node.value,
        partner=link(d, partner, langs) if partner is not None else Link(node.value, d.label(node, langs)),
        role=_optional_link(d, d.value(node, m("partnerRole")), langs),
        date=format_date(d.value(node, m("date")), langs[0]),
        quote=d.text(node, m("quote"), langs),
        line=literal_int(d.value(node, m("sourceLine"))),
    )


def sources_query(org: ox.NamedNode) -> str:
    """SELECT the source documents ``org`` was derived from, with file name, digest and publisher."""
    return (
        prologue()
        + f"""SELECT ?source ?title ?file ?sha256 ?publisher ?publisherName WHERE {{
  {term(org)} prov:wasDerivedFrom|dcterms:source ?source .
  ?source a mz:SourceDocument .
  OPTIONAL {{ ?source dcterms:title ?title }}
  OPTIONAL {{ ?source mz:fileName ?file }}
  OPTIONAL {{ ?source mz:sha256 ?sha256 }}
  OPTIONAL {{ ?source dcterms:publisher ?publisher OPTIONAL {{ ?publisher rdfs:label ?publisherName }} }}
}}"""
    )


def source_rows(store: Store, org: ox.NamedNode) -> list[Row] | None:
    """The rows :func:`sources_query` selects, read as triple patterns in this process; None when the store has
    no such reads (ask it with the query) or the sources are described at unusual length."""
    derived = store.match(org, _SOURCE_LINKS[0], None, _MAX_SOURCE_READ)
    if derived is None:
        return None
    sources = [t.object for t in derived + (store.match(org, _SOURCE_LINKS[1], None, _MAX_SOURCE_READ) or [])]
    rows: list[Row] = []
    for source in sources:
        if not isinstance(source, ox.NamedNode):
            continue
        described = store.match(source, None, None, _MAX_SOURCE_READ) or []
        if len(described) > _MAX_SOURCE_READ:
            return None
        values: dict[str, list[Term]] = {}
        for t in described:
            if not isinstance(t.object, ox.Triple):  # a quoted triple (RDF-star) is no value a source shows
                values.setdefault(t.predicate.value, []).append(t.object)
        if _SOURCE_DOCUMENT not in values.get(RDF_TYPE.value, []):
            continue
        publishers: list[dict[str, Term]] = []
        for publisher in values.get(_DCTERMS + "publisher", []):
            node = publisher if isinstance(publisher, ox.NamedNode | ox.BlankNode) else None  # a literal has no label
            named = None if node is None else store.match(node, RDFS_LABEL, None, _MAX_SOURCE_READ)
            names = [t.object for t in named or [] if not isinstance(t.object, ox.Triple)]
            publishers += [{"publisher": publisher, "publisherName": n} for n in names] or [{"publisher": publisher}]
        for title, file, digest, published in itertools.product(
            _optional(values, _DCTERMS + "title", "title"),
            _optional(values, _MZ + "fileName", "file"),
            _optional(values, _MZ + "sha256", "sha256"),
            publishers or [{}],
        ):
            rows.append({"source": source, **title, **file, **digest, **published})
    return rows


_MZ = PREFIXES["mz"]
_DCTERMS = "http://purl.org/dc/terms/"
_SOURCE_LINKS = (ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), ox.NamedNode(_DCTERMS + "source"))
_SOURCE_DOCUMENT = ox.NamedNode(_MZ + "SourceDocument")
_MAX_SOURCE_READ = 1_000


def _optional(values: dict[str, list[Term]], iri: str, name: str) -> list[dict[str, Term]]:
    return [{name: v} for v in values.get(iri, [])] or [{}]


def read_sources(rows: Sequence[Row], langs: Sequence[str]) -> list[Source]:
    """Source documents from the rows of :func:`sources_query` (one per source, titles in the best language)."""
    by_iri: dict[str, list[Row]] = {}
    for row in rows:
        by_iri.setdefault(row["source"].value, []).append(row)
    found = []
    for iri, group in by_iri.items():
        first = group[0]
        publisher = first.get("publisher")
        found.append(
            Source(
                iri=iri,
                title=pick_text((r.get("title") for r in group), langs) or local_name(iri),
                publisher=None
                if publisher is None
                else Link(publisher.value, pick_text((r.get("publisherName") for r in group), langs) or ""),
                file_name=first["file"].value if "file" in first else None,
                sha256=first["sha256"].value if "sha256" in first else None,
            )
        )
    return found


def _optional_link(d: Description, node: Term | None, langs: Sequence[str]) -> Link | None:
    return None if node is None or not isinstance(node, ox.NamedNode) else link(d, node, langs)


_OWNING = ("recognition", "ambassadorRole", "measure", "statement", "figure", "ambassadorActivity", "agreement")


def _parts(d: Description) -> list[Term]:
    """The focus and every node it owns (what the description followed along ``PART_OF``)."""
    found: dict[Term, None] = {d.focus: None}
    frontier: list[Term] = [d.focus]
    while frontier:
        node = frontier.pop()
        children = [o for name in _OWNING for o in d.objects(node, m(name))] + d.subjects(m("organisation"), node)
        for child in children:
            if child not in found and isinstance(child, ox.NamedNode | ox.BlankNode):
                found[child] = None
                frontier.append(child)
    return list(found)
