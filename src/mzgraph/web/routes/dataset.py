"""Dataset-level resources: the dumps, the VoID/DCAT description and the published JSON-LD context.

The dumps and the description's figures are the release index's: dumps hold the published graph only (personal
data left out), written once per release and served from disk with validators and byte ranges.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from mzgraph import __version__
from mzgraph.entities import schemaorg, void
from mzgraph.entities.jsonld import CONTEXT_PATH, context_text, graph_document
from mzgraph.entities.labels import local_name
from mzgraph.entities.resource import term_label
from mzgraph.entities.values import Link
from mzgraph.web.caching import (
    CORS,
    cache_headers,
    etag_for,
    http_date,
    is_not_modified,
    link_header,
    not_modified,
    per_release,
)
from mzgraph.web.i18n import translations
from mzgraph.web.negotiation import DATA_FORMATS, HTML, JSONLD, by_extension, json_bytes, negotiate, serialise
from mzgraph.web.responses import error, languages, page
from mzgraph.web.services import PageServices
from mzgraph.web.state import services_of
from mzgraph.web.templating import Alternate

router = APIRouter(tags=["dataset"])

DUMP_NAMES = ("nq", "ttl", "jsonld")


@router.head("/download/mzgraph.{extension}", include_in_schema=False)
@router.get("/download/mzgraph.{extension}", summary="Dump of the published graph")
async def download(request: Request, extension: str) -> Response:
    """The whole published graph as N-Quads, Turtle or JSON-LD, each also gzipped (``.gz``); no personal data.

    Written once per release by the release index and served from its files, with ``Content-Length``, a strong
    ``ETag`` (from the file's SHA-256) and byte ranges (``Range``: 206, or 416 past the end).
    """
    name, _, packed = extension.partition(".")
    if name not in DUMP_NAMES or packed not in ("", "gz"):
        offered = [f"/download/mzgraph.{n}{gz}" for n in DUMP_NAMES for gz in ("", ".gz")]
        return error(
            request,
            404,
            "not_found",
            "Dumps exist as mzgraph.nq, .ttl and .jsonld, each also as .gz.",
            {"offered": offered},
        )
    services = services_of(request)
    release = await services.release()
    dump = (await services.index()).dump(name, gz=bool(packed))
    headers = {
        "ETag": dump.etag,
        "Last-Modified": http_date(release.modified),
        "Cache-Control": "public, max-age=60",
        "Content-Disposition": f'attachment; filename="mzgraph.{extension}"',
        **CORS,
    }
    if is_not_modified(request, dump.etag, release.modified):
        return not_modified(headers)
    media_type = "application/gzip" if dump.gzip else _with_charset(dump.media_type)
    return FileResponse(dump.path, media_type=media_type, headers=headers)


def _title(titles: dict[str, str]) -> str | None:
    return next((titles[lang] for lang in ("en", "nl", "") if lang in titles), next(iter(titles.values()), None))


def _with_charset(media_type: str) -> str:
    return media_type if media_type.endswith("json") else f"{media_type}; charset=utf-8"


@router.head("/.well-known/void", include_in_schema=False)
@router.get("/.well-known/void", summary="VoID and DCAT description")
@per_release
async def void_description(request: Request) -> Response:
    """The dataset: URI space, SPARQL endpoint, dumps, counts, licence, sources, release."""
    return await _void(request, None)


@router.head("/.well-known/void.{extension}", include_in_schema=False)
@router.get("/.well-known/void.{extension}", include_in_schema=False)
@per_release
async def void_by_extension(request: Request, extension: str) -> Response:
    rep = by_extension(extension, DATA_FORMATS)
    if rep is None:
        return error(request, 404, "not_found", "The description exists as .ttl, .jsonld, .nt, .rdf and .html.")
    return await _void(request, extension)


async def _void(request: Request, extension: str | None) -> Response:
    services = services_of(request)
    rep = by_extension(extension, DATA_FORMATS) if extension else negotiate(request.headers.get("accept"), DATA_FORMATS)
    if rep is None:
        return error(
            request,
            406,
            "not_acceptable",
            "Ask for Turtle, JSON-LD, N-Triples, RDF/XML or HTML.",
            {"offered": [r.media_type for r in DATA_FORMATS]},
        )
    release = await services.release()
    langs = languages(request)
    etag = etag_for(release.tag, "void", rep.extension, langs[0] if rep is HTML else "")
    alternates = [
        Alternate(r.label, r.media_type, f"/.well-known/void.{r.extension}") for r in DATA_FORMATS if r is not rep
    ]
    headers = {
        **cache_headers(etag, release.modified, vary="Accept, Accept-Language"),
        **CORS,
        "Link": link_header(alternates, server=str(request.base_url)),
    }
    if is_not_modified(request, etag, release.modified):
        return not_modified(headers)
    facts = await gather_facts(services)
    server = str(request.base_url)  # where the client reaches this server (scheme, host, prefix), ending in /
    if rep is HTML:
        gettext = translations(langs[0]).gettext
        term_labels = await services.term_labels()
        view = {
            "triples": facts.triples,
            "entities": facts.entities,
            "uri_space": facts.base,
            "sparql": server + "sparql",
            "licenses": facts.licenses,
            "release": facts.release,
            "modified": facts.modified.isoformat(),
            "sources": facts.sources,
            "dumps": [{"label": p.rsplit("/", 1)[-1], "path": server + p} for p, _ in void.DUMPS],
            "classes": [
                {"link": Link(c, term_label(c, langs, term_labels)), "count": n}
                for c, n in sorted(facts.classes.items())
            ],
        }
        schema = schemaorg.dataset(
            "mzgraph",
            gettext("Recognised carer-friendly employers in the Netherlands as linked data."),
            server,
            [(server + path, media) for path, media in void.DUMPS],
            facts.licenses[0] if facts.licenses else "",
        )
        context = {
            "void": view,
            "alternates": alternates,
            "title": gettext("Dataset description"),
            "nav": "data",
            "schema": schema,
        }
        return page(request, "void.html", context, headers=headers)
    triples = void.void_triples(facts, server, __version__)
    if rep is JSONLD:
        body = json_bytes(graph_document(triples, services.settings.canonical(CONTEXT_PATH)))
        return Response(body, media_type=rep.content_type, headers=headers)
    return Response(serialise(triples, rep), media_type=rep.content_type, headers=headers)


async def gather_facts(services: PageServices) -> void.DatasetFacts:
    """Counts, sources and licences for the description of the current release (its statistics)."""
    stats = (await services.index()).stats()
    return void.DatasetFacts(
        base=services.settings.base_iri,
        triples=stats.triples,
        entities=stats.entities,
        classes=stats.class_partitions,
        sources=sorted(
            (Link(s.iri, _title(s.titles) or local_name(s.iri)) for s in stats.sources),
            key=lambda link: (link.label.casefold(), link.iri),
        ),
        licenses=stats.licenses,
        release=stats.release,
        modified=stats.modified,
        examples=stats.examples,
    )


@router.head(f"/{CONTEXT_PATH}", include_in_schema=False)
@router.get(f"/{CONTEXT_PATH}", summary="The JSON-LD context, version 1")
async def json_ld_context(request: Request) -> Response:
    """The published ``@context`` partner sites compact and expand our JSON-LD with."""
    text = context_text()
    etag = '"' + hashlib.sha256(text.encode()).hexdigest()[:20] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400", **CORS}
    if request.headers.get("if-none-match", "").strip() in (etag, "*"):
        return Response(status_code=304, headers=headers)
    return Response(text.encode(), media_type="application/ld+json", headers=headers)
