"""The page tests' servers, made with the shared factories of ``conftest.py`` (real servers, never mocks).

Used with ``pytest_plugins = ["conftest_pages"]``: the bundled graph (``server``), the same with private data
loaded (``private_server``), one with hostile strings added (``hostile_server``), and the remote backend in
front of a real ``oxigraph serve`` holding the bundled graph (``remote_server``). Each yields a base URL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from common import PRIVATE_FIXTURES
from mzgraph.bundled import bundled_graph_files
from mzgraph.rdf.reading import read_files

FIXTURES = Path(__file__).parents[1] / "fixtures" / "pages"


@pytest.fixture(scope="session")
def server(live_server: Any) -> str:
    """The app on the bundled graph (embedded store)."""
    url: str = live_server.url
    return url


@pytest.fixture(scope="session")
def private_server(start_server: Callable[..., Any]) -> str:
    """The app configured to load private data too (the dumps must still leave it out)."""
    url: str = start_server(include_private=True, private_data=PRIVATE_FIXTURES).url
    return url


@pytest.fixture(scope="session")
def hostile_server(start_server: Callable[..., Any]) -> str:
    """The bundled graph plus an employer whose strings try to break out of the page."""
    url: str = start_server(data_paths=[*bundled_graph_files(), FIXTURES / "hostile.ttl"]).url
    return url


@pytest.fixture(scope="session")
def remote_server(start_server: Callable[..., Any], start_oxigraph: Callable[[], Any]) -> str:
    """The app on the remote backend, in front of ``oxigraph serve`` loaded with the bundled graph."""
    store = start_oxigraph()
    nquads = ox.serialize(read_files(bundled_graph_files()), format=ox.RdfFormat.N_QUADS)
    headers = {"Content-Type": "application/n-quads"}
    httpx.post(store.store_url, content=nquads, headers=headers, timeout=60).raise_for_status()
    url: str = start_server(backend="remote", sparql_endpoint=store.query_url).url
    return url
