"""App state, reached from this one module: the settings, the store and the page services of a request's app, as
plain functions (for the direct routes of :mod:`mzgraph.web.routing`) and as FastAPI dependencies. The
dependencies are coroutines: FastAPI would run a plain function in a worker thread for every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mzgraph.config import Settings
from mzgraph.store import Store
from mzgraph.web.services import PageServices


def settings_of(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def store_of(request: Request) -> Store:
    """The app's store (blocking calls: run them in a thread)."""
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    """:func:`settings_of`, as a dependency."""
    return settings_of(request)


async def get_store(request: Request) -> Store:
    """:func:`store_of`, as a dependency."""
    return store_of(request)


def services_of(request: Request) -> PageServices:
    """The app's page services (made by ``create_app``)."""
    found: PageServices = request.app.state.page_services
    return found


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
