"""Fixtures of the web tests: the page servers, headless Chromium, and where screenshots go.

The servers are made with the shared factories of ``tests/conftest.py`` (real servers, never mocks): the
bundled graph (``server``), the same with private data loaded (``private_server``), one with hostile strings
added (``hostile_server``), and the remote backend in front of a real ``oxigraph serve`` holding the bundled
graph (``remote_server``). Each yields a base URL. ``browser`` is Debian's Chromium, headless, driven by
Playwright; ``screenshots`` is the folder named by ``MZGRAPH_SCREENSHOTS``, else one under pytest's temporary
folder, for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder for screenshots: ``MZGRAPH_SCREENSHOTS`` if set, else a fresh one under pytest's temporary folder."""
    named = os.environ.get("MZGRAPH_SCREENSHOTS")
    if not named:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(named)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: browser builds cannot be downloaded here, so Playwright drives this one."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (a Playwright ``Browser``) for the module's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
