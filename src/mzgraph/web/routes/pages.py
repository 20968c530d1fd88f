"""The home page and the browse list (HTML, JSON and CSV from the same result; every row with ``_stream``).

Both read the release index only: counts and the first employers for the home page; a page of the list, its
facet counts and its neighbours' cursors for the browse list.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from mzgraph.entities import schemaorg
from mzgraph.release import BadRequest as IndexBadRequest
from mzgraph.release import FacetValue
from mzgraph.store.base import Release
from mzgraph.web.caching import CORS, cache_headers, etag_for, is_not_modified, link_header, not_modified, per_release
from mzgraph.web.i18n import N_, translations
from mzgraph.web.negotiation import CSV, HTML, JSON, json_bytes, negotiate
from mzgraph.web.responses import error, languages, page
from mzgraph.web.state import services_of
from mzgraph.web.templating import Alternate
from mzgraph.web.urls import href
from mzgraph.web.views import browse as browse_view
from mzgraph.web.views.browse import BadRequest, BrowseResult, toggle_url
from mzgraph.web.views.browse_data import STREAM, list_csv, list_json, stream_csv, stream_json
from mzgraph.web.views.paging import link_values

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
    more: int = 0
    """Values with a count that are not shown (a facet shows the top ones)."""


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


@router.get("/", summary="Home page", response_class=Response)
@per_release
async def home(request: Request) -> Response:
    """What the graph is, its counts, and where to go next (all from the release index)."""
    services = services_of(request)
    release = await services.release()
    langs = languages(request)
    headers = cache_headers(etag_for(release.tag, "home", langs[0]), release.modified, vary="Accept-Language")
    if is_not_modified(request, headers["ETag"], release.modified):
        return not_modified(headers)
    index = await services.index()
    stats = index.stats()
    first = await asyncio.to_thread(index.browse, size=HOME_LIST, langs=langs)
    groups, term_labels = await asyncio.gather(services.groups(), services.term_labels())
    gettext = translations(langs[0]).gettext
    base = str(request.base_url)
    context = {
        "title": gettext("Carer-friendly employers, as linked data"),
        "counts": {
            "organisations": stats.organisations,
            "ambassadors": stats.ambassadors,
            "measures": stats.measures,
            "partners": stats.partners,
            "events": stats.events,
        },
        "organisations": [browse_view.item_view(item, langs, term_labels) for item in first.items],
        "groups": groups,
        "chart_rows": [(g.label(langs), stats.measures_per_group.get(g.iri, 0), g.key) for g in groups],
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
        query = browse_view.parse(request.query_params, request.query_params.getlist)
    except (BadRequest, IndexBadRequest) as err:
        message = err.message if isinstance(err, IndexBadRequest) else str(err)
        return error(request, 400, "bad_parameter", f"Cannot browse with these parameters: {message}.")
    streamed = request.query_params.get(STREAM) not in (None, "", "0")
    if streamed and form == "html":
        return error(request, 400, "bad_parameter", "_stream is for the CSV and JSON forms of the list.")
    release = await services.release()
    etag = etag_for(release.tag, "organisations", form, langs[0], _digest(request.url.query))
    headers = cache_headers(etag, release.modified, vary="Accept, Accept-Language" if negotiated else "Accept-Language")
    if form != "html":
        headers.update(CORS)
    if is_not_modified(request, etag, release.modified):
        headers["Link"] = link_header(_alternates(request, form), server=str(request.base_url))
        return not_modified(headers)
    if streamed:
        return await _stream(request, form, query, langs, headers)
    result = await browse_view.run(services, request, query, langs)
    origin = f"{request.url.scheme}://{request.url.netloc}"  # the pager's paths already hold any path prefix
    headers["Link"] = link_header(
        _alternates(request, form), link_values(result.pager, origin), server=str(request.base_url)
    )
    if form == "json":
        return Response(json_bytes(list_json(result)), media_type=JSON.media_type, headers=headers)
    if form == "csv":
        headers["Content-Disposition"] = 'inline; filename="organisations.csv"'
        return Response(list_csv(result), media_type=CSV.content_type, headers=headers)
    return page(request, "browse.html", browse_context(request, result, langs, release), headers=headers)


async def _stream(
    request: Request, form: str, query: browse_view.Query, langs: tuple[str, ...], headers: dict[str, str]
) -> Response:
    """Every employer of the list, written as it is read from the index."""
    services = services_of(request)
    index = await services.index()
    total = (await asyncio.to_thread(index.facets, query.filters, query.search, langs, 0)).total
    groups, term_labels = await asyncio.gather(services.groups(), services.term_labels())
    kinds = {iri: browse_view.kind_label(iri, langs, term_labels) for iri in term_labels}
    rows = browse_view.export_rows(index, query, langs)
    headers["Link"] = link_header(_alternates(request, form), server=str(request.base_url))
    if form == "csv":
        headers["Content-Disposition"] = 'attachment; filename="organisations.csv"'
        return StreamingResponse(stream_csv(rows, groups, kinds), media_type=CSV.content_type, headers=headers)
    body = stream_json(rows, total, str(query.sort), groups, kinds)
    return StreamingResponse(body, media_type=JSON.media_type, headers=headers)


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

    def label(name: str, value: FacetValue) -> str:
        return gettext(AMBASSADOR_VALUES[value.value]) if name == "ambassador" else value.label

    facets = []
    for name, heading in FACET_LABELS.items():
        facet = result.facets.facets[name]
        values = [
            {
                "label": label(name, v),
                "count": v.count,
                "selected": v.selected,
                "url": toggle_url(request, name, v.value, single=name == "ambassador"),
            }
            for v in facet.values
        ]
        opened = name != "category" or any(v["selected"] for v in values)
        more = max(0, facet.total_values - sum(1 for v in facet.values if v.count))
        facets.append(FacetView(name, gettext(heading), values, open=opened, more=more))
    search = result.query.search
    chips = [Chip(f'"{search.strip()}"', toggle_url(request, "q", search))] if search.strip() else []
    for name, heading in FACET_LABELS.items():
        for v in result.facets.facets[name].values:
            if v.selected:
                chips.append(Chip(f"{gettext(heading)}: {label(name, v)}", toggle_url(request, name, v.value)))
    hidden = [(k, v) for k, v in request.query_params.multi_items() if k not in ("q", "sort", "page", "cursor")]
    base = str(request.base_url).rstrip("/")
    base_iri = services_of(request).settings.base_iri
    searching = bool(search.split())
    return {
        "title": gettext("Organisations"),
        "nav": "organisations",
        "q": search,
        "sort": str(result.page.sort),
        "sorts": (browse_view.SEARCH_SORT, *browse_view.SORT_KEYS) if searching else browse_view.SORT_KEYS,
        "hidden": hidden,
        "facets": facets,
        "chips": chips,
        "total": result.pager.total,
        "rows": result.items,
        "groups": result.groups,
        "pager": result.pager,
        "chart_rows": [(g.label(langs), result.facets.group_measures.get(g.iri, 0), g.key) for g in result.groups],
        "alternates": _alternates(request, "html"),
        "exports": [
            Alternate(label, media, path + "?" + urlencode([*_list_params(request), (STREAM, "1")]))
            for label, media, path in (
                ("CSV", CSV.media_type, "/organisations.csv"),
                ("JSON", JSON.media_type, "/organisations.json"),
            )
        ],
        "release": release.tag,
        "schema": schemaorg.item_list(
            [(base + (href(item.link.iri, base_iri) or ""), item.link.label) for item in result.items]
        ),
    }


def _list_params(request: Request) -> list[tuple[str, str]]:
    """The parameters that choose the list (not its page)."""
    return [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "cursor", "size", STREAM)]
