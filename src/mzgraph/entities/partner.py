"""What a partner body's page shows: what it is, and every employer that works with it, in which role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from mzgraph.entities.describe import Description
from mzgraph.entities.organisation import Figure, PartnerRelation, read_figure
from mzgraph.entities.values import Link, format_date, link, links, literal_int
from mzgraph.entities.vocab import ORG_UNIT_OF, RDFS_COMMENT, SCHEMA_URL, SKOS_ALT, m


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
    d: Description, organisations: Sequence[Link], langs: Sequence[str], role_label: Callable[[str], str]
) -> list[Collaboration]:
    """The employers ``organisations`` (one page, in its order) with their relations to the partner ``d.focus``,
    from a description holding those relations (the release index keeps them); ``role_label`` names a role (its
    IRI) in the page's language."""
    found = _relations(d, langs, lambda role: Link(role.value, role_label(role.value)))
    return [Collaboration(org, found[org.iri][1] if org.iri in found else []) for org in organisations]


def _relations(
    d: Description, langs: Sequence[str], role_link: Callable[[ox.NamedNode], Link]
) -> dict[str, tuple[Link, list[PartnerRelation]]]:
    """The partner relations ``d`` holds, by employer (its IRI): the employer's link and its relations, by role."""
    focus = d.focus
    partner = link(d, focus, langs)
    by_org: dict[str, tuple[Link, list[PartnerRelation]]] = {}
    for node in sorted(d.subjects(m("partner"), focus), key=lambda n: n.value):
        org = d.value(node, m("organisation"))
        if not isinstance(org, ox.NamedNode):
            continue
        entry = by_org.setdefault(org.value, (link(d, org, langs), []))
        role = d.value(node, m("partnerRole"))
        entry[1].append(
            PartnerRelation(
                iri=node.value,
                partner=partner,
                role=role_link(role) if isinstance(role, ox.NamedNode) else None,
                date=format_date(d.value(node, m("date")), langs[0]),
                quote=d.text(node, m("quote"), langs),
                line=literal_int(d.value(node, m("sourceLine"))),
            )
        )
    for _, relations in by_org.values():
        relations.sort(key=lambda r: r.role.label if r.role else "")
    return by_org


def read_partner(d: Description, langs: Sequence[str]) -> Partner:
    """The page model of the partner body ``d.focus``."""
    focus = d.focus
    by_org = _relations(d, langs, lambda role: link(d, role, langs))
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
            (Collaboration(org, relations) for org, relations in by_org.values()),
            key=lambda c: c.organisation.label.casefold(),
        ),
    )
