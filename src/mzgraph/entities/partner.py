"""What a partner body's page shows: what it is, and every employer that works with it, in which role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.describe import Description
from mzgraph.entities.labels import pick_text
from mzgraph.entities.organisation import Figure, PartnerRelation, read_figure
from mzgraph.entities.values import Link, format_date, link, links, literal_int
from mzgraph.entities.vocab import ORG_UNIT_OF, RDFS_COMMENT, SCHEMA_URL, SKOS_ALT, m
from mzgraph.sparql.builders import Row, prologue, term, values


def relations_query(partner: ox.NamedNode, organisations: Sequence[ox.NamedNode]) -> str:
    """SELECT the partner relations naming ``partner`` of the given employers (one page of them), with role,
    date, quote and source line. The roles' labels are the page's to find (the release index has them): asked
    here as a nested OPTIONAL, they were most of the query's time on Virtuoso."""
    return (
        prologue()
        + f"""SELECT ?org ?rel ?role ?date ?quote ?line WHERE {{
  {values("org", organisations)}
  ?rel mz:partner {term(partner)} ; mz:organisation ?org .
  OPTIONAL {{ ?rel mz:partnerRole ?role }}
  OPTIONAL {{ ?rel mz:date ?date }}
  OPTIONAL {{ ?rel mz:quote ?quote }}
  OPTIONAL {{ ?rel mz:sourceLine ?line }}
}}"""
    )


@dataclass(frozen=True)
class Collaboration:
    """One employer working with the partner, with every role it gives the partner."""

    organisation: Link
    relations: list[PartnerRelation]


@dataclass
class Partner:
    iri: str
    label: str
    kinds: list[Link]
    comment: str | None
    alt_labels: list[str]
    url: str | None
    unit_of: list[Link]
    figures: list[Figure]
    notes: list[str]
    collaborations: list[Collaboration]
    employers: int = 0
    """How many employers work with it in all (from the release index; ``collaborations`` is one page of them)."""

    @property
    def roles(self) -> list[Link]:
        """Every distinct role the partner plays, by label."""
        found = {r.role.iri: r.role for c in self.collaborations for r in c.relations if r.role}
        return sorted(found.values(), key=lambda role: role.label.casefold())


def read_collaborations(
    rows: Sequence[Row],
    partner: ox.NamedNode,
    organisations: Sequence[Link],
    langs: Sequence[str],
    role_label: Callable[[str], str],
) -> list[Collaboration]:
    """The employers ``organisations`` (one page, in its order) with their relations to ``partner``, from the
    rows of :func:`relations_query`; ``role_label`` names a role (its IRI) in the page's language."""
    by_relation: dict[str, list[Row]] = {}
    for row in rows:
        by_relation.setdefault(row["rel"].value, []).append(row)
    found: dict[str, list[PartnerRelation]] = {}
    partner_link = Link(partner.value, "")
    for iri, group in sorted(by_relation.items()):
        first = group[0]
        role = first.get("role")
        found.setdefault(first["org"].value, []).append(
            PartnerRelation(
                iri=iri,
                partner=partner_link,
                role=Link(role.value, role_label(role.value)) if isinstance(role, ox.NamedNode) else None,
                date=format_date(first.get("date"), langs[0]),
                quote=pick_text((r.get("quote") for r in group), langs),
                line=literal_int(first.get("line")),
            )
        )
    return [
        Collaboration(org, sorted(found.get(org.iri, []), key=lambda r: r.role.label if r.role else ""))
        for org in organisations
    ]


def read_partner(d: Description, langs: Sequence[str]) -> Partner:
    """The page model of the partner body ``d.focus``."""
    focus = d.focus
    by_org: dict[str, tuple[Link, list[PartnerRelation]]] = {}
    for node in d.subjects(m("partner"), focus):
        org = d.value(node, m("organisation"))
        if not isinstance(org, ox.NamedNode):
            continue
        entry = by_org.setdefault(org.value, (link(d, org, langs), []))
        role = d.value(node, m("partnerRole"))
        entry[1].append(
            PartnerRelation(
                iri=node.value,
                partner=link(d, focus, langs),
                role=None if role is None else link(d, role, langs),
                date=format_date(d.value(node, m("date")), langs[0]),
                quote=d.text(node, m("quote"), langs),
                line=literal_int(d.value(node, m("sourceLine"))),
            )
        )
    url = d.value(focus, SCHEMA_URL)
    return Partner(
        iri=focus.value,
        label=d.label(focus, langs),
        kinds=links(d, d.objects(focus, m("partnerKind")), langs),
        comment=d.text(focus, RDFS_COMMENT, langs),
        alt_labels=sorted(set(d.texts(focus, SKOS_ALT))),
        url=url.value if isinstance(url, ox.NamedNode) else None,
        unit_of=links(d, d.objects(focus, ORG_UNIT_OF), langs),
        figures=[read_figure(d, n, langs) for n in d.objects(focus, m("figure"))],
        notes=d.texts(focus, m("curationNote")),
        collaborations=sorted(
            (
                Collaboration(org, sorted(rels, key=lambda r: r.role.label if r.role else ""))
                for org, rels in by_org.values()
            ),
            key=lambda c: c.organisation.label.casefold(),
        ),
    )
