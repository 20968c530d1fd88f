"""What crawlers read: ``/robots.txt`` and the sitemaps (``/sitemap.xml``, an index of ``/sitemap-N.xml``).

The sitemaps list every entity page of the release, from the release index (built once per release, at most
50,000 pages per file, the protocol's limit), plus the site's own pages (``/sitemap-pages.xml``), each with the
release's date as ``lastmod``. Every URL is absolute and built from the request, so it names the address the
crawler used, behind a proxy too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from mzgraph.entities.labels import SUPPORTED
from mzgraph.release import BadRequest, ReleaseIndex
from mzgraph.web.caching import cache_headers, etag_for, is_not_modified, not_modified
from mzgraph.web.responses import error
from mzgraph.web.state import services_of
from mzgraph.web.urls import site_url, to_path

router = APIRouter(include_in_schema=False)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML = "application/xml"
SITE_PAGES = ("", "organisations", "def/", ".well-known/void")
"""The site's own pages (the entity pages are listed from the release index; ``/def/`` links every term)."""
OPEN = ("/id/", "/def/", "/download/")
"""Entity pages, the vocabulary and the dumps."""
DISALLOWED = ("/*?", *(f"{path}*?" for path in OPEN), "/sparql", "/query", "/queries", "/validate", "/docs")
"""Paths crawlers are asked to leave: every query string (facets, sorts, cursors, searches make an endless
space of views of the same pages; the longest matching rule wins, so the open folders repeat it) and the query
services, which are for people and programs, not indexes."""


def robots_text(sitemap: str, languages: Sequence[str]) -> str:
    """The ``robots.txt`` naming ``sitemap`` (an absolute URL); a page in one of ``languages`` may be crawled."""
    lines = ["User-agent: *", *(f"Allow: {path}" for path in OPEN)]
    # ``$`` ends a rule and the longer rule wins, so a page's own language versions stay open
    lines += [f"Allow: /*?lang={code}$" for code in languages]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    return "\n".join([*lines, "", f"Sitemap: {sitemap}", ""])


def sitemap_index(sitemaps: Iterable[tuple[str, datetime]]) -> str:
    """A sitemap index listing each (absolute URL, last modified) sitemap."""
    entries = "".join(
        f"<sitemap><loc>{escape(url)}</loc><lastmod>{w3c_datetime(modified)}</lastmod></sitemap>\n"
        for url, modified in sitemaps
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}</sitemapindex>\n'


def url_set(urls: Iterable[str], modified: datetime) -> str:
    """A sitemap listing each absolute URL, all last modified at ``modified``."""
    lastmod = w3c_datetime(modified)
    entries = "".join(f"<url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>\n" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'


def w3c_datetime(moment: datetime) -> str:
    """``moment`` in the W3C date-time form the sitemaps protocol asks for (UTC, to the second)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
