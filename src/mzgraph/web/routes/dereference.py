"""Dereferencing: every IRI under the canonical base answers at the same path here, in five formats.

``{base}id/...`` and ``{base}def/...`` are served at ``/id/...`` and ``/def/...``; the format comes from
the extension (``.html .jsonld .ttl .nt .rdf``) or, without one, from ``Accept`` (q-values honoured).
The ontology itself (``{base}def/``) is the overview page, and its data is the whole vocabulary.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from mzgraph.config import DEFAULT_BASE_IRI
from mzgraph.entities.describe import Description
from mzgraph.entities.jsonld import CONTEXT_PATH, graph_document
from mzgraph.entities.ontology import vocabulary_query
from mzgraph.web.caching import CORS, cache_headers, etag_for, is_not_modified, link_header, not_modified, per_release
from mzgraph.web.negotiation import ENTITY_FORMATS, HTML, JSONLD, Representation, by_extension, json_bytes, negotiate
from mzgraph.web.negotiation import serialise as serialise_rdf
from mzgraph.web.responses import error, languages, page
from mzgraph.web.routing import DirectRoute
from mzgraph.web.services import PageServices
from mzgraph.web.state import services_of
from mzgraph.web.templating import Alternate
from mzgraph.web.urls import absolute
from mzgraph.web.views.entities import view_for
from mzgraph.web.views.ontology import overview_context
from mzgraph.web.views.paging import CURSOR

router = APIRouter(tags=["linked data"], route_class=DirectRoute)

ONTOLOGY_INDEX = "index"
"""``/def/index.ttl`` and friends: the vocabulary document by extension (``/def/`` itself has no name)."""


@router.head("/id/{path:path}", include_in_schema=False)
@router.get("/id/{path:path}", summary="Dereference an entity IRI")
@per_release
async def entity(request: Request, path: str) -> Response:
    """An entity in HTML, JSON-LD, Turtle, N-Triples or RDF/XML."""
    return await dereference(request, "id/" + path)


@router.head("/def/{path:path}", include_in_schema=False)
@router.get("/def/{path:path}", summary="Dereference a vocabulary term")
@per_release
async def vocabulary_term(request: Request, path: str) -> Response:
    """A class or property of the vocabulary, or (at ``/def/``) the ontology."""
    return await dereference(request, "def/" + path)


async def dereference(request: Request, local: str) -> Response:
    """Find the resource at ``local`` (a path below the base), pick the representation, answer."""
    services = services_of(request)
    local, rep = split_extension(local)
    if local == "def/" + ONTOLOGY_INDEX:
        local = "def/"
    try:
        # entities live under the configured base; the vocabulary keeps its published IRIs
        root = DEFAULT_BASE_IRI if local.startswith("def/") else services.settings.base_iri
        iri = ox.NamedNode(root + local)
    except ValueError:
        return _not_found(request, "/" + local)
    description = await services.describe(iri)
    if not description.found:
        return _not_found(request, "/" + local)
    negotiated = rep is None
    rep = rep or negotiate(request.headers.get("accept"))
    if rep is None:
        offered = [r.media_type for r in ENTITY_FORMATS]
        return error(
            request,
            406,
            "not_acceptable",
            "None of the accepted media types is offered here; ask for one of the offered types or add an extension.",
            {"offered": offered},
        )
    release = await services.release()
    langs = languages(request)
    page_of = request.query_params.get(CURSOR, "") if rep is HTML else ""
    etag = etag_for(release.tag, local, rep.extension, langs[0] if rep is HTML else "", _digest(page_of))
    headers = cache_headers(etag, release.modified, vary="Accept, Accept-Language" if negotiated else "Accept-Language")
    canonical = [f'<{iri.value}>; rel="canonical"']
    headers["Link"] = link_header(alternates_for(local, rep), canonical, server=str(request.base_url))
    if negotiated:
        headers["Content-Location"] = absolute(_path_of(local, rep), str(request.base_url))
    if rep is not HTML:
        headers.update(CORS)
    if is_not_modified(request, etag, release.modified):
        return not_modified(headers)
    if rep is HTML:
        return await html_page(request, description, local, langs, headers)
    return _data(await rdf_body(services, description, local, rep), rep, headers)


async def html_page(
    request: Request, description: Description, local: str, langs: tuple[str, ...], headers: dict[str, str]
) -> Response:
    """The page of the resource: the view of its kind, or the ontology overview for ``/def/``."""
    services = services_of(request)
    context: dict[str, object] = {
        "alternates": alternates_for(local, HTML),
        "canonical": description.focus.value,
        "release": (await services.release()).tag,
    }
    page_url = str(request.url.replace(query=""))
    if local == "def/":
        template, extra = "ontology.html", await overview_context(services, description, langs, page_url)
    else:
        cursor = request.query_params.get(CURSOR) or None  # the page of a long list of employers
        template, extra = await view_for(services, description, langs, page_url, cursor)
    context.update(extra)
    context.setdefault("title", description.label(description.focus, langs))
    return page(request, template, context, headers=headers)


async def rdf_body(services: PageServices, description: Description, local: str, rep: Representation) -> bytes:
    """The resource in an RDF syntax; at ``/def/`` the whole vocabulary (a flat ``@graph`` in JSON-LD)."""
    context_url = services.settings.canonical(CONTEXT_PATH)
    if local == "def/":
        vocabulary = await services.construct(vocabulary_query(description.focus.value))
        if rep is JSONLD:

            async def vocabulary_document() -> bytes:
                return json_bytes(await asyncio.to_thread(graph_document, vocabulary, context_url))

            return await services.cached("vocabulary.jsonld", vocabulary_document)
        return serialise_rdf(vocabulary, rep)
    if rep is JSONLD:  # compact JSON: the indented form costs the pure-Python encoder (several times slower)
        document = await services.entity_jsonld(description, context_url)
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return serialise_rdf(description.triples, rep)


def split_extension(local: str) -> tuple[str, Representation | None]:
    """``id/x.ttl`` -> (``id/x``, Turtle); a path without a known extension is returned as it is."""
    stem, dot, extension = local.rpartition(".")
    if dot and "/" not in extension:
        rep = by_extension(extension)
        if rep is not None and stem:
            return stem, rep
    return local, None


def alternates_for(local: str, current: Representation) -> list[Alternate]:
    """The other representations of the resource at ``local``, by extension."""
    return [Alternate(r.label, r.media_type, _path_of(local, r)) for r in ENTITY_FORMATS if r is not current]


def _path_of(local: str, rep: Representation) -> str:
    stem = local + ONTOLOGY_INDEX if local.endswith("/") else local
    return f"/{stem}.{rep.extension}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16] if text else ""


def _data(body: bytes, rep: Representation, headers: dict[str, str]) -> Response:
    return Response(body, media_type=rep.content_type, headers=headers)


def _not_found(request: Request, path: str) -> Response:
    return error(
        request,
        404,
        "not_found",
        "No resource with this IRI is in the graph. Check the spelling, or browse the organisations.",
        {"path": path},
    )
