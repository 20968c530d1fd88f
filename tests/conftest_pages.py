"""Live servers for the page tests: the app on 127.0.0.1 (random free port) over a real store.

Used with ``pytest_plugins = ["conftest_pages"]`` in the page test modules. ``create_app`` is used when
the web package provides it; until then the page routers are mounted on a bare FastAPI app over the same
store (``open_store``), so the tests exercise exactly the routes they name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI

from mzgraph.config import Settings
from mzgraph.conformance.servers import AppRunner
from mzgraph.resources import bundled_graph_files

FIXTURES = Path(__file__).parent / "fixtures" / "pages"


def build_app(settings: Settings) -> FastAPI:
    """The app under test."""
    try:
        from mzgraph.web.app import create_app
    except ImportError:
        return _pages_only_app(settings)
    return create_app(settings)


def _pages_only_app(settings: Settings) -> FastAPI:
    from contextlib import asynccontextmanager

    from mzgraph.store import open_store
    from mzgraph.web import dumps, pages, resources, validate
    from mzgraph.web.render import static_files
    from mzgraph.web.services import PageServices

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Iterator[None]:  # type: ignore[misc]
        store = open_store(settings)
        app.state.page_services = PageServices(settings, store)
        yield
        app.state.page_services.close()
        store.close()

    app = FastAPI(lifespan=lifespan)
    for module in (pages, resources, dumps, validate):
        app.include_router(module.router)
    app.mount("/static", static_files(), name="static")
    return app


@contextmanager
def live(settings: Settings) -> Iterator[str]:
    """Serve the app for ``settings``; yields its base URL."""
    with AppRunner() as runner, runner.serve(build_app(settings)) as url:
        yield url


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The app on the bundled graph (embedded store)."""
    with live(Settings()) as url:
        yield url


@pytest.fixture(scope="session")
def private_server() -> Iterator[str]:
    """The app configured to load data/private/ too (the dumps must still leave it out)."""
    with live(Settings(include_private=True)) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[str]:
    """The bundled graph plus an employer whose strings try to break out of the page."""
    files = [*bundled_graph_files(), FIXTURES / "hostile.ttl"]
    with live(Settings(data_paths=files)) as url:
        yield url


ServerFactory = Callable[[Settings], "contextmanager[str]"]
