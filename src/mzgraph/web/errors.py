"""Every error the app answers with has one shape, ``{"error": code, "message": ..., "detail": ...}``.

:func:`install` registers the handlers; the statuses of query errors are chosen here, in one table.
The renderer is a parameter so that the pages can answer browsers with an HTML page of the same fields.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from mzgraph.errors import ErrorBody, InputError
from mzgraph.rdf.formats import NotAcceptable
from mzgraph.release import BadCursor, BadRequest
from mzgraph.sparql.errors import (
    QueryCrashed,
    QueryError,
    QueryFailed,
    QueryRejected,
    QueryTimeout,
    StoreBusy,
    StoreFailed,
    StoreUnavailable,
)

Renderer = Callable[[Request, int, ErrorBody, Mapping[str, str]], Response]
"""Turns (request, status, body, headers) into a response."""

QUERY_ERROR_STATUS: dict[type[QueryError], int] = {
    QueryRejected: 400,
    QueryFailed: 500,
    StoreFailed: 502,
    QueryCrashed: 500,
    QueryTimeout: 504,
    StoreBusy: 503,
    StoreUnavailable: 503,
}

_HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
}
_log = logging.getLogger("mzgraph.web")


def json_error(request: Request, status: int, body: ErrorBody, headers: Mapping[str, str]) -> Response:
    """The error body as JSON."""
    return JSONResponse(body.as_dict(), status_code=status, headers=dict(headers))


def query_error_response(error: QueryError) -> tuple[int, ErrorBody, dict[str, str]]:
    """Status, body and headers for a query error (``Retry-After`` on the temporary ones)."""
    status = next((s for cls, s in QUERY_ERROR_STATUS.items() if isinstance(error, cls)), 500)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, StoreBusy | StoreUnavailable) else {}
    return status, error.body(), headers


def install(app: FastAPI, render: Renderer = json_error) -> None:
    """Answer every error of ``app`` in the one error shape, drawn by ``render``."""

    async def on_query_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, QueryError)
        status, body, headers = query_error_response(error)
        return render(request, status, body, headers)

    async def on_not_acceptable(request: Request, error: Exception) -> Response:
        assert isinstance(error, NotAcceptable)
        message = f"cannot answer with {error.asked}; ask for one of: {', '.join(error.supported)}"
        return render(request, 406, ErrorBody("not_acceptable", message, {"supported": error.supported}), {})

    async def on_input_error(request: Request, error: Exception) -> Response:
        return render(request, 400, ErrorBody("bad_input", str(error)), {})

    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        code = _HTTP_CODES.get(error.status_code, f"http_{error.status_code}")
        return render(request, error.status_code, ErrorBody(code, str(error.detail)), dict(error.headers or {}))

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in error.errors()]
        body = ErrorBody("bad_request", "; ".join(problems) or "invalid request", {"errors": problems})
        return render(request, 400, body, {})

    async def on_index_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, BadCursor | BadRequest)
        return render(request, 400, ErrorBody(error.code, error.message, error.detail or None), {})

    async def on_unexpected(request: Request, error: Exception) -> Response:
        # the traceback goes to the log, with the request id; the client gets the id to quote, never the traceback
        _log.exception("unexpected error answering %s %s", request.method, request.url.path)
        ident = getattr(request.state, "request_id", None)
        message = "something went wrong on the server; it has been logged"
        body = ErrorBody("internal_error", message + (f" as request {ident}" if ident else ""), {"request_id": ident})
        return render(request, 500, body, {"X-Request-ID": ident} if ident else {})

    app.add_exception_handler(QueryError, on_query_error)
    app.add_exception_handler(NotAcceptable, on_not_acceptable)
    app.add_exception_handler(InputError, on_input_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(BadCursor, on_index_error)
    app.add_exception_handler(BadRequest, on_index_error)
    app.add_exception_handler(Exception, on_unexpected)
