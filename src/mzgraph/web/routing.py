"""Routes whose endpoints read the request themselves, called without FastAPI's per-request dependency solving.

FastAPI solves an endpoint's parameters on every request: it walks the endpoint's dependency tree and validates
each parameter. The most requested routes, entity pages and ``/sparql``, take only the request and their path
parameters, and read the query string and headers themselves (the SPARQL protocol's parameter names are not
Python names, and repeat). For them the walk is pure overhead, the largest single part of a small query's time
in the app. A :class:`DirectRoute` calls such an endpoint with ``request`` and the path parameters as they are.

It is still an ``APIRoute``: its entry in the OpenAPI document (summary, the parameters declared in
``openapi_extra``, the responses) is the same, and errors raised by the endpoint reach the app's handlers.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute


class DirectRoute(APIRoute):
    """An ``APIRoute`` whose endpoint is ``async def endpoint(request, **path_parameters) -> Response``."""

    def __init__(self, path: str, endpoint: Callable[..., Awaitable[Response]], **kwargs: Any) -> None:
        taken = set(inspect.signature(endpoint).parameters)  # the signature behind functools.wraps decorators
        expected = {"request", *_path_parameters(path)}
        if taken != expected:
            raise TypeError(
                f"{endpoint.__qualname__} must take exactly {sorted(expected)} as a direct route, not {sorted(taken)}"
            )
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            response: Response = await endpoint(request=request, **request.path_params)
            return response

        return handler


def _path_parameters(path: str) -> list[str]:
    """The names of ``path``'s parameters: ``/id/{path:path}`` -> ``["path"]``."""
    return [part.split("}", 1)[0].split(":", 1)[0] for part in path.split("{")[1:]]
