"""Live servers for the page tests: ``create_app`` under uvicorn on 127.0.0.1 (a free port), over real stores.

Used with ``pytest_plugins = ["conftest_pages"]`` in the page test modules: the embedded store on the
bundled graph, the same with private data loaded, one with hostile strings added, and the remote
backend in front of a real ``oxigraph serve`` process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from mzgraph.config import Settings
from mzgraph.conformance.servers import AppRunner, oxigraph_server, replace_oxigraph_data
from mzgraph.rdf_io import read_files
from mzgraph.resources import bundled_graph_files
from mzgraph.web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures" / "pages"


@contextmanager
def live(settings: Settings) -> Iterator[str]:
    """Serve ``create_app(settings)``; yields its base URL."""
    with AppRunner() as runner, runner.serve(create_app(settings)) as url:
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
    with live(Settings(data_paths=[*bundled_graph_files(), FIXTURES / "hostile.ttl"])) as url:
        yield url


@pytest.fixture(scope="session")
def remote_server() -> Iterator[str]:
    """The app on the remote backend, in front of ``oxigraph serve`` loaded with the bundled graph."""
    nquads = ox.serialize(read_files(bundled_graph_files()), format=ox.RdfFormat.N_QUADS)
    with oxigraph_server() as store_url, httpx.Client(timeout=60) as client:
        replace_oxigraph_data(client, store_url, nquads)
        with live(Settings(backend="remote", sparql_endpoint=f"{store_url}/query")) as url:
            yield url
