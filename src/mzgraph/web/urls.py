"""Between canonical IRIs and this server's paths, which links from data are safe to render, and the absolute URLs
of this server's pages as the client reached it (so they are right behind a proxy).

Absolute URLs of this server are made from ``request.base_url``, which holds the scheme and host the client used
(behind a trusted proxy, the forwarded ones) and the root path: :func:`site_url` and :func:`absolute` for a server
path, ``href(iri, base, root)`` for a link on a page. Nothing else builds them, so every address the service writes
is the client's.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode, urlsplit

from starlette.requests import Request

SAFE_SCHEMES = ("http", "https", "mailto")


def to_path(iri: str, base: str) -> str | None:
    """The server path of a canonical IRI (``{base}id/x`` -> ``/id/x``), or None for an IRI elsewhere."""
    if iri.startswith(base):
        return "/" + quote(iri[len(base) :], safe="/:@!$&'()*+,;=-._~%")
    return None


def safe_href(url: str | None) -> str | None:
    """``url`` if a browser may follow it from data (http, https or mailto), else None (no ``javascript:``)."""
    if not url:
        return None
    cleaned = url.strip()
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    if scheme not in SAFE_SCHEMES or any(ch in cleaned for ch in "\x00\t\n\r"):
        return None
    return cleaned


def href(iri: str | None, base: str, root: str = "") -> str | None:
    """Where a link to ``iri`` goes: its page on this server, else the IRI itself if it is safe.

    A server path (``/organisations``) is kept as it is. ``root`` is the path prefix a reverse proxy publishes
    the server under (``/kg``); it goes in front of every server path.
    """
    if not iri:
        return None
    if iri.startswith("/") and not iri.startswith("//"):
        return root + iri
    path = to_path(iri, base)
    return root + path if path else safe_href(iri)


def absolute(url: str, server: str) -> str:
    """``url`` as an absolute URL: a server path (``/x``) is put after ``server`` (the client's scheme, host and
    path prefix, as ``request.base_url`` gives it); anything else is kept."""
    if url.startswith("/") and not url.startswith("//"):
        return server.rstrip("/") + url
    return url


def site_url(request: Request, path: str) -> str:
    """The absolute URL of this server's ``path`` as the client reached the server (scheme, host, root path)."""
    return str(request.base_url) + path.lstrip("/")


def canonical_url(request: Request, languages: Sequence[str]) -> str:
    """The URL of the page ``request`` shows, less the parameters that only narrow, order or page it.

    Facets, sort, cursors, page numbers and searches make an endless space of views of the same pages; each
    page's canonical URL is its path alone. ``?lang=`` is kept when it names one of ``languages``: each
    language of a page is a page of its own (and linked as such with ``hreflang``).
    """
    lang = request.query_params.get("lang")
    query = urlencode({"lang": lang}) if lang in languages else ""
    return str(request.url.replace(query=query, fragment=""))


def language_urls(request: Request, languages: Sequence[str]) -> dict[str, str]:
    """The page's URL in each of ``languages`` (``?lang=`` alone), and ``x-default`` without it."""
    plain = str(request.url.replace(query="", fragment=""))
    return {**{code: f"{plain}?{urlencode({'lang': code})}" for code in languages}, "x-default": plain}
