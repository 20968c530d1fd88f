"""What crawlers read: ``/robots.txt`` and the sitemaps (``/sitemap.xml``, an index of ``/sitemap-N.xml``); their
text is made by :mod:`mzgraph.web.views.crawlers`.

The sitemaps list every entity page of the release, from the release index (built once per release, at most
50,000 pages per file, the protocol's limit), plus the site's own pages (``/sitemap-pages.xml``), each with the
release's date as ``lastmod``. Every URL is absolute and built from the request, so it names the address the
crawler used, behind a proxy too.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from mzgraph.entities.labels import SUPPORTED
from mzgraph.release import BadRequest, ReleaseIndex
from mzgraph.web.caching import cache_headers, etag_for, is_not_modified, not_modified
from mzgraph.web.responses import error
from mzgraph.web.state import services_of
from mzgraph.web.urls import site_url, to_path
from mzgraph.web.views.crawlers import SITE_PAGES, robots_text, sitemap_index, url_set

router = APIRouter(include_in_schema=False)

XML = "application/xml"


@router.api_route("/robots.txt", methods=["GET", "HEAD"])
async def robots(request: Request) -> Response:
    """Entity pages, the vocabulary and the dumps are open; query strings and the query services are not."""
    return PlainTextResponse(
        robots_text(site_url(request, "sitemap.xml"), SUPPORTED), headers={"Cache-Control": "public, max-age=3600"}
    )


@router.api_route("/sitemap.xml", methods=["GET", "HEAD"])
async def sitemap(request: Request) -> Response:
    """The sitemap index: the site's pages, then the entity pages in files of at most 50,000."""
    release = await services_of(request).release()
    index = _index(request)
    modified = _modified(index, release.modified)
    headers = cache_headers(etag_for(release.tag, "sitemap", _host(request)), modified, vary="Accept")
    if is_not_modified(request, headers["ETag"], modified):
        return not_modified(headers)
    chunks = index.sitemap_chunks() if index is not None else []
    sitemaps = [(site_url(request, "sitemap-pages.xml"), modified)]
    sitemaps += [(site_url(request, f"sitemap-{chunk.number + 1}.xml"), chunk.modified) for chunk in chunks]
    return Response(sitemap_index(sitemaps), media_type=XML, headers=headers)


@router.api_route("/sitemap-pages.xml", methods=["GET", "HEAD"])
async def sitemap_pages(request: Request) -> Response:
    """The site's own pages: home, the list of organisations, the schemes, the vocabulary, the dataset."""
    release = await services_of(request).release()
    modified = _modified(_index(request), release.modified)
    headers = cache_headers(etag_for(release.tag, "sitemap-pages", _host(request)), modified, vary="Accept")
    if is_not_modified(request, headers["ETag"], modified):
        return not_modified(headers)
    pages = [site_url(request, path) for path in SITE_PAGES]
    return Response(url_set(pages, modified), media_type=XML, headers=headers)


@router.api_route("/sitemap-{number:int}.xml", methods=["GET", "HEAD"])
async def sitemap_chunk(request: Request, number: int) -> Response:
    """Entity pages ``50,000 × (number - 1) + 1`` to ``50,000 × number`` of the release, in IRI order."""
    release = await services_of(request).release()
    index = _index(request)
    chunks = index.sitemap_chunks() if index is not None else []
    if index is None or not 1 <= number <= len(chunks):
        message = f"There is no sitemap {number}; /sitemap.xml lists the {len(chunks)} there are."
        return error(request, 404, "not_found", message, {"sitemaps": len(chunks)})
    modified = chunks[number - 1].modified
    headers = cache_headers(etag_for(release.tag, f"sitemap-{number}", _host(request)), modified, "Accept")
    if is_not_modified(request, headers["ETag"], modified):
        return not_modified(headers)
    try:
        iris = index.sitemap(number - 1)
    except BadRequest as err:  # the index changed under us: the same answer as a number past the last
        return error(request, 404, "not_found", str(err))
    urls = (site_url(request, path) for path in (to_path(iri, index.base) for iri in iris) if path is not None)
    return Response(url_set(urls, modified), media_type=XML, headers=headers)


def _index(request: Request) -> ReleaseIndex | None:
    """The release index the app serves (None for a remote store served without one)."""
    index: ReleaseIndex | None = request.app.state.release_index.index
    return index


def _modified(index: ReleaseIndex | None, loaded: datetime) -> datetime:
    """When the release was made: the index keeps the date of its first load; without one, this load's."""
    return index.modified if index is not None else loaded


def _host(request: Request) -> str:
    # the URLs inside depend on the address the client used, so the validator does too
    return hashlib.sha256(str(request.base_url).encode()).hexdigest()[:12]
