"""The query page (``/query``) and the saved queries as an API (``/queries``, ``/queries/{name}``).

Each saved query gets a route of its own, so the OpenAPI page documents its parameters (type, default,
description) and formats. A value is checked against its parameter's type and bound as an RDF term
(:mod:`mzgraph.sparql.saved`); the bound query is answered exactly like the same text sent to
``/sparql``, with the same deadline, row cap, formats and error body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from mzgraph.rdf import formats
from mzgraph.rdf.formats import Family
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.sparql.saved import FORMAT_PARAMETER, Parameter, ParameterError, SavedQuery
from mzgraph.store import Store
from mzgraph.web.responses import page
from mzgraph.web.routes import sparql
from mzgraph.web.state import SettingsDep, StoreDep

ENDPOINT = "/sparql"

DOWNLOAD_NAMES: dict[str, tuple[str, str]] = {
    formats.SPARQL_JSON.media_type: ("JSON", "srj"),
    formats.SPARQL_XML.media_type: ("XML", "srx"),
    formats.CSV.media_type: ("CSV", "csv"),
    formats.TSV.media_type: ("TSV", "tsv"),
    formats.TURTLE.media_type: ("Turtle", "ttl"),
    formats.N_TRIPLES.media_type: ("N-Triples", "nt"),
    formats.JSON_LD.media_type: ("JSON-LD", "jsonld"),
    formats.RDF_XML.media_type: ("RDF/XML", "rdf"),
}
"""The label and file extension of each result format, for the download links."""

STARTER_QUERY = """SELECT ?employer ?name WHERE {
  ?employer a/rdfs:subClassOf* mz:Employer ;
            rdfs:label ?name .
  FILTER(LANGMATCHES(LANG(?name), "en"))
}
ORDER BY ?name
LIMIT 25
"""
"""What the editor holds on a first visit, after the prefixes."""

SAVED_QUERY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A value that does not fit its parameter's type, or a parameter the query does not have"},
    406: {"description": "No solutions format matches Accept or format"},
    504: {"description": "The query ran past its deadline and was stopped"},
}

_OPENAPI_SCHEMA: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "iri"},
    "int": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "string": {"type": "string", "maxLength": 1000},
    "lang-string": {"type": "string", "pattern": r"^.+@[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$"},
}


class ParameterInfo(BaseModel):
    """One parameter of a saved query."""

    name: str = Field(description="Query-string parameter name; ?name in the query.")
    type: str = Field(description="iri, int, date (YYYY-MM-DD), string or lang-string (text@tag).")
    default: str = Field(description="Used when the parameter is not given.")
    description: str


class SavedQueryInfo(BaseModel):
    """A saved query as ``GET /queries`` lists it."""

    name: str
    title: str
    description: str
    parameters: list[ParameterInfo]
    url: str = Field(description="Where it answers, as SPARQL Results JSON, XML, CSV or TSV.")
    query: str = Field(description="The SPARQL text; parameters are bound in a VALUES row of its WHERE group.")


@dataclass(frozen=True)
class Download:
    """A download link of the query page: the ``format`` name /sparql accepts and its result family."""

    format: str
    family: str
    label: str
    extension: str


@dataclass(frozen=True)
class QueryPage:
    """What the query page shows; ``config`` is what its script reads."""

    endpoint: str
    initial: str
    examples: list[SavedQueryInfo]
    downloads: list[Download]
    selected: str | None
    config: dict[str, Any]


def info(query: SavedQuery) -> SavedQueryInfo:
    """The listing of one saved query."""
    parameters = [
        ParameterInfo(name=p.name, type=p.type, default=p.default, description=p.description) for p in query.parameters
    ]
    return SavedQueryInfo(
        name=query.name,
        title=query.title,
        description=query.description,
        parameters=parameters,
        url=f"/queries/{query.name}",
        query=query.text,
    )


def downloads() -> list[Download]:
    """A download link per result format, solutions formats first."""
    return [
        Download(fmt.names[0], family.value, *DOWNLOAD_NAMES[fmt.media_type])
        for family in (Family.SOLUTIONS, Family.GRAPH)
        for fmt in formats.FORMATS[family]
    ]


def query_page(
    queries: Mapping[str, SavedQuery], base_iri: str, selected: str | None, endpoint: str = ENDPOINT, root: str = ""
) -> QueryPage:
    """The page's content: prefixes and a starter query, the examples (bound to their defaults), downloads;
    ``endpoint`` is the SPARQL endpoint's address as the reader reaches it, ``root`` the path prefix of the
    server's pages (entity links in the results go there)."""
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    initial = prologue + "\n" + STARTER_QUERY
    examples = [info(query) for query in queries.values()]
    chosen = selected if selected in queries else None
    config = {
        "endpoint": endpoint,
        "base": base_iri,
        "root": root,
        "initial": initial,
        "selected": chosen,
        "examples": [{"name": q.name, "query": q.bind()} for q in queries.values()],
    }
    return QueryPage(endpoint, initial, examples, downloads(), chosen, config)


def parameter_values(request: Request) -> dict[str, str]:
    """The saved query's parameter values from the query string (the ``format`` parameter left out)."""
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name == FORMAT_PARAMETER:
            continue
        if name in values:
            raise ParameterError(f"give the parameter {name!r} once", detail={"parameter": name})
        values[name] = value
    return values


def openapi_parameter(parameter: Parameter) -> dict[str, Any]:
    """The OpenAPI description of one saved-query parameter."""
    schema = dict(_OPENAPI_SCHEMA[parameter.type])
    schema["default"] = int(parameter.default) if parameter.type == "int" else parameter.default
    return {
        "name": parameter.name,
        "in": "query",
        "required": False,
        "description": parameter.description,
        "schema": schema,
    }


def openapi_extra(query: SavedQuery) -> dict[str, Any]:
    """Parameters and response formats of a saved query's route, for the OpenAPI page."""
    names = [fmt.names[0] for fmt in formats.FORMATS[Family.SOLUTIONS]]
    format_parameter = {
        "name": FORMAT_PARAMETER,
        "in": "query",
        "required": False,
        "description": "The result format, instead of the Accept header",
        "schema": {"type": "string", "enum": names},
    }
    media_types: dict[str, dict[str, object]] = {fmt.media_type: {} for fmt in formats.FORMATS[Family.SOLUTIONS]}
    return {
        "parameters": [*(openapi_parameter(p) for p in query.parameters), format_parameter],
        "responses": {"200": {"description": "The results (SPARQL 1.1 Query Results)", "content": media_types}},
    }


def saved_query_route(query: SavedQuery) -> Callable[[Request, Store], Awaitable[Response]]:
    """The route answering ``query``: its parameters bound from the query string, then as ``/sparql`` would."""

    async def run_saved_query(request: Request, store: StoreDep) -> Response:
        text = query.bind(parameter_values(request))
        return await sparql.answer_query(request, store, text, (), (), request.query_params.get(FORMAT_PARAMETER))

    return run_saved_query


def query_router(queries: Mapping[str, SavedQuery]) -> APIRouter:
    """``/query``, ``/queries`` and a documented route per saved query."""
    router = APIRouter()

    @router.get("/query", tags=["pages"], summary="The query page", response_class=HTMLResponse)
    async def query_editor(request: Request, settings: SettingsDep, example: str | None = None) -> Response:
        """Write and run SPARQL queries, starting from the examples; ``example`` loads one into the editor."""
        endpoint = str(request.base_url) + ENDPOINT.lstrip("/")  # the reader's scheme, host and path prefix
        view = query_page(queries, settings.base_iri, example, endpoint, settings.root_path)
        return page(request, "query.html", {"nav": "query", "view": view})

    @router.get("/queries", tags=["saved queries"], summary="List the saved queries")
    async def list_saved_queries() -> list[SavedQueryInfo]:
        """Every saved query: what it answers, its parameters (with types and defaults) and its URL."""
        return [info(query) for query in queries.values()]

    for query in queries.values():
        router.add_api_route(
            f"/queries/{query.name}",
            saved_query_route(query),
            methods=["GET"],
            name=f"saved-query:{query.name}",
            tags=["saved queries"],
            summary=query.title,
            description=query.description,
            response_class=Response,
            responses=SAVED_QUERY_ERRORS,
            openapi_extra=openapi_extra(query),
        )

    @router.get("/queries/{name}", include_in_schema=False)
    async def unknown_saved_query(name: str) -> Response:
        raise HTTPException(404, f"there is no saved query {name!r}; GET /queries lists them: {', '.join(queries)}")

    return router
