"""HTTP caching for the page routers: validators and 304s, CORS, ``Vary`` and ``Link`` headers, and answers
kept per data release.

The data cannot change within a release, so neither can a page: a route decorated with :func:`per_release`
is answered from memory when the same request (path, query, and the headers that choose the representation
and the language) was answered before in the same release. Conditional requests go to the route, which
answers them with a cheap 304.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import ParamSpec

from fastapi import Request
from fastapi.responses import Response

from mzgraph.web.responses import LANG_COOKIE
from mzgraph.web.state import services_of
from mzgraph.web.templating import Alternate
from mzgraph.web.urls import absolute

TRUNCATED_HEADER = "MZGraph-Truncated"
"""Set on a /sparql answer the row cap cut, to the cap."""

EXPOSED_HEADERS = ("ETag", "Last-Modified", "Link", "Vary", "Retry-After", "X-Request-ID", TRUNCATED_HEADER)
"""The response headers a script on another site may read: validators, links, back-off, the request id to quote,
the row cap's marker. The CORS middleware exposes the same list."""

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": ", ".join(EXPOSED_HEADERS)}
"""Any origin may read the data formats; no credentials are involved. Sent on data answers whether or not the
request names an Origin (the middleware adds it only when it does), so a shared cache keeps one answer for all."""


def etag_for(release_tag: str, *variant: str) -> str:
    """A strong ETag for one representation of one resource in one data release."""
    safe = "-".join(part.replace('"', "") for part in (release_tag, *variant) if part)
    return f'"{safe}"'


def http_date(moment: datetime) -> str:
    """An HTTP date (``Tue, 15 Nov 1994 08:12:31 GMT``), to the second."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def is_not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """Whether the client's copy is current: ``If-None-Match`` decides if present, else ``If-Modified-Since``."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return modified.astimezone(UTC).replace(microsecond=0) <= since
    return False


def link_header(alternates: Iterable[Alternate], extra: Iterable[str] = (), *, server: str = "") -> str:
    """``Link: <url>; rel="alternate"; type="..."`` for every other representation; server paths are made
    absolute with ``server`` (``request.base_url``: the client's scheme, host and path prefix)."""
    links = [f'<{absolute(alt.url, server)}>; rel="alternate"; type="{alt.media_type}"' for alt in alternates]
    return ", ".join([*links, *extra])


def cache_headers(etag: str, modified: datetime, vary: str = "Accept") -> dict[str, str]:
    """Validators and ``Vary`` for a representation."""
    return {"ETag": etag, "Last-Modified": http_date(modified), "Vary": vary, "Cache-Control": "public, max-age=60"}


def not_modified(headers: Mapping[str, str]) -> Response:
    """A 304 carrying the validators and CORS/Vary headers of the full response."""
    keep = ("ETag", "Last-Modified", "Vary", "Cache-Control", "Link", *CORS)
    return Response(status_code=304, headers={k: v for k, v in headers.items() if k in keep})


P = ParamSpec("P")
CACHE_SIZE = 512
"""Answers kept per release (the most recently asked for)."""

_CHOOSING_HEADERS = ("accept", "accept-language")


def per_release(route: Callable[P, Awaitable[Response]]) -> Callable[P, Awaitable[Response]]:
    """Keep the route's successful answers for the current release (the route takes ``request`` by name)."""

    @functools.wraps(route)
    async def answer(*args: P.args, **kwargs: P.kwargs) -> Response:
        request = kwargs["request"]
        assert isinstance(request, Request)
        if request.method != "GET" or "if-none-match" in request.headers or "if-modified-since" in request.headers:
            return await route(*args, **kwargs)
        services = services_of(request)
        release = await services.release()
        kept: OrderedDict[tuple[str, ...], tuple[bytes, int, list[tuple[bytes, bytes]]]]
        kept = services.release_cache().setdefault("responses", OrderedDict())
        key = (
            release.tag,
            str(request.base_url),  # pages hold absolute URLs (canonical, hreflang): one answer per address used
            request.url.path,
            request.url.query,
            request.cookies.get(LANG_COOKIE, ""),
            *(request.headers.get(name, "") for name in _CHOOSING_HEADERS),
        )
        if key in kept:
            kept.move_to_end(key)
            body, status, headers = kept[key]
            return _replay(body, status, headers)
        response = await route(*args, **kwargs)
        produced = getattr(response, "body", None)
        if response.status_code == 200 and isinstance(produced, bytes):
            kept[key] = (produced, response.status_code, list(response.raw_headers))
            if len(kept) > CACHE_SIZE:
                kept.popitem(last=False)
        return response

    return answer


def _replay(body: bytes, status: int, headers: list[tuple[bytes, bytes]]) -> Response:
    response = Response(body, status_code=status)
    response.raw_headers = list(headers)
    return response
