"""``/sparql``: the SPARQL 1.1 Protocol query operation, read-only.

GET with ``?query=``, POST as a form or as ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` for graphs held here; the answer's format by ``Accept`` (q-values) or by a
``format``/``output`` parameter. Without a query, GET answers with the service description. Updates
are refused. The store is called in a worker thread, so a long query never blocks other requests; a query the
store answers at once (:meth:`~mzgraph.store.Store.quick`) is answered on the event loop.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from mzgraph import __version__
from mzgraph.rdf.formats import Family, Format, negotiate
from mzgraph.sparql.errors import QueryRejected
from mzgraph.store import QueryRequest, QueryResult, Store
from mzgraph.web.bodies import read_body
from mzgraph.web.caching import TRUNCATED_HEADER, cache_headers, etag_for, is_not_modified, not_modified
from mzgraph.web.query_log import QueryObservation
from mzgraph.web.routing import DirectRoute
from mzgraph.web.state import settings_of, store_of
from mzgraph.web.views.service_description import PREFIXES, describe_service

router = APIRouter(tags=["SPARQL"], route_class=DirectRoute)

"""Set when the row cap cut the results; its value is the cap (``max_rows``)."""

_FORM = "application/x-www-form-urlencoded"
_SPARQL_QUERY = "application/sparql-query"
_SPARQL_UPDATE = "application/sparql-update"
_POST_BODY = {
    "required": True,
    "content": {
        _SPARQL_QUERY: {"schema": {"type": "string"}, "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"},
        _FORM: {
            "schema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "format": {"type": "string"},
                },
                "required": ["query"],
            }
        },
    },
}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Results: SPARQL JSON/XML/CSV/TSV (SELECT, ASK) or Turtle/N-Triples/JSON-LD/RDF/XML "
        f"(CONSTRUCT, DESCRIBE). `{TRUNCATED_HEADER}` is set when the row cap cut them."
    },
    400: {"description": "Syntax error (with line and column), update, SERVICE, unknown graph, too big"},
    406: {"description": "No supported format matches Accept or format"},
    503: {"description": "Too many queries at once, or the store is unreachable (see Retry-After)"},
    504: {"description": "The query ran past its deadline and was stopped"},
}


_GET_PARAMETERS = [
    {
        "name": "query",
        "in": "query",
        "description": "The SPARQL query; without one, the service description",
        "schema": {"type": "string"},
    },
    {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {
        "name": "format",
        "in": "query",
        "description": "json, xml, csv, tsv, ttl, nt, jsonld, rdfxml or a media type",
        "schema": {"type": "string"},
    },
]


@router.head("/sparql", include_in_schema=False)
@router.get(
    "/sparql",
    responses=_ANSWERS,
    summary="Query (or describe the service)",
    openapi_extra={"parameters": _GET_PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via GET.

    The parameters are read from the query string as they are (the protocol's names are not Python names, and
    repeated ones are lists), not through FastAPI's per-parameter validation, which cost most of a small query.
    """
    store = store_of(request)
    params = request.query_params
    _refuse_update(params)
    query = params.getlist("query")
    format_name = params.get("format") or params.get("output")
    if not query:
        return await _service_description(request, store, format_name)
    defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    return await answer_query(request, store, _one(query), defaults, named, format_name)


@router.post("/sparql", responses=_ANSWERS, summary="Query", openapi_extra={"requestBody": _POST_BODY})
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol query via POST: an HTML form, or the query itself as the body."""
    store, settings = store_of(request), settings_of(request)
    media_type, _, parameters = request.headers.get("content-type", "").partition(";")
    media_type = media_type.strip().lower()
    url_params = request.query_params
    _refuse_update(url_params)
    if media_type == _SPARQL_UPDATE:
        raise _update_refused()
    if media_type not in (_FORM, _SPARQL_QUERY):
        raise HTTPException(
            415, f"send the query as {_FORM} (query=...) or as {_SPARQL_QUERY}; got {media_type or 'no Content-Type'}"
        )
    charset = _charset(parameters)
    if charset not in ("utf-8", "utf8"):
        raise HTTPException(415, f"the body must be UTF-8, not {charset}")
    body = await read_body(request, settings.max_body_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the body is not valid UTF-8") from None
    defaults, named = url_params.getlist("default-graph-uri"), url_params.getlist("named-graph-uri")
    if media_type == _SPARQL_QUERY:
        return await answer_query(request, store, text, defaults, named, _format(url_params))
    try:
        form = parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(400, "the form is not valid UTF-8") from None
    _refuse_update(form)
    defaults += form.get("default-graph-uri", [])
    named += form.get("named-graph-uri", [])
    return await answer_query(
        request, store, _one(form.get("query", [])), defaults, named, _format(form) or _format(url_params)
    )


_ALLOW = {"Allow": "GET, HEAD, POST, OPTIONS"}


@router.api_route("/sparql", methods=["OPTIONS", "PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    """OPTIONS lists the methods (CORS preflights are answered by the middleware); others are not allowed."""
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=_ALLOW)
    raise HTTPException(405, f"{request.method} is not allowed here: /sparql answers GET and POST", headers=_ALLOW)


async def answer_query(
    request: Request, store: Store, text: str, defaults: Sequence[str], named: Sequence[str], format_name: str | None
) -> Response:
    """Evaluate a query and answer it (for /sparql and the saved queries); a GET of a repeatable query carries
    validators, and a current copy gets a 304.

    The answer depends on the data release, the query, the dataset asked for and the format only (the row cap
    is a setting), so the ETag is made of those, and a client or cache that holds it is answered without
    evaluating anything. Queries using ``RAND``, ``NOW``, ``UUID`` or ``STRUUID`` get no validators.
    """
    accept = request.headers.get("accept")
    cacheable = request.method in ("GET", "HEAD")

    observed = QueryObservation(text, request.app.state.metrics)

    def evaluate(quick: QueryRequest | None) -> tuple[QueryResult | None, dict[str, str]]:
        with observed:
            prepared = quick or store.prepare(text, defaults, named)
            observed.kind = prepared.form.value
            fmt = negotiate(prepared.form.family, accept, format_name)
            headers = {"Vary": "Accept"}
            if cacheable and prepared.query.repeatable:
                release = store.release
                headers = cache_headers(_etag(release.tag, prepared, fmt), release.modified)  # CORS: the middleware
                if is_not_modified(request, headers["ETag"], release.modified):
                    observed.outcome = "not_modified"
                    return None, headers
            observed.result = store.run(prepared, fmt)
            return observed.result, headers

    quick = None if defaults or named else store.quick(text)
    if quick is not None:  # answered at once (a query bounded by its shape): a trip to a thread would cost more
        result, headers = evaluate(quick)
    else:
        result, headers = await anyio.to_thread.run_sync(evaluate, None)
    if result is None:
        return not_modified(headers)
    if result.truncated:
        headers[TRUNCATED_HEADER] = str(result.max_rows)
    return Response(result.body, media_type=result.format.content_type, headers=headers)


def _etag(release_tag: str, prepared: QueryRequest, fmt: Format) -> str:
    """A weak validator for one answer (weak: blank node labels may differ between evaluations)."""
    key = "\0".join([prepared.query.text, *prepared.default_graphs, "", *prepared.named_graphs, fmt.media_type])
    return "W/" + etag_for(release_tag, "sparql", hashlib.sha256(key.encode()).hexdigest()[:20])


async def _service_description(request: Request, store: Store, format_name: str | None) -> Response:
    fmt = negotiate(Family.GRAPH, request.headers.get("accept"), format_name)
    graphs = await anyio.to_thread.run_sync(store.named_graphs)
    endpoint = str(request.url.replace(query="", fragment=""))  # the client's scheme, host and prefix
    description = describe_service(endpoint, store.release, graphs, __version__)
    body = ox.serialize(description, format=fmt.rdf, prefixes=PREFIXES)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


def _one(values: Sequence[str]) -> str:
    if len(values) > 1:
        raise QueryRejected(f"send one query per request, not {len(values)}", code="multiple_queries")
    if not values:
        raise QueryRejected("no query: send it as the `query` parameter", code="missing_query")
    return values[0]


def _format(params: Mapping[str, list[str]] | Mapping[str, str]) -> str | None:
    """The ``format`` parameter, or ``output`` as SPARQLWrapper and Fuseki clients send it."""
    for name in ("format", "output"):
        value = params.get(name)
        first = value[0] if isinstance(value, list) and value else value
        if isinstance(first, str) and first:
            return first
    return None


def _refuse_update(params: Mapping[str, object]) -> None:
    if "update" in params:
        raise _update_refused()


def _update_refused() -> QueryRejected:
    return QueryRejected("this endpoint is read-only: updates are not accepted", code="update_rejected")


def _charset(parameters: str) -> str:
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return "utf-8"
