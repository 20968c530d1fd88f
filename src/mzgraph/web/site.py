"""Mounting the linked-data site on the app: page services, routers, static files, HTML errors.

``create_app`` calls :func:`install` once; everything the pages add lives behind this one call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from mzgraph.config import Settings
from mzgraph.errors import ErrorBody
from mzgraph.store import Store
from mzgraph.web import errors
from mzgraph.web.responses import error
from mzgraph.web.routes import dataset as dumps
from mzgraph.web.routes import dereference as resources
from mzgraph.web.routes import pages, validate
from mzgraph.web.services import PageServices
from mzgraph.web.templating import static_files


def install(app: FastAPI, settings: Settings, store: Store) -> None:
    """Add the pages to ``app``: their services on ``app.state.page_services``, closed when the app stops."""
    services = PageServices(settings, store)
    app.state.page_services = services
    for module in (pages, resources, dumps, validate):
        app.include_router(module.router)
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


def render_error(request: Request, status: int, body: ErrorBody, headers: Mapping[str, str]) -> Response:
    """Errors of the whole app in the one shape: an HTML page for browsers, JSON for everyone else."""
    return error(request, status, body.error, body.message, body.detail, headers=headers)
