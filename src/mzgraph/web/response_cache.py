"""Answers kept per data release: the data cannot change within a release, so neither can a page.

A route decorated with :func:`per_release` is answered from memory when the same request (path, query,
and the headers that choose the representation and the language) was answered before in the same
release. Conditional requests go to the route, which answers them with a cheap 304.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import ParamSpec

from fastapi import Request
from fastapi.responses import Response

from mzgraph.web.responses import LANG_COOKIE
from mzgraph.web.state import services_of

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
        key = (release.tag, request.url.path, request.url.query, request.cookies.get(LANG_COOKIE, ""),
               *(request.headers.get(name, "") for name in _CHOOSING_HEADERS))  # fmt: skip
        if key in kept:
            kept.move_to_end(key)
            body, status, headers = kept[key]
            return _replay(body, status, headers)
        response = await route(*args, **kwargs)
        if response.status_code == 200 and isinstance(getattr(response, "body", None), bytes):
            kept[key] = (response.body, response.status_code, list(response.raw_headers))
            if len(kept) > CACHE_SIZE:
                kept.popitem(last=False)
        return response

    return answer


def _replay(body: bytes, status: int, headers: list[tuple[bytes, bytes]]) -> Response:
    response = Response(body, status_code=status)
    response.raw_headers = list(headers)
    return response

