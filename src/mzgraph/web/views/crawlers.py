"""What crawlers read, as text: the ``robots.txt`` rules and the sitemaps' XML (the sitemaps protocol 0.9)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
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
