"""App state, reached from this one module: the settings and store as FastAPI dependencies (tests and other apps
can override them), and the page services. The dependencies are coroutines: FastAPI would run a plain function
in a worker thread for every request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mzgraph.config import Settings
from mzgraph.store import Store
from mzgraph.web.services import PageServices


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> Store:
    """The app's store (blocking calls: run them in a thread)."""
    store: Store = request.app.state.store
    return store


def services_of(request: Request) -> PageServices:
    """The app's page services (made by ``create_app``)."""
    found: PageServices = request.app.state.page_services
    return found


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
