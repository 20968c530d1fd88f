"""Dataset-level resources: the dumps, the VoID/DCAT description and the published JSON-LD context.

Dumps hold the published graph only (personal data left out) and are written once per data release
to a temporary file, then streamed from disk with validators.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from mzgraph import __version__
from mzgraph.entities import dataset, schemaorg, void
from mzgraph.entities.jsonld import CONTEXT_PATH, context_text, graph_document
from mzgraph.entities.resource import term_label
from mzgraph.entities.values import Link
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.errors import TooManyRows
from mzgraph.web.caching import CORS, cache_headers, etag_for, is_not_modified, link_header, not_modified, per_release
from mzgraph.web.i18n import translations
from mzgraph.web.negotiation import DATA_FORMATS, HTML, JSONLD, by_extension, json_bytes, negotiate, serialise
from mzgraph.web.responses import error, languages, page
from mzgraph.web.services import PageServices
from mzgraph.web.state import services_of
from mzgraph.web.templating import Alternate

router = APIRouter(tags=["dataset"])

DUMP_FORMATS = {
    "ttl": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    "nq": ("application/n-quads; charset=utf-8", ox.RdfFormat.N_QUADS),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}


@router.head("/download/mzgraph.{extension}", include_in_schema=False)
@router.get("/download/mzgraph.{extension}", summary="Dump of the published graph")
async def download(request: Request, extension: str) -> Response:
    """The whole published graph as Turtle, N-Quads or JSON-LD (expanded); no personal data."""
    if extension not in DUMP_FORMATS:
        return error(
            request,
            404,
            "not_found",
            "Dumps exist as mzgraph.ttl, mzgraph.nq and mzgraph.jsonld.",
            {"offered": [f"/download/mzgraph.{ext}" for ext in DUMP_FORMATS]},
        )
    services = services_of(request)
    release = await services.release()
    headers = {
        **cache_headers(etag_for(release.tag, "dump", extension), release.modified, vary="Accept-Encoding"),
        **CORS,
    }
    if is_not_modified(request, headers["ETag"], release.modified):
        return not_modified(headers)
    limit = services.settings.max_dump_triples
    if release.triples is not None and release.triples > limit:
        return _too_large(request, limit)
    path = await services.cached(f"dump:{extension}", lambda: write_dump(services, extension, release.tag))
    if path is None:  # found too large once per release, so not read again on every request
        return _too_large(request, limit)
    media_type = DUMP_FORMATS[extension][0]
    headers["Content-Disposition"] = f'inline; filename="mzgraph.{extension}"'
    return FileResponse(path, media_type=media_type, headers=headers)


def _too_large(request: Request, limit: int) -> Response:
    return error(
        request,
        403,
        "dump_too_large",
        f"This graph has more than {limit:,} triples, the most offered as a "
        "dump here (the server would have to hold it whole). Query /sparql with LIMIT and OFFSET, or ask the "
        "maintainers for the source files.",
        {"max_dump_triples": limit},
    )


async def write_dump(services: PageServices, extension: str, tag: str) -> Path | None:
    """Write the published graph in one format to a file of its own (named after the release).

    At most ``max_dump_triples`` are read (more: None, too big), so a store of unknown size (a remote one) is never
    pulled into memory whole.
    """
    fmt = DUMP_FORMATS[extension][1]
    cap = services.settings.max_dump_triples
    try:
        if fmt == ox.RdfFormat.N_QUADS:
            rows = await services.select(dataset.published_quads_query(), max_rows=cap)
            quads = dict.fromkeys(
                ox.Quad(r["s"], r["p"], r["o"], r["g"] if "g" in r else ox.DefaultGraph())  # type: ignore[arg-type]
                for r in rows
            )
            data: list[ox.Quad] | list[ox.Triple] = list(quads)
        else:
            data = await services.construct(dataset.published_triples_query(), max_rows=cap)
    except TooManyRows:
        return None
    folder = services.scratch_dir()
    digest = hashlib.sha256(tag.encode()).hexdigest()[:16]
    target = folder / f"mzgraph-{digest}.{extension}"
    prefixes = dict(PREFIXES) if fmt == ox.RdfFormat.TURTLE else None
    await asyncio.to_thread(ox.serialize, data, str(target), fmt, prefixes=prefixes)
    return target


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
    facts = await services.cached("void", lambda: gather_facts(services))
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
    """Counts, sources and licences for the description of the current release."""
    base = services.settings.base_iri
    release = await services.release()
    counts, sources, examples = await asyncio.gather(
        services.select(dataset.void_counts_query(base + "id/")),
        services.select(dataset.sources_query()),
        services.select(dataset.example_query()),
    )
    triples, entities, classes = void.read_void_counts(counts)
    return void.DatasetFacts(
        base=base,
        triples=triples,
        entities=entities,
        classes=classes,
        sources=dataset.source_links(sources, ("en", "nl")),
        licenses=void.licenses_of(sources),
        release=release.tag,
        modified=release.modified,
        examples=[row["org"].value for row in examples if "org" in row],
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
