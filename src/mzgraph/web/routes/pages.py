"""The home page and the browse list (HTML, JSON and CSV from the same result)."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mzgraph.entities import browse, dataset, schemaorg
from mzgraph.entities.labels import local_name
from mzgraph.store.base import Release
from mzgraph.web.caching import CORS, cache_headers, etag_for, is_not_modified, link_header, not_modified, per_release
from mzgraph.web.i18n import N_, translations
from mzgraph.web.negotiation import CSV, HTML, JSON, json_bytes, negotiate
from mzgraph.web.responses import error, languages, page
from mzgraph.web.state import services_of
from mzgraph.web.templating import Alternate
from mzgraph.web.urls import href
from mzgraph.web.views import browse as browse_view
from mzgraph.web.views.browse import BadRequest, BrowseResult, page_url, toggle_url

router = APIRouter(tags=["pages"])

HOME_LIST = 12
"""Organisations listed on the home page (the rest are one click away)."""


@dataclass(frozen=True)
class Chip:
    label: str
    url: str


@dataclass(frozen=True)
class FacetView:
    name: str
    label: str
    entries: list[dict[str, Any]]
    open: bool


FACET_LABELS = {
    "category": N_("Measure type"),
    "partner": N_("Partner"),
    "province": N_("Province"),
    "year": N_("Year recognised"),
    "ambassador": N_("Ambassador"),
}
"""The browse page's facets in their order, with their headings."""

AMBASSADOR_VALUES = {"yes": N_("Yes"), "no": N_("No")}
"""The values of the ambassador facet, shown as words."""


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


@router.get("/", summary="Home page", response_class=Response)
@per_release
async def home(request: Request) -> Response:
    """What the graph is, its counts, and where to go next."""
    services = services_of(request)
    release = await services.release()
    langs = languages(request)
    headers = cache_headers(etag_for(release.tag, "home", langs[0]), release.modified, vary="Accept-Language")
    if is_not_modified(request, headers["ETag"], release.modified):
        return not_modified(headers)
    everyone = browse.Filters()
    counts, items, group_rows, groups = await asyncio.gather(
        services.select(dataset.counts_query()),
        browse_view.list_items(services, everyone, browse.Page(size=HOME_LIST), langs),
        services.select(browse.group_counts_query(everyone)),
        services.groups(),
    )
    by_group = browse_view.group_counts(group_rows)
    gettext = translations(langs[0]).gettext
    base = str(request.base_url)
    context = {
        "title": gettext("Carer-friendly employers, as linked data"),
        "counts": dataset.read_counts(counts),
        "organisations": items,
        "groups": groups,
        "chart_rows": [(g.label(langs), by_group.get(g.iri, 0), g.key) for g in groups],
        "release": release.tag,
        "schema": schemaorg.dataset(
            "mzgraph",
            gettext("Recognised carer-friendly employers in the Netherlands as linked data."),
            base,
            [
                (base + "download/mzgraph.ttl", "text/turtle"),
                (base + "download/mzgraph.nq", "application/n-quads"),
                (base + "download/mzgraph.jsonld", "application/ld+json"),
            ],
            "https://creativecommons.org/publicdomain/zero/1.0/",
        ),
    }
    return page(request, "home.html", context, headers=headers)


@router.get("/organisations", summary="Browse the organisations (HTML)", response_class=Response)
@per_release
async def organisations(request: Request) -> Response:
    """Facets, text search, sorting and pages over the recognised employers (JSON or CSV by ``Accept`` too)."""
    chosen = negotiate(request.headers.get("accept"), (HTML, JSON, CSV))
    if chosen is None:
        return error(
            request,
            406,
            "not_acceptable",
            "The list is offered as HTML, JSON and CSV.",
            {"offered": [HTML.media_type, JSON.media_type, CSV.media_type]},
        )
    return await _browse(request, chosen.extension, negotiated=True)


@router.get("/organisations.json", summary="Browse the organisations (JSON)", response_class=Response)
@per_release
async def organisations_json(request: Request) -> Response:
    """The same list as JSON: items, total, facets, and the next page."""
    return await _browse(request, "json")


@router.get("/organisations.csv", summary="Browse the organisations (CSV)", response_class=Response)
@per_release
async def organisations_csv(request: Request) -> Response:
    """The same list as CSV, one employer per row."""
    return await _browse(request, "csv")


async def _browse(request: Request, form: str, *, negotiated: bool = False) -> Response:
    services = services_of(request)
    langs = languages(request)
    try:
        filters, page_spec = browse_view.parse(request.query_params, request.query_params.getlist)
    except BadRequest as err:
        return error(request, 400, "bad_parameter", f"Cannot browse with these parameters: {err}.")
    release = await services.release()
    etag = etag_for(release.tag, "organisations", form, langs[0], _digest(request.url.query))
    headers = cache_headers(etag, release.modified, vary="Accept, Accept-Language" if negotiated else "Accept-Language")
    headers["Link"] = link_header(_alternates(request, form), server=str(request.base_url))
    if form != "html":
        headers.update(CORS)
    if is_not_modified(request, etag, release.modified):
        return not_modified(headers)
    result = await browse_view.run(services, filters, page_spec, langs)
    if form == "json":
        return Response(json_bytes(list_json(request, result)), media_type=JSON.media_type, headers=headers)
    if form == "csv":
        headers["Content-Disposition"] = 'inline; filename="organisations.csv"'
        return Response(list_csv(result), media_type=CSV.content_type, headers=headers)
    return page(request, "browse.html", browse_context(request, result, langs, release), headers=headers)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _alternates(request: Request, current: str) -> list[Alternate]:
    query = f"?{request.url.query}" if request.url.query else ""
    forms = {
        "html": ("HTML", "text/html", "/organisations"),
        "json": ("JSON", JSON.media_type, "/organisations.json"),
        "csv": ("CSV", CSV.media_type, "/organisations.csv"),
    }
    return [Alternate(label, media, path + query) for form, (label, media, path) in forms.items() if form != current]


def browse_context(request: Request, result: BrowseResult, langs: tuple[str, ...], release: Release) -> dict[str, Any]:
    """The template context of the browse page."""
    gettext = translations(langs[0]).gettext

    def label(name: str, value: browse.FacetValue) -> str:
        return gettext(AMBASSADOR_VALUES[value.value]) if name == "ambassador" else value.label

    facets = []
    for name, heading in FACET_LABELS.items():
        values = [
            {
                "label": label(name, v),
                "count": v.count,
                "selected": v.selected,
                "url": toggle_url(request, name, v.value, single=name == "ambassador"),
            }
            for v in result.facets[name]
        ]
        opened = name != "category" or any(v["selected"] for v in values)
        facets.append(FacetView(name, gettext(heading), values, open=opened))
    chips = (
        [Chip(f'"{" ".join(result.filters.words)}"', toggle_url(request, "q", request.query_params.get("q", "")))]
        if result.filters.words
        else []
    )
    for name, heading in FACET_LABELS.items():
        for v in result.facets[name]:
            if v.selected:
                chips.append(Chip(f"{gettext(heading)}: {label(name, v)}", toggle_url(request, name, v.value)))
    last = max(1, -(-result.total // result.page.size))
    sort = ("-" if result.page.descending else "") + result.page.sort
    hidden = [(k, v) for k, v in request.query_params.multi_items() if k not in ("q", "sort", "page")]
    base = str(request.base_url).rstrip("/")
    base_iri = services_of(request).settings.base_iri
    return {
        "title": gettext("Organisations"),
        "nav": "organisations",
        "q": request.query_params.get("q", ""),
        "sort": sort,
        "sorts": browse_view.SORT_KEYS,
        "hidden": hidden,
        "facets": facets,
        "chips": chips,
        "total": result.total,
        "rows": result.items,
        "groups": result.groups,
        "pages": [PageLink(n, page_url(request, n), n == result.page.number) for n in range(1, last + 1)],
        "chart_rows": [(g.label(langs), result.group_counts.get(g.iri, 0), g.key) for g in result.groups],
        "alternates": _alternates(request, "html"),
        "release": release.tag,
        "schema": schemaorg.item_list(
            [(base + (href(item.link.iri, base_iri) or ""), item.link.label) for item in result.items]
        ),
    }


def list_json(request: Request, result: BrowseResult) -> dict[str, Any]:
    """The documented JSON of the list."""
    keys = {g.iri: g.key for g in result.groups}
    last = max(1, -(-result.total // result.page.size))
    return {
        "total": result.total,
        "page": result.page.number,
        "size": result.page.size,
        "sort": ("-" if result.page.descending else "") + result.page.sort,
        "next": page_url(request, result.page.number + 1) if result.page.number < last else None,
        "items": [
            {
                "id": item.link.iri,
                "name": item.link.label,
                "type": item.kind,
                "recognised": item.recognised_raw,
                "ambassadorSince": item.ambassador_raw,
                "measures": item.measures,
                "measuresByGroup": {keys.get(g, local_name(g)): n for g, n in item.groups.items()},
            }
            for item in result.items
        ],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
            for name, values in result.facets.items()
        },
        "measuresByGroup": {keys.get(g, local_name(g)): n for g, n in result.group_counts.items()},
    }


def list_csv(result: BrowseResult) -> bytes:
    """The list as CSV (cells that a spreadsheet would run as a formula are quoted with a leading ')."""
    out = io.StringIO()
    writer = csv.writer(out)
    keys = [g.key for g in result.groups]
    writer.writerow(["id", "name", "type", "recognised", "ambassador_since", "measures", *keys])
    for item in result.items:
        by_key = {g.key: item.groups.get(g.iri, 0) for g in result.groups}
        cells = [
            item.link.iri,
            item.link.label,
            item.kind,
            item.recognised_raw or "",
            item.ambassador_raw or "",
            item.measures,
            *(by_key[k] for k in keys),
        ]
        writer.writerow([_cell(c) for c in cells])
    return out.getvalue().encode()


def _cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
