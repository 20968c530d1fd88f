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
from urllib.parse import urlencode

import pyoxigraph as ox

from mzgraph.entities import concept as concepts
from mzgraph.entities import ontology, schemaorg
from mzgraph.entities.describe import Description
from mzgraph.entities.organisation import (
    PartnerRelation,
    read_organisation,
    read_passage,
    read_sources,
    source_rows,
    sources_query,
)
from mzgraph.entities.partner import employers_count_query, read_partner
from mzgraph.entities.resource import read_resource, term_label
from mzgraph.entities.values import Link, link, literal_int
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
from mzgraph.web.views.ontology import overview_context

View = tuple[str, dict[str, Any]]
_log = logging.getLogger("mzgraph.web.pages")
CONFORMANCE_WAIT = 8.0
"""Seconds an organisation page waits for the first validation of a release (started with the server) before
saying it is pending; every page waits while it is, so this bounds their latency until it is done."""

TERM_KINDS = (OWL_CLASS, OWL_OBJECT_PROPERTY, OWL_DATATYPE_PROPERTY, RDF_PROPERTY)


async def view_for(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    """Pick the view for the resource's types."""
    types = set(d.types(d.focus))
    if types & await services.employer_classes():
        return await organisation_view(services, d, langs, page_url)
    if m("PartnerBody") in types:
        return await partner_view(services, d, langs, page_url)
    if OWL_ONTOLOGY in types:
        return "ontology.html", await overview_context(services, d, langs, page_url)
    if SKOS_SCHEME in types:
        return await scheme_view(services, d, langs, page_url)
    if SKOS_CONCEPT in types:
        return await concept_view(services, d, langs, page_url)
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
    rows = await asyncio.to_thread(source_rows, services.store, d.focus)
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


async def partner_view(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    body = read_partner(d, langs)
    counted = await services.select(employers_count_query(d.focus))
    body.employers = literal_int(counted[0].get("n"), 0) if counted else len(body.collaborations)
    skip = (m("partner").value,)
    other = read_resource(d, langs, await services.term_labels(), skip=skip)
    website = safe_href(body.url)
    return "partner.html", {
        "partner": body,
        "browse_url": "/organisations?" + urlencode({"partner": body.iri}),
        "other": other,
        "website": website,
        "schema": schemaorg.partner(body, page_url, website),
    }


async def concept_view(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    used, total = await asyncio.gather(
        services.select(concepts.usage_query(d.focus)), services.select(concepts.usage_count_query(d.focus))
    )
    concept = concepts.read_concept(d, langs, concepts.read_usage(used, langs))
    concept.used_by_total = literal_int(total[0].get("n"), 0) if total else len(concept.used_by)
    other = read_resource(d, langs, await services.term_labels())
    is_measure_type = any("/measure-type" in s.iri for s in concept.schemes)
    crumbs = [Link(s.iri, s.label) for s in concept.schemes]
    return "concept.html", {
        "concept": concept,
        "other": other,
        "crumbs": crumbs,
        "browse_url": "/organisations?" + urlencode({"category": concept.iri}) if is_measure_type else None,
        "schema": schemaorg.concept(concept, page_url),
    }


async def scheme_view(services: PageServices, d: Description, langs: Sequence[str], page_url: str) -> View:
    resource = read_resource(d, langs, await services.term_labels())
    entries = concepts.read_scheme(await services.select(concepts.scheme_query(d.focus)), langs)
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
    row = (await services.select(ontology.usage_count_query(d.focus)) or [{}])[0]
    rules = (await services.shape_rules(langs)).get(d.focus.value, [])
    definition = d.text(d.focus, SKOS_DEFINITION, langs)
    return "term.html", {
        "term": term,
        "definition": definition,
        "instances": literal_int(row.get("instances"), 0),
        "triples": literal_int(row.get("triples"), 0),
        "rules": rules,
        "count": literal_int(row.get("instances"), 0),
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


def _as_term_labels(labels: dict[str, str]) -> dict[str, dict[str, str]]:
    return {iri: {"": label} for iri, label in labels.items()}


def _crumb(path: str, message: str, langs: Sequence[str]) -> Link:
    return Link(path, translations(langs[0]).gettext(message))
