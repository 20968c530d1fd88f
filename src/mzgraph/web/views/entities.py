"""The HTML view of each kind of resource: which template, with which page model and extras.

Each function takes the description graph (and the services for the few extra queries a page needs)
and returns the template name and its context. Routes stay thin: they negotiate, then call one of these.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from mzgraph.entities import concept as concepts
from mzgraph.entities import schemaorg
from mzgraph.entities.describe import Description
from mzgraph.entities.organisation import (
    PartnerRelation,
    read_organisation,
    read_passage,
    read_sources,
    source_rows,
    sources_query,
)
from mzgraph.entities.partner import read_collaborations, read_partner
from mzgraph.entities.resource import read_resource, term_label
from mzgraph.entities.values import Link, link
from mzgraph.entities.vocab import (
    OWL_CLASS,
    OWL_DATATYPE_PROPERTY,
    OWL_OBJECT_PROPERTY,
    OWL_ONTOLOGY,
    RDF_PROPERTY,
    SKOS_CONCEPT,
    SKOS_DEFINITION,
    SKOS_SCHEME,
    m,
)
from mzgraph.web.i18n import N_, translations
from mzgraph.web.services import ConformancePending, PageServices
from mzgraph.web.urls import safe_href
from mzgraph.web.views.browse import item_view
from mzgraph.web.views.ontology import overview_context
from mzgraph.web.views.paging import pager

View = tuple[str, dict[str, Any]]
_log = logging.getLogger("mzgraph.web.pages")
CONFORMANCE_WAIT = 8.0
"""Seconds an organisation page waits for the first validation of a release (started with the server) before
saying it is pending; every page waits while it is, so this bounds their latency until it is done."""

TERM_KINDS = (OWL_CLASS, OWL_OBJECT_PROPERTY, OWL_DATATYPE_PROPERTY, RDF_PROPERTY)


async def view_for(
    services: PageServices, d: Description, langs: Sequence[str], page_url: str, cursor: str | None = None
) -> View:
    """Pick the view for the resource's types (``cursor``: the page of a partner's or concept's employers)."""
    types = set(d.types(d.focus))
    if types & await services.employer_classes():
        return await organisation_view(services, d, langs, page_url)
    if m("PartnerBody") in types:
        return await partner_view(services, d, langs, page_url, cursor)
    if OWL_ONTOLOGY in types:
        return "ontology.html", await overview_context(services, d, langs, page_url)
    if SKOS_SCHEME in types:
        return await scheme_view(services, d, langs, page_url)
    if SKOS_CONCEPT in types:
        return await concept_view(services, d, langs, page_url, cursor)
    if types & set(TERM_KINDS):
        return await term_view(services, d, langs, page_url)
    return await resource_view(services, d, langs, page_url)


@dataclass(frozen=True)
class ConformanceView:
    state: str
    checked: int = 0
    results: tuple[dict[str, Any], ...] = ()


async def organisation_view(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    org = read_organisation(d, langs)
    term_labels = await services.term_labels()
    org.types = [Link(t.iri, term_label(t.iri, langs, term_labels)) for t in org.types]
    rows = source_rows(services.store, d.focus)  # a few bounded reads in process, or None at once (a remote store)
    org.sources = read_sources(rows if rows is not None else await services.select(sources_query(d.focus)), langs)
    groups = await services.groups()
    province = None
    if org.location is not None:
        province_node = d.value(ox.NamedNode(org.location.iri), m("province"))
        province = link(d, province_node, langs) if province_node is not None else None
    statement_groups: dict[str, tuple[Link, list[Any]]] = {}
    activity_iris = {p.iri for p in (org.ambassador.activities if org.ambassador else [])}
    for passage in org.statements:
        if passage.iri in activity_iris:
            continue
        kind = passage.kind or Link("", "–")
        statement_groups.setdefault(kind.iri, (kind, []))[1].append(passage)
    context = {
        "org": org,
        "groups": groups,
        "province": province,
        "chart_rows": [(g.label(langs), len(org.measures_in(g.iri)), g.key) for g in groups],
        "statement_groups": list(statement_groups.values()),
        "figure_values": {f.iri: f.value for f in org.figures},
        "partner_rows": partner_rows(org.relations),
        "conformance": await _conformance(services, org.parts, langs),
        "schema": schemaorg.organisation(
            org, page_url, await services.superclasses(), services.settings.canonical("id/scheme/approximation")
        ),
        "crumbs": [_crumb("/organisations", N_("Organisations"), langs)],
    }
    return "organisation.html", context


def partner_rows(relations: Sequence[PartnerRelation]) -> list[tuple[Link, list[PartnerRelation], list[Any]]]:
    """Relations grouped by partner, with each distinct quote once (several roles often cite one sentence)."""
    grouped: dict[str, tuple[Link, list[PartnerRelation]]] = {}
    for relation in relations:
        grouped.setdefault(relation.partner.iri, (relation.partner, []))[1].append(relation)
    rows = []
    for partner, found in grouped.values():
        quotes = list(dict.fromkeys((r.quote, r.line) for r in found if r.quote))
        rows.append((partner, found, quotes))
    return rows


async def _conformance(services: PageServices, parts: list[str], langs: Sequence[str]) -> ConformanceView:
    try:
        report = await services.conformance(wait=CONFORMANCE_WAIT)
    except ConformancePending:
        return ConformanceView("pending")
    except Exception:  # the page stays useful without its quality section; the cause goes to the log
        _log.exception("validating the data release failed")
        return ConformanceView("unavailable")
    if report is None:
        return ConformanceView("unavailable")
    found = report.about(parts)
    if not found:
        return ConformanceView("ok", checked=len(parts))
    term_labels = await services.term_labels()
    views = []
    for result in found:
        path = result.get("path")
        views.append(
            {
                "severity": result.get("severity", "Violation"),
                "focus_link": Link(result["focus"], result["focus"].rsplit("/id/", 1)[-1]),
                "path": ontology_label(path, term_labels, langs) if path else None,
                "value": result.get("value"),
                "message": result.get("message"),
                "fix": result.get("fix"),
                "where": None,
            }
        )
    return ConformanceView("results", checked=len(parts), results=tuple(views))


def ontology_label(path: str, term_labels: dict[str, dict[str, str]], langs: Sequence[str]) -> str:
    """A result path for people: the property's label if the path is one IRI, else the path as given."""
    iri = path.strip("<>")
    if iri in term_labels:
        return term_label(iri, langs, term_labels)
    return path


async def partner_view(
    services: PageServices, d: Description, langs: Sequence[str], page_url: str, cursor: str | None = None
) -> View:
    body = read_partner(d, langs)
    roles = body.roles  # from the relations the description holds (a partner's first ones by IRI)
    index = await services.index()
    members = await asyncio.to_thread(index.members, "partner", d.focus.value, cursor, MEMBERS_PAGE, langs)
    body.employers = members.total
    page = [Link(i.iri, i.name) for i in members.items]
    relations = Description(d.focus, index.partner_relations(d.focus.value, [org.iri for org in page]))
    body.collaborations = read_collaborations(relations, page, langs, lambda role: index.label(role, langs))
    skip = (m("partner").value,)
    other = read_resource(d, langs, await services.term_labels(), skip=skip)
    website = safe_href(body.url)
    return "partner.html", {
        "partner": body,
        "roles": roles,
        "browse_url": "/organisations?" + urlencode({"partner": body.iri}),
        "pager": pager(members, _path(page_url), ()),
        "other": other,
        "website": website,
        "schema": schemaorg.partner(body, page_url, website),
    }


async def concept_view(
    services: PageServices, d: Description, langs: Sequence[str], page_url: str, cursor: str | None = None
) -> View:
    index = await services.index()
    members = await asyncio.to_thread(index.members, "concept", d.focus.value, cursor, MEMBERS_PAGE, langs)
    term_labels = await services.term_labels()
    concept = concepts.read_concept(d, langs)
    concept.used_by_total = members.total
    other = read_resource(d, langs, term_labels, skip=USING)  # who uses it: the employer list instead
    is_measure_type = any("/measure-type" in s.iri for s in concept.schemes)
    crumbs = [Link(s.iri, s.label) for s in concept.schemes]
    return "concept.html", {
        "concept": concept,
        "employers": [item_view(item, langs, term_labels) for item in members.items],
        "other": other,
        "crumbs": crumbs,
        "pager": pager(members, _path(page_url), ()),
        "groups": await services.groups(),
        "browse_url": "/organisations?" + urlencode({"category": concept.iri}) if is_measure_type else None,
        "schema": schemaorg.concept(concept, page_url),
    }


async def scheme_view(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    resource = read_resource(d, langs, await services.term_labels())
    usage = (await services.index()).stats().concept_usage
    entries = concepts.read_scheme(await services.select(concepts.scheme_query(d.focus)), usage, langs)
    definition = d.text(d.focus, SKOS_DEFINITION, langs)
    return "scheme.html", {
        "resource": resource,
        "entries": entries,
        "definition": definition,
        "schema": schemaorg.term_set(d.focus.value, resource.label, definition, page_url),
    }


async def term_view(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    term_labels = await services.term_labels()
    term = read_resource(d, langs, term_labels)
    stats = (await services.index()).stats()
    instances = stats.class_usage.get(d.focus.value, 0)
    rules = (await services.shape_rules(langs)).get(d.focus.value, [])
    definition = d.text(d.focus, SKOS_DEFINITION, langs)
    return "term.html", {
        "term": term,
        "definition": definition,
        "instances": instances,
        "triples": stats.property_usage.get(d.focus.value, 0),
        "rules": rules,
        "count": instances,
        "is_class": OWL_CLASS in d.types(d.focus),
        "crumbs": [_crumb("/def/", N_("Ontology"), langs)],
        "schema": schemaorg.defined_term(d.focus.value, term.label, definition, None, page_url),
    }


async def resource_view(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    group_labels = {g.iri: g.label(langs) for g in await services.groups()}
    resource = read_resource(d, langs, {**await services.term_labels(), **_as_term_labels(group_labels)})
    types = set(d.types(d.focus))
    passage = owner = None
    if types & {m("Measure"), m("ProfileStatement")}:
        passage = read_passage(d, d.focus, langs)
        owners = d.subjects(m("measure"), d.focus) + d.subjects(m("statement"), d.focus)
        owner = link(d, owners[0], langs) if owners else None
    return "resource.html", {
        "resource": resource,
        "passage": passage,
        "owner": owner,
        "crumbs": [owner] if owner else [],
        "schema": schemaorg.thing(d.focus.value, resource.label, page_url),
    }


USING = tuple(
    m(name).value
    for name in ("category", "measureGroup", "partnerRole", "statementKind", "quantityKind", "approximation")
)
"""The properties by which measures, passages, figures and partner relations use a concept: a concept's page lists
the employers using it (paged) rather than every node pointing at it."""

MEMBERS_PAGE = 50
"""Employers listed per page on a concept's or a partner's page (the rest by the pager's links)."""


def _path(page_url: str) -> str:
    return urlsplit(page_url).path


def _as_term_labels(labels: dict[str, str]) -> dict[str, dict[str, str]]:
    return {iri: {"": label} for iri, label in labels.items()}


def _crumb(path: str, message: str, langs: Sequence[str]) -> Link:
    return Link(path, translations(langs[0]).gettext(message))
