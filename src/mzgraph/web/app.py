"""``create_app(settings)``: the FastAPI app. Nothing happens at import time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response

from mzgraph import __version__
from mzgraph.bundled import queries_dir, rdf_files, shapes_dir
from mzgraph.config import Settings
from mzgraph.entities.describe import describe_triples
from mzgraph.errors import ErrorBody
from mzgraph.rdf.namespaces import PREFIXES
from mzgraph.release.serving import IndexHandle
from mzgraph.sparql.saved import load_saved_queries
from mzgraph.store import Store, open_store
from mzgraph.web import errors
from mzgraph.web.caching import EXPOSED_HEADERS
from mzgraph.web.metrics import Metrics
from mzgraph.web.middleware.access import AccessLog
from mzgraph.web.middleware.compression import Compression
from mzgraph.web.middleware.head import HeadAsGet
from mzgraph.web.middleware.headers import FixedHeaders
from mzgraph.web.responses import error
from mzgraph.web.routes import api_docs, crawlers, dataset, dereference, health, pages, queries, sparql, validate
from mzgraph.web.routes import metrics as metrics_route
from mzgraph.web.services import PageServices
from mzgraph.web.templating import static_files


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The app serving ``store`` (by default the store ``settings`` describe, opened now).

    Opening the store here, not at start-up, makes bad data fail before a server starts; the store
    is closed when the app shuts down. ``app.state.settings`` and ``app.state.store`` are what the
    routers depend on (see :mod:`mzgraph.web.state`), and ``app.state.release_index`` (an
    :class:`~mzgraph.release.serving.IndexHandle`): the release index of an on-disk or remote store is opened
    here, so one of another release refuses to start; data in memory has its index built at start-up.
    """
    settings = settings or Settings()
    store = store or open_store(settings)
    index = IndexHandle(settings, store, shapes=rdf_files(shapes_dir()), prefixes=PREFIXES, describe=describe_triples)
    if not index.built_at_start:
        try:
            index.open()
        except BaseException:
            store.close()
            raise

    metrics = Metrics(settings.metrics_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await asyncio.to_thread(index.open)  # built once per release; other workers wait for it, then open it
            yield
        finally:
            metrics.close()
            index.close()
            store.close()

    app = FastAPI(
        title="mzgraph",
        version=__version__,
        description="Linked data and a SPARQL 1.1 endpoint for Dutch carer-friendly employers.",
        lifespan=lifespan,
        docs_url=None,  # served by api_docs with the vendored Swagger UI instead of a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.release_index = index
    app.state.metrics = metrics
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=list(EXPOSED_HEADERS),
        max_age=86400,
    )
    app.add_middleware(Compression)
    app.add_middleware(HeadAsGet)  # outside compression: HEAD gets the headers of the compressed GET
    app.add_middleware(FixedHeaders)
    app.add_middleware(AccessLog, observer=metrics.observe_request)  # outermost: sees what the client gets
    errors.install(app)
    install(app, settings, store)  # every route but the API documents FastAPI adds
    return app


def create_app_from_environment() -> FastAPI:
    """The app with settings from ``MZGRAPH_*`` variables (for ``uvicorn --factory`` and several workers)."""
    return create_app(Settings())


def install(app: FastAPI, settings: Settings, store: Store) -> None:
    """Add the routes to ``app``, the pages' services on ``app.state.page_services``, closed when the app stops."""
    services = PageServices(settings, store, app.state.release_index)
    app.state.page_services = services
    saved = queries.query_router(load_saved_queries(queries_dir()))  # /query, /queries
    for router in (
        dereference.router,
        sparql.router,
        pages.router,
        dataset.router,
        saved,
        health.router,
        metrics_route.router,
        api_docs.router,
        validate.router,
        crawlers.router,
    ):
        add_routes(app, router)
    app.mount("/static", static_files(), name="static")
    errors.install(app, render=render_error)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        services.warm_up()
        try:
            async with inner(application) as state:
                yield state
        finally:
            services.close()

    app.router.lifespan_context = lifespan


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """Put ``router``'s routes at the end of the app's own list, so that a request is matched once, in order.

    ``include_router`` keeps each router as a nested router (FastAPI 0.165), and a request is matched against
    every route of each router before its own, twice. The routes' tags, dependencies and responses are their
    router's, set when they were declared, so the OpenAPI document is the same. The most requested routes
    (entity pages, ``/sparql``) come first.
    """
    app.router.routes.extend(router.routes)


def render_error(request: Request, status: int, body: ErrorBody, headers: Mapping[str, str]) -> Response:
    """Errors of the whole app in the one shape: an HTML page for browsers, JSON for everyone else."""
    return error(request, status, body.error, body.message, body.detail, headers=headers)
